// log-watch (docs/architecture.md, Parts): a CloudWatch Logs subscription filter on each configured gateway
// log group (DEFAULT_LOG_FILTER_PATTERN by default: tracebacks, quota/revoked keys, prompt content,
// deprecations) invokes one Lambda that classifies the lines, completes split tracebacks from the same
// stream, keeps per-key per-minute counters in DynamoDB and puts an evaluation report on the bus.
// CloudWatch Logs allows at most two subscription filters per log group: this adds one to each
// configured group.
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { type Alarm, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { FilterPattern, LogGroup, SubscriptionFilter, type ILogGroup } from 'aws-cdk-lib/aws-logs';
import { LambdaDestination } from 'aws-cdk-lib/aws-logs-destinations';
import { Construct } from 'constructs';
import { COUNTER_PARTITION_KEY, COUNTER_SORT_KEY, COUNTER_TTL_ATTRIBUTE } from '../lambdas/adapters/dynamodb-log-counters.ts';
import type { Config } from '../lambdas/core/config.ts';
import { fnv1a } from '../lambdas/core/signal.ts';
import { MetisFunction } from './metis-function.ts';
import { grantTableActions } from './table-access.ts';
import { AlarmFactory, AT_LEAST_ONE, type AlarmThreshold } from './alarm-factory.ts';
import { METRIC_NAMESPACE } from '../lambdas/core/constants.ts';
import type { LogWatchVariables } from '../lambdas/functions/log-watch/env.ts';

export const LOG_WATCH_SERVICE = 'metis-alerts-log-watch';

export interface LogWatchProps {
  /** Prefix of the alarm names. */
  readonly namePrefix: string;
  /** Custom bus the evaluation reports go to. */
  readonly bus: IEventBus;
  /** Existing log groups to watch (`config.logGroups`); at least one, names unique. */
  readonly logGroups: Config['logGroups'];
  /** The rules; log-watch reads `traceback`, `quota_exceeded_sustained`, `key_revoked_in_use`, `prompt_exposure` and `log_noise`. */
  readonly rules: Config['rules'];
  /**
   * A 10 000-event batch is decoded and classified in memory.
   * @default 512
   */
  readonly memorySize?: number;
  /**
   * Room for split-traceback fetches and counter writes.
   * @default Duration.seconds(60)
   */
  readonly timeout?: Duration;
}

export class LogWatch extends Construct {
  readonly function: NodejsFunction;
  readonly countersTable: Table;
  readonly subscriptionFilters: SubscriptionFilter[];
  readonly errorsAlarm: Alarm;
  readonly rejectedBatchesAlarm: Alarm;

  constructor(scope: Construct, id: string, props: LogWatchProps) {
    super(scope, id);
    if (props.logGroups.length === 0) throw new Error('LogWatch: logGroups must name at least one log group (config logGroups[])');
    const names = props.logGroups.map((g) => g.name);
    const duplicate = names.find((n, i) => names.indexOf(n) !== i);
    if (duplicate)
      throw new Error(
        `LogWatch: logGroups names "${duplicate}" twice; CloudWatch Logs allows at most two subscription filters per log group`,
      );

    // Counters live minutes (the rules look back at most a few); the TTL removes them after a day.
    this.countersTable = new Table(this, 'Counters', {
      partitionKey: { name: COUNTER_PARTITION_KEY, type: AttributeType.STRING },
      sortKey: { name: COUNTER_SORT_KEY, type: AttributeType.NUMBER },
      billingMode: BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: COUNTER_TTL_ATTRIBUTE,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // AWS-owned key: counts and key ids only; a KMS key would bill requests for no added control.
      encryption: TableEncryption.DEFAULT,
      // Nothing here outlives the rules' windows: a redeploy may drop it.
      removalPolicy: RemovalPolicy.DESTROY,
    });

    const rules = props.rules;
    const lambda = new MetisFunction(this, 'Lambda', {
      namePrefix: props.namePrefix,
      entry: 'lambdas/functions/log-watch/index.ts',
      description: 'metis-alerts log-watch: tracebacks, quota_exceeded and key_revoked in the gateway logs',
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(60),
      // Counting is idempotent per batch, so Lambda's two async retries are safe; bad input never throws.
      retryAttempts: 2,
      environment: {
        EVENT_BUS_NAME: props.bus.eventBusName,
        COUNTERS_TABLE: this.countersTable.tableName,
        LOG_RULES: JSON.stringify({
          traceback: rules.traceback,
          quota_exceeded_sustained: rules.quota_exceeded_sustained,
          key_revoked_in_use: rules.key_revoked_in_use,
          prompt_exposure: rules.prompt_exposure,
          log_noise: rules.log_noise,
        }),
        POWERTOOLS_SERVICE_NAME: LOG_WATCH_SERVICE,
        POWERTOOLS_METRICS_NAMESPACE: METRIC_NAMESPACE,
      } satisfies LogWatchVariables,
      errorsAlarm: {
        name: 'log-watch-errors',
        severity: 'SEV3',
        description:
          'log-watch failed at least once in 5 minutes (counters table or event bus unreachable): quota and revoked-key alerts may be blind. Read its log group.',
      },
    });
    this.function = lambda.function;
    this.errorsAlarm = lambda.errorsAlarm;

    grantTableActions(lambda.role, 'CountPerMinute', this.countersTable, [
      'dynamodb:UpdateItem',
      'dynamodb:Query',
      'dynamodb:BatchGetItem',
    ]);
    lambda.role.addToPolicy(
      new PolicyStatement({ sid: 'PutEvaluationReports', actions: ['events:PutEvents'], resources: [props.bus.eventBusArn] }),
    );

    const groups: ILogGroup[] = [];
    this.subscriptionFilters = props.logGroups.map(({ name, filterPattern }) => {
      // Construct ids from the name, not the position: reordering the config must not replace filters
      // (a replacement creates the new filter first and can hit the two-filters-per-group limit).
      const suffix = fnv1a(name);
      const group = LogGroup.fromLogGroupName(this, `Group${suffix}`, name);
      groups.push(group);
      return new SubscriptionFilter(this, `Subscription${suffix}`, {
        logGroup: group,
        destination: new LambdaDestination(this.function),
        filterPattern: FilterPattern.literal(filterPattern),
      });
    });

    // Split tracebacks: read the rest of the stream, in the watched groups only.
    lambda.role.addToPolicy(
      new PolicyStatement({ sid: 'ReadSplitTracebacks', actions: ['logs:FilterLogEvents'], resources: groups.map((g) => g.logGroupArn) }),
    );
    Validations.of(lambda.role).acknowledge(
      ...props.logGroups.map(({ name }) => ({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:${name}:*]`,
        reason:
          'FilterLogEvents is authorized on the log-group ARN with its ":*" suffix (the form CloudWatch Logs uses for a group and its ' +
          'streams); the statement names exactly the watched log groups, no wildcard over groups.',
      })),
    );

    // A batch that cannot be decoded is dropped on purpose (retrying cannot fix it): say so on chatops.
    const alarms = new AlarmFactory(this, props.namePrefix);
    this.rejectedBatchesAlarm = alarms.addAlarm('RejectedBatchesAlarm', {
      name: 'log-watch-rejected-batches',
      description:
        'log-watch received log batches it could not decode (not base64 / not gzip / not JSON / no logEvents) in the last 15 minutes; ' +
        'they were counted and dropped. Read the log-watch log group for the reason.',
      metric: alarms.metric({
        metricName: 'RejectedBatches',
        dimensionsMap: { service: LOG_WATCH_SERVICE },
        statistic: 'Sum',
        period: Duration.minutes(5),
      }),
      ...LOG_WATCH_ALARMS.rejectedBatches,
      routing: { severity: 'SEV3' },
    });
  }
}

/** log-watch's own alarms (besides its errors alarm). */
export const LOG_WATCH_ALARMS = {
  /** A rejected batch in any of three 5-minute periods. */
  rejectedBatches: { ...AT_LEAST_ONE, evaluationPeriods: 3, datapointsToAlarm: 1, treatMissingData: TreatMissingData.NOT_BREACHING },
} satisfies Record<string, AlarmThreshold>;
