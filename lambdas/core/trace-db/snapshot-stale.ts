// snapshot_stale (SEV3): the snapshot is older than `maxAgeMinutes` (10). Its age is taken from the
// shipper's `taken-at` metadata; without it, from the newest event in the DB. A stale snapshot means
// the shipper stopped (or the gateway stopped writing), and every other trace-DB rule is judging old data.
import { makeSignal, round, RUNBOOK, type RuleContext, type RuleOutcome, type TraceDbRule } from './context.ts';
import { DB_SUBJECT } from './db-integrity.ts';
import { freshness } from './freshness.ts';
import { MS_PER_MINUTE, parseInstant } from './time.ts';

export const SNAPSHOT_STALE = 'snapshot_stale';

export const snapshotStale: TraceDbRule = {
  id: SNAPSHOT_STALE,
  evaluate(ctx: RuleContext): RuleOutcome | undefined {
    const cfg = ctx.rules.snapshot_stale;
    if (!cfg.enabled) return undefined;
    const takenAtMs = parseInstant(ctx.meta.takenAt);
    const fresh = freshness(ctx);
    const newestAgeMs = fresh.newestEventMs === null ? null : ctx.nowMs - fresh.newestEventMs;
    const metrics = newestAgeMs === null ? {} : { newestEventAgeSeconds: Math.round(newestAgeMs / 1000) };
    const basis = takenAtMs !== undefined ? 'snapshot' : newestAgeMs !== null ? 'newest event' : undefined;
    if (basis === undefined) return undefined; // no snapshot time and no events: nothing to judge
    const ageMs = takenAtMs !== undefined ? ctx.nowMs - takenAtMs : newestAgeMs!;
    if (!(ageMs > cfg.maxAgeMinutes * MS_PER_MINUTE)) return { signals: [], metrics, healthy: [DB_SUBJECT] };
    const ageMin = ageMs / MS_PER_MINUTE;
    const what =
      basis === 'snapshot'
        ? `Trace-DB snapshot is ${ageMin.toFixed(0)} min old (taken ${ctx.meta.takenAt})`
        : `Newest trace-DB event is ${ageMin.toFixed(0)} min old (no snapshot time in the metadata)`;
    return {
      metrics,
      signals: [
        makeSignal(ctx.now, {
          rule: SNAPSHOT_STALE,
          subject: DB_SUBJECT,
          severity: 'SEV3',
          runbook: RUNBOOK.alertSources,
          summary:
            `${what}, threshold ${cfg.maxAgeMinutes} min: trace-DB alerts are judging old data. ` +
            `Check the snapshot shipper's last runs and logs (CronJob or compose service: sqlite3 .backup, gzip, upload) and that the gateway is still writing events.`,
          details: {
            value: round(ageMin, 2),
            threshold: cfg.maxAgeMinutes,
            basis,
            snapshotTakenAt: ctx.meta.takenAt ?? null,
            newestEventAt: fresh.newestEventMs === null ? null : new Date(fresh.newestEventMs).toISOString(),
            newestEventAgeMinutes: newestAgeMs === null ? null : round(newestAgeMs / MS_PER_MINUTE, 2),
            futureEvents: fresh.futureEvents,
          },
        }),
      ],
    };
  },
};
