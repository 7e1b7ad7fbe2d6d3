// db_integrity (SEV1, the runbook's "irrecoverable trace-DB corruption"): the snapshot is not a
// SQLite database (engine input is an OpenFailure), `PRAGMA quick_check` on it is not ok, or the
// shipper's own quick_check of the live database (S3 metadata `integrity`) is not ok.
import type { Signal } from '../signal.ts';
import { FIRST_MOVE, makeSignal, memo, query, RUNBOOK, text } from './context.ts';
import type { RuleContext, RuleOutcome, SnapshotMeta, TraceDbRule } from './context.ts';
import type { OpenFailure } from './sql-port.ts';
import { transferDamage } from './transfer-damage.ts';
import { errorMessage } from '../errors.ts';

export const DB_INTEGRITY = 'db_integrity';
export const DB_SUBJECT = 'trace-db';

/** Error lines kept from quick_check. */
const MAX_ERRORS = 10;

export const dbIntegrity: TraceDbRule = {
  id: DB_INTEGRITY,
  evaluate(ctx: RuleContext): RuleOutcome | undefined {
    if (!ctx.rules.db_integrity.enabled) return undefined;
    const problems = quickCheckProblems(ctx);
    const shipper = ctx.meta.integrity;
    const shipperBad = shipper !== undefined && shipper.trim().toLowerCase() !== 'ok';
    if (problems.length === 0 && !shipperBad) return { signals: [], healthy: [DB_SUBJECT] };
    // Damaged on the way while the live DB checked ok: snapshot_unreadable's finding, and the DB's state is unknown.
    if (!shipperBad && ctx.rules.snapshot_unreadable.enabled && transferDamage(ctx.meta, ctx.db.file)) return { signals: [] };
    const first = problems[0] ?? `live database: ${shipper}`;
    return {
      signals: [
        integritySignal(ctx.now, ctx.meta, {
          what: problems.length
            ? `the trace-DB snapshot fails PRAGMA quick_check (${first})`
            : `the shipper's quick_check of the live trace DB is not ok (${shipper})`,
          details: { value: problems.length || 1, threshold: 0, quickCheck: problems.length ? problems : ['ok'] },
        }),
      ],
    };
  },
};

/** `PRAGMA quick_check` error lines (none when ok), run once per evaluation. */
export function quickCheckProblems(ctx: RuleContext): string[] {
  return memo(ctx, 'quick-check', () => {
    try {
      return query(ctx, `PRAGMA quick_check(${MAX_ERRORS})`)
        .flatMap((row) => text(Object.values(row)[0], '').split('\n'))
        .map((line) => line.trim())
        .filter((line) => line !== '' && line !== 'ok' && !line.startsWith('*** in database'))
        .slice(0, MAX_ERRORS);
    } catch (error) {
      // A page so broken that quick_check itself fails is the strongest signal of all.
      return [`quick_check failed: ${errorMessage(error)}`];
    }
  });
}

/** The engine's db_integrity signal for a snapshot that could not be opened at all. */
export function openFailureSignal(now: Date, meta: SnapshotMeta, failure: OpenFailure): Signal {
  return integritySignal(now, meta, {
    what: `the trace-DB snapshot cannot be opened (${failure.reason}: ${failure.message})`,
    details: { value: 1, threshold: 0, openFailure: { reason: failure.reason, message: failure.message } },
  });
}

function integritySignal(now: Date, meta: SnapshotMeta, spec: { what: string; details: Record<string, unknown> }): Signal {
  return makeSignal(now, {
    rule: DB_INTEGRITY,
    subject: DB_SUBJECT,
    severity: 'SEV1',
    runbook: RUNBOOK.dbCorruption,
    summary:
      `Trace DB integrity: ${spec.what}. First move: ${FIRST_MOVE.dbDown}; then run PRAGMA integrity_check on the live DB ` +
      `(the shipper reported integrity=${meta.integrity ?? 'unknown'}) and restore from the latest backup.`,
    details: {
      ...spec.details,
      shipperIntegrity: meta.integrity ?? null,
      snapshotTakenAt: meta.takenAt ?? null,
      sourceBytes: meta.sourceBytes ?? null,
      walBytes: meta.walBytes ?? null,
    },
  });
}
