// Ack intake Lambda entry (behind its function URL): the environment read once, real AWS clients,
// buildAckIntakeDeps, the context-logging wrapper.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SSMClient } from '@aws-sdk/client-ssm';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { createLambdaLogger, withLambdaContext } from '../commons/lambda-logger.ts';
import { buildAckIntakeDeps } from './deps.ts';
import { readAckIntakeEnvironment } from './env.ts';
import { makeAckIntakeHandler } from './handler.ts';

const env = readAckIntakeEnvironment(process.env);
const logger = createLambdaLogger();
const clients = { dynamodb: new DynamoDBClient({}), ssm: new SSMClient({}), scheduler: new SchedulerClient({}) };

export const handler = withLambdaContext(
  logger,
  makeAckIntakeHandler(buildAckIntakeDeps(env, clients, { logger, clock: () => new Date() })),
);
