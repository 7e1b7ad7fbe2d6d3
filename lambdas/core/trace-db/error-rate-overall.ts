// error_rate_overall (SEV2): all models together, llm.call_completed in the last `windowMinutes` (10):
// error share > `threshold` (5 %) strictly, and at least `minCalls` (50) calls or at least `minErrors`
// (10) errors (a quiet gateway failing every call still pages). The runbook's own cron query; it
// catches errors spread thin over many models that each stay below model_error_rate's minCalls.
import { llmCalls } from './calls.ts';
import { enoughSample, errorShareDetails, sampleRule } from './error-sample.ts';
import { makeSignal, num, pct, query, round, RUNBOOK, text, windowDetails, windowedRule } from './context.ts';

export const ERROR_RATE_OVERALL = 'error_rate_overall';
export const OVERALL_SUBJECT = 'all-models';

const SQL = (calls: string) => `
SELECT model, COUNT(*) AS calls, TOTAL(error) AS errors
FROM ${calls}
WHERE jd BETWEEN :from AND :now
GROUP BY model
ORDER BY errors DESC, calls DESC`;

/** Models listed in details, busiest in errors first. */
const MODELS_IN_DETAILS = 15;

export const errorRateOverall = windowedRule(
  ERROR_RATE_OVERALL,
  (cfg) => cfg.windowMinutes,
  (ctx, cfg, { fromMs, params }) => {
    const models = query(ctx, SQL(llmCalls(ctx)), params).map((r) => ({
      model: text(r.model),
      calls: num(r.calls),
      errors: num(r.errors),
    }));
    const calls = models.reduce((sum, m) => sum + m.calls, 0);
    const errors = models.reduce((sum, m) => sum + m.errors, 0);
    // Too few calls and errors: neither firing nor healthy (an open incident stays open).
    if (!enoughSample(calls, errors, cfg)) return { signals: [] };
    const share = errors / calls;
    if (!(share > cfg.threshold)) return { signals: [], healthy: [OVERALL_SUBJECT] };
    const erring = models.filter((m) => m.errors > 0);
    const spread = erring.slice(0, 5).map((m) => `${m.model} ${m.errors}/${m.calls}`);
    return {
      signals: [
        makeSignal(ctx.now, {
          rule: ERROR_RATE_OVERALL,
          subject: OVERALL_SUBJECT,
          severity: 'SEV2',
          runbook: RUNBOOK.providerDown,
          summary:
            `All models: ${errors} of ${calls} calls (${pct(share)}) ended stop_reason='error' in the last ${cfg.windowMinutes} min ` +
            `(threshold > ${pct(cfg.threshold)}, ${sampleRule(calls, cfg)}), spread over ${erring.length} model${erring.length === 1 ? '' : 's'}: ` +
            `${spread.join(', ')}${erring.length > 5 ? ', ...' : ''}. First move: check /healthz and the gateway logs for a shared cause ` +
            `(a provider behind several models, a bad deploy); if one provider carries the errors, flip METIS_GATEWAY_GLOBAL_DEFAULT to a healthy one.`,
          details: {
            ...errorShareDetails(calls, errors, cfg, windowDetails(ctx, fromMs)),
            modelsWithErrors: erring.length,
            byModel: models.slice(0, MODELS_IN_DETAILS).map((m) => ({ ...m, errorPct: round((m.errors / m.calls) * 100, 2) })),
          },
        }),
      ],
    };
  },
);
