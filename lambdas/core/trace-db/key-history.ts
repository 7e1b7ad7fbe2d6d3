// A key's history as key_spend_spike and key_compromise_suspected need it: its spend over the 7-day
// baseline (for the hourly normal) and the models it called then, answered by the history module
// (hourly rollups on a bounded snapshot, raw rows on a whole database), and its daily-cap evidence.
import { jsonField, keyExpr, query, text, windowParams, type RuleContext } from './context.ts';
import { keyModelHistory, modelsByKey } from './history.ts';

export interface KeySpendHistory {
  /** Per key: total spend in [fromMs, toMs). */
  spendByKey: Map<string, number>;
  /** Earliest call of any key in [fromMs, toMs), as ms; null when there is none (the data starts later). */
  firstCallMs: number | null;
}

/** Spend per key over [fromMs, toMs) and the earliest instant the data covers there (rollups on a bounded snapshot). */
export function keySpendHistory(ctx: RuleContext, fromMs: number, toMs: number): KeySpendHistory {
  const history = keyModelHistory(ctx, { fromMs, toMs });
  const spendByKey = new Map<string, number>();
  for (const r of history.rows) if (r.key !== null) spendByKey.set(r.key, (spendByKey.get(r.key) ?? 0) + r.costUsd);
  return { spendByKey, firstCallMs: history.firstMs ?? null };
}

/** Per key (of `keys`), the distinct models it called in [fromMs, toMs). Keys without calls are absent. */
export function keyModelsUsed(ctx: RuleContext, keys: readonly string[], fromMs: number, toMs: number): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  if (keys.length === 0) return out;
  const wanted = new Set(keys);
  for (const [key, models] of modelsByKey(ctx, { fromMs, toMs })) {
    if (key === null || !wanted.has(key)) continue;
    const named = [...models].filter((m): m is string => m !== null);
    if (named.length > 0) out.set(key, new Set(named));
  }
  return out;
}

/** What the trace DB says about a key's daily cap: a number seen, an explicit "no cap", or nothing. */
export type CapEvidence = { kind: 'capped'; dailyCapUsd: number } | { kind: 'uncapped' } | { kind: 'unknown' };

/**
 * Per key, its daily cap as events in [fromMs, now] state it: `$.daily_cap_usd` on any event of the key
 * (a number: capped; JSON null: issued without a cap), or quota.alert's `$.cap_usd` (the soft alert
 * only exists under a cap; one whose `kind` names the monthly cap is not a daily cap). The newest statement wins. No statement at all is `unknown`, never "uncapped":
 * a key that never neared its cap has no quota.alert.
 */
export function keyDailyCaps(ctx: RuleContext, keys: readonly string[], fromMs: number): Map<string, CapEvidence> {
  const out = new Map<string, CapEvidence>();
  for (const key of keys) out.set(key, { kind: 'unknown' });
  if (keys.length === 0) return out;
  const daily = jsonField('$.daily_cap_usd');
  const rows = query(
    ctx,
    `SELECT key, cap, has_field FROM (
       SELECT ${keyExpr(ctx)} AS key, julianday(timestamp) AS jd,
              COALESCE(${daily}, CASE WHEN type = 'quota.alert' AND COALESCE(${jsonField('$.kind')}, '') NOT LIKE '%month%'
                                      THEN ${jsonField('$.cap_usd')} END) AS cap,
              CASE WHEN json_valid(payload) THEN json_type(payload, '$.daily_cap_usd') END AS has_field
       FROM events
       WHERE timestamp >= :day AND julianday(timestamp) BETWEEN :from AND :now
         AND (instr(payload, 'daily_cap_usd') > 0 OR (type = 'quota.alert' AND instr(payload, 'cap_usd') > 0))
     )
     WHERE key IN (SELECT value FROM json_each(:keys)) AND (cap IS NOT NULL OR has_field = 'null')
     ORDER BY jd`,
    { ...windowParams(ctx, fromMs), keys: JSON.stringify(keys) },
  );
  for (const r of rows) {
    const cap = r.cap;
    if (typeof cap === 'number' && cap > 0) out.set(text(r.key), { kind: 'capped', dailyCapUsd: cap });
    else if (r.has_field === 'null' || cap === 0) out.set(text(r.key), { kind: 'uncapped' });
  }
  return out;
}
