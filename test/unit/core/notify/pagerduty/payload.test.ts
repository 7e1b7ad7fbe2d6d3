import { describe, expect, it } from 'vitest';
import type { DeliveryRecord, Incident } from '../../../../../lambdas/core/incident.ts';
import { PAGERDUTY_CLIENT, pagerDutyEvent } from '../../../../../lambdas/core/notify/pagerduty/render.ts';
import { snsMessage, snsSubject } from '../../../../../lambdas/core/notify/sns-text.ts';
import { applySignal } from '../../../../../lambdas/core/routing-policy.ts';
import { makeDedupKey, toPagerDutySeverity, type Signal } from '../../../../../lambdas/core/signal.ts';
import { TUE_10_00, settings, signal } from '../../support.ts';

const defaults = settings();
const BASE = 'https://runbooks.example.com/metis/incident-runbook';
const PROVIDER_KEY = 'sk-proj-Zx81kQ0pLmN4vBt7RsUw2yEa';
const PROMPT = 'Summarise the merger memo for ACME board';

/** An incident opened by the real policy (SEV1 reaches every sink) and its delivery for `sink`. */
function opened(
  overrides: Partial<Signal> = {},
  sink: DeliveryRecord['sink'] = 'pagerduty',
): { incident: Incident; delivery: DeliveryRecord } {
  const incident = applySignal(undefined, signal({ severity: 'SEV1', ...overrides }), TUE_10_00, defaults).next;
  const delivery = incident.deliveries.find((d) => d.sink === sink);
  if (!delivery) throw new Error(`no ${sink} delivery planned`);
  return { incident, delivery };
}

function resolved(incident: Incident, sink: DeliveryRecord['sink']): { incident: Incident; delivery: DeliveryRecord } {
  const next = applySignal(incident, { ...incident.lastSignal, status: 'resolved' }, new Date('2026-11-17T11:00:00Z'), defaults).next;
  const delivery = next.deliveries.find((d) => d.sink === sink && d.action === 'resolve');
  if (!delivery) throw new Error(`no ${sink} resolve planned`);
  return { incident: next, delivery };
}

describe('pagerDutyEvent', () => {
  it('renders a trigger with the Events API v2 fields', () => {
    const { incident, delivery } = opened({ observedAt: '2026-11-17T09:59:30.000Z' });
    const event = pagerDutyEvent(incident, delivery, defaults);
    expect(event).toMatchObject({
      event_action: 'trigger',
      dedup_key: 'model_error_rate:gpt-4o',
      payload: {
        summary: '[SEV1] model_error_rate firing for gpt-4o',
        source: 'MetisAlerts/trace-db',
        severity: 'critical',
        timestamp: '2026-11-17T09:59:30.000Z',
        component: 'gpt-4o',
        group: 'trace-db',
        class: 'model_error_rate',
      },
      client: PAGERDUTY_CLIENT,
      client_url: BASE,
    });
    expect(event.client).toBe('metis-alerts');
    expect(event.payload?.custom_details).toMatchObject({
      rule: 'model_error_rate',
      subject: 'gpt-4o',
      severity: 'SEV1',
      details: { value: 0.12, threshold: 0.05 },
    });
  });

  it('cuts a 5000-char summary to at most 1024 chars on one line', () => {
    const { incident, delivery } = opened({ summary: `${'error rate high\n'.repeat(300)}`.slice(0, 5000) });
    const summary = pagerDutyEvent(incident, delivery, defaults).payload?.summary ?? '';
    expect(summary.length).toBeLessThanOrEqual(1024);
    expect(summary.length).toBeGreaterThan(1000);
    expect(summary.startsWith('[SEV1] error rate high error rate high')).toBe(true);
    expect(summary).not.toMatch(/[\r\n]/);
  });

  it('keeps dedup_key within 255 chars', () => {
    const longKey = makeDedupKey('traceback', `KeyError@${'deep/module/path/'.repeat(40)}handler.py:12`);
    expect(longKey.length).toBeLessThanOrEqual(255);
    const { incident, delivery } = opened({ rule: 'traceback', subject: 'x', dedupKey: longKey });
    expect(pagerDutyEvent(incident, delivery, defaults).dedup_key).toBe(longKey);

    const raw = opened({ dedupKey: 'k'.repeat(400) });
    expect(pagerDutyEvent(raw.incident, raw.delivery, defaults).dedup_key.length).toBeLessThanOrEqual(255);
  });

  it.each([
    ['SEV1', 'critical'],
    ['SEV2', 'error'],
    ['SEV3', 'warning'],
    ['SEV4', 'info'],
  ] as const)('maps %s to %s', (severity, expected) => {
    expect(toPagerDutySeverity(severity)).toBe(expected);
    const { incident, delivery } = opened();
    const event = pagerDutyEvent(incident, { ...delivery, severity }, defaults);
    expect(event.payload?.severity).toBe(expected);
    expect(event.payload?.summary.startsWith(`[${severity}] `)).toBe(true);
  });

  it('links the runbook section by slug, or the runbook itself without a section', () => {
    const withSection = opened({ runbook: 'Provider down / failover' });
    expect(pagerDutyEvent(withSection.incident, withSection.delivery, defaults).links?.[0]).toEqual({
      href: `${BASE}#provider-down-failover`,
      text: 'Runbook: Provider down / failover',
    });
    const { runbook: _omit, ...noRunbook } = signal({ severity: 'SEV1' });
    const bare = applySignal(undefined, noRunbook, TUE_10_00, defaults).next;
    expect(pagerDutyEvent(bare, bare.deliveries[0]!, defaults).links?.[0]?.href).toBe(BASE);
    const custom = settings({ runbookBaseUrl: 'https://wiki.internal/ops/metis' });
    expect(pagerDutyEvent(withSection.incident, withSection.delivery, custom).links?.[0]?.href).toBe(
      'https://wiki.internal/ops/metis#provider-down-failover',
    );
    expect(pagerDutyEvent(withSection.incident, withSection.delivery, custom).client_url).toBe('https://wiki.internal/ops/metis');
  });

  it('redacts custom_details: no prompt content or provider key anywhere in the event', () => {
    const { incident, delivery } = opened({
      summary: `provider rejected key ${PROVIDER_KEY}`,
      details: {
        prompt: PROMPT,
        rows: [{ model: 'gpt-4o', request: { messages: [{ role: 'user', content: PROMPT }] }, error: `401 for ${PROVIDER_KEY}` }],
        log: JSON.stringify({ prompt: PROMPT, key: PROVIDER_KEY }),
      },
    });
    const json = JSON.stringify(pagerDutyEvent(incident, delivery, defaults));
    expect(json).not.toContain(PROMPT);
    expect(json).not.toContain(PROVIDER_KEY);
    expect(json).not.toContain('sk-proj');
    expect(json).toContain('[REDACTED]');
    expect(json).toContain('gpt-4o');
  });

  it('renders a resolve as only event_action and dedup_key', () => {
    const { incident } = opened();
    const done = resolved(incident, 'pagerduty');
    expect(pagerDutyEvent(done.incident, done.delivery, defaults)).toEqual({
      event_action: 'resolve',
      dedup_key: 'model_error_rate:gpt-4o',
    });
  });

  it('replaces huge details by a note and stays under 512 KB', () => {
    const rows = Array.from({ length: 4000 }, (_, i) => ({ id: i, text: `row ${i} ${'x'.repeat(300)}` }));
    const { incident, delivery } = opened({ details: { rows } });
    const event = pagerDutyEvent(incident, delivery, defaults);
    const bytes = Buffer.byteLength(JSON.stringify(event));
    expect(bytes).toBeLessThan(512 * 1024);
    const details = event.payload?.custom_details?.details;
    expect(typeof details).toBe('string');
    expect(details as string).toMatch(/^\[omitted: \d+ bytes exceeds the PagerDuty event limit/);
    expect(event.payload?.custom_details).toMatchObject({ rule: 'model_error_rate', subject: 'gpt-4o', severity: 'SEV1' });
  });
});

describe('SNS messages', () => {
  it('makes a subject of fewer than 100 printable ASCII chars without line breaks from a unicode, multi-line subject', () => {
    const subject = `café-größe ☃ 模型\nline two\r\n${'ü'.repeat(50)} ${'tail '.repeat(40)}`;
    const { incident, delivery } = opened({ subject }, 'chatops');
    const rendered = snsSubject(incident, delivery);
    expect(rendered.length).toBeLessThan(100);
    expect(rendered).toMatch(/^[\x20-\x7e]+$/);
    expect(rendered).not.toMatch(/[\r\n]/);
    // Each run of non-printable / non-ASCII chars becomes one '?'; the cut ends with '...'.
    expect(rendered).toBe(`[SEV1] FIRING model_error_rate: caf?-gr?e ? ?line two? ${'tail '.repeat(8)}t...`);
    expect(rendered).toHaveLength(99);
    expect(snsMessage(incident, delivery, defaults, TUE_10_00).subject).toBe(rendered);
  });

  it('keeps a short subject whole', () => {
    const { incident, delivery } = opened({}, 'page');
    expect(snsSubject(incident, delivery)).toBe('[SEV1] FIRING model_error_rate: gpt-4o');
  });

  it('sets severity, rule and status attributes for trigger and resolve', () => {
    const { incident, delivery } = opened({ severity: 'SEV2' }, 'page');
    expect(snsMessage(incident, delivery, defaults, TUE_10_00).attributes).toEqual({
      severity: 'SEV2',
      rule: 'model_error_rate',
      status: 'firing',
    });
    const done = resolved(incident, 'chatops');
    const message = snsMessage(done.incident, done.delivery, defaults, new Date('2026-11-17T11:00:00Z'));
    expect(message.attributes).toEqual({ severity: 'SEV2', rule: 'model_error_rate', status: 'resolved' });
    expect(message.subject).toBe('[SEV2] RESOLVED model_error_rate: gpt-4o');
    expect(message.body).toContain('Resolved: 2026-11-17T11:00:00.000Z');
  });

  it('redacts the body and carries the dedup key, runbook link and send time', () => {
    const email = 'ops.lead+alerts@acme-corp.example.com';
    const { incident, delivery } = opened(
      {
        summary: `key ${PROVIDER_KEY} failed for ${email}`,
        details: { prompt: PROMPT, rows: [{ input: PROMPT, owner: email, note: `Bearer ${PROVIDER_KEY}` }] },
      },
      'chatops',
    );
    const { body } = snsMessage(incident, delivery, defaults, new Date('2026-11-17T10:00:05Z'));
    expect(body).not.toContain(PROVIDER_KEY);
    expect(body).not.toContain(PROMPT);
    expect(body).not.toContain(email);
    expect(body).toContain('[REDACTED]');
    expect(body.split('\n')[0]).toBe('FIRING SEV1 model_error_rate for gpt-4o');
    expect(body).toContain('Dedup key: model_error_rate:gpt-4o');
    expect(body).toContain(`Runbook: ${BASE}#provider-down`);
    expect(body).toContain('Sent: 2026-11-17T10:00:05.000Z');
  });

  it('keeps a huge body under the SNS limit', () => {
    const rows = Array.from({ length: 4000 }, (_, i) => ({ id: i, text: `row ${i} ${'x'.repeat(300)}` }));
    const { incident, delivery } = opened({ details: { rows } }, 'chatops');
    const { body } = snsMessage(incident, delivery, defaults, TUE_10_00);
    expect(Buffer.byteLength(body)).toBeLessThan(256 * 1024);
    expect(body).toMatch(/\[details omitted: \d+ bytes\]/);
  });
});
