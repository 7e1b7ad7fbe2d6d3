// latency_p95 (SEV3, the runbook's "elevated latency, p95 > 2x baseline"): p95 of `$.latency_ms`
// over the last `windowMinutes` (10) > `factor` (2) x the p95 of the preceding 7 days, with at least
// `minCalls` (50) calls in the window. One pass and one sort give both percentiles (nearest rank);
// a per-model breakdown of the window is read only when it fires.
import {
  inWindow,
  makeSignal,
  minutesAgo,
  num,
  numOrNull,
  query,
  round,
  RUNBOOK,
  text,
  windowDetails,
  windowParams,
  type RuleContext,
  type RuleOutcome,
  type TraceDbRule,
} from './context.ts';
import { MS_PER_DAY, toJulianDay } from './time.ts';

export const LATENCY_P95 = 'latency_p95';

/** Non-numeric or negative latencies are NULL; NULLs sort first, so ranks are shifted past them. */
const LATENCY = `CASE WHEN json_type(payload, '$.latency_ms') IN ('integer', 'real') AND json_extract(payload, '$.latency_ms') >= 0
  THEN json_extract(payload, '$.latency_ms') END`;

const percentileSql = (partition: string, from: string) => `
SELECT part, lat, n FROM (
  SELECT part, lat,
         ROW_NUMBER() OVER w - (COUNT(*) OVER p - COUNT(lat) OVER p) AS rn,
         COUNT(lat) OVER p AS n
  FROM (
    SELECT ${partition} AS part, ${LATENCY} AS lat
    FROM events
    WHERE ${from} AND json_valid(payload)
  )
  WINDOW p AS (PARTITION BY part), w AS (PARTITION BY part ORDER BY lat)
)
WHERE n > 0 AND rn = (n * 95 + 99) / 100`;

const BOTH_SQL = percentileSql('julianday(timestamp) >= :windowFrom', inWindow('llm.call_completed'));
const BY_MODEL_SQL = percentileSql("json_extract(payload, '$.model')", inWindow('llm.call_completed'));

export const latencyP95: TraceDbRule = {
  id: LATENCY_P95,
  evaluate(ctx: RuleContext): RuleOutcome | undefined {
    const cfg = ctx.rules.latency_p95;
    if (!cfg.enabled) return undefined;
    const windowFrom = minutesAgo(ctx, cfg.windowMinutes);
    const baseFrom = windowFrom - 7 * MS_PER_DAY;
    const rows = query(ctx, BOTH_SQL, { ...windowParams(ctx, baseFrom), windowFrom: toJulianDay(windowFrom) });
    const recent = rows.find((r) => num(r.part) === 1);
    const baseline = rows.find((r) => num(r.part) === 0);
    const p95 = numOrNull(recent?.lat);
    const baseP95 = numOrNull(baseline?.lat);
    const calls = num(recent?.n);
    const baseCalls = num(baseline?.n);
    const metrics = { latencyP95Ms: p95, latencyBaselineP95Ms: baseP95, latencyWindowCalls: calls };
    if (p95 === null || baseP95 === null || calls < cfg.minCalls || !(p95 > cfg.factor * baseP95)) return { signals: [], metrics };

    const byModel = query(ctx, BY_MODEL_SQL, windowParams(ctx, windowFrom))
      .map((r) => ({ model: text(r.part), calls: num(r.n), p95Ms: num(r.lat) }))
      .sort((a, b) => b.p95Ms - a.p95Ms);
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
            `Elevated latency: p95 ${Math.round(p95)} ms over the last ${cfg.windowMinutes} min (${calls} calls) is ${(p95 / baseP95).toFixed(1)}x ` +
            `the 7-day p95 of ${Math.round(baseP95)} ms (threshold ${cfg.factor}x).` +
            (slowest ? ` Slowest model: ${slowest.model} (p95 ${Math.round(slowest.p95Ms)} ms); check its provider and, if it is down, flip METIS_GATEWAY_GLOBAL_DEFAULT to a healthy provider's canonical id.` : ''),
          details: {
            value: p95,
            threshold: round(cfg.factor * baseP95, 3),
            factor: cfg.factor,
            minCalls: cfg.minCalls,
            window: windowDetails(ctx, windowFrom),
            calls,
            baselineP95Ms: baseP95,
            baselineCalls: baseCalls,
            baselineWindow: { from: new Date(baseFrom).toISOString(), to: new Date(windowFrom).toISOString() },
            byModel,
          },
        }),
      ],
    };
  },
};
