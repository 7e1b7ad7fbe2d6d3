// No snapshot object at all (shipper never ran, wrong prefix, object deleted): the trace checks are blind.
// That is `snapshot_stale` with an unknown age, not `db_integrity`: nothing says the gateway's DB is damaged.
import { makeSignal, RUNBOOK, type TraceDbRulesConfig } from './context.ts';
import { DB_SUBJECT } from './db-integrity.ts';
import { SNAPSHOT_STALE } from './snapshot-stale.ts';
import type { TraceDbEvaluation } from './evaluate.ts';

export function missingSnapshotEvaluation(now: Date, rules: TraceDbRulesConfig, location: string): TraceDbEvaluation {
  if (!rules.snapshot_stale.enabled) return { evaluated: [], signals: [], healthy: {}, metrics: {}, errors: [], notEvaluated: {} };
  return {
    evaluated: [SNAPSHOT_STALE],
    signals: [
      makeSignal(now, {
        rule: SNAPSHOT_STALE,
        subject: DB_SUBJECT,
        severity: 'SEV3',
        runbook: RUNBOOK.alertSources,
        summary: `No trace-DB snapshot at ${location}: every trace-DB alert is blind. Check that the snapshot shipper runs (CronJob or compose service) and uploads to this bucket and prefix.`,
        details: { location, basis: 'missing' },
      }),
    ],
    healthy: {},
    metrics: {},
    errors: [],
    // The missing snapshot is the finding; its metadata rules have nothing to read (the signal says why).
    notEvaluated: {},
  };
}
