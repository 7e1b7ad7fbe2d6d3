// The human loop end to end, on the deployed entries (router, ack-intake and sweeper index.ts, as bundled,
// pointed at moto and the PagerDuty fake): a SEV1 page carries an ack link; posting it acknowledges the
// incident once; a PagerDuty resolve webhook closes it; the next sweep tells page and chat it is resolved
// and sends PagerDuty nothing back; an ack of a PagerDuty incident grouped from two of ours is mapped
// through the PagerDuty fake's REST API and acknowledges both.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pagerDutyEvent, pagerDutySignature } from '../../fixtures/pagerduty/webhooks-v3.ts';
import { putSecureString } from '../support/aws.ts';
import {
  DEFAULT_SETTINGS,
  ROUTING_KEY_PARAMETER,
  incidentItem,
  pdCalls,
  published,
  report,
  reportEvent,
  signal,
  useRouterWorld,
  type RouterWorld,
} from '../support/router-fixture.ts';
import { importEntry, type Entry } from '../support/run-entry.ts';
import { PAGERDUTY_REST_KEY } from '../support/vendors/pagerduty-rest.ts';

let world: RouterWorld;
useRouterWorld((created) => (world = created));

const LINK_PARAMETER = '/metis/intake/ack-link';
const PD_PARAMETER = '/metis/intake/pagerduty';
const PD_SECRET = 'pd-subscription-secret-0123456789';
const PD_REST_PARAMETER = '/metis/intake/pagerduty-rest';
const INTAKE_URL = 'https://abcdefghij.lambda-url.us-east-1.on.aws/';
const KEY = 'provider_unavailable:openai';
const entries: Entry[] = [];
let router: Entry;
let intake: Entry;
let sweeper: Entry;

beforeAll(async () => {
  await putSecureString(world.ssm, LINK_PARAMETER, 'ack-link-key-0123456789abcdef0123456789');
  await putSecureString(world.ssm, PD_PARAMETER, PD_SECRET);
  await putSecureString(world.ssm, PD_REST_PARAMETER, PAGERDUTY_REST_KEY);
  const alerting = {
    INCIDENT_TABLE: world.tableName,
    PAGE_TOPIC_ARN: world.page.topicArn,
    CHATOPS_TOPIC_ARN: world.chatops.topicArn,
    SINKS: JSON.stringify({ pagerduty: { routingKeyParameter: ROUTING_KEY_PARAMETER, eventsUrl: world.pd.eventsUrl } }),
    ROUTER_SETTINGS: JSON.stringify(DEFAULT_SETTINGS),
    ACK_LINK_URL: INTAKE_URL,
    ACK_LINK_SECRET_PARAMETER: LINK_PARAMETER,
  };
  // Each entry reads its environment at load; all stay set until the end (the SDK reads credentials lazily).
  router = await importEntry('router', { ...alerting, DEAD_LETTER_QUEUE_URL: world.dlqUrl });
  intake = await importEntry('ack-intake', {
    INCIDENT_TABLE: world.tableName,
    ROUTER_SETTINGS: JSON.stringify(DEFAULT_SETTINGS),
    INTAKE_SETTINGS: JSON.stringify({
      pagerduty: { secretParameter: PD_PARAMETER, restApiKeyParameter: PD_REST_PARAMETER, restApiUrl: world.pd.restApiUrl },
      ackLinks: { secretParameter: LINK_PARAMETER },
    }),
  });
  sweeper = await importEntry('sweeper', {
    ...alerting,
    SWEEPER_SETTINGS: JSON.stringify({ tracebackQuietMinutes: 30, expectedSources: [] }),
  });
  entries.push(router, intake, sweeper);
});
afterAll(() => {
  for (const entry of entries.reverse()) entry.restore();
});

function urlEvent(method: string, path: string, body = '', headers: Record<string, string> = {}) {
  return {
    version: '2.0',
    rawPath: path,
    rawQueryString: '',
    headers,
    requestContext: { http: { method, path } },
    body,
    isBase64Encoded: false,
  };
}

describe('the human loop on the deployed entries', () => {
  let link = '';

  it('a SEV1 page carries an ack link to the intake', async () => {
    const now = new Date().toISOString();
    const sev1 = signal({ rule: 'provider_unavailable', subject: 'openai', severity: 'SEV1', observedAt: now });
    await router.invoke(reportEvent(report(now, ['provider_unavailable'], [sev1]), now), 'req-route');
    const pages = await published(world, world.page);
    expect(pages).toHaveLength(1);
    link = /Acknowledge \(once, within the link's lifetime\): (\S+)/.exec(pages[0]!.message)?.[1] ?? '';
    expect(link.startsWith(`${INTAKE_URL}ack/`)).toBe(true);
    expect(pdCalls(world).map((c) => c.action)).toEqual(['trigger']);
  });

  it('opening the link acknowledges nothing; posting it acknowledges once', async () => {
    const path = new URL(link).pathname;
    const shown = (await intake.invoke(urlEvent('GET', path), 'req-get')).value as { statusCode: number };
    expect(shown.statusCode).toBe(200);
    expect((await incidentItem(world, KEY))?.ack).toBeUndefined();
    const posted = (await intake.invoke(urlEvent('POST', path, 'name=Ana'), 'req-post')).value as { statusCode: number };
    expect(posted.statusCode).toBe(200);
    expect((await incidentItem(world, KEY))?.ack).toMatchObject({ by: 'Ana', via: 'link' });
    const again = (await intake.invoke(urlEvent('POST', path, 'name=Eve'), 'req-again')).value as { statusCode: number };
    expect(again.statusCode).toBe(409);
    expect((await incidentItem(world, KEY))?.ack?.by).toBe('Ana');
  });

  it('a PagerDuty resolve closes it; the sweep resolves page and chat, and sends PagerDuty nothing back', async () => {
    const body = JSON.stringify(pagerDutyEvent({ type: 'incident.resolved', incidentKey: KEY, occurredAt: new Date().toISOString() }));
    const headers = { 'x-pagerduty-signature': pagerDutySignature(body, PD_SECRET), 'x-webhook-id': 'wh-resolve' };
    const answer = (await intake.invoke(urlEvent('POST', '/pagerduty', body, headers), 'req-pd')).value as { statusCode: number };
    expect(answer.statusCode).toBe(200);
    expect(await incidentItem(world, KEY)).toMatchObject({ status: 'resolved', humanResolved: { via: 'pagerduty' } });
    await published(world, world.chatops); // the trigger's post
    await sweeper.invoke({ source: 'aws.scheduler' }, 'req-sweep');
    expect((await published(world, world.page)).map((p) => p.subject)).toEqual(['[SEV1] RESOLVED provider_unavailable: openai']);
    // The link's ack post (no scheduler here to send it at once) goes out with the resolve, in that order.
    const posts = (await published(world, world.chatops)).map((p) => p.message);
    expect(posts).toHaveLength(2);
    expect(posts[0]).toContain('Acknowledged by Ana');
    expect(posts[1]).toContain('RESOLVED');
    // The fake's requests are reset before each test: the trigger went in the first; nothing since.
    expect(pdCalls(world)).toEqual([]);
    const resolves = (await incidentItem(world, KEY))?.deliveries.filter((d) => d.action === 'resolve').map((d) => `${d.sink} ${d.status}`);
    expect(resolves).toEqual(['pagerduty skipped', 'page sent', 'chatops sent']);
  });

  it('an ack of a PagerDuty incident grouped from two of ours (no incident_key) acknowledges both, through the REST API', async () => {
    const now = new Date().toISOString();
    const sev1s = ['anthropic', 'mistral'].map((subject) =>
      signal({ rule: 'provider_unavailable', subject, severity: 'SEV1', observedAt: now }),
    );
    await router.invoke(reportEvent(report(now, ['provider_unavailable'], sev1s), now), 'req-route-grouped');
    const keys = sev1s.map((s) => s.dedupKey);
    world.pd.rest.group('PGRPLOOP', keys);
    // The person acts after the router opened both.
    const event = pagerDutyEvent({
      type: 'incident.acknowledged',
      incidentKey: null,
      occurredAt: new Date().toISOString(),
      id: 'ev-grouped-loop',
    });
    event.event.data.id = 'PGRPLOOP';
    const body = JSON.stringify(event);
    const headers = { 'x-pagerduty-signature': pagerDutySignature(body, PD_SECRET), 'x-webhook-id': 'wh-grouped' };
    const answer = (await intake.invoke(urlEvent('POST', '/pagerduty', body, headers), 'req-grouped')).value as { statusCode: number };
    expect(answer.statusCode).toBe(200);
    for (const key of keys) expect((await incidentItem(world, key))?.ack, key).toMatchObject({ by: 'Tenex Engineer', via: 'pagerduty' });
    const lookups = world.pd.requests.filter((r) => r.method === 'GET');
    expect(lookups.map((r) => [r.path, r.headers.authorization, r.errors])).toEqual([
      ['/incidents/PGRPLOOP/alerts?limit=100&offset=0', `Token token=${PAGERDUTY_REST_KEY}`, []],
    ]);
  });
});
