// The daily cap each key's recent events state, shared by key_cap_projection and key_without_cap: one
// pass over the last 24 h of events of every type (a cap may ride on key.issued, key.updated or the
// calls themselves), read per type through an index on (type, timestamp) when there is one. The
// window lies inside a bounded snapshot's raw events (WINDOW_HOURS >= 25), so both shapes agree.
import { keyExpr, memo, query, windowParams, type RuleContext } from './context.ts';
import { instantSql } from './instant-sql.ts';
import { MS_PER_HOUR } from './time.ts';

/** How far back the cap statements are read. */
export const CAP_LOOKBACK_HOURS = 24;

export interface KeyCap {
  /** The newest stated cap in USD; null when the newest statement says "no cap" (null or 0). */
  dailyCapUsd: number | null;
}

/**
 * Per key, its newest cap statement in the last 24 h: `$.daily_cap_usd` on any event (a positive number:
 * capped; JSON null or 0: issued without a cap), or `$.cap_usd` of a `daily_cap_soft` quota.alert (the
 * soft alert only exists under a daily cap). Keys with no statement are absent.
 */
export function keyCapsLast24h(ctx: RuleContext): Map<string, KeyCap> {
  return memo(ctx, 'key-caps:24h', () => {
    const fromMs = ctx.nowMs - CAP_LOOKBACK_HOURS * MS_PER_HOUR;
    // The types come from a skip over the (type, timestamp) index (a handful of lookups), so each
    // type's window is an index range instead of a scan of the whole history.
    const rows = query(
      ctx,
      `WITH RECURSIVE t(type) AS (
         SELECT MIN(type) FROM events
         UNION ALL SELECT (SELECT MIN(type) FROM events WHERE type > t.type) FROM t WHERE t.type IS NOT NULL
       ),
       s AS (
         SELECT ${keyExpr(ctx)} AS key, ${instantSql()} AS jd,
                CASE WHEN json_valid(payload) THEN json_type(payload, '$.daily_cap_usd') END AS daily_type,
                CASE WHEN json_valid(payload) THEN payload ->> '$.daily_cap_usd' END AS daily,
                CASE WHEN events.type = 'quota.alert' AND json_valid(payload) AND COALESCE(payload ->> '$.kind', 'daily_cap_soft') = 'daily_cap_soft'
                     THEN payload ->> '$.cap_usd' END AS soft
         FROM events
         WHERE events.type IN (SELECT type FROM t WHERE type IS NOT NULL)
           AND timestamp >= :day AND instr(payload, 'cap_usd') > 0
           AND ${instantSql()} BETWEEN :from AND :now
       )
       -- SQLite takes the bare columns from the row of MAX(jd): each key's newest statement.
       SELECT key, daily_type, daily, soft, MAX(jd) AS jd FROM s
       WHERE key IS NOT NULL AND (daily_type IN ('integer', 'real', 'null') OR typeof(soft) IN ('integer', 'real'))
       GROUP BY key`,
      windowParams(ctx, fromMs),
    );
    const out = new Map<string, KeyCap>();
    for (const r of rows) {
      const key = String(r.key);
      if (r.daily_type === 'integer' || r.daily_type === 'real') {
        const cap = Number(r.daily);
        out.set(key, { dailyCapUsd: cap > 0 ? cap : null });
      } else if (r.daily_type === 'null') {
        out.set(key, { dailyCapUsd: null });
      } else if (typeof r.soft === 'number' && r.soft > 0) {
        out.set(key, { dailyCapUsd: r.soft });
      }
      // A daily_cap_usd that is text or an object is no statement: the key stays absent (unknown).
    }
    return out;
  });
}
