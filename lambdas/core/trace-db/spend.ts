// Spend totals shared by cost_projection, bill_threshold and the spend metrics: one pass over the
// llm.call_completed rows since the start of today or the last hour, whichever is earlier; month to
// date (when a monthly cap is set) from the history module. Also the runbook's "top keys by cost" query.
import { llmCalls } from './calls.ts';
import { memo, num, query, round, text, windowParams, type RuleContext } from './context.ts';
import { spendHistory } from './history.ts';
import { MS_PER_DAY, MS_PER_HOUR, startOfUtcDay, startOfUtcMonth, toJulianDay } from './time.ts';

export interface SpendTotals {
  todayUsd: number;
  lastHourUsd: number;
  /** Present when month to date was asked for. */
  monthToDateUsd?: number;
  /** Hours from now to the next 00:00 UTC. */
  hoursLeftToday: number;
  projectedTodayUsd: number;
  /** Earliest call seen in the month-to-date range: the snapshot may be trimmed to fewer days. */
  monthDataFrom?: string | null;
}

const sql = (calls: string) => `
SELECT TOTAL(CASE WHEN jd >= :dayStart THEN cost END) AS today,
       TOTAL(CASE WHEN jd >= :hourAgo THEN cost END) AS last_hour
FROM ${calls}
WHERE jd BETWEEN :from AND :now`;

export function spendTotals(ctx: RuleContext): SpendTotals {
  const monthToDate = ctx.rules.bill_threshold.enabled && ctx.rules.bill_threshold.monthlyHardCapUsd !== undefined;
  return memo(ctx, `spend:${monthToDate}`, () => {
    const dayStart = startOfUtcDay(ctx.nowMs);
    const hourAgo = ctx.nowMs - MS_PER_HOUR;
    const from = Math.min(dayStart, hourAgo);
    const [row = {}] = query(ctx, sql(llmCalls(ctx)), {
      ...windowParams(ctx, from),
      dayStart: toJulianDay(dayStart),
      hourAgo: toJulianDay(hourAgo),
    });
    const todayUsd = num(row.today);
    const lastHourUsd = num(row.last_hour);
    const hoursLeftToday = (dayStart + 24 * MS_PER_HOUR - ctx.nowMs) / MS_PER_HOUR;
    const totals: SpendTotals = {
      todayUsd,
      lastHourUsd,
      hoursLeftToday,
      projectedTodayUsd: todayUsd + lastHourUsd * hoursLeftToday,
    };
    if (monthToDate) {
      // Days before a bounded snapshot's window come from its daily rollups.
      const month = spendHistory(ctx, { fromMs: startOfUtcMonth(ctx.nowMs), toMs: ctx.nowMs, toInclusive: true });
      totals.monthToDateUsd = month.totalUsd;
      totals.monthDataFrom = month.firstMs === undefined ? null : new Date(month.firstMs).toISOString();
    }
    return totals;
  });
}

export interface KeySpendRow {
  gateway_key_id: string;
  calls: number;
  cost: number;
}

/**
 * The runbook's cost-runaway detect query: top keys by cost since `fromMs`, ROUND(..., 4) like it.
 * From a whole UTC day (today, the month) it is read through the history module, the same way on a
 * bounded snapshot (daily rollups) and a whole database.
 */
export function topKeysBySpend(ctx: RuleContext, fromMs: number, limit = 10): KeySpendRow[] {
  if (fromMs % MS_PER_DAY === 0) {
    return spendHistory(ctx, { fromMs, toMs: ctx.nowMs, toInclusive: true })
      .byKey.sort((a, b) => b.costUsd - a.costUsd || text(a.key).localeCompare(text(b.key)))
      .slice(0, limit)
      .map((k) => ({ gateway_key_id: text(k.key), calls: k.calls, cost: round(k.costUsd, 4) }));
  }
  const rows = query(
    ctx,
    `SELECT key, COUNT(*) AS calls, TOTAL(cost) AS cost FROM ${llmCalls(ctx)}
     WHERE jd BETWEEN :from AND :now GROUP BY key ORDER BY cost DESC LIMIT :limit`,
    { ...windowParams(ctx, fromMs), limit },
  );
  return rows.map((r) => ({ gateway_key_id: text(r.key), calls: num(r.calls), cost: round(num(r.cost), 4) }));
}
