// key_spend_spike (SEV3): per gateway key, last-60-min spend >= `factor` (10) x the mean hourly
// spend of the preceding 7 days (from the whole hour 7 days back), and >= `minUsd` (1.00). The last
// hour comes from the raw rows, the baseline from the history module (rollups on a bounded snapshot);
// a second query, only when something fires, gives the runbook's key-scoping rows (calls and cost per
// model over 24 h) for the firing keys.
import { FIRST_MOVE, makeSignal, memo, num, query, round, RUNBOOK, text, usd, windowDetails, windowParams } from './context.ts';
import type { RuleContext, RuleOutcome, TraceDbRule } from './context.ts';
import { gatewayWriting } from './data-freshness.ts';
import { llmCalls } from './calls.ts';
import { MS_PER_DAY, MS_PER_HOUR, fromJulianDay } from './time.ts';
import { keySpendHistory } from './key-history.ts';

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

export interface SpendSpike {
  key: string;
  cost1h: number;
  calls1h: number;
  costBase: number;
  meanHourly: number;
}

export interface SpendSpikes {
  /** Every key with a call in the last hour, by last-hour spend, highest first. */
  ranked: SpendSpike[];
  /** Keys at >= factor x their hourly normal and >= minUsd. */
  firing: SpendSpike[];
  hourAgo: number;
  /** Hours the baseline really covers (a trimmed snapshot covers fewer than 168). */
  baselineHours: number;
  coveredFrom: number;
  /** Keys with spend in the baseline but no call in the last hour. */
  idleKeys: string[];
}

/**
 * The spike computation key_spend_spike and key_compromise_suspected share (computed once per run):
 * `undefined` when there is less than one hour of history before the window (no baseline), `null`
 * when there is no call at all in the 7 days + 1 hour.
 */
export function spendSpikes(ctx: RuleContext): SpendSpikes | null | undefined {
  return memo(ctx, 'key-spend-spikes', () => {
    const cfg = ctx.rules.key_spend_spike;
    const hourAgo = ctx.nowMs - MS_PER_HOUR;
    // The baseline starts on a whole hour so a bounded snapshot's hourly rollups answer it exactly.
    const baseFrom = Math.floor((hourAgo - BASELINE_HOURS * MS_PER_HOUR) / MS_PER_HOUR) * MS_PER_HOUR;
    const lastHour = query(ctx, lastHourSql(llmCalls(ctx)), windowParams(ctx, hourAgo));
    const history = keySpendHistory(ctx, baseFrom, hourAgo);
    if (lastHour.length === 0 && history.firstCallMs === null) return null;

    // A snapshot trimmed to fewer than 7 days would shrink every baseline: average over the hours
    // the data covers. Less than one hour of history before the window: no baseline, not evaluated.
    const firstMs = Math.min(history.firstCallMs ?? Infinity, ...lastHour.map((r) => fromJulianDay(num(r.first_jd)).getTime()));
    const coveredFrom = Math.max(baseFrom, firstMs);
    const baselineHours = (hourAgo - coveredFrom) / MS_PER_HOUR;
    if (!(baselineHours >= 1)) return undefined;

    const ranked = lastHour
      .filter((r) => r.key !== null && r.key !== undefined)
      .map((r) => {
        const costBase = history.spendByKey.get(text(r.key)) ?? 0;
        return { key: text(r.key), cost1h: num(r.cost_1h), calls1h: num(r.calls_1h), costBase, meanHourly: costBase / baselineHours };
      })
      .sort((a, b) => b.cost1h - a.cost1h);
    // cost1h >= factor x (costBase / hours), without the division's rounding.
    const firing = ranked.filter((k) => k.cost1h >= cfg.minUsd && k.cost1h * baselineHours >= cfg.factor * k.costBase);
    const active = new Set(ranked.map((k) => k.key));
    const idleKeys = [...history.spendByKey.keys()].filter((key) => !active.has(key));
    return { ranked, firing, hourAgo, baselineHours, coveredFrom, idleKeys };
  });
}

/** The runbook's key-scoping rows (calls and cost per model over the last 24 h) for each key. */
export function last24hByModel(ctx: RuleContext, keys: readonly string[]): Map<string, { model: string; calls: number; cost: number }[]> {
  const byModel = new Map<string, { model: string; calls: number; cost: number }[]>();
  if (keys.length === 0) return byModel;
  for (const r of query(ctx, byModelSql(llmCalls(ctx)), {
    ...windowParams(ctx, ctx.nowMs - MS_PER_DAY),
    keys: JSON.stringify(keys),
  })) {
    const list = byModel.get(text(r.key)) ?? [];
    list.push({ model: text(r.model), calls: num(r.calls), cost: round(num(r.cost), 4) });
    byModel.set(text(r.key), list);
  }
  return byModel;
}

export const keySpendSpike: TraceDbRule = {
  id: KEY_SPEND_SPIKE,
  evaluate(ctx: RuleContext): RuleOutcome | undefined {
    const cfg = ctx.rules.key_spend_spike;
    if (!cfg.enabled) return undefined;
    const spikes = spendSpikes(ctx);
    if (spikes === null) return { signals: [] };
    if (spikes === undefined) return undefined;
    const { ranked, firing, hourAgo, baselineHours, coveredFrom } = spikes;
    // A key with calls in the last hour was measured; one with none is fine only while the gateway still writes.
    const healthy = ranked.filter((k) => !firing.includes(k)).map((k) => k.key);
    if (gatewayWriting(ctx)) healthy.push(...spikes.idleKeys);
    if (firing.length === 0) return { signals: [], healthy };
    const byModel = last24hByModel(
      ctx,
      firing.map((k) => k.key),
    );

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
