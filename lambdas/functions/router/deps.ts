// The router's adapters from its environment and clients: what index.ts runs and the tests exercise.
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { CloudWatchAlarmTags } from '../../adapters/cloudwatch-alarm-tags.ts';
import { DynamoDbVantageRounds } from '../../adapters/dynamodb-vantage-rounds.ts';
import { SqsDeadLetterSink } from '../../adapters/sqs-dead-letter.ts';
import { notificationAdapters, type NotificationClients } from '../commons/notification-adapters.ts';
import type { Runtime } from '../commons/runtime.ts';
import type { RouterEnvironment } from './env.ts';
import type { RouterHandlerDeps } from './handler.ts';

export interface RouterClients extends NotificationClients {
  sqs: SQSClient;
  cloudwatch: CloudWatchClient;
}

export function buildRouterDeps(env: RouterEnvironment, clients: RouterClients, runtime: Runtime): RouterHandlerDeps {
  return {
    ...notificationAdapters(env, clients),
    clock: runtime.clock,
    deadLetter: new SqsDeadLetterSink({ client: clients.sqs, queueUrl: env.DEAD_LETTER_QUEUE_URL }),
    alarmTags: new CloudWatchAlarmTags({ client: clients.cloudwatch }),
    logger: runtime.logger,
    vantageRounds: new DynamoDbVantageRounds({ client: clients.dynamodb, tableName: env.INCIDENT_TABLE }),
    ...(env.AWS_REGION ? { homeRegion: env.AWS_REGION } : {}),
  };
}
