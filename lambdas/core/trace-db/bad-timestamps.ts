// trace_db_bad_timestamps (SEV4): rows whose timestamp does not parse as RFC 3339 / SQLite time even in
// the forms instant-sql.ts accepts. Every window drops them (their instant is NULL), so they are counted
// and named here instead of vanishing: a gateway writing a new format would otherwise look idle.
import { makeSignal, num, query, RUNBOOK, text, type RuleContext, type RuleOutcome, type TraceDbRule } from './context.ts';
import { DB_SUBJECT } from './db-integrity.ts';
import { instantSql } from './instant-sql.ts';

export const BAD_TIMESTAMPS = 'trace_db_bad_timestamps';

/** One pass over the table: per type, the count and one example. */
const SQL = `
SELECT type, COUNT(*) AS n, MIN(CAST(timestamp AS TEXT)) AS example
FROM events
WHERE ${instantSql()} IS NULL
GROUP BY type
ORDER BY n DESC
LIMIT 20`;

export const badTimestamps: TraceDbRule = {
  id: BAD_TIMESTAMPS,
  evaluate(ctx: RuleContext): RuleOutcome | undefined {
    if (!ctx.rules.trace_db_bad_timestamps.enabled) return undefined;
    const rows = query(ctx, SQL).map((r) => ({ type: text(r.type), count: num(r.n), example: text(r.example, '(null)').slice(0, 40) }));
    const total = rows.reduce((sum, r) => sum + r.count, 0);
    if (total === 0) return { signals: [], healthy: [DB_SUBJECT] };
    return {
      signals: [
        makeSignal(ctx.now, {
          rule: BAD_TIMESTAMPS,
          subject: DB_SUBJECT,
          severity: 'SEV4',
          runbook: RUNBOOK.alertSources,
          summary:
            `${total} trace-DB event${total === 1 ? ' has a timestamp' : 's have timestamps'} that do not parse as ISO-8601 / RFC 3339 ` +
            `(e.g. ${rows[0]!.type}: "${rows[0]!.example}"); every alert window ignores them. Check what writes the events table ` +
            `(a gateway upgrade, a custom writer) and its timestamp format.`,
          details: { value: total, threshold: 0, byType: rows },
        }),
      ],
    };
  },
};
