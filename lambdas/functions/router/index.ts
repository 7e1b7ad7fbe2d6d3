// Router Lambda entry: wires real AWS clients into makeRouterHandler once per container.
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { SQSClient } from '@aws-sdk/client-sqs';
import { Logger } from '@aws-lambda-powertools/logger';
import { CloudWatchAlarmTags } from '../../adapters/cloudwatch-alarm-tags.ts';
import { SqsDeadLetterSink } from '../../adapters/sqs-dead-letter.ts';
import { handlerLogger } from '../commons/environment.ts';
import { notificationAdapters } from '../commons/notification-adapters.ts';
import { readRouterEnvironment } from './env.ts';
import { makeRouterHandler } from './handler.ts';

const env = readRouterEnvironment(process.env);

export const handler = makeRouterHandler({
  ...notificationAdapters(env),
  clock: () => new Date(),
  deadLetter: new SqsDeadLetterSink({ client: new SQSClient({}), queueUrl: env.DEAD_LETTER_QUEUE_URL }),
  alarmTags: new CloudWatchAlarmTags({ client: new CloudWatchClient({}) }),
  logger: handlerLogger(new Logger()),
});
