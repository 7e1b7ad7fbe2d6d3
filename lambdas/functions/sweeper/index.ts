// Sweeper Lambda entry (scheduled every 5 minutes): the environment read once, real AWS clients,
// buildSweeperDeps, the context-logging wrapper.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { createLambdaLogger, withLambdaContext } from '../commons/lambda-logger.ts';
import { buildSweeperDeps } from './deps.ts';
import { readSweeperEnvironment } from './env.ts';
import { makeSweeperHandler } from './handler.ts';

const env = readSweeperEnvironment(process.env);
const logger = createLambdaLogger();
const clients = { dynamodb: new DynamoDBClient({}), sns: new SNSClient({}), ssm: new SSMClient({}), scheduler: new SchedulerClient({}) };
const sweep = makeSweeperHandler(buildSweeperDeps(env, clients, { logger, clock: () => new Date() }));

// The 5-minute schedule's event, or a deadline's `{ deadline }` from its one-time schedule.
export const handler = withLambdaContext(logger, (event: unknown) => sweep(event));
