// Silence is not recovery: a model fires, then every call stops. The trace check keeps the incident open
// (its subject is neither firing nor healthy), raises traffic_stopped, and the reminder says since when.
import { describe, expect, it } from 'vitest';
import { routeSignals, sweepIncidents, type DispatchDeps } from '../../../../lambdas/core/dispatch.ts';
import { signalsFromReport } from '../../../../lambdas/core/report-signals.ts';
import { sweepOptionsOf } from '../../../../lambdas/core/sweep-policy.ts';
import { defaultConfig } from '../../../../lambdas/core/config.ts';
import { toEvaluationReport } from '../../../../lambdas/core/trace-db/evaluate.ts';
import type { FixtureRow } from '../../../../tools/trace-db-fixture.ts';
import { FakeIncidentStore, FakePagerDuty, FakePublisher, settings, notifiersOf } from '../support.ts';
import { byRule, calls, evaluateRows, HOUR, MIN, NOW } from './helpers.ts';

const DAY = 24 * HOUR;
/** NOW is 15:00 on Friday 2026-11-20; the spike runs 14:35-14:45, then nothing. */
const SPIKE_AT = new Date(NOW.getTime() - 15 * MIN);

/** A normal 14:50-15:00 a day and a week earlier (the history traffic_stopped compares with), then the spike. */
function rows(): FixtureRow[] {
  return [
    ...calls(40, { fromAgo: DAY + 10 * MIN, toAgo: DAY, model: 'gpt-4o' }),
    ...calls(40, { fromAgo: 7 * DAY + 10 * MIN, toAgo: 7 * DAY, model: 'gpt-4o' }),
    ...calls(30, { fromAgo: 25 * MIN, toAgo: 15 * MIN, model: 'gpt-4o', errors: 12 }),
  ];
}

const meta = (at: Date) => ({ takenAt: new Date(at.getTime() - MIN).toISOString(), integrity: 'ok' });

describe('the vanished-traffic sequence', () => {
  it('fires model_error_rate, then keeps it open when the traffic vanishes and raises traffic_stopped', async () => {
    const first = await evaluateRows(rows(), { now: SPIKE_AT, meta: meta(SPIKE_AT) });
    expect(byRule(first, 'model_error_rate').map((s) => s.dedupKey)).toEqual(['model_error_rate:gpt-4o']);
    expect(byRule(first, 'traffic_stopped')).toEqual([]);
    expect(first.healthy.traffic_stopped).toEqual(['gateway']);

    const later = await evaluateRows(rows(), { now: NOW, meta: meta(NOW) });
    expect(later.evaluated).toContain('model_error_rate');
    expect(byRule(later, 'model_error_rate')).toEqual([]);
    // Neither firing nor healthy: no evidence either way.
    expect(later.healthy.model_error_rate).toBeUndefined();
    expect(later.healthy.error_rate_overall).toBeUndefined();
    const stopped = byRule(later, 'traffic_stopped');
    expect(stopped.map((s) => [s.dedupKey, s.severity])).toEqual([['traffic_stopped:gateway', 'SEV2']]);
    expect(stopped[0]!.details).toMatchObject({ value: 0, threshold: 20, callsSameWindowDayAgo: 40, callsSameWindowWeekAgo: 40 });
    expect(stopped[0]!.summary).toMatch(/No llm\.call_completed in the last 10 min .* a day ago .* a week ago/);

    // Through the router: the model's incident stays open, traffic_stopped opens, and the reminder says since when.
    const store = new FakeIncidentStore();
    const publisher = new FakePublisher();
    const notifiers = notifiersOf(new FakePagerDuty(), publisher);
    const deps = (at: Date): DispatchDeps => ({ store, notifiers, settings: settings(), now: () => at });
    for (const [evaluation, at] of [
      [first, SPIKE_AT],
      [later, NOW],
    ] as const) {
      const report = toEvaluationReport(evaluation, at);
      await routeSignals(signalsFromReport(report, await store.listOpen('trace-db')), deps(at));
    }
    expect(store.peek('model_error_rate:gpt-4o')!.status).toBe('open');
    expect(store.peek('traffic_stopped:gateway')!.status).toBe('open');

    const sweepAt = new Date(NOW.getTime() + 20 * MIN);
    await sweepIncidents(sweepAt, sweepOptionsOf(defaultConfig()), deps(sweepAt));
    const model = store.peek('model_error_rate:gpt-4o')!;
    expect(model.status).toBe('open');
    expect(model.noDataSince).toBe(SPIKE_AT.toISOString());
    expect(model.timeline.map((t) => t.event)).toContain('status update due: SEV2 open for 35 min; no data since 14:45 UTC');
    const reminder = publisher.published.find((p) => p.message.subject.includes('STATUS UPDATE DUE model_error_rate'))!;
    expect(reminder.message.body).toContain('No data since 14:45 UTC');
  });

  it('with too few calls the same window a day and a week earlier, a quiet window is no finding (and not healthy)', async () => {
    const quiet = [...calls(5, { fromAgo: DAY + 10 * MIN, toAgo: DAY }), ...calls(40, { fromAgo: 7 * DAY + 10 * MIN, toAgo: 7 * DAY })];
    const result = await evaluateRows(quiet, { now: NOW, meta: meta(NOW) });
    expect(result.evaluated).toContain('traffic_stopped');
    expect(byRule(result, 'traffic_stopped')).toEqual([]);
    expect(result.healthy.traffic_stopped).toBeUndefined();
  });

  it('a stale snapshot is not judged (snapshot_stale says so instead)', async () => {
    const result = await evaluateRows(rows(), { now: NOW, meta: { takenAt: new Date(NOW.getTime() - 30 * MIN).toISOString() } });
    expect(result.evaluated).not.toContain('traffic_stopped');
    expect(byRule(result, 'snapshot_stale')).toHaveLength(1);
  });
});
