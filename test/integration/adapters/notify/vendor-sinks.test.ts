// Opsgenie, Splunk On-Call and Alertmanager-webhook sinks over real HTTP against local fakes that check
// each vendor's published contract: the rendered trigger and resolve are valid and change the vendor's
// state, and the same faults as PagerDuty's (202/200, 4xx, 429, 500, hang, wrong secret) are handled by
// each provider's retry rules. The wire log shows each request with the secret masked.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HttpTransport } from '../../../../lambdas/adapters/notify/http-transport.ts';
import { WireLog } from '../../../../lambdas/adapters/notify/wire-log.ts';
import type { DeliveryRecord, Incident } from '../../../../lambdas/core/incident.ts';
import type { Notifier } from '../../../../lambdas/core/notify/notifier.ts';
import { opsgenieNotifier } from '../../../../lambdas/core/notify/opsgenie/notifier.ts';
import { splunkOnCallNotifier } from '../../../../lambdas/core/notify/splunk-oncall/notifier.ts';
import { webhookNotifier } from '../../../../lambdas/core/notify/webhook/notifier.ts';
import { parseConfig } from '../../../../lambdas/core/config.ts';
import { routerSettingsOf } from '../../../../lambdas/core/router-settings.ts';
import { makeIncident, makeSignal } from '../../support/fixtures.ts';
import { FakeAlertmanagerReceiver, WEBHOOK_TOKEN } from '../../support/vendors/alertmanager-receiver.ts';
import { FakeOpsgenie, OPSGENIE_KEY } from '../../support/vendors/opsgenie-server.ts';
import { FakeSplunkOnCall, SPLUNK_API_KEY } from '../../support/vendors/splunk-oncall-server.ts';
import type { VendorFake } from '../../support/vendors/vendor-fake.ts';

const settings = routerSettingsOf(parseConfig({}));
const NOW = new Date('2026-11-20T12:05:00.000Z');

interface Vendor {
  name: string;
  fake: VendorFake;
  /** The sink's secret for this fake (API key, or the URL that is the secret). */
  secret: () => string;
  /** What the secret looks like in a request, to prove it never reaches the wire log. */
  secretNeedle: string;
  notifier: (transport: HttpTransport) => Notifier;
  /** HTTP status of a contract violation. */
  invalidStatus: number;
  /** Status a wrong secret earns. */
  wrongSecretStatus: number;
  wrongSecret: () => string;
  /** Open alerts/incidents at the vendor. */
  open: () => number;
}

const opsgenie = new FakeOpsgenie();
const splunk = new FakeSplunkOnCall();
const receiver = new FakeAlertmanagerReceiver();

const VENDORS: Vendor[] = [
  {
    name: 'Opsgenie',
    fake: opsgenie,
    secret: () => OPSGENIE_KEY,
    secretNeedle: OPSGENIE_KEY,
    notifier: (t) => opsgenieNotifier(t, opsgenie.baseUrl),
    invalidStatus: 422,
    wrongSecretStatus: 401,
    wrongSecret: () => 'not-the-key',
    open: () => opsgenie.openAlerts().length,
  },
  {
    name: 'Splunk On-Call',
    fake: splunk,
    secret: () => splunk.restEndpoint,
    secretNeedle: SPLUNK_API_KEY,
    notifier: (t) => splunkOnCallNotifier(t),
    invalidStatus: 400,
    wrongSecretStatus: 404,
    wrongSecret: () => splunk.restEndpoint.replace(SPLUNK_API_KEY, 'ffffffff-0000-4000-8000-000000000000'),
    open: () => splunk.openIncidents().length,
  },
  {
    name: 'Alertmanager webhook',
    fake: receiver,
    secret: () => receiver.webhookUrl,
    secretNeedle: WEBHOOK_TOKEN,
    notifier: (t) => webhookNotifier('keep', t),
    invalidStatus: 400,
    wrongSecretStatus: 404,
    wrongSecret: () => `${receiver.baseUrl}/hooks/wrong`,
    open: () => receiver.alerts.filter((a) => a.status === 'firing').length,
  },
];

beforeAll(async () => {
  await Promise.all([opsgenie.start(), splunk.start(), receiver.start()]);
});
afterAll(async () => {
  await Promise.all([opsgenie.close(), splunk.close(), receiver.close()]);
});
beforeEach(() => {
  for (const v of VENDORS) v.fake.reset();
});

function delivery(action: DeliveryRecord['action'], incident: Incident): DeliveryRecord {
  return {
    id: `1:x:${action}`,
    sink: 'opsgenie',
    action,
    severity: incident.severity,
    dedupKey: incident.dedupKey,
    status: 'pending',
    attempts: 0,
    plannedAt: NOW.toISOString(),
  };
}

function resolved(incident: Incident): Incident {
  return { ...incident, status: 'resolved', resolvedAt: NOW.toISOString() };
}

describe.each(VENDORS)('$name sink', (vendor) => {
  let sleeps: number[] = [];
  const wire = new WireLog(() => NOW);
  const sink = (secret = vendor.secret, extra: Partial<ConstructorParameters<typeof HttpTransport>[0]> = {}) =>
    vendor.notifier(
      new HttpTransport({
        sink: vendor.name,
        secret: async () => secret(),
        sleep: async (ms) => {
          sleeps.push(ms);
        },
        random: () => 0.5,
        wire: wire.tap,
        timeoutMs: 300,
        ...extra,
      }),
    );
  beforeEach(() => {
    sleeps = [];
    wire.entries.length = 0;
  });

  it('sends a contract-valid trigger and resolve: the vendor opens the alert, then closes it', async () => {
    const incident = makeIncident();
    expect(await sink().deliver(incident, delivery('trigger', incident), { settings, now: NOW })).toEqual({ ok: true });
    expect(vendor.open()).toBe(1);
    expect(await sink().deliver(resolved(incident), delivery('resolve', incident), { settings, now: NOW })).toEqual({ ok: true });
    expect(vendor.fake.violations()).toEqual([]);
    expect(vendor.open()).toBe(0);
    expect(vendor.fake.requests.map((r) => r.answer.status)).toEqual([
      vendor.name === 'Opsgenie' ? 202 : 200,
      vendor.name === 'Opsgenie' ? 202 : 200,
    ]);
  });

  it('stays within the contract for a huge, secret-laden signal (long summary, big details, non-ASCII subject)', async () => {
    const incident = makeIncident({
      subject: 'модель-🚀'.repeat(40),
      lastSignal: makeSignal({
        summary: `sk-ant-api03-${'x'.repeat(40)} ${'very long summary '.repeat(200)}`,
        details: { rows: Array.from({ length: 2000 }, (_, i) => ({ i, note: 'row' })) },
      }),
    });
    expect(await sink().deliver(incident, delivery('trigger', incident), { settings, now: NOW })).toEqual({ ok: true });
    expect(vendor.fake.violations()).toEqual([]);
    expect(JSON.stringify(vendor.fake.requests[0]?.body)).not.toContain('sk-ant-api03-x');
  });

  it(`does not retry a contract violation answered ${vendor.name === 'Opsgenie' ? 422 : 400} (scripted) and reports it as rejected`, async () => {
    vendor.fake.setScript({ type: 'reject', message: 'field is invalid' });
    const incident = makeIncident();
    const outcome = await sink().deliver(incident, delivery('trigger', incident), { settings, now: NOW });
    expect(outcome).toMatchObject({ ok: false, retryable: false, kind: 'rejected' });
    expect((outcome as { reason: string }).reason).toContain(`HTTP ${vendor.invalidStatus}`);
    expect(vendor.fake.requests).toHaveLength(1);
  });

  it('retries a 429 after the Retry-After delay, then succeeds', async () => {
    vendor.fake.setScript({ type: 'rate-limit', retryAfterSeconds: 2 });
    const incident = makeIncident();
    expect(await sink().deliver(incident, delivery('trigger', incident), { settings, now: NOW })).toEqual({ ok: true });
    expect(vendor.fake.requests.map((r) => r.answer.status)).toEqual([429, vendor.name === 'Opsgenie' ? 202 : 200]);
    expect(sleeps).toEqual([2000]);
  });

  it('retries a 500 with backoff, then succeeds; four 500s leave a retryable transient failure', async () => {
    vendor.fake.setScript({ type: 'error', status: 500 });
    const incident = makeIncident();
    expect(await sink().deliver(incident, delivery('trigger', incident), { settings, now: NOW })).toEqual({ ok: true });
    expect(sleeps).toEqual([375]);
    vendor.fake.reset();
    vendor.fake.respondWith({ type: 'error', status: 503 });
    const outcome = await sink().deliver(incident, delivery('trigger', incident), { settings, now: NOW });
    expect(outcome).toMatchObject({ ok: false, retryable: true, kind: 'transient' });
    expect(vendor.fake.requests).toHaveLength(4);
  });

  it('times out a hung request and retries it', async () => {
    vendor.fake.setScript({ type: 'hang' });
    const incident = makeIncident();
    // One timeout covers every attempt, the accepted retry too: 300 ms was short enough for a loaded machine
    // to answer the retry late, and the client then sent a third request. 2 s is only waited out once, by the hang.
    const patient = () => sink(vendor.secret, { timeoutMs: 2_000 });
    expect(await patient().deliver(incident, delivery('trigger', incident), { settings, now: NOW })).toEqual({ ok: true });
    expect(vendor.fake.requests.map((r) => r.answer.status)).toEqual([null, vendor.name === 'Opsgenie' ? 202 : 200]);
  });

  it(`reports a wrong secret (HTTP ${vendor.wrongSecretStatus}) as configuration, without retrying and without the secret in the reason`, async () => {
    const incident = makeIncident();
    const outcome = await sink(vendor.wrongSecret).deliver(incident, delivery('trigger', incident), { settings, now: NOW });
    expect(outcome).toMatchObject({ ok: false, retryable: false, kind: 'config' });
    expect((outcome as { reason: string }).reason).toContain(`HTTP ${vendor.wrongSecretStatus}`);
    expect(vendor.fake.requests).toHaveLength(1);
    const missing = await sink(() => '').deliver(incident, delivery('trigger', incident), { settings, now: NOW });
    expect(missing).toMatchObject({ ok: false, retryable: false, kind: 'config' });
  });

  it('writes each attempt to the wire log as sent, with the secret masked', async () => {
    vendor.fake.setScript({ type: 'error', status: 502 });
    const incident = makeIncident();
    await sink().deliver(incident, delivery('trigger', incident), { settings, now: NOW });
    expect(wire.entries).toHaveLength(2);
    const text = JSON.stringify(wire.entries);
    expect(text).not.toContain(vendor.secretNeedle);
    expect(text).toContain('[MASKED]');
    expect(wire.entries[0]).toMatchObject({ at: NOW.toISOString(), sink: vendor.name, request: { method: 'POST' } });
    // The body in the wire log is the body the vendor received.
    expect(wire.entries[1]?.request.body).toEqual(vendor.fake.requests[1]?.body);
  });
});

describe('vendor-specific fields', () => {
  const transport = (secret: string) =>
    new HttpTransport({ sink: 'x', secret: async () => secret, sleep: async () => {}, random: () => 0.5 });

  it('Opsgenie: alias = dedup key, message <= 130, priority by severity (SEV1 P1 .. SEV4 P4), details as strings, close by alias', async () => {
    for (const severity of ['SEV1', 'SEV2', 'SEV3', 'SEV4'] as const) {
      const incident = makeIncident({ severity, lastSignal: makeSignal({ severity, summary: 'x'.repeat(400) }) });
      await opsgenieNotifier(transport(OPSGENIE_KEY), opsgenie.baseUrl).deliver(
        incident,
        { ...delivery('trigger', incident), severity },
        { settings, now: NOW },
      );
    }
    const bodies = opsgenie.requests.map(
      (r) => r.body as { alias: string; message: string; priority: string; details: Record<string, unknown> },
    );
    expect(bodies.map((b) => b.priority)).toEqual(['P1', 'P2', 'P3', 'P4']);
    expect(bodies.every((b) => b.alias === 'model_error_rate:claude-sonnet-4' && b.message.length <= 130)).toBe(true);
    expect(Object.values(bodies[0]!.details).every((v) => typeof v === 'string')).toBe(true);
    const incident = makeIncident();
    await opsgenieNotifier(transport(OPSGENIE_KEY), opsgenie.baseUrl).deliver(resolved(incident), delivery('resolve', incident), {
      settings,
      now: NOW,
    });
    expect(opsgenie.requests.at(-1)?.path).toBe('/v2/alerts/model_error_rate%3Aclaude-sonnet-4/close?identifierType=alias');
    expect(opsgenie.violations()).toEqual([]);
  });

  it('Splunk On-Call: CRITICAL/CRITICAL/WARNING/INFO by severity, RECOVERY on resolve, entity_id = dedup key', async () => {
    const types: string[] = [];
    for (const severity of ['SEV1', 'SEV2', 'SEV3', 'SEV4'] as const) {
      const incident = makeIncident({ severity });
      await splunkOnCallNotifier(transport(splunk.restEndpoint)).deliver(
        incident,
        { ...delivery('trigger', incident), severity },
        { settings, now: NOW },
      );
    }
    const incident = makeIncident();
    await splunkOnCallNotifier(transport(splunk.restEndpoint)).deliver(resolved(incident), delivery('resolve', incident), {
      settings,
      now: NOW,
    });
    for (const r of splunk.requests) types.push((r.body as { message_type: string }).message_type);
    expect(types).toEqual(['CRITICAL', 'CRITICAL', 'WARNING', 'INFO', 'RECOVERY']);
    expect(splunk.requests.every((r) => (r.body as { entity_id: string }).entity_id === 'model_error_rate:claude-sonnet-4')).toBe(true);
    expect(splunk.openIncidents()).toEqual([]);
    expect(splunk.violations()).toEqual([]);
  });

  it('Alertmanager webhook: v4 body with endsAt zero while firing, set on resolve; one fingerprint per episode', async () => {
    const incident = makeIncident();
    await webhookNotifier('keep', transport(receiver.webhookUrl)).deliver(incident, delivery('trigger', incident), { settings, now: NOW });
    await webhookNotifier('keep', transport(receiver.webhookUrl)).deliver(resolved(incident), delivery('resolve', incident), {
      settings,
      now: NOW,
    });
    const [fire, done] = receiver.requests.map(
      (r) => r.body as { status: string; receiver: string; alerts: { endsAt: string; fingerprint: string }[] },
    );
    expect([fire?.status, done?.status, fire?.receiver]).toEqual(['firing', 'resolved', 'keep']);
    expect(fire?.alerts[0]?.endsAt).toBe('0001-01-01T00:00:00Z');
    expect(done?.alerts[0]?.endsAt).toBe(NOW.toISOString());
    expect(fire?.alerts[0]?.fingerprint).toBe(done?.alerts[0]?.fingerprint);
    expect(receiver.alerts).toEqual([expect.objectContaining({ status: 'resolved', alertname: 'model_error_rate' })]);
    expect(receiver.violations()).toEqual([]);
  });
});
