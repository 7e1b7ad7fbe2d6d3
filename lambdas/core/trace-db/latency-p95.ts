// latency_p95 (SEV3, the runbook's "elevated latency, p95 > 2x baseline"): p95 of `$.latency_ms`
// over the last `windowMinutes` (10) > `factor` (2) x the p95 of the preceding 7 days (from a whole
// hour, latencies rounded down to two significant digits: the history module's bins), with at least
// `minCalls` (50) calls in the window. Nearest-rank p95 from the extracted calls: one count, then
// `ORDER BY latency DESC LIMIT 1 OFFSET n - ceil(0.95 n)` per period, which SQLite answers with a
// bounded sorter (the top 5 %) instead of sorting every call. Non-numeric or negative latencies are
// ignored. A per-model breakdown of the window is read only when it fires.
import { llmCalls } from './calls.ts';
import { makeSignal, minutesAgo, num, numOrNull, query, round, RUNBOOK, text, windowDetails } from './context.ts';
import type { RuleContext, RuleOutcome, TraceDbRule } from './context.ts';
import { latencyHistory, VALID_LATENCY } from './history.ts';
import { MS_PER_DAY, MS_PER_HOUR, toJulianDay } from './time.ts';

export const LATENCY_P95 = 'latency_p95';

const VALID = VALID_LATENCY;

const countSql = (calls: string) => `
SELECT COUNT(*) AS recent
FROM ${calls}
WHERE jd BETWEEN :from AND :now AND ${VALID}`;

const percentileSql = (calls: string, upper: '<' | '<=') => `
SELECT latency FROM ${calls}
WHERE jd >= :lo AND jd ${upper} :hi AND ${VALID}
ORDER BY latency DESC LIMIT 1 OFFSET :offset`;

const byModelSql = (calls: string) => `
SELECT model, lat, n FROM (
  SELECT model, latency AS lat,
         ROW_NUMBER() OVER (PARTITION BY model ORDER BY latency) AS rn,
         COUNT(*) OVER (PARTITION BY model) AS n
  FROM ${calls}
  WHERE jd BETWEEN :from AND :now AND ${VALID}
)
WHERE rn = (n * 95 + 99) / 100`;

/** Nearest-rank 95th percentile of the `n` calls in [lo, hi) or [lo, hi]. */
function p95(ctx: RuleContext, calls: string, range: { lo: number; hi: number; upper: '<' | '<=' }, n: number): number | null {
  if (n <= 0) return null;
  const rank = Math.ceil((n * 95) / 100);
  return numOrNull(query(ctx, percentileSql(calls, range.upper), { lo: range.lo, hi: range.hi, offset: n - rank })[0]?.latency);
}

export const latencyP95: TraceDbRule = {
  id: LATENCY_P95,
  evaluate(ctx: RuleContext): RuleOutcome | undefined {
    const cfg = ctx.rules.latency_p95;
    if (!cfg.enabled) return undefined;
    const calls = llmCalls(ctx);
    const windowFrom = minutesAgo(ctx, cfg.windowMinutes);
    // The baseline starts on a whole hour and is read in two-significant-digit bins, so a bounded
    // snapshot's hourly latency rollups answer it exactly as the whole database does.
    const baseFrom = Math.floor((windowFrom - 7 * MS_PER_DAY) / MS_PER_HOUR) * MS_PER_HOUR;
    const [w, now] = [toJulianDay(windowFrom), toJulianDay(ctx.nowMs)];
    const [counts = {}] = query(ctx, countSql(calls), { from: w, now });
    const n = num(counts.recent);
    const recentP95 = p95(ctx, calls, { lo: w, hi: now, upper: '<=' }, n);
    const baseline = latencyHistory(ctx, { fromMs: baseFrom, toMs: windowFrom });
    const baseN = baseline.calls;
    const baseP95 = baseline.p95Ms;
    const metrics = { latencyP95Ms: recentP95, latencyBaselineP95Ms: baseP95, latencyWindowCalls: n };
    if (recentP95 === null || baseP95 === null || n < cfg.minCalls || !(recentP95 > cfg.factor * baseP95)) {
      // Fine only when measured: enough calls in the window and a baseline to compare with.
      const measured = recentP95 !== null && baseP95 !== null && n >= cfg.minCalls;
      return { signals: [], metrics, ...(measured ? { healthy: ['gateway'] } : {}) };
    }

    const byModel = query(ctx, byModelSql(calls), { from: w, now })
      .map((r) => ({ model: text(r.model), calls: num(r.n), p95Ms: num(r.lat) }))
      .sort((a, b2) => b2.p95Ms - a.p95Ms);
    const slowest = byModel[0];
    return {
      metrics,
      signals: [
        makeSignal(ctx.now, {
          rule: LATENCY_P95,
          subject: 'gateway',
          severity: 'SEV3',
          runbook: RUNBOOK.severity,
          summary:
            `Elevated latency: p95 ${Math.round(recentP95)} ms over the last ${cfg.windowMinutes} min (${n} calls) is ${(recentP95 / baseP95).toFixed(1)}x ` +
            `the 7-day p95 of ${Math.round(baseP95)} ms (threshold ${cfg.factor}x).` +
            (slowest
              ? ` Slowest model: ${slowest.model} (p95 ${Math.round(slowest.p95Ms)} ms); check its provider and, if it is down, flip METIS_GATEWAY_GLOBAL_DEFAULT to a healthy provider's canonical id.`
              : ''),
          details: {
            value: recentP95,
            threshold: round(cfg.factor * baseP95, 3),
            factor: cfg.factor,
            minCalls: cfg.minCalls,
            window: windowDetails(ctx, windowFrom),
            calls: n,
            baselineP95Ms: baseP95,
            baselineCalls: baseN,
            baselineWindow: { from: new Date(baseFrom).toISOString(), to: new Date(windowFrom).toISOString() },
            byModel,
          },
        }),
      ],
    };
  },
};
