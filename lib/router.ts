// The router Lambda (docs/architecture.md, Data flow): the only component that talks to PagerDuty and SNS. It receives
// evaluation reports from the custom bus and every CloudWatch alarm state change from the default bus.
// Its role names each resource it touches; the PagerDuty routing key is read from SSM at run time and
// only the parameter's name ever reaches the template.
import { Aws, Duration, Validations } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { PolicyStatement, type Role } from 'aws-cdk-lib/aws-iam';
import type { IDestination } from 'aws-cdk-lib/aws-lambda';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { ALARM_STATE_CHANGE_DETAIL_TYPE, REPORT_DETAIL_TYPE } from '../lambdas/core/constants.ts';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { type IEventBus, Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { RouterSettings } from '../lambdas/core/router-settings.ts';
import { MetisFunction } from './metis-function.ts';
import { grantNotificationAccess, notificationEnvironment, type NotificationTargets } from './notification-access.ts';
import type { RouterVariables } from '../lambdas/functions/router/env.ts';

export interface RouterProps {
  /** Prefix of the function, log group and alarm names. */
  readonly namePrefix: string;
  /** Custom bus the detectors put their evaluation reports on. */
  readonly bus: IEventBus;
  readonly incidentTable: ITable;
  readonly pageTopic: ITopic;
  readonly chatopsTopic: ITopic;
  /**
   * The secondary's page topic (config `sinks.pageSecondary`).
   * @default - none
   */
  readonly pageSecondaryTopic?: ITopic;
  /** Receives events the rules could not deliver and invocations that failed after their retries. */
  readonly deadLetterQueue: IQueue;
  /** Key of the topics and the dead-letter queue. */
  readonly encryptionKey: IKey;
  /** The slice of the config the handler needs at run time, passed as ROUTER_SETTINGS. */
  readonly settings: RouterSettings;
  /**
   * The config's `sinks`: every configured sink's secret parameter is granted and passed as SINKS.
   * @default - the page and chatops topics only
   */
  readonly sinks?: NotificationTargets['sinks'];
  /**
   * The ack intake's URL and ack-link key: pages carry an ack link.
   * @default - no ack links
   */
  readonly ackLinks?: NotificationTargets['ackLinks'];
  /**
   * Incident deadlines: the router schedules each new one.
   * @default - none (only the sweeper's 5-minute grid)
   */
  readonly deadlines?: NotificationTargets['deadlines'];
  /**
   * Handler source file.
   * @default lambdas/functions/router/index.ts
   */
  readonly entry?: string;
  /**
   * @default 256
   */
  readonly memorySize?: number;
  /**
   * Long enough for PagerDuty retries with backoff on a 429.
   * @default Duration.seconds(60)
   */
  readonly timeout?: Duration;
  /**
   * Reserved concurrency. Leave unset on new accounts: their low concurrency quota rejects reservations.
   * @default - unreserved
   */
  readonly reservedConcurrentExecutions?: number;
  /**
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
}

/** Lambda rejects more than 4 KB of environment; leave room for the ARNs and URLs next to the settings. */
const MAX_SETTINGS_BYTES = 3072;

export class Router extends Construct {
  readonly function: NodejsFunction;
  readonly logGroup: LogGroup;
  readonly errorsAlarm: Alarm;
  readonly evaluationReportRule: Rule;
  readonly alarmStateChangeRule: Rule;

  constructor(scope: Construct, id: string, props: RouterProps) {
    super(scope, id);
    const settings = JSON.stringify(props.settings);
    this.node.addValidation({
      validate: () =>
        Buffer.byteLength(settings) > MAX_SETTINGS_BYTES
          ? [
              `settings: ${Buffer.byteLength(settings)} bytes as JSON, more than the ${MAX_SETTINGS_BYTES} that fit in the Lambda environment (shorten businessHours.holidays?)`,
            ]
          : [],
    });

    const lambda = new MetisFunction(this, 'Lambda', {
      namePrefix: props.namePrefix,
      entry: props.entry ?? 'lambdas/functions/router/index.ts',
      description: 'metis-alerts router: signals -> incidents -> PagerDuty / SNS',
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? Duration.seconds(60),
      ...(props.reservedConcurrentExecutions !== undefined ? { reservedConcurrentExecutions: props.reservedConcurrentExecutions } : {}),
      ...(props.logRetention !== undefined ? { logRetention: props.logRetention } : {}),
      retryAttempts: 2,
      onFailure: queueDestination(props.deadLetterQueue),
      environment: routerEnvironment(props, settings),
      errorsAlarm: {
        name: 'router-errors',
        // Not tagged: a tag would route it through the router, which may be what is failing. Its own errors go
        // straight to chatops instead.
        actions: [props.chatopsTopic],
        description:
          'The metis-alerts router failed at least once in 5 minutes: alerts may be late or missing. ' +
          'Read the router log group; failed events end up in the dead-letter queue after two retries.',
      },
    });
    this.function = lambda.function;
    this.logGroup = lambda.logGroup;
    this.errorsAlarm = lambda.errorsAlarm;
    const role = lambda.role;
    this.grantRouterAccess(role, props);
    this.evaluationReportRule = this.routeFrom('EvaluationReportRule', props, {
      eventBus: props.bus,
      description: 'Evaluation reports from the metis-alerts detectors',
      eventPattern: { detailType: [REPORT_DETAIL_TYPE] },
    });
    // Every alarm state change, ours and the operator's: the router ignores alarms without a metis:severity tag.
    this.alarmStateChangeRule = this.routeFrom('AlarmStateChangeRule', props, {
      description: 'CloudWatch alarm state changes (routed when the alarm carries a metis:severity tag)',
      eventPattern: { source: ['aws.cloudwatch'], detailType: [ALARM_STATE_CHANGE_DETAIL_TYPE] },
    });
  }

  /**
   * EventBridge retries only deliveries it could not make (throttling, Lambda unavailable); after 8 tries or
   * 2 hours the event goes to the DLQ, whose alarm pages. Function errors are Lambda's async retries (2).
   */
  private routeFrom(id: string, props: RouterProps, rule: Omit<ConstructorParameters<typeof Rule>[2], 'targets'>): Rule {
    return new Rule(this, id, {
      ...rule,
      targets: [
        new LambdaFunction(this.function, {
          deadLetterQueue: props.deadLetterQueue,
          retryAttempts: 8,
          maxEventAge: Duration.hours(2),
        }),
      ],
    });
  }

  private grantRouterAccess(role: Role, props: RouterProps): void {
    // UpdateItem: storm control's per-minute counters (atomic ADD, conditional on the budget). Scan: silences and
    // the open incidents an inhibition may come from. Query: only the open-by-source index. The vote across
    // probe vantages is one UpdateItem per report (its answer carries every vantage's rounds): no BatchGetItem.
    grantNotificationAccess(role, props, ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Scan'], true);
    role.addToPolicy(
      new PolicyStatement({ sid: 'ParkDeadLetters', actions: ['sqs:SendMessage'], resources: [props.deadLetterQueue.queueArn] }),
    );
    const alarmArns = `arn:${Aws.PARTITION}:cloudwatch:${Aws.REGION}:${Aws.ACCOUNT_ID}:alarm:*`;
    role.addToPolicy(
      new PolicyStatement({ sid: 'ReadAlarmSeverityTags', actions: ['cloudwatch:ListTagsForResource'], resources: [alarmArns] }),
    );
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:cloudwatch:<AWS::Region>:<AWS::AccountId>:alarm:*]`,
      reason:
        "The router reads the metis:severity tag of any alarm that changes state, including the operator's own alarms " +
        'whose names are unknown at deploy time; ListTagsForResource is read-only and limited to alarms of this account and region.',
    });
  }
}

/**
 * Async on-failure destination. Unlike SqsDestination it grants nothing itself: SqsDestination's grant adds
 * kms:Encrypt, kms:ReEncrypt* and kms:GenerateDataKey* on the key, where the role's ParkDeadLetters and
 * UseAlertingKey statements are exactly what sending to the encrypted queue needs.
 */
function queueDestination(queue: IQueue): IDestination {
  return { bind: () => ({ destination: queue.queueArn }) };
}

function routerEnvironment(props: RouterProps, settings: string): RouterVariables {
  return {
    ...notificationEnvironment(props, settings),
    DEAD_LETTER_QUEUE_URL: props.deadLetterQueue.queueUrl,
    POWERTOOLS_SERVICE_NAME: 'metis-alerts-router',
  } satisfies RouterVariables;
}
