// Spend totals shared by cost_projection, bill_threshold and the spend metrics: one pass over the
// llm.call_completed rows since the earliest boundary needed (start of today, the last hour, and the
// start of the month when a monthly cap is set). Also the runbook's "top keys by cost" query.
import { llmCalls } from './calls.ts';
import { memo, num, query, round, text, windowParams, type RuleContext } from './context.ts';
import { isoFromJulianDayOrNull, MS_PER_HOUR, startOfUtcDay, startOfUtcMonth, toJulianDay } from './time.ts';

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

const sql = (calls: string, monthToDate: boolean) => `
SELECT TOTAL(CASE WHEN jd >= :dayStart THEN cost END) AS today,
       TOTAL(CASE WHEN jd >= :hourAgo THEN cost END) AS last_hour,
       ${monthToDate ? 'TOTAL(cost)' : 'NULL'} AS month,
       MIN(jd) AS first_jd
FROM ${calls}
WHERE jd BETWEEN :from AND :now`;

export function spendTotals(ctx: RuleContext): SpendTotals {
  const monthToDate = ctx.rules.bill_threshold.enabled && ctx.rules.bill_threshold.monthlyHardCapUsd !== undefined;
  return memo(ctx, `spend:${monthToDate}`, () => {
    const dayStart = startOfUtcDay(ctx.nowMs);
    const hourAgo = ctx.nowMs - MS_PER_HOUR;
    const from = Math.min(dayStart, hourAgo, monthToDate ? startOfUtcMonth(ctx.nowMs) : Infinity);
    const [row = {}] = query(ctx, sql(llmCalls(ctx), monthToDate), {
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
      totals.monthToDateUsd = num(row.month);
      totals.monthDataFrom = isoFromJulianDayOrNull(row.first_jd);
    }
    return totals;
  });
}

export interface KeySpendRow {
  gateway_key_id: string;
  calls: number;
  cost: number;
}

/** The runbook's cost-runaway detect query: top keys by cost since `fromMs`, ROUND(..., 4) like it. */
export function topKeysBySpend(ctx: RuleContext, fromMs: number, limit = 10): KeySpendRow[] {
  const rows = query(
    ctx,
    `SELECT key, COUNT(*) AS calls, TOTAL(cost) AS cost FROM ${llmCalls(ctx)}
     WHERE jd BETWEEN :from AND :now GROUP BY key ORDER BY cost DESC LIMIT :limit`,
    { ...windowParams(ctx, fromMs), limit },
  );
  return rows.map((r) => ({ gateway_key_id: text(r.key), calls: num(r.calls), cost: round(num(r.cost), 4) }));
}
