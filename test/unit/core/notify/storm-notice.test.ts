// The grouped storm notice on the HTTP sinks: one vendor-valid event per notice, keyed per sink and minute,
// leading with the held count, listing the top held, redacted, within each vendor's field limits. Payloads
// are checked with the same contract validators the integration tests' vendor fakes use.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Sink } from '../../../../lambdas/core/incident.ts';
import type { HttpCall, HttpSender } from '../../../../lambdas/core/notify/http-call.ts';
import type { Notice } from '../../../../lambdas/core/notify/notifier.ts';
import { opsgenieNotifier } from '../../../../lambdas/core/notify/opsgenie/notifier.ts';
import { pagerDutyNotifier } from '../../../../lambdas/core/notify/pagerduty/notifier.ts';
import { splunkOnCallNotifier } from '../../../../lambdas/core/notify/splunk-oncall/notifier.ts';
import { type HeldIncident, stormNotice } from '../../../../lambdas/core/notify/storm.ts';
import { webhookNotifier } from '../../../../lambdas/core/notify/webhook/notifier.ts';
import type { Severity } from '../../../../lambdas/core/signal.ts';
import { validateEvent } from '../../../integration/support/pagerduty-server.ts';
import { validateWebhook } from '../../../integration/support/vendors/alertmanager-receiver.ts';
import { validateCreate } from '../../../integration/support/vendors/opsgenie-server.ts';
import { validateAlert } from '../../../integration/support/vendors/splunk-oncall-server.ts';
import { settings, TUE_10_00 } from '../support.ts';

const S = settings();
const NOW = new Date(TUE_10_00.getTime() + 42_000);
const PROVIDER_KEY = 'sk-proj-Zx81kQ0pLmN4vBt7RsUw2yEa';

class RecordingSender implements HttpSender {
  readonly calls: HttpCall[] = [];
  async send(call: HttpCall) {
    this.calls.push(structuredClone(call));
    return { ok: true as const };
  }
}

function held(n: number, severity: Severity, subject = `m-${n}`): HeldIncident {
  const dedupKey = `model_error_rate:${subject}`;
  const incident = {
    dedupKey,
    severity,
    rule: 'model_error_rate',
    subject,
    openedAt: new Date(TUE_10_00.getTime() + n * 1000).toISOString(),
  };
  return {
    incident,
    delivery: {
      id: `1:x:trigger`,
      sink: 'pagerduty',
      action: 'trigger',
      severity,
      dedupKey,
      status: 'pending',
      attempts: 0,
      plannedAt: '',
    },
  };
}

/** 40 held on `sink`: SEV3s first in time, then SEV1s, one SEV1 whose subject carries a provider key. */
function notice(sink: Sink, total = 40): Notice {
  const incidents = [
    ...Array.from({ length: 30 }, (_, i) => held(i, 'SEV3')),
    held(30, 'SEV1', `leak ${PROVIDER_KEY}`),
    ...Array.from({ length: 9 }, (_, i) => held(31 + i, 'SEV1')),
  ];
  return stormNotice(sink, incidents, total, 120, NOW);
}

async function announced(sink: Sink, n: Notice = notice(sink)): Promise<HttpCall> {
  const sender = new RecordingSender();
  const notifier =
    sink === 'pagerduty'
      ? pagerDutyNotifier(sender)
      : sink === 'opsgenie'
        ? opsgenieNotifier(sender)
        : sink === 'splunk-oncall'
          ? splunkOnCallNotifier(sender)
          : webhookNotifier('keep', sender);
  expect(await notifier.announce!(n, { settings: S, now: NOW })).toEqual({ ok: true });
  expect(sender.calls).toHaveLength(1);
  return sender.calls[0]!;
}

const TOP = `SEV1 model_error_rate:leak [REDACTED`;

describe('storm notice on the HTTP sinks', () => {
  it('PagerDuty: one valid trigger, dedup_key per sink and minute, "N incidents held" summary, the top held in custom_details', async () => {
    const call = await announced('pagerduty');
    const body = call.body as Record<string, unknown>;
    expect(validateEvent({ ...body, routing_key: 'R'.repeat(32) })).toEqual([]);
    expect(body).toMatchObject({
      event_action: 'trigger',
      dedup_key: 'metis-storm:pagerduty:2026-11-17T10:00Z',
      payload: {
        severity: 'critical',
        class: 'notification_storm',
        custom_details: { heldIncidents: 40, budgetPerMinute: 120, sink: 'pagerduty' },
      },
    });
    const payload = body.payload as { summary: string; custom_details: { topHeld: { severity: string; dedupKey: string }[] } };
    expect(payload.summary.startsWith('[SEV1] 40 incidents held on pagerduty: more than 120 notifications a minute since 10:00 UTC')).toBe(
      true,
    );
    // Most severe first, then oldest: the ten SEV1s ahead of the older SEV3s.
    expect(payload.custom_details.topHeld.map((t) => t.severity)).toEqual(['SEV1', 'SEV1', 'SEV1', 'SEV1', 'SEV1']);
    expect(payload.custom_details.topHeld.map((t) => t.dedupKey).slice(1)).toEqual(
      ['m-31', 'm-32', 'm-33', 'm-34'].map((s) => `model_error_rate:${s}`),
    );
    expect(payload.summary).toContain(TOP);
    expect(payload.summary).toContain('and 35 more');
  });

  it('Opsgenie: one valid create with alias = the storm key, a message of at most 130 characters and priority by severity', async () => {
    const body = (await announced('opsgenie')).body as Record<string, unknown>;
    expect(validateCreate(body)).toEqual([]);
    expect(body).toMatchObject({
      alias: 'metis-storm:opsgenie:2026-11-17T10:00Z',
      priority: 'P1',
      details: { heldIncidents: '40', sink: 'opsgenie' },
    });
    expect((body.message as string).length).toBeLessThanOrEqual(130);
    expect(body.message).toMatch(/^\[SEV1\] 40 incidents held on opsgenie/);
    expect((body.details as Record<string, string>).topHeld).toContain(TOP);
  });

  it('Opsgenie: a storm of SEV3 only is a P3', async () => {
    const n = stormNotice('opsgenie', [held(1, 'SEV3'), held(2, 'SEV3')], 2, 60, NOW);
    expect(((await announced('opsgenie', n)).body as Record<string, unknown>).priority).toBe('P3');
  });

  it('Splunk On-Call: one valid CRITICAL for SEV1 with entity_id = the storm key and the held count as a plain field', async () => {
    const body = (await announced('splunk-oncall')).body as Record<string, unknown>;
    expect(validateAlert(body)).toEqual([]);
    expect(body).toMatchObject({
      message_type: 'CRITICAL',
      entity_id: 'metis-storm:splunk-oncall:2026-11-17T10:00Z',
      held_incidents: 40,
      state_start_time: TUE_10_00.getTime() / 1000,
    });
    expect(body.top_held).toContain(TOP);
    const sev3 = stormNotice('splunk-oncall', [held(1, 'SEV3')], 1, 60, NOW);
    expect(((await announced('splunk-oncall', sev3)).body as Record<string, unknown>).message_type).toBe('WARNING');
  });

  it('webhook: one valid Alertmanager v4 body with one alert labelled alertname=metis_storm', async () => {
    const body = (await announced('webhook:keep')).body as {
      alerts: { labels: Record<string, string>; annotations: Record<string, string> }[];
    };
    expect(validateWebhook(body)).toEqual([]);
    expect(body.alerts).toHaveLength(1);
    expect(body.alerts[0]!.labels).toMatchObject({
      alertname: 'metis_storm',
      severity: 'SEV1',
      sink: 'webhook:keep',
      dedup_key: 'metis-storm:webhook:keep:2026-11-17T10:00Z',
    });
    expect(body.alerts[0]!.annotations).toMatchObject({ held_incidents: '40', budget_per_minute: '120' });
    expect(body.alerts[0]!.annotations.top_held).toContain(TOP);
  });

  it('redacts every text: the provider key in a held subject leaves no sink, while the count still does', async () => {
    for (const sink of ['pagerduty', 'opsgenie', 'splunk-oncall', 'webhook:keep'] as const) {
      const wire = JSON.stringify((await announced(sink)).body);
      expect(wire).not.toContain(PROVIDER_KEY);
      expect(wire).toContain('40 incidents held');
    }
  });

  it('stays vendor-valid and within each field limit whatever the held subjects, count and sink name', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.string({ maxLength: 600 }), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.stringMatching(/^[a-z][a-z0-9-]{0,40}$/),
        async (subjects, extra, name) => {
          const incidents = subjects.map((s, i) => held(i, i % 2 ? 'SEV2' : 'SEV4', s));
          const total = incidents.length + extra;
          const pd = (await announced('pagerduty', stormNotice('pagerduty', incidents, total, 120, NOW))).body;
          expect(validateEvent({ ...pd, routing_key: 'R'.repeat(32) })).toEqual([]);
          expect(validateCreate((await announced('opsgenie', stormNotice('opsgenie', incidents, total, 60, NOW))).body)).toEqual([]);
          expect(validateAlert((await announced('splunk-oncall', stormNotice('splunk-oncall', incidents, total, 60, NOW))).body)).toEqual(
            [],
          );
          const hook = `webhook:${name}` as Sink;
          expect(validateWebhook((await announced(hook, stormNotice(hook, incidents, total, 60, NOW))).body)).toEqual([]);
        },
      ),
      { numRuns: 60 },
    );
  });
});
