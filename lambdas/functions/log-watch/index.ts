// log-watch Lambda entry: wires DynamoDB (counters), CloudWatch Logs (split tracebacks), EventBridge and EMF.
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { CloudWatchLogFetcher } from '../../adapters/cloudwatch-log-fetcher.ts';
import { DynamoDbLogCounters } from '../../adapters/dynamodb-log-counters.ts';
import { emfPublisher } from '../../adapters/emf-metrics.ts';
import { EventBridgeReportPublisher } from '../../adapters/eventbridge-report-publisher.ts';
import { readLogWatchEnvironment } from './env.ts';
import { makeLogWatchHandler } from './handler.ts';
import { handlerLogger } from '../commons/environment.ts';

const env = readLogWatchEnvironment(process.env);
const logger = new Logger();
const metrics = new Metrics();

const run = makeLogWatchHandler({
  counters: new DynamoDbLogCounters({ client: new DynamoDBClient({}), tableName: env.COUNTERS_TABLE }),
  fetcher: new CloudWatchLogFetcher({ client: new CloudWatchLogsClient({}) }),
  publisher: new EventBridgeReportPublisher({ client: new EventBridgeClient({}), eventBusName: env.EVENT_BUS_NAME }),
  rules: env.LOG_RULES,
  clock: () => new Date(),
  metrics: emfPublisher(metrics),
  logger: handlerLogger(logger),
});

export const handler = async (event: unknown): Promise<{ outcome: string; events: number; firing: number }> => {
  const { scan } = await run(event);
  return { outcome: scan.outcome, events: scan.stats.events, firing: scan.signals.length };
};
