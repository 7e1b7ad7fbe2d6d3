// What every function that notifies (router, sweeper) gets: the incident table, publish on the topics of
// the configured SNS sinks and their key, and read access to exactly the configured sinks' secret
// parameters, all derived from the sink specs (lambdas/core/notify/sink-catalog.ts). Shared so both stay
// least-privilege in the same way.
import { Aws, Stack, Validations } from 'aws-cdk-lib';
import type { DeadlineTargets } from './deadline-schedules.ts';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, type Role } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { TopicName } from '../lambdas/core/notify/ports.ts';
import { configuredSinks, deployedSinks, sinkSecrets, type SinksInput } from '../lambdas/core/notify/sink-catalog.ts';
import { METRIC_NAMESPACE } from '../lambdas/core/constants.ts';
import type { AlertingVariables } from '../lambdas/functions/router/env.ts';
import { OPEN_BY_SOURCE_INDEX } from '../lambdas/core/constants.ts';

export interface NotificationTargets {
  readonly incidentTable: ITable;
  readonly pageTopic: ITopic;
  readonly chatopsTopic: ITopic;
  /**
   * The secondary's page topic, when `sinks.pageSecondary` is configured.
   * @default - none
   */
  readonly pageSecondaryTopic?: ITopic;
  /** Key of the topics (and the dead-letter queue). */
  readonly encryptionKey: IKey;
  /**
   * The config's `sinks` (SSM parameter names, never secrets): what each function may read and publish to,
   * and what it receives as SINKS.
   * @default - the page and chatops topics only
   */
  readonly sinks?: SinksInput;
  /**
   * The ack intake's URL and the ack-link key's SSM parameter: pages then carry an ack link.
   * @default - no ack links
   */
  readonly ackLinks?: AckLinkTarget;
  /** Incident deadlines (deadline-schedules.ts): the function may create one-time schedules in this group. @default - none */
  readonly deadlines?: DeadlineTargets;
}

export interface AckLinkTarget {
  readonly url: string;
  readonly secretParameter: string;
  readonly lifetimeMinutes: number;
  readonly kmsKeyArn?: string;
}

/**
 * `tableActions` on the incident table itself; `queryOpenIndex` adds Query on the sparse open-by-source
 * index only (the router's per-report lookup; nothing queries the table itself).
 */
export function grantNotificationAccess(role: Role, targets: NotificationTargets, tableActions: string[], queryOpenIndex = false): void {
  // Named ARNs instead of ITable.grant: with an index on the table, grant() adds `<table>/index/*`.
  const tableArn = targets.incidentTable.tableArn;
  role.addToPolicy(new PolicyStatement({ sid: 'IncidentTable', actions: tableActions, resources: [tableArn] }));
  if (queryOpenIndex) {
    role.addToPolicy(
      new PolicyStatement({
        sid: 'OpenIncidentsBySource',
        actions: ['dynamodb:Query'],
        resources: [`${tableArn}/index/${OPEN_BY_SOURCE_INDEX}`],
      }),
    );
  }
  role.addToPolicy(
    new PolicyStatement({
      sid: 'PublishAlerts',
      actions: ['sns:Publish'],
      resources: publishedTopics(targets).map((topic) => topic.topicArn),
    }),
  );
  // SNS and SQS encrypt with the alerting key on the publisher's behalf.
  role.addToPolicy(
    new PolicyStatement({
      sid: 'UseAlertingKey',
      actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
      resources: [targets.encryptionKey.keyArn],
    }),
  );
  grantSinkSecrets(role, targets);
  grantAckLinkKey(role, targets.ackLinks);
  grantDeadlineScheduling(role, targets);
}

/** The topics of the configured SNS sinks, each once. */
function publishedTopics(targets: NotificationTargets): ITopic[] {
  const byName: Record<TopicName, ITopic | undefined> = {
    page: targets.pageTopic,
    chatops: targets.chatopsTopic,
    'page-secondary': targets.pageSecondaryTopic,
  };
  const names = configuredSinks(targets.sinks ?? {}).flatMap((instance) => (instance.spec.topic ? [instance.spec.topic] : []));
  return [...new Set(names)].map((name) => {
    const topic = byName[name];
    if (!topic) throw new Error(`sink topic "${name}" is configured but the stack created no such topic`);
    return topic;
  });
}

/**
 * Read access to exactly the SSM parameters of the configured sinks' secrets (ARNs by name), and
 * kms:Decrypt through SSM on the customer keys that encrypt them, if any (the aws/ssm key needs no grant:
 * its key policy already allows the account's principals through SSM).
 */
function grantSinkSecrets(role: Role, targets: NotificationTargets): void {
  const sinks = sinkSecrets(targets.sinks ?? {}).map((s) => s.secret);
  if (sinks.length === 0) return;
  role.addToPolicy(
    new PolicyStatement({
      sid: 'ReadSinkSecrets',
      actions: ['ssm:GetParameter'],
      resources: sinks.map((s) => `arn:${Aws.PARTITION}:ssm:${Aws.REGION}:${Aws.ACCOUNT_ID}:parameter${s.parameter}`),
    }),
  );
  const keys = [...new Set(sinks.flatMap((s) => (s.kmsKeyArn ? [s.kmsKeyArn] : [])))];
  if (keys.length === 0) return;
  role.addToPolicy(
    new PolicyStatement({
      sid: 'DecryptSinkSecrets',
      actions: ['kms:Decrypt'],
      resources: keys,
      conditions: { StringEquals: { 'kms:ViaService': `ssm.${Aws.REGION}.amazonaws.com` } },
    }),
  );
}

/** CreateSchedule in the deadlines group only, and passing exactly the invoker role to EventBridge Scheduler. */
export function grantDeadlineScheduling(role: Role, targets: Pick<NotificationTargets, 'deadlines'>): void {
  if (!targets.deadlines) return;
  const { groupName, invokerRole } = targets.deadlines;
  role.addToPolicy(
    new PolicyStatement({
      sid: 'ScheduleDeadlines',
      actions: ['scheduler:CreateSchedule'],
      resources: [`arn:${Aws.PARTITION}:scheduler:${Aws.REGION}:${Aws.ACCOUNT_ID}:schedule/${groupName}/*`],
    }),
  );
  role.addToPolicy(
    new PolicyStatement({
      sid: 'PassDeadlineInvokerRole',
      actions: ['iam:PassRole'],
      resources: [invokerRole.roleArn],
      conditions: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
    }),
  );
  Validations.of(role).acknowledge({
    id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:schedule/${groupName}/*]`,
    reason:
      "Each incident deadline is a one-time schedule named at run time (incident, episode, kind, minute); the grant is CreateSchedule in this stack's deadlines group only.",
  });
}

/** Environment names read by lambdas/functions/router/env.ts (alertingFields); never a secret value. */
export function notificationEnvironment(targets: NotificationTargets, settingsJson: string): AlertingVariables {
  return {
    INCIDENT_TABLE: targets.incidentTable.tableName,
    PAGE_TOPIC_ARN: targets.pageTopic.topicArn,
    CHATOPS_TOPIC_ARN: targets.chatopsTopic.topicArn,
    ...(targets.pageSecondaryTopic ? { PAGE_SECONDARY_TOPIC_ARN: targets.pageSecondaryTopic.topicArn } : {}),
    ROUTER_SETTINGS: settingsJson,
    SINKS: JSON.stringify(deployedSinks(targets.sinks ?? {})),
    ...(targets.ackLinks
      ? {
          ACK_LINK_URL: targets.ackLinks.url,
          ACK_LINK_SECRET_PARAMETER: targets.ackLinks.secretParameter,
          ACK_LINK_MINUTES: String(targets.ackLinks.lifetimeMinutes),
        }
      : {}),
    ...(targets.deadlines ? { DEADLINE_SCHEDULER: deadlineSchedulerVariable(Stack.of(targets.incidentTable), targets.deadlines) } : {}),
    POWERTOOLS_METRICS_NAMESPACE: METRIC_NAMESPACE,
  } satisfies AlertingVariables;
}

/** DEADLINE_SCHEDULER: the group, the function a wake-up invokes, the role it assumes and the dead-letter queue (never a secret). */
export function deadlineSchedulerVariable(stack: Stack, deadlines: DeadlineTargets): string {
  return stack.toJsonString({
    groupName: deadlines.groupName,
    targetArn: deadlines.sweeperArn,
    roleArn: deadlines.invokerRole.roleArn,
    deadLetterArn: deadlines.deadLetterQueue.queueArn,
  });
}

/** Read access to the ack-link key (the page signs each link with it), and its customer key through SSM if any. */
function grantAckLinkKey(role: Role, ackLinks: AckLinkTarget | undefined): void {
  if (!ackLinks) return;
  role.addToPolicy(
    new PolicyStatement({
      sid: 'ReadAckLinkKey',
      actions: ['ssm:GetParameter'],
      resources: [`arn:${Aws.PARTITION}:ssm:${Aws.REGION}:${Aws.ACCOUNT_ID}:parameter${ackLinks.secretParameter}`],
    }),
  );
  if (!ackLinks.kmsKeyArn) return;
  role.addToPolicy(
    new PolicyStatement({
      sid: 'DecryptAckLinkKey',
      actions: ['kms:Decrypt'],
      resources: [ackLinks.kmsKeyArn],
      conditions: { StringEquals: { 'kms:ViaService': `ssm.${Aws.REGION}.amazonaws.com` } },
    }),
  );
}
