// The store and sinks the router and the sweeper share, built from their environment and the clients
// their entry files (or the tests, pointed at moto) create.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDbIncidentStore } from '../../adapters/dynamodb-incident-store.ts';
import { DynamoDbReportHeartbeats } from '../../adapters/dynamodb-report-heartbeats.ts';
import { DynamoDbSilenceStore } from '../../adapters/dynamodb-silence-store.ts';
import { PagerDutyHttpClient } from '../../adapters/pagerduty-http-client.ts';
import { SnsPublisher } from '../../adapters/sns-publisher.ts';
import { SsmRoutingKey } from '../../adapters/ssm-routing-key.ts';
import type { RouterEnvironment } from '../router/env.ts';

type AlertingEnvironment = Omit<RouterEnvironment, 'DEAD_LETTER_QUEUE_URL'>;

export interface NotificationClients {
  dynamodb: DynamoDBClient;
  sns: SNSClient;
  ssm: SSMClient;
}

export function notificationAdapters(env: AlertingEnvironment, clients: NotificationClients) {
  const routingKeyParameter = env.PAGERDUTY_ROUTING_KEY_PARAMETER;
  const pagerduty = routingKeyParameter
    ? new PagerDutyHttpClient({
        eventsUrl: env.PAGERDUTY_EVENTS_URL,
        routingKey: new SsmRoutingKey({ client: clients.ssm, parameterName: routingKeyParameter }).asProvider(),
      })
    : undefined;
  return {
    store: new DynamoDbIncidentStore({ client: clients.dynamodb, tableName: env.INCIDENT_TABLE }),
    heartbeats: new DynamoDbReportHeartbeats({ client: clients.dynamodb, tableName: env.INCIDENT_TABLE }),
    silences: new DynamoDbSilenceStore({ client: clients.dynamodb, tableName: env.INCIDENT_TABLE }),
    ...(pagerduty ? { pagerduty } : {}),
    publisher: new SnsPublisher({ client: clients.sns, topics: { page: env.PAGE_TOPIC_ARN, chatops: env.CHATOPS_TOPIC_ARN } }),
    settings: env.ROUTER_SETTINGS,
  };
}
