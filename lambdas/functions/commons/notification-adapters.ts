// The store and sinks the router and the sweeper share, built from their environment and the clients
// their entry files (or the tests, pointed at moto) create.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { SSMClient } from '@aws-sdk/client-ssm';
import type { SchedulerClient } from '@aws-sdk/client-scheduler';
import { EventBridgeDeadlineScheduler } from '../../adapters/eventbridge-deadline-scheduler.ts';
import { DynamoDbDigestStore } from '../../adapters/dynamodb-digest-store.ts';
import { DynamoDbIncidentStore } from '../../adapters/dynamodb-incident-store.ts';
import { DynamoDbReportHeartbeats } from '../../adapters/dynamodb-report-heartbeats.ts';
import { DynamoDbSilenceStore } from '../../adapters/dynamodb-silence-store.ts';
import { DynamoDbStormLedger } from '../../adapters/dynamodb-storm-ledger.ts';
import { awsTransports } from '../../adapters/notify/transports.ts';
import { SnsPublisher } from '../../adapters/sns-publisher.ts';
import { SsmAckLinks } from '../../adapters/ssm-ack-links.ts';
import { buildNotifiers } from '../../core/notify/sink-catalog.ts';
import type { RouterEnvironment } from '../router/env.ts';

type AlertingEnvironment = Omit<RouterEnvironment, 'DEAD_LETTER_QUEUE_URL'>;

export interface NotificationClients {
  dynamodb: DynamoDBClient;
  sns: SNSClient;
  ssm: SSMClient;
  /** EventBridge Scheduler, for incident deadlines when DEADLINE_SCHEDULER is set. */
  scheduler?: SchedulerClient;
}

export function notificationAdapters(env: AlertingEnvironment, clients: NotificationClients) {
  const publisher = new SnsPublisher({
    client: clients.sns,
    topics: {
      page: env.PAGE_TOPIC_ARN,
      chatops: env.CHATOPS_TOPIC_ARN,
      ...(env.PAGE_SECONDARY_TOPIC_ARN ? { 'page-secondary': env.PAGE_SECONDARY_TOPIC_ARN } : {}),
    },
  });
  return {
    store: new DynamoDbIncidentStore({ client: clients.dynamodb, tableName: env.INCIDENT_TABLE }),
    heartbeats: new DynamoDbReportHeartbeats({ client: clients.dynamodb, tableName: env.INCIDENT_TABLE }),
    silences: new DynamoDbSilenceStore({ client: clients.dynamodb, tableName: env.INCIDENT_TABLE }),
    digests: new DynamoDbDigestStore({ client: clients.dynamodb, tableName: env.INCIDENT_TABLE }),
    storm: new DynamoDbStormLedger({ client: clients.dynamodb, tableName: env.INCIDENT_TABLE }),
    notifiers: buildNotifiers(env.SINKS, { ...awsTransports({ ssm: clients.ssm, publisher }), ...ackLinksOf(env, clients) }),
    settings: env.ROUTER_SETTINGS,
    ...(env.DEADLINE_SCHEDULER && clients.scheduler
      ? { deadlines: new EventBridgeDeadlineScheduler({ client: clients.scheduler, ...env.DEADLINE_SCHEDULER }) }
      : {}),
  };
}

/** The page's ack links, when the stack deployed the ack intake with an ack-link key. */
function ackLinksOf(env: AlertingEnvironment, clients: NotificationClients): { ackLinks?: SsmAckLinks } {
  if (!env.ACK_LINK_URL || !env.ACK_LINK_SECRET_PARAMETER) return {};
  return {
    ackLinks: new SsmAckLinks({
      client: clients.ssm,
      parameterName: env.ACK_LINK_SECRET_PARAMETER,
      baseUrl: env.ACK_LINK_URL,
      lifetimeMinutes: env.ACK_LINK_MINUTES,
    }),
  };
}
