// What every function that notifies (router, sweeper) gets: the incident table, the two topics and their
// key, and read access to exactly the PagerDuty routing-key parameter. Shared so both stay least-privilege
// in the same way.
import { Aws } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, type Role } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { METRIC_NAMESPACE } from '../lambdas/core/constants.ts';
import type { AlertingVariables } from '../lambdas/functions/router/env.ts';

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
}

export function grantNotificationAccess(role: Role, targets: NotificationTargets, tableActions: string[]): void {
  targets.incidentTable.grant(role, ...tableActions);
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
    POWERTOOLS_METRICS_NAMESPACE: METRIC_NAMESPACE,
  } satisfies AlertingVariables;
}
