// The log-watch's adapters from its environment and clients: what index.ts runs and the tests exercise.
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { CloudWatchLogFetcher } from '../../adapters/cloudwatch-log-fetcher.ts';
import { DynamoDbLogCounters } from '../../adapters/dynamodb-log-counters.ts';
import { EventBridgeReportPublisher } from '../../adapters/eventbridge-report-publisher.ts';
import type { DetectorRuntime } from '../commons/runtime.ts';
import type { LogWatchEnvironment } from './env.ts';
import type { LogWatchDeps } from './handler.ts';

export interface LogWatchClients {
  dynamodb: DynamoDBClient;
  logs: CloudWatchLogsClient;
  eventbridge: EventBridgeClient;
}

export function buildLogWatchDeps(env: LogWatchEnvironment, clients: LogWatchClients, runtime: DetectorRuntime): LogWatchDeps {
  return {
    counters: new DynamoDbLogCounters({ client: clients.dynamodb, tableName: env.COUNTERS_TABLE }),
    fetcher: new CloudWatchLogFetcher({ client: clients.logs }),
    publisher: new EventBridgeReportPublisher({ client: clients.eventbridge, eventBusName: env.EVENT_BUS_NAME }),
    rules: env.LOG_RULES,
    ...runtime,
  };
}
