// "Requests dropped: <count from trace DB>" for a post-mortem's Impact section: llm.call_completed
// events with stop_reason = 'error' whose timestamp lies in [from, to], compared as instants with
// julianday() (ISO 'T'/'Z', space-separated, fractions and offsets all count; text comparison would
// not, see time.ts). Also reports which calls the database holds at all, so a snapshot that was
// trimmed or taken before the incident ended is visible as an undercount instead of a quiet 0.
import { jsonField } from './context.ts';
import type { SqlDatabase } from './sql-port.ts';
import { coarseLowerBound, isoFromJulianDayOrNull, toJulianDay } from './time.ts';
import { instantSql } from './instant-sql.ts';

export interface RequestsDropped {
  /** Failed calls in the window. */
  count: number;
  /** The window, ISO-8601 UTC, both ends included. */
  from: string;
  to: string;
  /** Oldest and newest llm.call_completed event in the database (any outcome), or null when there are none. */
  firstCallAt: string | null;
  lastCallAt: string | null;
}

const COUNT_SQL = `
SELECT COUNT(*) AS n FROM events
WHERE type = 'llm.call_completed'
  AND timestamp >= :day
  AND ${instantSql()} BETWEEN :from AND :to
  AND ${jsonField('$.stop_reason')} = 'error'`;

const COVERAGE_SQL = `
SELECT MIN(jd) AS first, MAX(jd) AS last
FROM (SELECT ${instantSql()} AS jd FROM events WHERE type = 'llm.call_completed')`;

/** Throws when the database has no `events` table or SQLite reports an error (the caller names the file). */
export function countRequestsDropped(db: SqlDatabase, window: { from: Date; to: Date }): RequestsDropped {
  const fromMs = window.from.getTime();
  const toMs = Math.max(fromMs, window.to.getTime());
  const [row] = db.all(COUNT_SQL, { day: coarseLowerBound(fromMs), from: toJulianDay(fromMs), to: toJulianDay(toMs) });
  const [coverage] = db.all(COVERAGE_SQL);
  const n = row?.n;
  return {
    count: typeof n === 'number' ? n : typeof n === 'bigint' ? Number(n) : 0,
    from: new Date(fromMs).toISOString(),
    to: new Date(toMs).toISOString(),
    firstCallAt: isoFromJulianDayOrNull(coverage?.first),
    lastCallAt: isoFromJulianDayOrNull(coverage?.last),
  };
}

/** The database's calls do not span the whole window, so `count` may be too low. */
export function coversWindow(result: RequestsDropped): boolean {
  if (result.firstCallAt === null || result.lastCallAt === null) return false;
  return Date.parse(result.firstCallAt) <= Date.parse(result.from) && Date.parse(result.lastCallAt) >= Date.parse(result.to);
}
