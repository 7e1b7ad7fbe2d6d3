// How current the snapshot's data is: the newest event at or before `now`, and events stamped in the
// future (a clock-skewed writer, or a `--now` earlier than the data). Shared by snapshot_stale and
// the clock-skew check; one pass over the last day or so (the string bound keeps it short; with an
// index on (type, timestamp) SQLite scans the index, not the table).
import { memo, num, numOrNull, query, type RuleContext } from './context.ts';
import { coarseLowerBound, fromJulianDay, MS_PER_MINUTE, toJulianDay } from './time.ts';
import { instantSql } from './instant-sql.ts';

/** Events up to this far ahead of `now` are ordinary clock jitter, not skew. */
export const SKEW_TOLERANCE_MS = 2 * MS_PER_MINUTE;

export interface Freshness {
  /** Unix ms of the newest event at or before now, or null (no events). */
  newestEventMs: number | null;
  /** Events later than now + tolerance. */
  futureEvents: number;
  /** Unix ms of the latest such event. */
  latestFutureMs: number | null;
}

const RECENT_SQL = `
SELECT MAX(CASE WHEN jd <= :now THEN jd END) AS newest,
       SUM(jd > :skew) AS future,
       MAX(CASE WHEN jd > :skew THEN jd END) AS latest
FROM (SELECT ${instantSql()} AS jd FROM events WHERE timestamp >= :day)`;

/** Fallback when nothing is recent: the newest event anywhere (a full scan, only on a quiet DB). */
const ANY_SQL = `SELECT MAX(jd) AS newest FROM (SELECT ${instantSql()} AS jd FROM events) WHERE jd <= :now`;

export function freshness(ctx: RuleContext): Freshness {
  return memo(ctx, 'freshness', () => {
    const now = toJulianDay(ctx.nowMs);
    const [row = {}] = query(ctx, RECENT_SQL, { day: coarseLowerBound(ctx.nowMs), now, skew: toJulianDay(ctx.nowMs + SKEW_TOLERANCE_MS) });
    let newest = numOrNull(row.newest);
    if (newest === null) newest = numOrNull(query(ctx, ANY_SQL, { now })[0]?.newest);
    const latest = numOrNull(row.latest);
    return {
      newestEventMs: newest === null ? null : fromJulianDay(newest).getTime(),
      futureEvents: num(row.future),
      latestFutureMs: latest === null ? null : fromJulianDay(latest).getTime(),
    };
  });
}
