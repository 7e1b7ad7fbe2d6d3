// key_spend_spike (SEV3): per gateway key, last-60-min spend >= `factor` (10) x the mean hourly
// spend of the preceding 7 days, and >= `minUsd` (1.00). One pass over 7 days + 1 hour gives every
// key's hour and baseline; a second query, only when something fires, gives the runbook's
// key-scoping rows (calls and cost per model over 24 h) for the firing keys.
import {
  FIRST_MOVE,
  makeSignal,
  num,
  query,
  round,
  RUNBOOK,
  text,
  usd,
  windowDetails,
  windowParams,
  type RuleContext,
  type RuleOutcome,
  type TraceDbRule,
} from './context.ts';
import { gatewayWriting } from './data-freshness.ts';
import { llmCalls } from './calls.ts';
import { fromJulianDay, MS_PER_DAY, MS_PER_HOUR, toJulianDay } from './time.ts';

export const KEY_SPEND_SPIKE = 'key_spend_spike';

const BASELINE_HOURS = 7 * 24;

const sql = (calls: string) => `
SELECT key,
       TOTAL(CASE WHEN jd >= :hourAgo THEN cost END) AS cost_1h,
       SUM(jd >= :hourAgo) AS calls_1h,
       TOTAL(CASE WHEN jd < :hourAgo THEN cost END) AS cost_base,
       MIN(MIN(jd)) OVER () AS first_jd
FROM ${calls}
WHERE jd BETWEEN :from AND :now
GROUP BY key`;

/** The runbook's key-compromise scoping query (calls and cost per model), for several keys at once. */
const byModelSql = (calls: string) => `
SELECT key, model, COUNT(*) AS calls, TOTAL(cost) AS cost
FROM ${calls}
WHERE jd BETWEEN :from AND :now AND key IN (SELECT value FROM json_each(:keys))
GROUP BY key, model
ORDER BY key, cost DESC`;

export const keySpendSpike: TraceDbRule = {
  id: KEY_SPEND_SPIKE,
  evaluate(ctx: RuleContext): RuleOutcome | undefined {
    const cfg = ctx.rules.key_spend_spike;
    if (!cfg.enabled) return undefined;
    const hourAgo = ctx.nowMs - MS_PER_HOUR;
    const baseFrom = hourAgo - BASELINE_HOURS * MS_PER_HOUR;
    const rows = query(ctx, sql(llmCalls(ctx)), { ...windowParams(ctx, baseFrom), hourAgo: toJulianDay(hourAgo) });
    if (rows.length === 0) return { signals: [] };

    // A snapshot trimmed to fewer than 7 days would shrink every baseline: average over the hours
    // the data covers. Less than one hour of history before the window: no baseline, not evaluated.
    const coveredFrom = Math.max(baseFrom, fromJulianDay(num(rows[0]!.first_jd)).getTime());
    const baselineHours = Math.min(BASELINE_HOURS, (hourAgo - coveredFrom) / MS_PER_HOUR);
    if (!(baselineHours >= 1)) return undefined;

    const ranked = rows
      .filter((r) => r.key !== null && r.key !== undefined)
      .map((r) => ({
        key: text(r.key),
        cost1h: num(r.cost_1h),
        calls1h: num(r.calls_1h),
        costBase: num(r.cost_base),
        meanHourly: num(r.cost_base) / baselineHours,
      }))
      .sort((a, b) => b.cost1h - a.cost1h);
    // cost1h >= factor x (costBase / hours), without the division's rounding.
    const firing = ranked.filter((k) => k.cost1h >= cfg.minUsd && k.cost1h * baselineHours >= cfg.factor * k.costBase);
    // A key with calls in the last hour was measured; one with none is fine only while the gateway still writes.
    const writing = gatewayWriting(ctx);
    const healthy = ranked.filter((k) => !firing.includes(k) && (k.calls1h > 0 || writing)).map((k) => k.key);
    if (firing.length === 0) return { signals: [], healthy };

    const dayAgo = ctx.nowMs - MS_PER_DAY;
    const byModel = new Map<string, { model: string; calls: number; cost: number }[]>();
    for (const r of query(ctx, byModelSql(llmCalls(ctx)), {
      ...windowParams(ctx, dayAgo),
      keys: JSON.stringify(firing.map((k) => k.key)),
    })) {
      const list = byModel.get(text(r.key)) ?? [];
      list.push({ model: text(r.model), calls: num(r.calls), cost: round(num(r.cost), 4) });
      byModel.set(text(r.key), list);
    }

    const signals = firing.map((k) => {
      const ratio = k.meanHourly > 0 ? k.cost1h / k.meanHourly : null;
      const versus =
        ratio === null
          ? `with no spend in the preceding ${Math.round(baselineHours)} h`
          : `${ratio.toFixed(0)}x its hourly mean of ${usd(k.meanHourly)} over the preceding ${Math.round(baselineHours)} h`;
      return makeSignal(ctx.now, {
        rule: KEY_SPEND_SPIKE,
        subject: k.key,
        severity: 'SEV3',
        runbook: RUNBOOK.runawaySpend,
        summary: `Key ${k.key} spent ${usd(k.cost1h)} in the last 60 min (${k.calls1h} calls), ${versus}. First move: ${FIRST_MOVE.keySpend}.`,
        details: {
          value: round(k.cost1h, 4),
          threshold: round(Math.max(cfg.minUsd, cfg.factor * k.meanHourly), 4),
          factor: cfg.factor,
          minUsd: cfg.minUsd,
          window: windowDetails(ctx, hourAgo),
          calls1h: k.calls1h,
          rank1h: ranked.indexOf(k) + 1,
          baselineMeanHourlyUsd: round(k.meanHourly, 6),
          baselineHours: round(baselineHours, 2),
          baselineFrom: new Date(coveredFrom).toISOString(),
          last24hByModel: byModel.get(k.key) ?? [],
        },
      });
    });
    return { signals, healthy };
  },
};
