// Router Lambda entry: wires real AWS clients into makeRouterHandler once per container.
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';
import { Logger } from '@aws-lambda-powertools/logger';
import { CloudWatchAlarmTags } from "../adapters/cloudwatch-alarm-tags.ts";
import { DynamoDbIncidentStore } from '../adapters/dynamodb-incident-store.ts';
import { PagerDutyHttpClient } from '../adapters/pagerduty-http-client.ts';
import { SnsPublisher } from '../adapters/sns-publisher.ts';
import { SqsDeadLetterSink } from '../adapters/sqs-dead-letter.ts';
import { SsmRoutingKey } from '../adapters/ssm-routing-key.ts';
import { readRouterEnvironment } from './router-environment.ts';
import { makeRouterHandler } from './router-handler.ts';

const env = readRouterEnvironment(process.env);
const powertools = new Logger();
const logger = {
  info: (message: string, fields: Record<string, unknown> = {}) => powertools.info(message, fields),
  warn: (message: string, fields: Record<string, unknown> = {}) => powertools.warn(message, fields),
  error: (message: string, fields: Record<string, unknown> = {}) => powertools.error(message, fields),
};

const routingKeyParameter = env.PAGERDUTY_ROUTING_KEY_PARAMETER;
const pagerduty = routingKeyParameter
  ? new PagerDutyHttpClient({
      eventsUrl: env.PAGERDUTY_EVENTS_URL,
      routingKey: new SsmRoutingKey({ client: new SSMClient({}), parameterName: routingKeyParameter }).asProvider(),
    })
  : undefined;

export const handler = makeRouterHandler({
  store: new DynamoDbIncidentStore({ client: new DynamoDBClient({}), tableName: env.INCIDENT_TABLE }),
  ...(pagerduty ? { pagerduty } : {}),
  publisher: new SnsPublisher({ client: new SNSClient({}), topics: { page: env.PAGE_TOPIC_ARN, chatops: env.CHATOPS_TOPIC_ARN } }),
  settings: env.ROUTER_SETTINGS,
  clock: () => new Date(),
  deadLetter: new SqsDeadLetterSink({ client: new SQSClient({}), queueUrl: env.DEAD_LETTER_QUEUE_URL }),
  alarmTags: new CloudWatchAlarmTags({ client: new CloudWatchClient({}) }),
  logger,
});
