// lambdas/functions/router/index.ts as deployed: its environment from process.env, real SDK clients (moto
// through AWS_ENDPOINT_URL), the PagerDuty fake as the events URL, called with a Lambda context.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_SETTINGS,
  ROUTING_KEY_PARAMETER,
  deadLetters,
  incidentItem,
  pdCalls,
  published,
  report,
  reportEvent,
  signal,
  useRouterWorld,
  type RouterWorld,
} from '../../support/router-fixture.ts';
import { importEntry, logLines, type Entry } from '../../support/run-entry.ts';

let world: RouterWorld;
useRouterWorld((created) => (world = created));

let entry: Entry;
beforeAll(async () => {
  entry = await importEntry('router', {
    INCIDENT_TABLE: world.tableName,
    PAGE_TOPIC_ARN: world.page.topicArn,
    CHATOPS_TOPIC_ARN: world.chatops.topicArn,
    SINKS: JSON.stringify({ pagerduty: { routingKeyParameter: ROUTING_KEY_PARAMETER, eventsUrl: world.pd.eventsUrl } }),
    ROUTER_SETTINGS: JSON.stringify(DEFAULT_SETTINGS),
    DEAD_LETTER_QUEUE_URL: world.dlqUrl,
  });
});
afterAll(() => entry?.restore());

describe('the router entry (index.ts)', () => {
  it('routes a SEV1 report to PagerDuty, page and chatops, records the incident, logs with the request id and cold start', async () => {
    const now = new Date().toISOString();
    const sev1 = signal({ rule: 'db_integrity', subject: 'trace.db', severity: 'SEV1', summary: 'quick_check failed', observedAt: now });
    const { value, lines } = await entry.invoke(reportEvent(report(now, ['db_integrity'], [sev1]), now), 'req-router-1');

    expect(value).toEqual({ status: 'routed', signals: 1, deliveries: 3 });
    expect(pdCalls(world)).toEqual([{ action: 'trigger', severity: 'critical', dedupKey: 'db_integrity:trace.db', status: 202 }]);
    expect((await published(world, world.page)).map((p) => p.attributes.severity)).toEqual(['SEV1']);
    expect((await published(world, world.chatops)).map((p) => p.attributes.severity)).toEqual(['SEV1']);
    expect(await incidentItem(world, 'db_integrity:trace.db')).toMatchObject({ status: 'open', severity: 'SEV1' });

    const logs = logLines(lines);
    expect(logs.map((l) => l.message)).toContain('routed');
    for (const line of logs) expect(line).toMatchObject({ function_request_id: 'req-router-1', cold_start: true });
  });

  it('parks an event it does not understand in the dead-letter queue; the second invocation is not a cold start', async () => {
    const { value, lines } = await entry.invoke({ 'detail-type': 'Something Else', detail: {} }, 'req-router-2');

    expect(value).toEqual({ status: 'dead-lettered', reason: 'unsupported detail-type "Something Else"' });
    expect((await deadLetters(world)).map((d) => d.reason)).toEqual(['unsupported detail-type "Something Else"']);
    const logs = logLines(lines);
    expect(logs.map((l) => [l.level, l.message])).toEqual([['ERROR', 'event sent to the dead-letter queue']]);
    expect(logs[0]).toMatchObject({ function_request_id: 'req-router-2', cold_start: false, function_name: 'metis-alerts-router' });
  });
});
