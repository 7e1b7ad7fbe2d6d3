// analytics_drift: the by-key answer's forms, the window, the 10 % and 20-call boundaries, and
// an unusable answer that is analytics_unavailable (SEV3) and never a drift or a resolve.
import { describe, expect, it } from 'vitest';
import { analyticsSchema } from '../../../../lambdas/core/config.ts';
import {
  analyticsWindow,
  compareByKey,
  parseAnalyticsRows,
  relativeDrift,
  type AnalyticsFetch,
  type KeyTotals,
} from '../../../../lambdas/core/trace-db/analytics-drift.ts';
import { evaluateTraceDb } from '../../../../lambdas/core/trace-db/evaluate.ts';
import type { FixtureRow } from '../../../../tools/trace-db-fixture.ts';
import { calls, MIN, NOW, only, openRows } from './helpers.ts';

const CONFIG = analyticsSchema.parse({ url: 'https://gw.example.com/analytics/by_key' });
const FIELDS = { keyField: 'key_id', callsField: 'calls', costField: 'cost_usd' };
const RULE = { threshold: 0.1, minCalls: 20 };

describe('parseAnalyticsRows', () => {
  it('a JSON array of rows; numeric strings accepted; a key listed twice is summed', () => {
    const rows = parseAnalyticsRows(
      [
        { key_id: 'gk_a', calls: 10, cost_usd: 0.5 },
        { key_id: 'gk_a', calls: '5', cost_usd: '0.25' },
        { key_id: 'gk_b', calls: 0, cost_usd: 0 },
      ],
      FIELDS,
    );
    expect(rows).toEqual(
      new Map([
        ['gk_a', { calls: 15, costUsd: 0.75 }],
        ['gk_b', { calls: 0, costUsd: 0 }],
      ]),
    );
  });
  it('an object holding the array, under any property; custom field names', () => {
    const rows = parseAnalyticsRows(
      { window: 'x', data: [{ key: 'gk_a', n: 3, usd: 1 }] },
      { keyField: 'key', callsField: 'n', costField: 'usd' },
    );
    expect(rows).toEqual(new Map([['gk_a', { calls: 3, costUsd: 1 }]]));
  });
  it('an empty array is an answer with no keys', () => {
    expect(parseAnalyticsRows({ rows: [] }, FIELDS)).toEqual(new Map());
  });
  it('each malformed form is a reason naming the row and field', () => {
    expect(parseAnalyticsRows({ error: 'x' }, FIELDS)).toBe('expected a JSON array of rows or an object holding one (rows with "key_id")');
    expect(parseAnalyticsRows('ok', FIELDS)).toMatch(/^expected a JSON array/);
    expect(parseAnalyticsRows([1], FIELDS)).toBe('row 0: not an object');
    expect(parseAnalyticsRows([{ calls: 1, cost_usd: 1 }], FIELDS)).toBe('row 0: "key_id" is not a non-empty string');
    expect(parseAnalyticsRows([{ key_id: 'k', calls: 'many', cost_usd: 1 }], FIELDS)).toBe('row 0: "calls" is not a number >= 0');
    expect(parseAnalyticsRows([{ key_id: 'k', calls: -1, cost_usd: 1 }], FIELDS)).toBe('row 0: "calls" is not a number >= 0');
    expect(parseAnalyticsRows([{ key_id: 'k', calls: 1 }], FIELDS)).toBe('row 0: "cost_usd" is not a number >= 0');
  });
});

describe('analyticsWindow', () => {
  it('windowMinutes ending settleMinutes before the snapshot was taken', () => {
    const w = analyticsWindow(NOW, '2026-11-20T14:58:00Z', { windowMinutes: 60, settleMinutes: 5 });
    expect([new Date(w.fromMs).toISOString(), new Date(w.toMs).toISOString()]).toEqual([
      '2026-11-20T13:53:00.000Z',
      '2026-11-20T14:53:00.000Z',
    ]);
  });
  it('without a snapshot time (or one in the future) it ends settleMinutes before now', () => {
    expect(new Date(analyticsWindow(NOW, undefined, { windowMinutes: 60, settleMinutes: 5 }).toMs).toISOString()).toBe(
      '2026-11-20T14:55:00.000Z',
    );
    expect(new Date(analyticsWindow(NOW, '2026-11-20T16:00:00Z', { windowMinutes: 60, settleMinutes: 0 }).toMs).toISOString()).toBe(
      '2026-11-20T15:00:00.000Z',
    );
  });
});

describe('compareByKey: boundaries', () => {
  const t = (calls: number, costUsd = calls * 0.01): KeyTotals => ({ calls, costUsd });
  const compare = (trace: KeyTotals, analytics: KeyTotals) => compareByKey(new Map([['gk', trace]]), new Map([['gk', analytics]]), RULE);

  it('calls exactly 10 % apart fires; just under does not', () => {
    expect(compare(t(20, 1), t(22, 1))[0]!.drifting).toBe(true);
    expect(compare(t(100, 1), t(109, 1))[0]!.drifting).toBe(false);
    expect(compare(t(100, 1), t(90, 1))[0]!.drifting).toBe(true);
  });
  it('cost exactly 10 % apart fires despite float noise (0.7 vs 0.77); 9.9 % does not', () => {
    expect(compare(t(50, 0.7), t(50, 0.77))[0]!.drifting).toBe(true);
    expect(compare(t(50, 1), t(50, 1.099))[0]!.drifting).toBe(false);
  });
  it('a key with 19 calls on both sides is not compared; 20 on either side is', () => {
    expect(compare(t(19, 1), t(10, 0.1))).toEqual([]);
    expect(compare(t(10, 0.1), t(20, 0.2))).toHaveLength(1);
  });
  it('a key only analytics knows (>= 20 calls) is infinitely apart; only the trace DB knows is -100 %', () => {
    const onlyAnalytics = compareByKey(new Map(), new Map([['gk', t(25)]]), RULE);
    expect(onlyAnalytics[0]).toMatchObject({ callsDrift: Number.POSITIVE_INFINITY, drifting: true });
    const onlyTrace = compareByKey(new Map([['gk', t(25)]]), new Map(), RULE);
    expect(onlyTrace[0]).toMatchObject({ callsDrift: 1, drifting: true });
  });
  it('sub-cent cost differences are rounding, not drift', () => {
    expect(compare(t(30, 0.004), t(30, 0.008))[0]!.drifting).toBe(false);
  });
  it('relativeDrift: 0 vs 0 is no drift', () => expect(relativeDrift(0, 0)).toBe(0));
});

/** `n` calls of `key` costing `usd` in total, inside the default window (ending 5 min before NOW). */
const keyCalls = (key: string, n: number, usd: number): FixtureRow[] =>
  calls(n, { key, cost: usd / n, fromAgo: 60 * MIN, toAgo: 10 * MIN });

async function run(rows: FixtureRow[], fetched: AnalyticsFetch, rules = only(['analytics_drift'])) {
  const db = await openRows(rows);
  try {
    const window = analyticsWindow(NOW, NOW.toISOString(), CONFIG);
    return evaluateTraceDb(db, {
      now: NOW,
      rules,
      meta: { takenAt: NOW.toISOString() },
      analytics: { config: CONFIG, window, fetched, url: CONFIG.url },
    });
  } finally {
    db.close();
  }
}

describe('analytics_drift through the engine (sql.js)', () => {
  const rows = [
    ...keyCalls('gk_ok', 40, 2),
    ...keyCalls('gk_drift', 50, 5),
    // Outside the window: 3 min before NOW (inside the settle time) and 2 h ago.
    ...calls(30, { key: 'gk_drift', cost: 0.1, fromAgo: 4 * MIN, toAgo: 2 * MIN }),
    ...calls(30, { key: 'gk_drift', cost: 0.1, fromAgo: 130 * MIN, toAgo: 120 * MIN }),
  ];

  it('per key over the same window: one SEV2 with both numbers; the agreeing key is quiet; evaluated', async () => {
    const body = [
      { key_id: 'gk_ok', calls: 40, cost_usd: 2.05 },
      { key_id: 'gk_drift', calls: 65, cost_usd: 5 },
    ];
    const result = await run(rows, { kind: 'body', body });
    expect(result.evaluated.filter((r) => r.startsWith('analytics'))).toEqual(['analytics_unavailable', 'analytics_drift']);
    expect(result.signals).toHaveLength(1);
    const s = result.signals[0]!;
    expect(s).toMatchObject({
      rule: 'analytics_drift',
      subject: 'gk_drift',
      severity: 'SEV2',
      dedupKey: 'analytics_drift:gk_drift',
      source: 'trace-db',
    });
    expect(s.summary).toMatch(
      /^Analytics rollup wrong for key gk_drift: \/analytics\/by_key says 65 calls \/ \$5\.00, the trace DB 50 calls \/ \$5\.00 over 13:55-14:55 UTC \(calls \+30%, cost \+0\.0%; threshold 10%\)\. First move: /,
    );
    expect(s.details).toMatchObject({
      analytics: { calls: 65, costUsd: 5 },
      traceDb: { calls: 50, costUsd: 5 },
      callsDriftPct: 30,
      costDriftPct: 0,
      window: { from: '2026-11-20T13:55:00.000Z', to: '2026-11-20T14:55:00.000Z', minutes: 60 },
    });
  });

  it('agreement on every key: evaluated, no signal (open drift incidents resolve)', async () => {
    const body = {
      data: [
        { key_id: 'gk_ok', calls: 40, cost_usd: 2 },
        { key_id: 'gk_drift', calls: 50, cost_usd: 5 },
      ],
    };
    const result = await run(rows, { kind: 'body', body });
    expect(result.evaluated).toContain('analytics_drift');
    expect(result.signals).toEqual([]);
  });

  it('endpoint down: one SEV3 analytics_unavailable, analytics_drift not evaluated (nothing resolves), no drift', async () => {
    const result = await run(rows, { kind: 'unavailable', reason: 'HTTP 503' });
    expect(result.evaluated.filter((r) => r.startsWith('analytics'))).toEqual(['analytics_unavailable']);
    expect(result.signals.map((s) => [s.severity, s.dedupKey])).toEqual([['SEV3', 'analytics_unavailable:by_key']]);
    expect(result.signals[0]!.summary).toContain('(HTTP 503)');
  });

  it('malformed answer (no rows): analytics_unavailable naming the problem, never a drift for every key', async () => {
    const result = await run(rows, { kind: 'body', body: { message: 'maintenance' } });
    expect(result.signals.map((s) => s.rule)).toEqual(['analytics_unavailable']);
    expect(result.signals[0]!.details).toMatchObject({ reason: expect.stringMatching(/^malformed answer: expected a JSON array/) });
  });

  it('the rule disabled: nothing evaluated, nothing fetched is judged', async () => {
    const result = await run(rows, { kind: 'unavailable', reason: 'x' }, only([]));
    expect(result.evaluated).not.toContain('analytics_unavailable');
    expect(result.signals).toEqual([]);
  });
});
