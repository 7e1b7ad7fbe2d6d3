// requests_hanging (SEV3, beyond the runbook): per `$.model`, at least `minCalls` (3) llm.call_completed
// in the last `windowMinutes` (10) that took `hangingMs` (300 000 ms, LiteLLM's llm_requests_hanging
// default) or more: a provider that accepts requests and then hangs, which neither an error share nor a
// p95 over all traffic shows while the hung calls are few.
import { llmCalls } from './calls.ts';
import { makeSignal, num, query, RUNBOOK, text, windowDetails, windowedRule } from './context.ts';
import { VALID_LATENCY } from './history.ts';
import { isoFromJulianDayOrNull } from './time.ts';

export const REQUESTS_HANGING = 'requests_hanging';

const SQL = (calls: string) => `
SELECT model, COUNT(*) AS calls,
       COUNT(CASE WHEN latency >= :hangingMs THEN 1 END) AS hanging,
       MAX(latency) AS max_latency,
       GROUP_CONCAT(DISTINCT CASE WHEN latency >= :hangingMs THEN provider END) AS providers,
       MAX(CASE WHEN latency >= :hangingMs THEN jd END) AS last_jd
FROM ${calls}
WHERE jd BETWEEN :from AND :now AND ${VALID_LATENCY}
GROUP BY model`;

export const requestsHanging = windowedRule(
  REQUESTS_HANGING,
  (cfg) => cfg.windowMinutes,
  (ctx, cfg, { fromMs, params }) => {
    const rows = query(ctx, SQL(llmCalls(ctx)), { ...params, hangingMs: cfg.hangingMs });
    const firing = rows.filter((r) => num(r.hanging) >= cfg.minCalls);
    // Models measured in the window with fewer hung calls than the threshold are fine.
    const healthy = rows.filter((r) => num(r.hanging) < cfg.minCalls).map((r) => text(r.model));
    const signals = firing.map((r) => {
      const model = text(r.model);
      const hanging = num(r.hanging);
      const providers = text(r.providers, '').split(',').filter(Boolean).sort();
      return makeSignal(ctx.now, {
        rule: REQUESTS_HANGING,
        subject: model,
        severity: 'SEV3',
        runbook: RUNBOOK.providerDown,
        summary:
          `Requests hanging on ${model}: ${hanging} of ${num(r.calls)} calls in the last ${cfg.windowMinutes} min took ${Math.round(cfg.hangingMs / 1000)} s or more ` +
          `(longest ${Math.round(num(r.max_latency) / 1000)} s${providers.length ? `; provider ${providers.join(', ')}` : ''}). ` +
          "First move: check the provider's status page; if it hangs for everyone, flip METIS_GATEWAY_GLOBAL_DEFAULT to a healthy provider's canonical id.",
        details: {
          value: hanging,
          threshold: cfg.minCalls,
          hangingMs: cfg.hangingMs,
          window: windowDetails(ctx, fromMs),
          model,
          calls: num(r.calls),
          hangingCalls: hanging,
          maxLatencyMs: num(r.max_latency),
          providers,
          lastHangingAt: isoFromJulianDayOrNull(r.last_jd),
        },
      });
    });
    return { signals, healthy };
  },
);
