// lambdas/functions/sweeper/index.ts as deployed: its environment from process.env, real SDK clients (moto
// through AWS_ENDPOINT_URL), its real clock, called with a Lambda context like the 5-minute schedule does.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DASHBOARD_MESSAGES } from '../../../../lambdas/core/dashboard/log-records.ts';
import { DynamoDbReportHeartbeats } from '../../../../lambdas/adapters/dynamodb-report-heartbeats.ts';
import {
  DEFAULT_SETTINGS,
  ROUTING_KEY_PARAMETER,
  incidentItem,
  published,
  useRouterWorld,
  type RouterWorld,
} from '../../support/router-fixture.ts';
import { importEntry, logLines, type Entry } from '../../support/run-entry.ts';

let world: RouterWorld;
useRouterWorld((created) => (world = created));

let entry: Entry;
beforeAll(async () => {
  entry = await importEntry('sweeper', {
    INCIDENT_TABLE: world.tableName,
    PAGE_TOPIC_ARN: world.page.topicArn,
    CHATOPS_TOPIC_ARN: world.chatops.topicArn,
    SINKS: JSON.stringify({ pagerduty: { routingKeyParameter: ROUTING_KEY_PARAMETER, eventsUrl: world.pd.eventsUrl } }),
    ROUTER_SETTINGS: JSON.stringify(DEFAULT_SETTINGS),
    SWEEPER_SETTINGS: JSON.stringify({ tracebackQuietMinutes: 30, expectedSources: [{ source: 'trace-db', intervalMinutes: 5 }] }),
  });
});
afterAll(() => entry?.restore());

describe('the sweeper entry (index.ts)', () => {
  it('raises source_stale (SEV2) for a trace check that never reported in the hour the sweeper has been watching', async () => {
    // The sweeper started watching an hour ago (its pipeline heartbeat); the trace check never reported since.
    const watchingSince = new Date(Date.now() - 60 * 60_000).toISOString();
    await new DynamoDbReportHeartbeats({ client: world.dynamo, tableName: world.tableName }).record('pipeline', watchingSince);

    const { value, lines } = await entry.invoke({ source: 'aws.scheduler' }, 'req-sweeper-1');

    // SEV2: chatops always; PagerDuty and page too when the real clock is in business hours.
    expect((value as { deliveries: number }).deliveries).toBeGreaterThanOrEqual(1);
    const chatops = await published(world, world.chatops);
    expect(chatops.map((p) => p.subject)).toEqual(['[SEV2] FIRING source_stale: trace-db']);
    expect(await incidentItem(world, 'source_stale:trace-db')).toMatchObject({ status: 'open', severity: 'SEV2' });
    const logs = logLines(lines);
    expect(logs.map((l) => l.message)).toContain('swept');
    for (const line of logs) expect(line).toMatchObject({ function_request_id: 'req-sweeper-1', cold_start: true });
  });

  it('sends nothing new on the next run while the incident stays open', async () => {
    const { value, lines } = await entry.invoke({ source: 'aws.scheduler' }, 'req-sweeper-2');

    expect(value).toEqual({ deliveries: 0 });
    expect(await published(world, world.chatops)).toEqual([]);
    // The sweep line and the on-call dashboard's open-incidents record, both with the request id.
    expect(logLines(lines)).toEqual([
      expect.objectContaining({ message: 'swept', function_request_id: 'req-sweeper-2', cold_start: false }),
      expect.objectContaining({ message: DASHBOARD_MESSAGES.openIncidents, function_request_id: 'req-sweeper-2', cold_start: false }),
    ]);
  });
});
