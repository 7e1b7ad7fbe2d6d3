import { describe, expect, it } from 'vitest';
import type { DeliveryRecord, Incident } from '../../../lambdas/core/incident.ts';
import { applySignal, resolveIncident, sinksFor } from '../../../lambdas/core/routing-policy.ts';
import type { Severity } from '../../../lambdas/core/signal.ts';
import { FRI_16_59, FRI_17_00, SAT_03_00, TUE_10_00, settings, signal } from './support.ts';

const defaults = settings();

function deliveries(incident: Incident): Pick<DeliveryRecord, 'id' | 'sink' | 'action' | 'severity' | 'status'>[] {
  return incident.deliveries.map(({ id, sink, action, severity, status }) => ({ id, sink, action, severity, status }));
}

const trigger = (episode: number, sink: DeliveryRecord['sink'], severity: Severity) => ({
  id: `${episode}:${sink}:trigger:${severity}`,
  sink,
  action: 'trigger' as const,
  severity,
  status: 'pending' as const,
});
const resolve = (episode: number, sink: DeliveryRecord['sink'], severity: Severity) => ({
  id: `${episode}:${sink}:resolve`,
  sink,
  action: 'resolve' as const,
  severity,
  status: 'pending' as const,
});

function open(severity: Severity, now: Date, overrides: Parameters<typeof signal>[0] = {}): Incident {
  const t = applySignal(undefined, signal({ severity, ...overrides }), now, defaults);
  expect(t.changed).toBe(true);
  return t.next;
}

/** Marks every delivery sent, as the dispatcher would after delivering them. */
function delivered(incident: Incident): Incident {
  const copy = structuredClone(incident);
  for (const d of copy.deliveries) d.status = 'sent';
  return copy;
}

describe('sinksFor (default policy, UTC)', () => {
  it.each([
    ['SEV1', 'Tuesday 10:00', TUE_10_00, { paging: true, page: true, chatops: true }, false],
    ['SEV1', 'Saturday 03:00', SAT_03_00, { paging: true, page: true, chatops: true }, false],
    ['SEV2', 'Tuesday 10:00', TUE_10_00, { paging: true, page: true, chatops: true }, false],
    ['SEV2', 'Saturday 03:00', SAT_03_00, { paging: false, page: false, chatops: true }, true],
    ['SEV2', 'Friday 16:59', FRI_16_59, { paging: true, page: true, chatops: true }, false],
    ['SEV2', 'Friday 17:00', FRI_17_00, { paging: false, page: false, chatops: true }, true],
    ['SEV3', 'Tuesday 10:00', TUE_10_00, { paging: false, page: false, chatops: true }, false],
    ['SEV3', 'Saturday 03:00', SAT_03_00, { paging: false, page: false, chatops: true }, false],
    ['SEV4', 'Tuesday 10:00', TUE_10_00, { paging: false, page: false, chatops: true }, false],
    ['SEV4', 'Saturday 03:00', SAT_03_00, { paging: false, page: false, chatops: true }, false],
  ] as const)('%s on %s', (severity, _label, now, sinks, escalates) => {
    expect(sinksFor(severity, now, defaults)).toEqual({ sinks, escalates });
  });
});

describe('applySignal: opening', () => {
  it.each([
    ['in hours', TUE_10_00],
    ['out of hours', SAT_03_00],
  ])('SEV1 %s triggers PagerDuty, page and chatops', (_label, now) => {
    const { next, changed } = applySignal(undefined, signal({ severity: 'SEV1' }), now, defaults);
    expect(changed).toBe(true);
    expect(next.status).toBe('open');
    expect(next.episode).toBe(1);
    expect(next.severity).toBe('SEV1');
    expect(next.dedupKey).toBe('model_error_rate:gpt-4o');
    expect(next.openedAt).toBe(now.toISOString());
    expect(deliveries(next)).toEqual([trigger(1, 'pagerduty', 'SEV1'), trigger(1, 'page', 'SEV1'), trigger(1, 'chatops', 'SEV1')]);
    expect(
      next.deliveries.every((d) => d.dedupKey === 'model_error_rate:gpt-4o' && d.attempts === 0 && d.plannedAt === now.toISOString()),
    ).toBe(true);
    expect(next.escalateAt).toBeUndefined();
    expect(next.lastPostAt).toBe(now.toISOString());
  });

  it('SEV2 on Tuesday 10:00 triggers all three sinks', () => {
    const next = open('SEV2', TUE_10_00);
    expect(deliveries(next)).toEqual([trigger(1, 'pagerduty', 'SEV2'), trigger(1, 'page', 'SEV2'), trigger(1, 'chatops', 'SEV2')]);
    expect(next.escalateAt).toBeUndefined();
  });

  it('SEV2 on Saturday 03:00 goes to chatops only and escalates at 03:30', () => {
    const next = open('SEV2', SAT_03_00);
    expect(deliveries(next)).toEqual([trigger(1, 'chatops', 'SEV2')]);
    expect(next.escalateAt).toBe('2026-11-21T03:30:00.000Z');
    expect(next.timeline.at(-1)?.event).toContain('escalates at 2026-11-21T03:30:00.000Z');
  });

  it('SEV2 at Friday 17:00 (end of day, exclusive) is out of hours', () => {
    expect(deliveries(open('SEV2', FRI_16_59)).map((d) => d.sink)).toEqual(['pagerduty', 'page', 'chatops']);
    const late = open('SEV2', FRI_17_00);
    expect(deliveries(late)).toEqual([trigger(1, 'chatops', 'SEV2')]);
    expect(late.escalateAt).toBe('2026-11-20T17:30:00.000Z');
  });

  it('escalateAfterMinutes is configurable', () => {
    const { next } = applySignal(undefined, signal({ severity: 'SEV2' }), SAT_03_00, settings({ routing: { escalateAfterMinutes: 10 } }));
    expect(next.escalateAt).toBe('2026-11-21T03:10:00.000Z');
  });

  it.each(['SEV3', 'SEV4'] as const)('%s goes to chatops only, in and out of hours, never escalates', (severity) => {
    for (const now of [TUE_10_00, SAT_03_00]) {
      const next = open(severity, now);
      expect(deliveries(next)).toEqual([trigger(1, 'chatops', severity)]);
      expect(next.escalateAt).toBeUndefined();
    }
  });
});

describe('applySignal: repeats, upgrades, downgrades', () => {
  it('a repeated identical firing changes nothing and plans no delivery', () => {
    const first = delivered(open('SEV1', TUE_10_00));
    const again = applySignal(first, signal({ severity: 'SEV1' }), new Date('2026-11-17T10:05:00Z'), defaults);
    expect(again.changed).toBe(false);
    expect(again.next.deliveries).toEqual(first.deliveries);
    expect(again.next.timeline).toEqual(first.timeline);
    expect(again.next.episode).toBe(1);
  });

  it('a repeated SEV2 firing out of hours keeps the original escalation time', () => {
    const first = delivered(open('SEV2', SAT_03_00));
    const again = applySignal(first, signal({ severity: 'SEV2' }), new Date('2026-11-21T03:20:00Z'), defaults);
    expect(again.changed).toBe(false);
    expect(again.next.escalateAt).toBe('2026-11-21T03:30:00.000Z');
    expect(again.next.deliveries).toHaveLength(1);
  });

  it('an upgrade SEV2 -> SEV1 out of hours triggers PagerDuty, page and chatops as SEV1 and clears the escalation', () => {
    const first = delivered(open('SEV2', SAT_03_00));
    const later = new Date('2026-11-21T03:10:00Z');
    const { next, changed } = applySignal(first, signal({ severity: 'SEV1' }), later, defaults);
    expect(changed).toBe(true);
    expect(next.severity).toBe('SEV1');
    expect(next.escalateAt).toBeUndefined();
    expect(deliveries(next)).toEqual([
      { ...trigger(1, 'chatops', 'SEV2'), status: 'sent' },
      trigger(1, 'pagerduty', 'SEV1'),
      trigger(1, 'page', 'SEV1'),
      trigger(1, 'chatops', 'SEV1'),
    ]);
    expect(next.timeline.at(-1)).toEqual({ at: later.toISOString(), event: 'upgraded SEV2 -> SEV1: notified pagerduty, page, chatops' });
    expect(next.lastPostAt).toBe(later.toISOString());
    expect(next.episode).toBe(1);
  });

  it('an upgrade SEV3 -> SEV2 out of hours posts to chatops and schedules the escalation', () => {
    const first = delivered(open('SEV3', SAT_03_00));
    const later = new Date('2026-11-21T03:10:00Z');
    const { next } = applySignal(first, signal({ severity: 'SEV2' }), later, defaults);
    expect(deliveries(next).slice(1)).toEqual([trigger(1, 'chatops', 'SEV2')]);
    expect(next.escalateAt).toBe('2026-11-21T03:40:00.000Z');
  });

  it('a downgrade is recorded in the timeline without deliveries', () => {
    const first = delivered(open('SEV1', TUE_10_00));
    const later = new Date('2026-11-17T10:20:00Z');
    const { next, changed } = applySignal(first, signal({ severity: 'SEV3' }), later, defaults);
    expect(changed).toBe(true);
    expect(next.severity).toBe('SEV3');
    expect(next.deliveries).toEqual(first.deliveries);
    expect(next.timeline.at(-1)).toEqual({ at: later.toISOString(), event: 'downgraded SEV1 -> SEV3' });
    expect(next.status).toBe('open');
  });

  it('a SEV2 downgraded to SEV3 out of hours no longer escalates to PagerDuty (SEV3 is chatops only)', () => {
    const first = delivered(open('SEV2', SAT_03_00));
    expect(first.escalateAt).toBe('2026-11-21T03:30:00.000Z');
    const { next } = applySignal(first, signal({ severity: 'SEV3' }), new Date('2026-11-21T03:10:00Z'), defaults);
    expect(next.severity).toBe('SEV3');
    expect(next.escalateAt).toBeUndefined();
  });
});

describe('resolve', () => {
  const resolvedAt = new Date('2026-11-21T04:00:00Z');

  it('a SEV1 resolves on PagerDuty, page and chatops', () => {
    const first = delivered(open('SEV1', SAT_03_00));
    const { next, changed } = applySignal(
      first,
      signal({ severity: 'SEV1', status: 'resolved', summary: 'back to normal' }),
      resolvedAt,
      defaults,
    );
    expect(changed).toBe(true);
    expect(next.status).toBe('resolved');
    expect(next.resolvedAt).toBe(resolvedAt.toISOString());
    expect(next.escalateAt).toBeUndefined();
    expect(next.expiresAt).toBe(Math.floor(resolvedAt.getTime() / 1000) + 30 * 86_400);
    expect(deliveries(next).slice(3)).toEqual([resolve(1, 'pagerduty', 'SEV1'), resolve(1, 'page', 'SEV1'), resolve(1, 'chatops', 'SEV1')]);
    expect(next.deliveries.every((d) => d.dedupKey === 'model_error_rate:gpt-4o')).toBe(true);
    expect(next.timeline.at(-1)).toEqual({ at: resolvedAt.toISOString(), event: 'resolved: back to normal' });
  });

  it('a SEV2 that only reached chatops (out of hours) resolves on chatops only and drops the escalation', () => {
    const first = delivered(open('SEV2', SAT_03_00));
    const { next } = applySignal(first, signal({ status: 'resolved' }), resolvedAt, defaults);
    expect(deliveries(next).slice(1)).toEqual([resolve(1, 'chatops', 'SEV2')]);
    expect(next.escalateAt).toBeUndefined();
  });

  it('a SEV3 resolves on chatops only', () => {
    const first = delivered(open('SEV3', TUE_10_00));
    const { next } = applySignal(first, signal({ severity: 'SEV3', status: 'resolved' }), resolvedAt, defaults);
    expect(deliveries(next).slice(1)).toEqual([resolve(1, 'chatops', 'SEV3')]);
  });

  it('no PagerDuty resolve when the PagerDuty trigger failed for good', () => {
    const first = delivered(open('SEV1', TUE_10_00));
    const pd = first.deliveries.find((d) => d.sink === 'pagerduty')!;
    pd.status = 'failed';
    pd.retryable = false;
    const { next } = applySignal(first, signal({ severity: 'SEV1', status: 'resolved' }), resolvedAt, defaults);
    expect(
      deliveries(next)
        .slice(3)
        .map((d) => d.id),
    ).toEqual(['1:page:resolve', '1:chatops:resolve']);
  });

  it('resolveIncident uses the configured retention', () => {
    const first = delivered(open('SEV3', TUE_10_00));
    const next = resolveIncident(first, resolvedAt, settings({ routing: { retainResolvedDays: 7 } }), '');
    expect(next.expiresAt).toBe(Math.floor(resolvedAt.getTime() / 1000) + 7 * 86_400);
    expect(next.timeline.at(-1)).toEqual({ at: resolvedAt.toISOString(), event: 'resolved' });
  });

  it('resolving a non-open incident changes nothing', () => {
    const first = delivered(open('SEV1', TUE_10_00));
    const closed = delivered(applySignal(first, signal({ severity: 'SEV1', status: 'resolved' }), resolvedAt, defaults).next);
    const again = applySignal(closed, signal({ severity: 'SEV1', status: 'resolved' }), new Date('2026-11-21T04:05:00Z'), defaults);
    expect(again.changed).toBe(false);
    expect(again.next).toEqual(closed);

    const unknown = applySignal(undefined, signal({ status: 'resolved' }), resolvedAt, defaults);
    expect(unknown.changed).toBe(false);
    expect(unknown.next.deliveries).toEqual([]);
  });

  it('firing after a resolve opens episode 2 with new delivery ids', () => {
    const first = delivered(open('SEV1', TUE_10_00));
    const closed = delivered(applySignal(first, signal({ severity: 'SEV1', status: 'resolved' }), resolvedAt, defaults).next);
    closed.version = 7;
    const refire = new Date('2026-11-21T05:00:00Z');
    const { next, changed } = applySignal(closed, signal({ severity: 'SEV1' }), refire, defaults);
    expect(changed).toBe(true);
    expect(next.episode).toBe(2);
    expect(next.status).toBe('open');
    expect(next.openedAt).toBe(refire.toISOString());
    expect(next.resolvedAt).toBeUndefined();
    expect(next.version).toBe(7);
    expect(deliveries(next)).toEqual([trigger(2, 'pagerduty', 'SEV1'), trigger(2, 'page', 'SEV1'), trigger(2, 'chatops', 'SEV1')]);
    const oldIds = new Set(first.deliveries.map((d) => d.id));
    expect(next.deliveries.some((d) => oldIds.has(d.id))).toBe(false);
  });
});

describe('pipeline-health signals', () => {
  const pipeline = { source: 'pipeline' as const, rule: 'pipeline_health', subject: 'pagerduty' };

  it('a pipeline signal about PagerDuty never plans a PagerDuty delivery, whatever the severity or time', () => {
    for (const severity of ['SEV1', 'SEV2'] as const) {
      for (const now of [TUE_10_00, SAT_03_00]) {
        const { next } = applySignal(undefined, signal({ ...pipeline, severity }), now, defaults);
        expect(next.deliveries.some((d) => d.sink === 'pagerduty')).toBe(false);
        expect(next.deliveries.some((d) => d.sink === 'chatops')).toBe(true);
      }
    }
    const sev1 = applySignal(undefined, signal({ ...pipeline, severity: 'SEV1' }), TUE_10_00, defaults).next;
    expect(deliveries(sev1)).toEqual([trigger(1, 'page', 'SEV1'), trigger(1, 'chatops', 'SEV1')]);
  });

  it('upgrading and resolving it never plans PagerDuty either', () => {
    const first = delivered(applySignal(undefined, signal({ ...pipeline, severity: 'SEV2' }), SAT_03_00, defaults).next);
    const up = delivered(applySignal(first, signal({ ...pipeline, severity: 'SEV1' }), new Date('2026-11-21T03:05:00Z'), defaults).next);
    const done = applySignal(
      up,
      signal({ ...pipeline, severity: 'SEV1', status: 'resolved' }),
      new Date('2026-11-21T03:10:00Z'),
      defaults,
    ).next;
    expect(done.status).toBe('resolved');
    expect(done.deliveries.some((d) => d.sink === 'pagerduty')).toBe(false);
    expect(done.deliveries.filter((d) => d.action === 'resolve').map((d) => d.sink)).toEqual(['page', 'chatops']);
  });

  it('a pipeline signal about another sink still reaches PagerDuty', () => {
    const { next } = applySignal(undefined, signal({ ...pipeline, subject: 'page', severity: 'SEV1' }), TUE_10_00, defaults);
    expect(next.deliveries.map((d) => d.sink)).toEqual(['pagerduty', 'chatops']);
  });
});

describe('configured time zone', () => {
  const berlin = settings({ businessHours: { timezone: 'Europe/Berlin' } });

  it('16:30Z on a Friday is in hours in UTC but 17:30 (out of hours) in Berlin', () => {
    // November: Berlin is UTC+1, so 16:30Z is 17:30 local (out) while in UTC it is 16:30 (in).
    const at = new Date('2026-11-20T16:30:00Z');
    expect(deliveries(applySignal(undefined, signal(), at, defaults).next).map((d) => d.sink)).toEqual(['pagerduty', 'page', 'chatops']);
    const inBerlin = applySignal(undefined, signal(), at, berlin).next;
    expect(deliveries(inBerlin)).toEqual([trigger(1, 'chatops', 'SEV2')]);
    expect(inBerlin.escalateAt).toBe('2026-11-20T17:00:00.000Z');
  });

  it('08:30Z on a Friday is out of hours in UTC but 09:30 in Berlin', () => {
    const at = new Date('2026-11-20T08:30:00Z');
    expect(deliveries(applySignal(undefined, signal(), at, defaults).next)).toEqual([trigger(1, 'chatops', 'SEV2')]);
    expect(deliveries(applySignal(undefined, signal(), at, berlin).next).map((d) => d.sink)).toEqual(['pagerduty', 'page', 'chatops']);
  });
});
