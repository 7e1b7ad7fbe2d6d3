// key_spend_spike (SEV3): per gateway key, last-60-min spend >= `factor` (10) x the mean hourly
// spend of the preceding 7 days (from the whole hour 7 days back), and >= `minUsd` (1.00). The last
// hour comes from the raw rows, the baseline from the history module (rollups on a bounded snapshot);
// a second query, only when something fires, gives the runbook's key-scoping rows (calls and cost per
// model over 24 h) for the firing keys.
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
import { llmCalls } from './calls.ts';
import { keyModelHistory } from './history.ts';
import { fromJulianDay, MS_PER_DAY, MS_PER_HOUR } from './time.ts';

export const KEY_SPEND_SPIKE = 'key_spend_spike';

const BASELINE_HOURS = 7 * 24;

/** Every key's last hour, from the raw rows (always inside a bounded snapshot's window). */
const lastHourSql = (calls: string) => `
SELECT key, TOTAL(cost) AS cost_1h, COUNT(*) AS calls_1h, MIN(jd) AS first_jd
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
    // The baseline starts on a whole hour so a bounded snapshot's hourly rollups answer it exactly.
    const baseFrom = Math.floor((hourAgo - BASELINE_HOURS * MS_PER_HOUR) / MS_PER_HOUR) * MS_PER_HOUR;
    const rows = query(ctx, lastHourSql(llmCalls(ctx)), windowParams(ctx, hourAgo));
    if (rows.length === 0) return { signals: [] };
    const history = keyModelHistory(ctx, { fromMs: baseFrom, toMs: hourAgo });
    const baseByKey = new Map<string, number>();
    for (const r of history.rows) if (r.key !== null) baseByKey.set(r.key, (baseByKey.get(r.key) ?? 0) + r.costUsd);

    // A snapshot trimmed to fewer than 7 days would shrink every baseline: average over the hours
    // the data covers. Less than one hour of history before the window: no baseline, not evaluated.
    const firstMs = Math.min(history.firstMs ?? Infinity, ...rows.map((r) => fromJulianDay(num(r.first_jd)).getTime()));
    const coveredFrom = Math.max(baseFrom, firstMs);
    const baselineHours = (hourAgo - coveredFrom) / MS_PER_HOUR;
    if (!(baselineHours >= 1)) return undefined;

    const ranked = rows
      .filter((r) => r.key !== null && r.key !== undefined)
      .map((r) => ({
        key: text(r.key),
        cost1h: num(r.cost_1h),
        calls1h: num(r.calls_1h),
        costBase: baseByKey.get(text(r.key)) ?? 0,
        meanHourly: (baseByKey.get(text(r.key)) ?? 0) / baselineHours,
      }))
      .sort((a, b) => b.cost1h - a.cost1h);
    // cost1h >= factor x (costBase / hours), without the division's rounding.
    const firing = ranked.filter((k) => k.cost1h >= cfg.minUsd && k.cost1h * baselineHours >= cfg.factor * k.costBase);
    if (firing.length === 0) return { signals: [] };

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
    return { signals };
  },
};
