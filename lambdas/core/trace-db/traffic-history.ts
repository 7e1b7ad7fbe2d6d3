// traffic_stopped's current window: how many llm.call_completed fell in the last minutes, to the
// instant (the raw rows always hold it; past windows come from the history module's 10-minute grain).
import { num, query, type RuleContext } from './context.ts';
import { instantSql } from './instant-sql.ts';
import { coarseLowerBound, MS_PER_DAY, toJulianDay } from './time.ts';

/** Calls completed in (fromMs, toMs], compared as instants; the string bounds only let SQLite skip rows. */
export function callsBetween(ctx: RuleContext, fromMs: number, toMs: number): number {
  const [row = {}] = query(
    ctx,
    `SELECT COUNT(*) AS n FROM events
     WHERE type = 'llm.call_completed' AND timestamp >= :day AND timestamp < :dayAfter
       AND ${instantSql()} > :from AND ${instantSql()} <= :to`,
    {
      day: coarseLowerBound(fromMs),
      // A day past the end: an offset moves the written date by at most 14 hours.
      dayAfter: new Date(toMs + 2 * MS_PER_DAY).toISOString().slice(0, 10),
      from: toJulianDay(fromMs),
      to: toJulianDay(toMs),
    },
  );
  return num(row.n);
}
