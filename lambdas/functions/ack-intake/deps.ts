// The intake's adapters from its environment and clients: what index.ts runs and the tests exercise.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SSMClient } from '@aws-sdk/client-ssm';
import type { SchedulerClient } from '@aws-sdk/client-scheduler';
import { EventBridgeDeadlineScheduler } from '../../adapters/eventbridge-deadline-scheduler.ts';
import { DynamoDbIncidentStore } from '../../adapters/dynamodb-incident-store.ts';
import { DynamoDbSeenIds } from '../../adapters/dynamodb-seen-ids.ts';
import { SsmSecret } from '../../adapters/notify/ssm-secret.ts';
import { PagerDutyRestIncidentAlerts } from '../../adapters/pagerduty-incident-alerts.ts';
import { PAGERDUTY_REST_API_URL } from '../../core/config.ts';
import { secretsOf } from '../../core/human/secrets.ts';
import type { Runtime } from '../commons/runtime.ts';
import type { AckIntakeEnvironment } from './env.ts';
import type { AckIntakeDeps, Door } from './handler.ts';

export interface AckIntakeClients {
  dynamodb: DynamoDBClient;
  ssm: SSMClient;
  /** EventBridge Scheduler, to wake the sweeper for what an action left owed or a reopen check (when DEADLINE_SCHEDULER is set). */
  scheduler?: SchedulerClient;
}

/** A rotated secret is picked up within a minute, without a redeploy. */
const SECRET_MAX_AGE_SECONDS = 60;

export function buildAckIntakeDeps(env: AckIntakeEnvironment, clients: AckIntakeClients, runtime: Runtime): AckIntakeDeps {
  const intake = env.INTAKE_SETTINGS;
  const parameters: Record<Door, string | undefined> = {
    pagerduty: intake.pagerduty?.secretParameter,
    opsgenie: intake.opsgenie?.secretParameter,
    'splunk-oncall': intake.splunkOnCall?.secretParameter,
    link: intake.ackLinks?.secretParameter,
  };
  const readers = new Map<Door, SsmSecret>();
  for (const [door, parameterName] of Object.entries(parameters) as [Door, string | undefined][])
    if (parameterName) readers.set(door, new SsmSecret({ client: clients.ssm, parameterName, maxAgeSeconds: SECRET_MAX_AGE_SECONDS }));
  const restKey = intake.pagerduty?.restApiKeyParameter;
  // Cached like the signing secrets: a warm intake reads the key at most once a minute.
  const pagerDutyAlerts = restKey
    ? new PagerDutyRestIncidentAlerts({
        apiUrl: intake.pagerduty!.restApiUrl ?? PAGERDUTY_REST_API_URL,
        apiKey: new SsmSecret({ client: clients.ssm, parameterName: restKey, maxAgeSeconds: SECRET_MAX_AGE_SECONDS }).asProvider(),
      })
    : undefined;
  return {
    ...(pagerDutyAlerts ? { pagerDutyAlerts } : {}),
    store: new DynamoDbIncidentStore({ client: clients.dynamodb, tableName: env.INCIDENT_TABLE }),
    seen: new DynamoDbSeenIds({ client: clients.dynamodb, tableName: env.INCIDENT_TABLE }),
    secrets: async (door) => {
      const reader = readers.get(door);
      return reader ? secretsOf(await reader.get()) : undefined;
    },
    secretHeaders: { opsgenie: intake.opsgenie?.header, 'splunk-oncall': intake.splunkOnCall?.header },
    settings: env.ROUTER_SETTINGS,
    ...(env.DEADLINE_SCHEDULER && clients.scheduler
      ? { deadlines: new EventBridgeDeadlineScheduler({ client: clients.scheduler, ...env.DEADLINE_SCHEDULER }) }
      : {}),
    clock: runtime.clock,
    logger: runtime.logger,
  };
}
