// The ack intake's handler against moto (incident table, SSM SecureStrings), built by buildAckIntakeDeps as
// index.ts builds it, called with function-URL (payload 2.0) events. Forged, replayed, oversized, truncated
// and wrong-provider requests change no incident and never throw; valid ones set `ack` or close the incident.
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoDbIncidentStore } from '../../../../lambdas/adapters/dynamodb-incident-store.ts';
import { signAckLink } from '../../../../lambdas/core/human/ack-link.ts';
import type { Incident } from '../../../../lambdas/core/incident.ts';
import { parseConfig } from '../../../../lambdas/core/config.ts';
import { routerSettingsOf } from '../../../../lambdas/core/router-settings.ts';
import { applySignal } from '../../../../lambdas/core/routing-policy.ts';
import type { Signal } from '../../../../lambdas/core/signal.ts';
import { buildAckIntakeDeps } from '../../../../lambdas/functions/ack-intake/deps.ts';
import { readAckIntakeEnvironment } from '../../../../lambdas/functions/ack-intake/env.ts';
import { makeAckIntakeHandler, type UrlResponse } from '../../../../lambdas/functions/ack-intake/handler.ts';
import { opsgenieBody } from '../../../fixtures/opsgenie/webhooks.ts';
import { pagerDutyEvent, pagerDutySignature } from '../../../fixtures/pagerduty/webhooks-v3.ts';
import { createIncidentTable, dynamoClient, perFileName, putSecureString, ssmClient } from '../../support/aws.ts';
import { collectingLogger } from '../../support/lifecycle-world.ts';

const PD_OLD = 'pd-old-secret-0123456789abcdef';
const PD_NEW = 'pd-new-secret-fedcba9876543210';
const SHARED = 'shared-secret-for-opsgenie-and-splunk';
const LINK = 'ack-link-secret-0123456789abcdef0123';
const OPENED = new Date('2026-11-24T10:00:00.000Z');
const NOW = new Date('2026-11-24T10:08:00.000Z');

const tableName = perFileName('ack-intake-incidents');
const dynamo = dynamoClient();
const ssm = ssmClient();
const store = new DynamoDbIncidentStore({ client: dynamo, tableName });
const logs: { level: string; message: string; fields?: Record<string, unknown> }[] = [];
const config = parseConfig({ sinks: { pagerduty: { routingKeyParameter: '/metis/pd' } } });
let clock = NOW;
let handler: (event: unknown) => Promise<UrlResponse>;

beforeAll(async () => {
  await createIncidentTable(dynamo, tableName);
  // A rotation in progress: the parameter holds the old and the new PagerDuty secret.
  await putSecureString(ssm, '/metis/intake/pagerduty', `${PD_OLD}\n${PD_NEW}`);
  await putSecureString(ssm, '/metis/intake/opsgenie', SHARED);
  await putSecureString(ssm, '/metis/intake/splunk', SHARED);
  await putSecureString(ssm, '/metis/intake/ack-link', LINK);
  const env = readAckIntakeEnvironment({
    INCIDENT_TABLE: tableName,
    ROUTER_SETTINGS: JSON.stringify(routerSettingsOf(config)),
    INTAKE_SETTINGS: JSON.stringify({
      pagerduty: { secretParameter: '/metis/intake/pagerduty' },
      opsgenie: { secretParameter: '/metis/intake/opsgenie' },
      splunkOnCall: { secretParameter: '/metis/intake/splunk', header: 'X-Splunk-Secret' },
      ackLinks: { secretParameter: '/metis/intake/ack-link' },
    }),
  });
  handler = makeAckIntakeHandler(
    buildAckIntakeDeps(env, { dynamodb: dynamo, ssm }, { logger: collectingLogger(logs), clock: () => clock }),
  );
});

/** A SEV1 opened at 10:00 under a fresh dedup key, paged on PagerDuty, page and chatops. */
async function openIncident(dedupKey: string): Promise<Incident> {
  const signal: Signal = {
    source: 'probe',
    rule: 'healthz_down',
    subject: dedupKey.split(':')[1]!,
    severity: 'SEV1',
    status: 'firing',
    dedupKey,
    summary: 'healthz down',
    observedAt: OPENED.toISOString(),
    details: {},
  };
  const { next } = applySignal(undefined, signal, OPENED, routerSettingsOf(config));
  for (const d of next.deliveries) d.status = 'sent';
  expect(await store.put(next, undefined)).toBe(true);
  return next;
}

function urlEvent(method: string, path: string, body: string, headers: Record<string, string> = {}, base64 = false) {
  return {
    version: '2.0',
    rawPath: path,
    rawQueryString: '',
    headers: { 'content-type': 'application/json', ...headers },
    requestContext: { http: { method, path, sourceIp: '198.51.100.7' } },
    body: base64 ? Buffer.from(body).toString('base64') : body,
    isBase64Encoded: base64,
  };
}

function pagerDuty(type: string, dedupKey: string, options: { secret?: string; id?: string; webhookId?: string } = {}) {
  const body = JSON.stringify(
    pagerDutyEvent({ type, incidentKey: dedupKey, occurredAt: '2026-11-24T10:07:00Z', id: options.id ?? `ev-${type}-${dedupKey}` }),
  );
  return urlEvent('POST', '/pagerduty', body, {
    'x-pagerduty-signature': pagerDutySignature(body, options.secret ?? PD_NEW),
    'x-webhook-id': options.webhookId ?? `wh-${type}-${dedupKey}`,
  });
}

beforeEach(() => {
  clock = NOW;
  logs.length = 0;
});

describe('ack intake: PagerDuty', () => {
  it('a PagerDuty ack signed with the new secret of a rotation sets ack on the incident', async () => {
    await openIncident('healthz_down:pd-ack');
    const response = await handler(pagerDuty('incident.acknowledged', 'healthz_down:pd-ack'));
    expect(response.statusCode).toBe(200);
    const stored = await store.get('healthz_down:pd-ack');
    expect(stored?.ack).toEqual({ at: '2026-11-24T10:07:00.000Z', by: 'Tenex Engineer', via: 'pagerduty' });
    expect(stored?.timeline.at(-1)).toEqual({ at: '2026-11-24T10:07:00.000Z', event: 'ack by Tenex Engineer (PagerDuty)' });
    expect(stored?.version).toBe(1);
  });

  it('a body signed with the old secret is accepted too; a forged one is 403 and changes nothing', async () => {
    await openIncident('healthz_down:pd-old');
    expect((await handler(pagerDuty('incident.acknowledged', 'healthz_down:pd-old', { secret: PD_OLD }))).statusCode).toBe(200);
    await openIncident('healthz_down:pd-forged');
    const forged = await handler(pagerDuty('incident.acknowledged', 'healthz_down:pd-forged', { secret: 'guessed' }));
    expect(forged).toMatchObject({ statusCode: 403, body: '{"status":"forbidden"}' });
    expect((await store.get('healthz_down:pd-forged'))?.ack).toBeUndefined();
    expect((await store.get('healthz_down:pd-forged'))?.version).toBe(0);
    expect((await store.get('healthz_down:pd-old'))?.ack?.by).toBe('Tenex Engineer');
  });

  it('a replay (same webhook id, or same event id) is answered 200 and changes nothing', async () => {
    const before = await openIncident('healthz_down:pd-replay');
    expect((await handler(pagerDuty('incident.unacknowledged', 'healthz_down:pd-replay'))).statusCode).toBe(200);
    // unack of an unacknowledged incident: accepted, nothing to change; then the ack, then its replays.
    expect(
      (await handler(pagerDuty('incident.acknowledged', 'healthz_down:pd-replay', { id: 'ev-1', webhookId: 'wh-1' }))).statusCode,
    ).toBe(200);
    const acked = await store.get('healthz_down:pd-replay');
    expect(acked?.version).toBe(before.version + 1);
    const sameDelivery = await handler(pagerDuty('incident.unacknowledged', 'healthz_down:pd-replay', { id: 'ev-1', webhookId: 'wh-2' }));
    const sameWebhook = await handler(pagerDuty('incident.unacknowledged', 'healthz_down:pd-replay', { id: 'ev-9', webhookId: 'wh-1' }));
    expect([sameDelivery.statusCode, sameWebhook.statusCode]).toEqual([200, 200]);
    expect([sameDelivery.body, sameWebhook.body]).toEqual(['{"status":"duplicate"}', '{"status":"duplicate"}']);
    expect(await store.get('healthz_down:pd-replay')).toEqual(acked);
  });

  it('a PagerDuty resolve closes our incident and owes no resolve back to PagerDuty', async () => {
    await openIncident('healthz_down:pd-resolve');
    expect((await handler(pagerDuty('incident.resolved', 'healthz_down:pd-resolve'))).statusCode).toBe(200);
    const stored = await store.get('healthz_down:pd-resolve');
    expect(stored).toMatchObject({
      status: 'resolved',
      resolvedAt: NOW.toISOString(),
      humanResolved: { by: 'Tenex Engineer', via: 'pagerduty' },
    });
    expect(stored?.deliveries.filter((d) => d.action === 'resolve').map((d) => `${d.sink}:${d.status}`)).toEqual([
      'pagerduty:skipped',
      'page:pending',
      'chatops:pending',
    ]);
    // The sweeper finds it through the owed index and sends the two resolved notices.
    expect((await store.listOwed()).map((i) => i.dedupKey)).toContain('healthz_down:pd-resolve');
  });

  it('an unknown incident is answered exactly like a known one (no oracle)', async () => {
    await openIncident('healthz_down:pd-known');
    const known = await handler(pagerDuty('incident.acknowledged', 'healthz_down:pd-known'));
    const unknown = await handler(pagerDuty('incident.acknowledged', 'healthz_down:never-opened'));
    expect(unknown).toEqual(known);
    expect(await store.get('healthz_down:never-opened')).toBeUndefined();
  });

  it('a key naming another item of the table (seen#..., storm#...) is not read as an incident', async () => {
    const response = await handler(pagerDuty('incident.acknowledged', 'seen#pagerduty:event:ev-1'));
    expect(response.statusCode).toBe(200);
    expect(logs.map((l) => l.fields?.reason)).toContain('not an incident key');
  });
});

describe('ack intake: bad requests change nothing and never throw', () => {
  it('refuses a body over 64 KB with 413 before reading it, plain or base64', async () => {
    const incident = await openIncident('healthz_down:big');
    const big = JSON.stringify({
      ...pagerDutyEvent({ type: 'incident.acknowledged', incidentKey: 'healthz_down:big' }),
      pad: 'x'.repeat(70_000),
    });
    const signed = { 'x-pagerduty-signature': pagerDutySignature(big, PD_NEW) };
    expect((await handler(urlEvent('POST', '/pagerduty', big, signed))).statusCode).toBe(413);
    expect((await handler(urlEvent('POST', '/pagerduty', big, signed, true))).statusCode).toBe(413);
    expect(await store.get('healthz_down:big')).toEqual(incident);
  });

  it('a truncated signed body is 400, a truncated unsigned one 403', async () => {
    const incident = await openIncident('healthz_down:cut');
    const body = JSON.stringify(pagerDutyEvent({ type: 'incident.acknowledged', incidentKey: 'healthz_down:cut' })).slice(0, 300);
    const signedCut = await handler(urlEvent('POST', '/pagerduty', body, { 'x-pagerduty-signature': pagerDutySignature(body, PD_NEW) }));
    const full = pagerDuty('incident.acknowledged', 'healthz_down:cut');
    const cutAfterSigning = await handler({ ...full, body: full.body.slice(0, 300) });
    expect([signedCut.statusCode, cutAfterSigning.statusCode]).toEqual([400, 403]);
    expect(await store.get('healthz_down:cut')).toEqual(incident);
  });

  it('a PagerDuty request on the Opsgenie path, and an Opsgenie one on the PagerDuty path, are 403', async () => {
    const incident = await openIncident('healthz_down:wrong-door');
    const pd = pagerDuty('incident.acknowledged', 'healthz_down:wrong-door');
    expect((await handler({ ...pd, rawPath: '/opsgenie' })).statusCode).toBe(403);
    const og = urlEvent('POST', '/pagerduty', opsgenieBody('Acknowledge', 'healthz_down:wrong-door', NOW), {
      'x-metis-webhook-secret': SHARED,
    });
    expect((await handler(og)).statusCode).toBe(403);
    expect(await store.get('healthz_down:wrong-door')).toEqual(incident);
  });

  it('answers an unknown path 404, a GET on a webhook path 405, and a non-URL event 400', async () => {
    expect((await handler(urlEvent('POST', '/nagios', '{}'))).statusCode).toBe(404);
    expect((await handler(urlEvent('GET', '/pagerduty', ''))).statusCode).toBe(405);
    expect((await handler({ source: 'aws.events' })).statusCode).toBe(400);
    expect((await handler(null)).statusCode).toBe(400);
  });

  it('logs no secret, signature or token', async () => {
    await openIncident('healthz_down:logs');
    await handler(pagerDuty('incident.acknowledged', 'healthz_down:logs', { secret: 'guessed' }));
    await handler(pagerDuty('incident.acknowledged', 'healthz_down:logs'));
    const token = signAckLink({ dedupKey: 'healthz_down:logs', episode: 1 }, 'not-the-link-secret', NOW, 'n-logs');
    await handler(urlEvent('GET', `/ack/${token}`, ''));
    const text = JSON.stringify(logs);
    for (const secret of [PD_OLD, PD_NEW, SHARED, LINK, token, 'guessed']) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/v1=[0-9a-f]{16}/);
    expect(logs.length).toBeGreaterThanOrEqual(3);
  });
});

describe('ack intake: Opsgenie and Splunk On-Call', () => {
  it('an Opsgenie Acknowledge with the shared secret header acks; its replay is 409', async () => {
    await openIncident('healthz_down:og');
    const event = urlEvent('POST', '/opsgenie', opsgenieBody('Acknowledge', 'healthz_down:og', NOW, 'jane@example.com'), {
      'x-metis-webhook-secret': SHARED,
    });
    expect((await handler(event)).statusCode).toBe(200);
    expect((await store.get('healthz_down:og'))?.ack).toMatchObject({ by: 'jane', via: 'opsgenie' });
    expect((await handler(event)).statusCode).toBe(409);
  });

  it('an Opsgenie Close from 10 minutes ago is refused as stale and leaves the incident open', async () => {
    await openIncident('healthz_down:og-stale');
    const old = new Date(NOW.getTime() - 10 * 60_000);
    const event = urlEvent('POST', '/opsgenie', opsgenieBody('Close', 'healthz_down:og-stale', old), { 'x-metis-webhook-secret': SHARED });
    expect((await handler(event)).statusCode).toBe(409);
    expect((await store.get('healthz_down:og-stale'))?.status).toBe('open');
  });

  it('Splunk On-Call: the configured header or basic auth; RESOLVED closes the incident, no resolve sent back there', async () => {
    await openIncident('healthz_down:vo');
    const acked = JSON.stringify({ entity_id: 'healthz_down:vo', phase: 'ACKED', ack_user: 'jdoe', ack_timestamp: String(NOW.getTime()) });
    expect((await handler(urlEvent('POST', '/splunk-oncall', acked, { 'x-splunk-secret': SHARED }))).statusCode).toBe(200);
    expect((await store.get('healthz_down:vo'))?.ack).toMatchObject({ by: 'jdoe', via: 'splunk-oncall' });
    const basic = { authorization: `Basic ${Buffer.from(`victorops:${SHARED}`).toString('base64')}` };
    const resolved = JSON.stringify({ entity_id: 'healthz_down:vo', phase: 'RESOLVED', ack_user: 'jdoe', ack_timestamp: '' });
    expect((await handler(urlEvent('POST', '/splunk-oncall', resolved, basic))).statusCode).toBe(200);
    expect((await store.get('healthz_down:vo'))?.humanResolved).toMatchObject({ via: 'splunk-oncall' });
    expect((await handler(urlEvent('POST', '/splunk-oncall', resolved, { 'x-splunk-secret': 'wrong' }))).statusCode).toBe(403);
  });
});

describe('ack intake: ack links', () => {
  it('GET shows a confirmation form and acknowledges nothing (link scanners fetch links)', async () => {
    const incident = await openIncident('healthz_down:link-get');
    const token = signAckLink({ dedupKey: 'healthz_down:link-get', episode: incident.episode }, LINK, NOW, 'n-get');
    const response = await handler(urlEvent('GET', `/ack/${token}`, ''));
    expect(response.statusCode).toBe(200);
    expect(response.headers).toMatchObject({ 'referrer-policy': 'no-referrer', 'cache-control': 'no-store' });
    expect(response.body).toContain('<form method="post">');
    expect(response.body).toContain('healthz_down:link-get');
    expect(await store.get('healthz_down:link-get')).toEqual(incident);
  });

  it('POST acknowledges once with the name typed in; the same link again is 409', async () => {
    const incident = await openIncident('healthz_down:link-once');
    const token = signAckLink({ dedupKey: 'healthz_down:link-once', episode: incident.episode }, LINK, NOW, 'n-once');
    const first = await handler(
      urlEvent('POST', `/ack/${token}`, 'name=Ana+P%C3%A9rez', { 'content-type': 'application/x-www-form-urlencoded' }),
    );
    expect(first.statusCode).toBe(200);
    expect(first.body).toContain('Acknowledged');
    const stored = await store.get('healthz_down:link-once');
    expect(stored?.ack).toEqual({ at: NOW.toISOString(), by: 'Ana Pérez', via: 'link' });
    expect(stored?.timeline.at(-1)?.event).toBe('ack by Ana Pérez (ack link)');
    const again = await handler(urlEvent('POST', `/ack/${token}`, ''));
    expect(again.statusCode).toBe(409);
    expect(await store.get('healthz_down:link-once')).toEqual(stored);
  });

  it('an expired link is 410, a forged one 403, a link for an older episode acknowledges nothing', async () => {
    const incident = await openIncident('healthz_down:link-bad');
    const expired = signAckLink(
      { dedupKey: 'healthz_down:link-bad', episode: incident.episode },
      LINK,
      new Date(NOW.getTime() - 31 * 60_000),
      'n-exp',
    );
    const forged = signAckLink({ dedupKey: 'healthz_down:link-bad', episode: incident.episode }, 'guessed-secret', NOW, 'n-forged');
    const older = signAckLink({ dedupKey: 'healthz_down:link-bad', episode: incident.episode - 1 }, LINK, NOW, 'n-old');
    expect((await handler(urlEvent('POST', `/ack/${expired}`, ''))).statusCode).toBe(410);
    expect((await handler(urlEvent('POST', `/ack/${forged}`, ''))).statusCode).toBe(403);
    const old = await handler(urlEvent('POST', `/ack/${older}`, ''));
    expect([old.statusCode, old.body.includes('Nothing to acknowledge')]).toEqual([200, true]);
    expect(await store.get('healthz_down:link-bad')).toEqual(incident);
  });

  it('escapes what it shows: a dedup key with markup cannot inject into the page', async () => {
    const token = signAckLink({ dedupKey: 'x:<script>alert(1)</script>', episode: 1 }, LINK, NOW, 'n-xss');
    const response = await handler(urlEvent('GET', `/ack/${token}`, ''));
    expect(response.body).not.toContain('<script>');
    expect(response.body).toContain('&lt;script&gt;');
  });
});
