// A key's history as key_spend_spike and key_compromise_suspected need it: its spend over the 7-day
// baseline (for the hourly normal) and the models it called then, answered by the history module
// (hourly rollups on a bounded snapshot, raw rows on a whole database). Its daily cap: key-caps.ts.
import type { RuleContext } from './context.ts';
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
