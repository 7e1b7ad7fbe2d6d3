// What every function that notifies (router, sweeper) gets: the incident table, the two topics and their
// key, and read access to exactly the sinks' secret parameters (PagerDuty, Opsgenie, Splunk On-Call,
// webhooks). Shared so both stay least-privilege in the same way.
import { Aws, Stack, Validations } from 'aws-cdk-lib';
import type { DeadlineTargets } from './deadline-schedules.ts';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, type Role } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { HttpSinks } from '../lambdas/core/notify/http-sinks.ts';
import { httpSinksOf } from '../lambdas/core/notify/registry.ts';
import { METRIC_NAMESPACE } from '../lambdas/core/constants.ts';
import type { AlertingVariables } from '../lambdas/functions/router/env.ts';
import { OPEN_BY_SOURCE_INDEX } from '../lambdas/core/constants.ts';

export interface PagerDutySink {
  /** Name of the SSM SecureString parameter holding the routing key (created by the operator). */
  readonly routingKeyParameter: string;
  /**
   * KMS key that encrypts the parameter.
   * @default - the AWS-managed aws/ssm key, whose key policy already lets the account's principals decrypt through SSM
   */
  readonly kmsKeyArn?: string;
  /** Events API v2 endpoint. */
  readonly eventsUrl: string;
}

export interface NotificationTargets {
  readonly incidentTable: ITable;
  readonly pageTopic: ITopic;
  readonly chatopsTopic: ITopic;
  /** Key of the topics (and the dead-letter queue). */
  readonly encryptionKey: IKey;
  /** @default - no PagerDuty: only SNS */
  readonly pagerDuty?: PagerDutySink;
  /**
   * Opsgenie, Splunk On-Call and webhook sinks (config `sinks`): SSM parameter names, never secrets.
   * @default - none
   */
  readonly httpSinks?: Pick<HttpSinks, 'opsgenie' | 'splunkOnCall' | 'webhooks'>;
  /** Incident deadlines (deadline-schedules.ts): the function may create one-time schedules in this group. @default - none */
  readonly deadlines?: DeadlineTargets;
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
      resources: [targets.pageTopic.topicArn, targets.chatopsTopic.topicArn],
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
  grantDeadlineScheduling(role, targets);
  if (!targets.pagerDuty) return;
  role.addToPolicy(
    new PolicyStatement({
      sid: 'ReadPagerDutyRoutingKey',
      actions: ['ssm:GetParameter'],
      resources: [`arn:${Aws.PARTITION}:ssm:${Aws.REGION}:${Aws.ACCOUNT_ID}:parameter${targets.pagerDuty.routingKeyParameter}`],
    }),
  );
  // The aws/ssm key needs no grant (its key policy allows the account through SSM); a customer key does.
  if (targets.pagerDuty.kmsKeyArn) {
    role.addToPolicy(
      new PolicyStatement({
        sid: 'DecryptPagerDutyRoutingKey',
        actions: ['kms:Decrypt'],
        resources: [targets.pagerDuty.kmsKeyArn],
        conditions: { StringEquals: { 'kms:ViaService': `ssm.${Aws.REGION}.amazonaws.com` } },
      }),
    );
  }
}

/**
 * Read access to exactly the SSM parameters of the Opsgenie, Splunk On-Call and webhook secrets (ARNs by
 * name), and kms:Decrypt through SSM on the customer keys that encrypt them, if any.
 */
function grantSinkSecrets(role: Role, targets: NotificationTargets): void {
  const sinks = httpSinksOf({
    webhooks: targets.httpSinks?.webhooks ?? [],
    opsgenie: targets.httpSinks?.opsgenie,
    splunkOnCall: targets.httpSinks?.splunkOnCall,
  });
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
function grantDeadlineScheduling(role: Role, targets: NotificationTargets): void {
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
    ...(targets.pagerDuty
      ? { PAGERDUTY_ROUTING_KEY_PARAMETER: targets.pagerDuty.routingKeyParameter, PAGERDUTY_EVENTS_URL: targets.pagerDuty.eventsUrl }
      : {}),
    ROUTER_SETTINGS: settingsJson,
    ...(hasHttpSinks(targets) ? { HTTP_SINKS: httpSinksJson(targets) } : {}),
    ...(targets.deadlines
      ? {
          DEADLINE_SCHEDULER: Stack.of(targets.incidentTable).toJsonString({
            groupName: targets.deadlines.groupRef,
            targetArn: targets.deadlines.sweeperArn,
            roleArn: targets.deadlines.invokerRole.roleArn,
            deadLetterArn: targets.deadlines.deadLetterQueue.queueArn,
          }),
        }
      : {}),
    POWERTOOLS_METRICS_NAMESPACE: METRIC_NAMESPACE,
  } satisfies AlertingVariables;
}

function hasHttpSinks(targets: NotificationTargets): boolean {
  const sinks = targets.httpSinks;
  return Boolean(sinks?.opsgenie || sinks?.splunkOnCall || (sinks?.webhooks?.length ?? 0) > 0);
}

/** Exactly the three HTTP sink blocks (the config's `sinks` also holds e-mail addresses, which stay out of the environment). */
function httpSinksJson(targets: NotificationTargets): string {
  const { opsgenie, splunkOnCall, webhooks = [] } = targets.httpSinks ?? {};
  return JSON.stringify({ ...(opsgenie ? { opsgenie } : {}), ...(splunkOnCall ? { splunkOnCall } : {}), webhooks });
}
