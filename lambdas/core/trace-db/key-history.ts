// A key's history as key_spend_spike and key_compromise_suspected need it: its spend over the 7-day
// baseline (for the hourly normal) and the models it called then. Small named queries over instants
// (julianday), so a snapshot that carries hourly rollups instead of 7 days of events can answer them
// from the rollups without touching the rules.
import { llmCalls } from './calls.ts';
import { jsonField, keyExpr, num, query, text, windowParams, type RuleContext } from './context.ts';
import { fromJulianDay, toJulianDay } from './time.ts';

export interface KeySpendHistory {
  /** Per key: total spend in [fromMs, toMs). */
  spendByKey: Map<string, number>;
  /** Earliest call of any key in [fromMs, toMs), as ms; null when there is none (the data starts later). */
  firstCallMs: number | null;
}

/** Spend per key over [fromMs, toMs) and the earliest instant the data covers there. */
export function keySpendHistory(ctx: RuleContext, fromMs: number, toMs: number): KeySpendHistory {
  const rows = query(
    ctx,
    `SELECT key, TOTAL(cost) AS cost, MIN(MIN(jd)) OVER () AS first_jd
     FROM ${llmCalls(ctx)} WHERE jd >= :from AND jd < :to GROUP BY key`,
    { from: toJulianDay(fromMs), to: toJulianDay(toMs) },
  );
  const spendByKey = new Map<string, number>();
  for (const r of rows) if (r.key !== null && r.key !== undefined) spendByKey.set(text(r.key), num(r.cost));
  const first = rows[0]?.first_jd;
  return { spendByKey, firstCallMs: typeof first === 'number' ? fromJulianDay(first).getTime() : null };
}

/** Per key (of `keys`), the distinct models it called in [fromMs, toMs). Keys without calls are absent. */
export function keyModelsUsed(ctx: RuleContext, keys: readonly string[], fromMs: number, toMs: number): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  if (keys.length === 0) return out;
  const rows = query(
    ctx,
    `SELECT DISTINCT key, model FROM ${llmCalls(ctx)}
     WHERE jd >= :from AND jd < :to AND key IN (SELECT value FROM json_each(:keys)) AND model IS NOT NULL`,
    { from: toJulianDay(fromMs), to: toJulianDay(toMs), keys: JSON.stringify(keys) },
  );
  for (const r of rows) {
    const set = out.get(text(r.key)) ?? new Set<string>();
    set.add(text(r.model));
    out.set(text(r.key), set);
  }
  return out;
}

/** What the trace DB says about a key's daily cap: a number seen, an explicit "no cap", or nothing. */
export type CapEvidence = { kind: 'capped'; dailyCapUsd: number } | { kind: 'uncapped' } | { kind: 'unknown' };

/**
 * Per key, its daily cap as events in [fromMs, now] state it: `$.daily_cap_usd` on any event of the key
 * (a number: capped; JSON null: issued without a cap), or quota.alert's `$.cap_usd` (the soft alert
 * only exists under a cap). The newest statement wins. No statement at all is `unknown`, never "uncapped":
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
              COALESCE(${daily}, CASE WHEN type = 'quota.alert' THEN ${jsonField('$.cap_usd')} END) AS cap,
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
