// model_deprecation (beyond the runbook): a model listed in `rules.model_deprecation.models` (matched
// against `$.model` and `provider:model`) was called in the last 24 h. Before the warning period a
// SEV4 line in the daily digest; from `warnDays` (7) before `retiresOn` on (and after it) a SEV3
// incident, so the teams still calling it hear about it while there is time to move. Details name the
// keys calling it most (who has to move) and the successor. Off while no model is listed.
import { llmCalls } from './calls.ts';
import { gatewayWriting } from './data-freshness.ts';
import { makeSignal, num, query, RUNBOOK, text, windowParams, type RuleContext, type RuleOutcome, type TraceDbRule } from './context.ts';
import { isoFromJulianDayOrNull, MS_PER_DAY } from './time.ts';

export const MODEL_DEPRECATION = 'model_deprecation';

const LOOKBACK_MS = MS_PER_DAY;
/** Keys listed per model in details. */
const TOP_KEYS = 5;

const SQL = (calls: string) => `
SELECT model, provider, key, COUNT(*) AS calls, MAX(jd) AS last_jd
FROM ${calls}
WHERE jd BETWEEN :from AND :now
  AND (model IN (SELECT value FROM json_each(:names)) OR (provider || ':' || model) IN (SELECT value FROM json_each(:names)))
GROUP BY model, provider, key`;

export const modelDeprecation: TraceDbRule = {
  id: MODEL_DEPRECATION,
  evaluate(ctx: RuleContext): RuleOutcome | undefined {
    const cfg = ctx.rules.model_deprecation;
    if (!cfg.enabled || cfg.models.length === 0) return undefined;
    const fromMs = ctx.nowMs - LOOKBACK_MS;
    const names = [...new Set(cfg.models.map((m) => m.model))];
    const rows = query(ctx, SQL(llmCalls(ctx)), { ...windowParams(ctx, fromMs), names: JSON.stringify(names) });

    const signals = [];
    const quiet: string[] = [];
    for (const entry of cfg.models) {
      const matching = rows.filter((r) => r.model === entry.model || `${text(r.provider, '')}:${text(r.model, '')}` === entry.model);
      if (matching.length === 0) {
        quiet.push(entry.model);
        continue;
      }
      const byKey = new Map<string, number>();
      let calls = 0;
      let lastJd = 0;
      for (const r of matching) {
        const key = text(r.key);
        byKey.set(key, (byKey.get(key) ?? 0) + num(r.calls));
        calls += num(r.calls);
        lastJd = Math.max(lastJd, num(r.last_jd));
      }
      const topKeys = [...byKey]
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .slice(0, TOP_KEYS)
        .map(([key, n]) => ({ gateway_key_id: key, calls: n }));
      const retiresMs = Date.parse(`${entry.retiresOn}T00:00:00Z`);
      const daysLeft = Math.ceil((retiresMs - ctx.nowMs) / MS_PER_DAY);
      const urgent = ctx.nowMs >= retiresMs - cfg.warnDays * MS_PER_DAY;
      const when =
        ctx.nowMs >= retiresMs
          ? `was retired on ${entry.retiresOn}`
          : `retires on ${entry.retiresOn} (in ${daysLeft} day${daysLeft === 1 ? '' : 's'})`;
      const keysText = topKeys.map((k) => `${k.gateway_key_id} (${k.calls})`).join(', ');
      signals.push(
        makeSignal(ctx.now, {
          rule: MODEL_DEPRECATION,
          subject: entry.model,
          severity: urgent ? 'SEV3' : 'SEV4',
          runbook: RUNBOOK.providerDown,
          summary:
            `Model ${entry.model} ${when} and was called ${calls} times in the last 24 h; keys calling it most: ${keysText}. ` +
            `First move: tell those keys' owners to move to ${entry.successor ?? 'a supported model'}` +
            (entry.successor ? ` and flip METIS_GATEWAY_GLOBAL_DEFAULT if it still names ${entry.model}.` : '.'),
          details: {
            value: calls,
            threshold: 0,
            model: entry.model,
            retiresOn: entry.retiresOn,
            daysLeft,
            warnDays: cfg.warnDays,
            successor: entry.successor ?? null,
            calls24h: calls,
            topKeys,
            keysCalling: byKey.size,
            lastCallAt: isoFromJulianDayOrNull(lastJd),
            window: { hours: 24, from: new Date(fromMs).toISOString(), to: ctx.now.toISOString() },
          },
        }),
      );
    }
    // Not called for a day while the gateway still writes: nobody is left on it.
    return { signals, healthy: gatewayWriting(ctx) ? quiet : [] };
  },
};
