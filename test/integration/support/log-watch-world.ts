// The log-watch's AWS side against moto: the counters table (as lib/log-watch.ts creates it), the custom
// bus with a rule copying every evaluation report to an SQS queue, a gateway log group whose streams hold
// the whole container output (so split tracebacks can be fetched), and the handler wired with real SDK
// clients. One world per test file (each file has its own moto account).
import { CloudWatchLogsClient, CreateLogGroupCommand, CreateLogStreamCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateEventBusCommand, PutRuleCommand, PutTargetsCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { CloudWatchLogFetcher } from '../../../lambdas/adapters/cloudwatch-log-fetcher.ts';
import { COUNTER_PARTITION_KEY, COUNTER_SORT_KEY, DynamoDbLogCounters } from '../../../lambdas/adapters/dynamodb-log-counters.ts';
import {
  EventBridgeReportPublisher,
  REPORT_DETAIL_TYPE,
  REPORT_SOURCE_PREFIX,
} from '../../../lambdas/adapters/eventbridge-report-publisher.ts';
import { parseConfig } from '../../../lambdas/core/config.ts';
import type { LogEvent } from '../../../lambdas/core/logs/decode.ts';
import type { EvaluationReport } from '../../../lambdas/core/signal.ts';
import type { MetricPoint } from '../../../lambdas/core/metric-point.ts';
import { makeLogWatchHandler, type LogWatchDeps, type LogWatchOutcome } from '../../../lambdas/functions/log-watch/handler.ts';
import { clientConfig, createQueue, drainQueue, dynamoClient, eventBridgeClient, sqsClient } from './aws.ts';

export const COUNTERS_TABLE = 'metis-log-counters';
export const BUS = 'metis-alerts-logs';
export const LOG_GROUP = '/metis/prod/gateway';

export const logsClient = (): CloudWatchLogsClient => new CloudWatchLogsClient(clientConfig());

export interface LogWatchWorld {
  readonly dynamo: DynamoDBClient;
  readonly logs: CloudWatchLogsClient;
  readonly events: EventBridgeClient;
  readonly sqs: SQSClient;
  readonly queueUrl: string;
}

export async function createLogWatchWorld(): Promise<LogWatchWorld> {
  const dynamo = dynamoClient();
  const logs = logsClient();
  const events = eventBridgeClient();
  const sqs = sqsClient();
  await createCountersTable(dynamo, COUNTERS_TABLE);
  await events.send(new CreateEventBusCommand({ Name: BUS }));
  const queue = await createQueue(sqs, 'log-watch-reports');
  await events.send(
    new PutRuleCommand({
      Name: 'reports-to-router',
      EventBusName: BUS,
      EventPattern: JSON.stringify({ source: [{ prefix: REPORT_SOURCE_PREFIX }], 'detail-type': [REPORT_DETAIL_TYPE] }),
    }),
  );
  await events.send(new PutTargetsCommand({ Rule: 'reports-to-router', EventBusName: BUS, Targets: [{ Id: 'q', Arn: queue.queueArn }] }));
  await logs.send(new CreateLogGroupCommand({ logGroupName: LOG_GROUP }));
  return { dynamo, logs, events, sqs, queueUrl: queue.queueUrl };
}

let tables = 0;

/** The counters table as lib/log-watch.ts defines it; a fresh one per test keeps tests from seeing each other's keys. */
export async function createCountersTable(dynamo: DynamoDBClient, name = `${COUNTERS_TABLE}-${++tables}`): Promise<string> {
  await dynamo.send(
    new CreateTableCommand({
      TableName: name,
      AttributeDefinitions: [
        { AttributeName: COUNTER_PARTITION_KEY, AttributeType: 'S' },
        { AttributeName: COUNTER_SORT_KEY, AttributeType: 'N' },
      ],
      KeySchema: [
        { AttributeName: COUNTER_PARTITION_KEY, KeyType: 'HASH' },
        { AttributeName: COUNTER_SORT_KEY, KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  return name;
}

/** A stream holding the container's whole output, one event per line (as the runtime writes it). */
export async function putStream(world: LogWatchWorld, logStream: string, events: readonly LogEvent[]): Promise<void> {
  await world.logs.send(new CreateLogStreamCommand({ logGroupName: LOG_GROUP, logStreamName: logStream }));
  for (let start = 0; start < events.length; start += 1000) {
    await world.logs.send(
      new PutLogEventsCommand({
        logGroupName: LOG_GROUP,
        logStreamName: logStream,
        logEvents: events.slice(start, start + 1000).map((e) => ({ timestamp: e.timestamp, message: e.message })),
      }),
    );
  }
}

export interface Recorded {
  metrics: MetricPoint[][];
  logs: { level: 'info' | 'warn' | 'error'; message: string; fields: Record<string, unknown> }[];
}

/** The handler with real clients against moto, its clock at `now`; metrics and log lines recorded. */
export function logWatchHandler(
  world: LogWatchWorld,
  now: () => Date,
  overrides: Partial<LogWatchDeps> & { table?: string } = {},
): { run: (event: unknown) => Promise<LogWatchOutcome>; recorded: Recorded } {
  const recorded: Recorded = { metrics: [], logs: [] };
  const { table = COUNTERS_TABLE, ...deps } = overrides;
  const run = makeLogWatchHandler({
    counters: new DynamoDbLogCounters({ client: world.dynamo, tableName: table }),
    fetcher: new CloudWatchLogFetcher({ client: world.logs }),
    publisher: new EventBridgeReportPublisher({ client: world.events, eventBusName: BUS }),
    rules: parseConfig({}).rules,
    clock: now,
    metrics: (points) => recorded.metrics.push(points),
    logger: {
      info: (message, fields = {}) => recorded.logs.push({ level: 'info', message, fields }),
      warn: (message, fields = {}) => recorded.logs.push({ level: 'warn', message, fields }),
      error: (message, fields = {}) => recorded.logs.push({ level: 'error', message, fields }),
    },
    ...deps,
  });
  return { run, recorded };
}

export interface ReportEvent {
  source: string;
  'detail-type': string;
  detail: EvaluationReport;
}

export async function readReports(world: LogWatchWorld, expected?: number): Promise<ReportEvent[]> {
  const messages = await drainQueue(world.sqs, world.queueUrl, expected === undefined ? {} : { expected });
  return messages.map((m) => JSON.parse(m.Body ?? 'null') as ReportEvent);
}

/** A minute boundary a few minutes ago: moto (like CloudWatch) refuses log events far from now. */
export function recentMinute(minutesAgo = 10): number {
  return Math.floor(Date.now() / 60_000) * 60_000 - minutesAgo * 60_000;
}
