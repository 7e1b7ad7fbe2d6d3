import { describe, expect, it } from 'vitest';
import { byRule, call, evaluateRows, HOUR, MIN, only, rulesWith } from './helpers.ts';

// NOW is 15:00 UTC: 15 h of today gone, 9 h left.
const rows = [
  ...Array.from({ length: 10 }, (_, i) => call({ ago: 5 * HOUR + i * MIN, cost: 1, key: 'gk_batch' })), // $10 at ~10:00
  call({ ago: 30 * MIN, cost: 1.5, key: 'gk_ci' }),
  call({ ago: 20 * MIN, cost: 0.5, key: 'gk_batch' }), // $2 in the last hour
  call({ ago: 16 * HOUR, cost: 7, key: 'gk_old' }), // yesterday 23:00: not today, but in the last 24 h
  call({ ago: 15 * 24 * HOUR, cost: 100, key: 'gk_old' }), // 2026-11-05: month to date
  call({ ago: 25 * 24 * HOUR, cost: 1000, key: 'gk_old' }), // October
  call({ ago: -3 * HOUR, cost: 500, key: 'gk_future' }), // clock skew: ignored
];

describe('cost_projection', () => {
  it('is off (not evaluated) unless a daily budget is set, but spend metrics are always reported', async () => {
    const result = await evaluateRows(rows, { rules: rulesWith() });
    expect(result.evaluated).not.toContain('cost_projection');
    expect(result.evaluated).not.toContain('bill_threshold');
    expect(byRule(result, 'cost_projection')).toEqual([]);
    expect(result.metrics).toMatchObject({ spendTodayUsd: 12, spendLastHourUsd: 2, projectedDailySpendUsd: 30 });
  });

  it('fires SEV3 when today + last hour x hours left exceeds factor x budget, strictly', async () => {
    // Projection 12 + 2 x 9 = 30; 2 x 15 = 30 is not exceeded.
    const atLimit = await evaluateRows(rows, { rules: only(['cost_projection'], { cost_projection: { dailyBudgetUsd: 15 } }) });
    expect(atLimit.evaluated).toContain('cost_projection');
    expect(byRule(atLimit, 'cost_projection')).toEqual([]);

    const over = await evaluateRows(rows, { rules: only(['cost_projection'], { cost_projection: { dailyBudgetUsd: 14.5 } }) });
    const [s] = byRule(over, 'cost_projection');
    expect(s).toMatchObject({ subject: 'daily', severity: 'SEV3', dedupKey: 'cost_projection:daily', runbook: 'Runaway key spend' });
    expect(s!.details).toMatchObject({
      value: 30,
      threshold: 29,
      factor: 2,
      dailyBudgetUsd: 14.5,
      spendTodayUsd: 12,
      spendLastHourUsd: 2,
      hoursLeftToday: 9,
      window: { from: '2026-11-20T00:00:00.000Z', to: '2026-11-20T15:00:00.000Z' },
      topKeysLastHour: [
        { gateway_key_id: 'gk_ci', calls: 1, cost: 1.5 },
        { gateway_key_id: 'gk_batch', calls: 1, cost: 0.5 },
      ],
    });
    expect(s!.summary).toContain('/analytics/by_key');
    expect(s!.summary).toContain('$30.00');
  });

  it('uses the configured factor', async () => {
    const result = await evaluateRows(rows, { rules: only(['cost_projection'], { cost_projection: { dailyBudgetUsd: 10, factor: 3 } }) });
    expect(byRule(result, 'cost_projection')).toEqual([]); // 30 is not > 3 x 10
  });
});

describe('bill_threshold', () => {
  it('fires SEV1 on the daily hard cap (spend today, UTC) with the top keys of the day', async () => {
    const result = await evaluateRows(rows, { rules: only(['bill_threshold'], { bill_threshold: { dailyHardCapUsd: 11.5 } }) });
    const [s, ...rest] = byRule(result, 'bill_threshold');
    expect(rest).toEqual([]);
    expect(s).toMatchObject({ subject: 'daily', severity: 'SEV1', dedupKey: 'bill_threshold:daily' });
    expect(s!.details).toMatchObject({
      value: 12,
      threshold: 11.5,
      topKeys: [
        { gateway_key_id: 'gk_batch', calls: 11, cost: 10.5 },
        { gateway_key_id: 'gk_ci', calls: 1, cost: 1.5 },
      ],
    });
    expect(s!.summary).toContain('bill threshold breached');
    const notOver = await evaluateRows(rows, { rules: only(['bill_threshold'], { bill_threshold: { dailyHardCapUsd: 12 } }) });
    expect(byRule(notOver, 'bill_threshold')).toEqual([]);
    expect(notOver.evaluated).toContain('bill_threshold');
  });

  it('fires SEV1 on the monthly cap from the 1st of the month, saying how far back the data goes', async () => {
    const result = await evaluateRows(rows, { rules: only(['bill_threshold'], { bill_threshold: { monthlyHardCapUsd: 100 } }) });
    const [s] = byRule(result, 'bill_threshold');
    expect(s).toMatchObject({ subject: 'monthly', severity: 'SEV1', dedupKey: 'bill_threshold:monthly' });
    // 100 (Nov 5) + 7 (yesterday) + 12 (today); October and the future are out.
    expect(s!.details).toMatchObject({
      value: 119,
      threshold: 100,
      dataFrom: '2026-11-05T15:00:00.000Z',
      window: { from: '2026-11-01T00:00:00.000Z' },
    });
    expect(result.metrics.monthToDateUsd).toBe(119);
  });

  it('both caps can fire at once', async () => {
    const result = await evaluateRows(rows, {
      rules: only(['bill_threshold'], { bill_threshold: { dailyHardCapUsd: 5, monthlyHardCapUsd: 50 } }),
    });
    expect(byRule(result, 'bill_threshold').map((s) => s.dedupKey)).toEqual(['bill_threshold:daily', 'bill_threshold:monthly']);
  });

  it('an empty day spends nothing and does not fire', async () => {
    const result = await evaluateRows([], {
      rules: only(['bill_threshold', 'cost_projection'], {
        bill_threshold: { dailyHardCapUsd: 1 },
        cost_projection: { dailyBudgetUsd: 1 },
      }),
    });
    expect(result.evaluated).toEqual(expect.arrayContaining(['bill_threshold', 'cost_projection']));
    expect(result.signals).toEqual([]);
    expect(result.metrics).toMatchObject({ spendTodayUsd: 0, spendLastHourUsd: 0, projectedDailySpendUsd: 0 });
  });
});
