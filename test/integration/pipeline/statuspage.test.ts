// Status updates end to end through the router handler with its real adapters (DynamoDB incident table,
// SNS chatops topic read through SQS, the Statuspage API key as an SSM SecureString, all in moto) and the
// contract-checking Statuspage fake: with autoPublish a SEV1 outage creates the page's incident on the
// mapped component and its recovery resolves it; without autoPublish nothing reaches Statuspage and the
// chatops thread gets the ready-to-paste draft. A wrong key is a configuration failure that raises pipeline health.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../../lambdas/core/config.ts';
import type { Signal } from '../../../lambdas/core/signal.ts';
import { putSecureString } from '../support/aws.ts';
import {
  TUESDAY_10,
  createTable,
  deadLetters,
  incidentItem,
  published,
  report,
  reportEvent,
  routerHandler,
  signal,
  useRouterWorld,
  type LogEntry,
  type RouterWorld,
} from '../support/router-fixture.ts';
import { FakeStatuspage, STATUSPAGE_COMPONENTS, STATUSPAGE_KEY, STATUSPAGE_PAGE } from '../support/vendors/statuspage-server.ts';

const KEY_PARAMETER = '/metis-alerts/statuspage/api-key';
const WRONG_KEY_PARAMETER = '/metis-alerts/statuspage/old-api-key';
const HOST = 'gw-prod-01.internal.example.net';
const AT_10_12 = '2026-11-24T10:12:00.000Z';

let world: RouterWorld;
useRouterWorld((created) => (world = created), {
  setup: (w) => putSecureString(w.ssm, KEY_PARAMETER, STATUSPAGE_KEY),
  beforeEachTest: (w) => {
    w.pd.reset();
    statuspage.reset();
  },
});
const statuspage = new FakeStatuspage();
beforeAll(async () => {
  await statuspage.start();
});
afterAll(async () => {
  await statuspage.close();
});

let tables = 0;
const statuspageSink = (autoPublish: boolean): NonNullable<Config['sinks']['statuspage']> => ({
  pageId: STATUSPAGE_PAGE,
  apiKeyParameter: KEY_PARAMETER,
  components: { gateway: STATUSPAGE_COMPONENTS.api },
  autoPublish,
  // The fake listens on loopback http; the config schema admits only https, so it is set after parsing.
  apiUrl: statuspage.apiUrl,
});

const outage = (at: string): Signal =>
  signal({
    source: 'probe',
    rule: 'healthz_down',
    subject: 'gateway',
    severity: 'SEV1',
    observedAt: at,
    summary: `GET https://${HOST}/healthz timed out twice in 60 s`,
    details: { url: `https://${HOST}/healthz`, failure: 'timeout' },
  });
const firingReport = (at: string) => reportEvent(report(at, ['healthz_down'], [outage(at)], 'probe'), at, 'metis-alerts.probe');
const healthyReport = (at: string) =>
  reportEvent(report(at, ['healthz_down'], [], 'probe', { healthz_down: ['gateway'] }), at, 'metis-alerts.probe');

/** The chatops posts since the last call, as Slack renders them (Chatbot's description). */
async function chatopsDescriptions(): Promise<string[]> {
  return (await published(world, world.chatops)).map(
    (p) => (JSON.parse(p.message) as { content: { description: string } }).content.description,
  );
}

describe('statuspage sink with autoPublish', () => {
  it('a SEV1 outage creates the incident on the mapped component; recovery resolves it and the component is operational', async () => {
    const tableName = await createTable(world, `statuspage-${++tables}`);
    const logs: LogEntry[] = [];
    const handle = (at: string) => routerHandler(world, { at, tableName, logs, sinks: { statuspage: statuspageSink(true) } });

    await handle(TUESDAY_10)(firingReport(TUESDAY_10));
    expect(statuspage.violations()).toEqual([]);
    expect(statuspage.incidents).toEqual([
      {
        id: 'inc000000001',
        name: 'API unavailable',
        status: 'investigating',
        updates: [
          { status: 'investigating', body: 'We are investigating an issue: requests to the API are failing. Next update by 10:30 UTC.' },
        ],
        componentIds: [STATUSPAGE_COMPONENTS.api],
      },
    ]);
    expect(statuspage.components.get(STATUSPAGE_COMPONENTS.api)).toBe('major_outage');
    expect(statuspage.components.get(STATUSPAGE_COMPONENTS.models)).toBe('operational');
    const opened = await incidentItem(world, 'healthz_down:gateway', tableName);
    expect(opened?.statuspageIncidentId).toBe('inc000000001');

    await handle(AT_10_12)(healthyReport(AT_10_12));
    expect(statuspage.violations()).toEqual([]);
    expect(statuspage.requests.map((r) => `${r.method} ${r.path} ${r.answer.status}`)).toEqual([
      `POST /v1/pages/${STATUSPAGE_PAGE}/incidents 201`,
      `PATCH /v1/pages/${STATUSPAGE_PAGE}/incidents/inc000000001 200`,
    ]);
    expect(statuspage.incidents[0]?.status).toBe('resolved');
    expect(statuspage.incidents[0]?.updates.at(-1)?.body).toBe(
      'This incident has been resolved. From 10:00 UTC to 10:12 UTC, requests to the API failed.',
    );
    expect(statuspage.components.get(STATUSPAGE_COMPONENTS.api)).toBe('operational');
    // Nothing internal reached the public page: no host, no probe URL, no dedup key.
    expect(JSON.stringify(statuspage.requests.map((r) => r.body))).not.toMatch(/gw-prod-01|healthz|internal\.example/);
    // Only the Authorization header carried the key.
    expect(statuspage.requests.every((r) => r.headers.authorization === `OAuth ${STATUSPAGE_KEY}`)).toBe(true);
    const resolved = await incidentItem(world, 'healthz_down:gateway', tableName);
    expect(resolved?.deliveries.filter((d) => d.sink === 'statuspage').map((d) => `${d.action} ${d.status}`)).toEqual([
      'trigger sent',
      'resolve sent',
    ]);
    expect(logs.filter((l) => l.level !== 'info')).toEqual([]);
    expect(await deadLetters(world)).toEqual([]);
    await chatopsDescriptions(); // drain
  });

  it('a 429 with Retry-After is retried after the wait, like the other HTTP sinks', async () => {
    const tableName = await createTable(world, `statuspage-${++tables}`);
    statuspage.setScript({ type: 'rate-limit', retryAfterSeconds: 1 });
    await routerHandler(world, { at: TUESDAY_10, tableName, sinks: { statuspage: statuspageSink(true) } })(firingReport(TUESDAY_10));
    expect(statuspage.requests.map((r) => r.answer.status)).toEqual([429, 201]);
    expect(statuspage.incidents).toHaveLength(1);
    expect((await incidentItem(world, 'healthz_down:gateway', tableName))?.statuspageIncidentId).toBe('inc000000001');
    await chatopsDescriptions();
  });
});

describe('statuspage sink with a wrong API key', () => {
  it('the create is refused (401) once, not retried, and pipeline_health:statuspage opens on the other sinks', async () => {
    const tableName = await createTable(world, `statuspage-${++tables}`);
    await putSecureString(world.ssm, WRONG_KEY_PARAMETER, 'not-the-statuspage-key');
    const sink = { ...statuspageSink(true), apiKeyParameter: WRONG_KEY_PARAMETER };
    await routerHandler(world, { at: TUESDAY_10, tableName, sinks: { statuspage: sink } })(firingReport(TUESDAY_10));
    expect(statuspage.requests.map((r) => r.answer.status)).toEqual([401]);
    expect(statuspage.incidents).toEqual([]);
    const outage = await incidentItem(world, 'healthz_down:gateway', tableName);
    expect(outage?.deliveries.find((d) => d.sink === 'statuspage')).toMatchObject({
      status: 'failed',
      failureKind: 'config',
      retryable: false,
    });
    const health = await incidentItem(world, 'pipeline_health:statuspage', tableName);
    expect(health).toMatchObject({ status: 'open', severity: 'SEV2' });
    expect(health?.lastSignal.summary).toContain('Statuspage delivery failed for healthz_down:gateway');
    expect(JSON.stringify(health)).not.toContain('not-the-statuspage-key');
    await chatopsDescriptions();
  });
});

describe('statuspage sink without autoPublish', () => {
  it('sends no request at all; the chatops thread gets the draft to paste', async () => {
    const tableName = await createTable(world, `statuspage-${++tables}`);
    await routerHandler(world, { at: TUESDAY_10, tableName, sinks: { statuspage: statuspageSink(false) } })(firingReport(TUESDAY_10));
    await routerHandler(world, { at: AT_10_12, tableName, sinks: { statuspage: statuspageSink(false) } })(healthyReport(AT_10_12));
    expect(statuspage.requests).toEqual([]);
    const [opened, resolved, ...rest] = await chatopsDescriptions();
    expect(rest).toEqual([]);
    expect(opened).toContain(
      '*Status page update (Investigating), ready to paste:*\n> *API unavailable*\n> We are investigating an issue: requests to the API are failing. Next update by 10:30 UTC.',
    );
    expect(resolved).toContain('> This incident has been resolved. From 10:00 UTC to 10:12 UTC, requests to the API failed.');
    const incident = await incidentItem(world, 'healthz_down:gateway', tableName);
    expect(incident?.deliveries.some((d) => d.sink === 'statuspage')).toBe(false);
    expect(incident?.statuspageIncidentId).toBeUndefined();
  });
});
