// Router Lambda entry: the environment read once, real AWS clients, buildRouterDeps, the context-logging wrapper.
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { createLambdaLogger, withLambdaContext } from '../commons/lambda-logger.ts';
import { buildRouterDeps } from './deps.ts';
import { readRouterEnvironment } from './env.ts';
import { makeRouterHandler } from './handler.ts';

const env = readRouterEnvironment(process.env);
const logger = createLambdaLogger();
const clients = {
  dynamodb: new DynamoDBClient({}),
  sns: new SNSClient({}),
  ssm: new SSMClient({}),
  scheduler: new SchedulerClient({}),
  sqs: new SQSClient({}),
  cloudwatch: new CloudWatchClient({}),
};

export const handler = withLambdaContext(logger, makeRouterHandler(buildRouterDeps(env, clients, { logger, clock: () => new Date() })));
