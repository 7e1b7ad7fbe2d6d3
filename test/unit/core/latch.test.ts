// A breached bill cap latches: the new period at $0 is found healthy, but the breach stands until a person
// resolves it or the hold has passed since it last fired; the rollover is written on the timeline once.
import { describe, expect, it } from 'vitest';
import type { Incident } from '../../../lambdas/core/incident.ts';
import { holdLatched, latchEndsAt } from '../../../lambdas/core/latch.ts';
import { applySignal } from '../../../lambdas/core/routing-policy.ts';
import { signalsFromReport } from '../../../lambdas/core/report-signals.ts';
import { sweepIncident } from '../../../lambdas/core/sweep-policy.ts';
import { settings, signal } from './support.ts';

const S = settings({ rules: { bill_threshold: { dailyHardCapUsd: 50 } } });
const BEFORE_MIDNIGHT = new Date('2026-11-24T23:59:25Z');
const AFTER_MIDNIGHT = new Date('2026-11-25T00:00:00Z');
const plusHours = (base: Date, hours: number) => new Date(base.getTime() + hours * 3_600_000);

const breach = (at: Date) =>
  signal({ rule: 'bill_threshold', subject: 'daily', severity: 'SEV1', observedAt: at.toISOString(), summary: 'spend today $61 > $50' });

function openedBreach(): Incident {
  return applySignal(undefined, breach(BEFORE_MIDNIGHT), BEFORE_MIDNIGHT, S).next;
}

/** The trace check's report after midnight: spend today $0, `daily` checked and healthy. */
function healthyReport(at: Date) {
  return {
    source: 'trace-db' as const,
    evaluatedAt: at.toISOString(),
    evaluated: ['bill_threshold'],
    healthy: { bill_threshold: ['daily'] },
    signals: [],
  };
}

/** What the router does with the report: evidence-based resolves, applied in order. */
function route(incident: Incident, at: Date): Incident {
  let current = incident;
  for (const s of signalsFromReport(healthyReport(at), [current])) current = applySignal(current, s, at, S).next;
  return current;
}

describe('bill_threshold latch', () => {
  it('defaults to a 24 h hold from the config (rules.bill_threshold.holdHours) and counts from the last firing', () => {
    expect(S.latchHours).toEqual({ bill_threshold: 24 });
    expect(settings({ rules: { bill_threshold: { holdHours: 6 } } }).latchHours).toEqual({ bill_threshold: 6 });
    expect(latchEndsAt(openedBreach(), S)?.toISOString()).toBe('2026-11-25T23:59:25.000Z');
    expect(latchEndsAt({ rule: 'model_error_rate', lastSignal: breach(BEFORE_MIDNIGHT) }, S)).toBeUndefined();
  });

  it('a breach opened at 23:59 stays open when the new day starts at $0, and says so once on its timeline', () => {
    const afterRollover = route(openedBreach(), new Date(AFTER_MIDNIGHT.getTime() + 35_000));
    expect(afterRollover.status).toBe('open');
    expect(afterRollover.latchedAt).toBe('2026-11-25T00:00:35.000Z');
    expect(afterRollover.deliveries.filter((d) => d.action === 'resolve')).toEqual([]);
    const noted = afterRollover.timeline.filter((t) => t.event.startsWith('period ended; the breach stands'));
    expect(noted).toHaveLength(1);
    expect(noted[0]!.event).toContain('2026-11-25T23:59:25.000Z');
    // Every later healthy run until the hold changes nothing and writes nothing.
    const later = applySignal(afterRollover, { ...breach(BEFORE_MIDNIGHT), status: 'resolved' }, plusHours(AFTER_MIDNIGHT, 5), S);
    expect(later.changed).toBe(false);
    expect(route(afterRollover, plusHours(AFTER_MIDNIGHT, 12)).timeline).toEqual(afterRollover.timeline);
  });

  it('resolves on the first healthy verdict once holdHours have passed since it last fired', () => {
    const held = route(openedBreach(), AFTER_MIDNIGHT);
    expect(route(held, new Date('2026-11-25T23:59:24Z')).status).toBe('open');
    const resolved = route(held, new Date('2026-11-25T23:59:25Z'));
    expect(resolved.status).toBe('resolved');
    expect(resolved.deliveries.filter((d) => d.action === 'resolve').map((d) => d.sink)).toEqual(['pagerduty', 'page', 'chatops']);
  });

  it('a firing signal again restarts the hold and the next rollover is noted again', () => {
    const held = route(openedBreach(), AFTER_MIDNIGHT);
    const refired = applySignal(held, breach(plusHours(AFTER_MIDNIGHT, 20)), plusHours(AFTER_MIDNIGHT, 20), S).next;
    expect(refired.latchedAt).toBeUndefined();
    expect(route(refired, plusHours(AFTER_MIDNIGHT, 30)).status).toBe('open');
    expect(route(refired, plusHours(AFTER_MIDNIGHT, 44)).status).toBe('resolved');
  });

  it('a person resolves it at once: the manual resolve of `incidents resolve` is never held', () => {
    const held = route(openedBreach(), AFTER_MIDNIGHT);
    const manual = {
      ...breach(BEFORE_MIDNIGHT),
      source: 'manual' as const,
      status: 'resolved' as const,
      summary: 'resolved by hand: cap raised',
    };
    expect(holdLatched(held, manual, plusHours(AFTER_MIDNIGHT, 1), S)).toBeUndefined();
    expect(applySignal(held, manual, plusHours(AFTER_MIDNIGHT, 1), S).next.status).toBe('resolved');
  });

  it('does not latch other rules: a healthy model resolves at once', () => {
    const open = applySignal(undefined, signal(), BEFORE_MIDNIGHT, S).next;
    const report = { ...healthyReport(AFTER_MIDNIGHT), evaluated: ['model_error_rate'], healthy: { model_error_rate: ['gpt-4o'] } };
    const [resolve] = signalsFromReport(report, [open]);
    expect(applySignal(open, resolve!, AFTER_MIDNIGHT, S).next.status).toBe('resolved');
  });

  it('the sweeper keeps reminding while it stands, and never says "no data" about it', () => {
    const held = route(openedBreach(), AFTER_MIDNIGHT);
    const swept = sweepIncident(held, new Date('2026-11-25T00:30:00Z'), S, {
      tracebackQuietMinutes: 30,
      noDataAfterMinutes: { 'trace-db': 5 },
    })!;
    expect(swept.status).toBe('open');
    expect(swept.deliveries.at(-1)).toMatchObject({ sink: 'chatops', action: 'remind', severity: 'SEV1' });
    expect(swept.noDataSince).toBeUndefined();
    expect(swept.timeline.at(-1)!.event).toBe(
      'status update due: SEV1 open for 31 min; period ended 00:00 UTC, the breach stands until resolved',
    );
  });
});
