// The daily cap each key's events state: the one cap reader of key_cap_projection, key_without_cap,
// key_over_cap and key_compromise_suspected (so a key's cap reads the same in every alert). A cap
// may ride on the calls themselves (read from the extracted-calls table, where the one JSON pass already
// copied it) or on any other event (key.issued, key.updated, route.decided, quota.alert), read per type
// through an index on (type, timestamp) when there is one, rows that do not mention a cap skipped by a
// cheap instr() before any JSON. The last 24 h lie inside a bounded snapshot's raw events
// (WINDOW_HOURS >= 25), so both shapes agree for every reader but key_compromise_suspected's 7 days.
import { llmCalls } from './calls.ts';
import { keyExpr, memo, query, windowParams, type RuleContext } from './context.ts';
import { instantSql } from './instant-sql.ts';
import { MS_PER_HOUR } from './time.ts';

/** How far back the cap statements are read. */
export const CAP_LOOKBACK_HOURS = 24;

/**
 * What the trace DB says about a key's daily cap: a positive number (capped) or an explicit "no cap" (JSON
 * null or 0). A key with no statement is absent: `unknown`, never "uncapped" (a key that never neared its
 * cap has no quota.alert).
 */
export type CapEvidence = { kind: 'capped'; dailyCapUsd: number } | { kind: 'uncapped' } | { kind: 'unknown' };

/** Each key's newest cap on its calls (0: JSON null), SQLite taking the bare column from the MAX(jd) row. */
const FROM_CALLS = (calls: string) => `
SELECT key, daily_cap AS cap, MAX(jd) AS jd FROM ${calls}
WHERE jd BETWEEN :from AND :now AND daily_cap IS NOT NULL AND key IS NOT NULL
GROUP BY key`;

/** The same from every other event type: the types come from a skip over the (type, timestamp) index. */
const FROM_OTHER_EVENTS = (key: string) => `
WITH RECURSIVE t(type) AS (
  SELECT MIN(type) FROM events
  UNION ALL SELECT (SELECT MIN(type) FROM events WHERE type > t.type) FROM t WHERE t.type IS NOT NULL
),
s AS (
  SELECT ${key} AS key, ${instantSql()} AS jd,
         CASE WHEN json_valid(payload) THEN json_type(payload, '$.daily_cap_usd') END AS daily_type,
         CASE WHEN json_valid(payload) THEN payload ->> '$.daily_cap_usd' END AS daily,
         CASE WHEN events.type = 'quota.alert' AND json_valid(payload) AND COALESCE(payload ->> '$.kind', '') NOT LIKE '%month%'
              THEN payload ->> '$.cap_usd' END AS soft
  FROM events
  WHERE events.type IN (SELECT type FROM t WHERE type IS NOT NULL AND type <> 'llm.call_completed')
    AND timestamp >= :day AND instr(payload, 'cap_usd') > 0
    AND ${instantSql()} BETWEEN :from AND :now
)
SELECT key,
       CASE WHEN daily_type IN ('integer', 'real') THEN daily WHEN daily_type = 'null' THEN 0 ELSE soft END AS cap,
       MAX(jd) AS jd
FROM s
WHERE key IS NOT NULL AND (daily_type IN ('integer', 'real', 'null') OR typeof(soft) IN ('integer', 'real'))
GROUP BY key`;

/**
 * Per key, its newest cap statement in [fromMs, now]: `$.daily_cap_usd` on any event (a positive number:
 * capped; JSON null or 0: issued without a cap), or `$.cap_usd` of a quota.alert whose `kind` does not name
 * the monthly cap (the soft alert only exists under a daily cap). A `daily_cap_usd` that is text or an
 * object states nothing. Keys with no statement are absent (unknown).
 */
export function keyDailyCaps(ctx: RuleContext, fromMs: number): ReadonlyMap<string, Exclude<CapEvidence, { kind: 'unknown' }>> {
  return memo(ctx, `key-caps:${fromMs}`, () => {
    const params = windowParams(ctx, fromMs);
    const newest = new Map<string, { cap: number; jd: number }>();
    for (const r of [...query(ctx, FROM_CALLS(llmCalls(ctx)), params), ...query(ctx, FROM_OTHER_EVENTS(keyExpr(ctx)), params)]) {
      if (typeof r.cap !== 'number' || typeof r.jd !== 'number') continue;
      const key = String(r.key);
      const seen = newest.get(key);
      if (!seen || r.jd >= seen.jd) newest.set(key, { cap: r.cap, jd: r.jd });
    }
    const out = new Map<string, Exclude<CapEvidence, { kind: 'unknown' }>>();
    for (const [key, { cap }] of newest) out.set(key, cap > 0 ? { kind: 'capped', dailyCapUsd: cap } : { kind: 'uncapped' });
    return out;
  });
}

/** The caps stated in the last CAP_LOOKBACK_HOURS (what every reader but key_compromise_suspected's 7 days uses). */
export function keyCapsLast24h(ctx: RuleContext): ReadonlyMap<string, Exclude<CapEvidence, { kind: 'unknown' }>> {
  return keyDailyCaps(ctx, ctx.nowMs - CAP_LOOKBACK_HOURS * MS_PER_HOUR);
}
