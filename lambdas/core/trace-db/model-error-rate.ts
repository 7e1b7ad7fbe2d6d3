// model_error_rate (SEV2): per `$.model`, llm.call_completed in the last `windowMinutes` (10): error
// share > `threshold` (5 %) strictly, and at least `minCalls` (20) calls or at least `minErrors` (10)
// errors: the minimum sample guards small percentages, never a total failure of a quiet model (15 of 15
// calls failing pages). The runbook's cron recipe, per model, with the provider split that tells
// on-call whether one provider carries the errors.
import { FIRST_MOVE, inWindow, makeSignal, num, pct, query, round, RUNBOOK, text, windowDetails, windowedRule } from './context.ts';
import { llmCalls } from './calls.ts';
import { enoughSample, errorShareDetails, sampleRule } from './error-sample.ts';

export const MODEL_ERROR_RATE = 'model_error_rate';

/** Per model and provider over the window, from the extracted calls (valid payloads only). */
const sql = (calls: string) => `
SELECT model, provider, COUNT(*) AS calls, TOTAL(error) AS errors
FROM ${calls}
WHERE jd BETWEEN :from AND :now
GROUP BY 1, 2`;

/** Malformed payloads in the window: counted for details, never a crash. */
const MALFORMED_SQL = `SELECT COUNT(*) AS n FROM events WHERE ${inWindow('llm.call_completed')} AND NOT json_valid(payload)`;

interface ModelRow {
  model: string;
  calls: number;
  errors: number;
  providers: { provider: string; calls: number; errors: number }[];
}

export const modelErrorRate = windowedRule(
  MODEL_ERROR_RATE,
  (cfg) => cfg.windowMinutes,
  (ctx, cfg, { fromMs, params }) => {
    const rows = query(ctx, sql(llmCalls(ctx)), params);

    const models = new Map<string, ModelRow>();
    for (const row of rows) {
      const model = text(row.model);
      const entry = models.get(model) ?? { model, calls: 0, errors: 0, providers: [] };
      const calls = num(row.calls);
      const errors = num(row.errors);
      entry.calls += calls;
      entry.errors += errors;
      entry.providers.push({ provider: text(row.provider), calls, errors });
      models.set(model, entry);
    }
    // Counted once, and only when some model fires.
    let malformed: number | undefined;
    const malformedPayloads = (): number => {
      malformed ??= num(query(ctx, MALFORMED_SQL, params)[0]?.n);
      return malformed;
    };

    const errorShareByModel: Record<string, { calls: number; errors: number; share: number }> = {};
    const signals = [];
    const healthy: string[] = [];
    for (const m of [...models.values()].sort((a, b) => a.model.localeCompare(b.model))) {
      // calls > 0 for every grouped model, so the share is always defined.
      const share = m.errors / m.calls;
      errorShareByModel[m.model] = { calls: m.calls, errors: m.errors, share: round(share, 6) };
      // Below minCalls (and minErrors) a model is neither firing nor healthy: its open incident stays open.
      const enough = enoughSample(m.calls, m.errors, cfg);
      if (enough && !(share > cfg.threshold)) healthy.push(m.model);
      if (!enough || !(share > cfg.threshold)) continue;
      const providers = m.providers.sort((a, b) => b.errors - a.errors || b.calls - a.calls);
      const split = providers.map((p) => `${p.provider} ${p.errors}/${p.calls}`).join(', ');
      signals.push(
        makeSignal(ctx.now, {
          rule: MODEL_ERROR_RATE,
          subject: m.model,
          severity: 'SEV2',
          runbook: RUNBOOK.providerDown,
          summary:
            `Model ${m.model}: ${m.errors} of ${m.calls} calls (${pct(share)}) ended stop_reason='error' in the last ${cfg.windowMinutes} min ` +
            `(threshold > ${pct(cfg.threshold)}, ${sampleRule(m.calls, cfg)}); errors by provider: ${split}. ` +
            `If ${providers[0]!.provider} is down: ${FIRST_MOVE.providerDownFor(`${providers[0]!.provider}:${m.model}`, [])}.`,
          details: {
            ...errorShareDetails(m.calls, m.errors, cfg, windowDetails(ctx, fromMs)),
            byProvider: providers.map((p) => ({ ...p, errorPct: round((p.errors / p.calls) * 100, 2) })),
            malformedPayloadsInWindow: malformedPayloads(),
          },
        }),
      );
    }
    return { signals, healthy, metrics: { errorShareByModel } };
  },
);
