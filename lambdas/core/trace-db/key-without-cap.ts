// key_without_cap (SEV4, daily digest, beyond the runbook): a key that called in the last 24 h with no
// daily cap on any of its events in that window (the runbook's "always issue with --daily-cap-usd"):
// one digest entry per key. A key whose events say `daily_cap_usd: null` (issued without a cap) and a
// key whose events never mention a cap are both listed; the entry says which.
import { llmCalls } from './calls.ts';
import { makeSignal, num, query, round, RUNBOOK, text, usd, windowParams } from './context.ts';
import type { RuleContext, RuleOutcome, TraceDbRule } from './context.ts';
import { CAP_LOOKBACK_HOURS, keyCapsLast24h } from './key-caps.ts';
import { MS_PER_HOUR } from './time.ts';

export const KEY_WITHOUT_CAP = 'key_without_cap';

const SQL = (calls: string) => `
SELECT key, COUNT(*) AS calls, TOTAL(CASE WHEN typeof(cost) IN ('integer', 'real') THEN cost END) AS cost
FROM ${calls}
WHERE jd BETWEEN :from AND :now AND key IS NOT NULL
GROUP BY key
ORDER BY key`;

export const keyWithoutCap: TraceDbRule = {
  id: KEY_WITHOUT_CAP,
  evaluate(ctx: RuleContext): RuleOutcome | undefined {
    if (!ctx.rules.key_without_cap.enabled) return undefined;
    const fromMs = ctx.nowMs - CAP_LOOKBACK_HOURS * MS_PER_HOUR;
    const caps = keyCapsLast24h(ctx);
    const signals = [];
    const healthy: string[] = [];
    for (const r of query(ctx, SQL(llmCalls(ctx)), windowParams(ctx, fromMs))) {
      const key = text(r.key);
      const cap = caps.get(key);
      if (cap?.kind === 'capped') {
        healthy.push(key);
        continue;
      }
      const stated = cap
        ? 'its events say it was issued without one (daily_cap_usd null or 0)'
        : 'none of its events carries daily_cap_usd';
      signals.push(
        makeSignal(ctx.now, {
          rule: KEY_WITHOUT_CAP,
          subject: key,
          severity: 'SEV4',
          runbook: RUNBOOK.keyCompromise,
          summary:
            `Key ${key} has no daily cap: ${num(r.calls)} calls and ${usd(num(r.cost))} in the last ${CAP_LOOKBACK_HOURS} h, and ${stated}. ` +
            `First move: re-issue it with --daily-cap-usd (metis gateway issue-key ... --daily-cap-usd <cap>) and revoke the old one.`,
          details: {
            value: num(r.calls),
            threshold: 0,
            key,
            calls24h: num(r.calls),
            spend24hUsd: round(num(r.cost), 4),
            capStatement: cap ? 'no cap' : 'none',
            window: { hours: CAP_LOOKBACK_HOURS, from: new Date(fromMs).toISOString(), to: ctx.now.toISOString() },
          },
        }),
      );
    }
    return { signals, healthy };
  },
};
