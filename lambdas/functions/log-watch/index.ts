// log-watch Lambda entry: the environment read once, real clients (DynamoDB counters, CloudWatch Logs for
// split tracebacks, EventBridge), EMF metrics, buildLogWatchDeps, the context-logging wrapper.
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { emfPublisher } from '../../adapters/emf-publisher.ts';
import { createLambdaLogger, withLambdaContext } from '../commons/lambda-logger.ts';
import { buildLogWatchDeps } from './deps.ts';
import { readLogWatchEnvironment } from './env.ts';
import { makeLogWatchHandler } from './handler.ts';

const env = readLogWatchEnvironment(process.env);
const logger = createLambdaLogger();
const clients = { dynamodb: new DynamoDBClient({}), logs: new CloudWatchLogsClient({}), eventbridge: new EventBridgeClient({}) };
const run = makeLogWatchHandler(buildLogWatchDeps(env, clients, { logger, clock: () => new Date(), metrics: emfPublisher(new Metrics()) }));

export const handler = withLambdaContext(logger, async (event): Promise<{ outcome: string; events: number; firing: number }> => {
  const { scan } = await run(event);
  return { outcome: scan.outcome, events: scan.stats.events, firing: scan.signals.length };
});
