// snapshot_unreadable (SEV3): the snapshot's bytes cannot be read, and the damage happened on the way
// (gzip cut short or damaged; a file shorter than its SQLite header declares, or of another size than the
// shipper's `source-bytes`) while the shipper's own quick_check of the live DB said `ok`. A transfer
// problem: retry and check the shipper, never "scale the gateway to zero" (db_integrity's first move,
// harmful for a network glitch). db_integrity stays SEV1 when the shipper reports a failed check, or a
// complete snapshot fails to open or to check.
import type { Signal } from '../signal.ts';
import { makeSignal, RUNBOOK, type RuleContext, type RuleOutcome, type SnapshotMeta, type TraceDbRule } from './context.ts';
import { DB_SUBJECT, quickCheckProblems } from './db-integrity.ts';
import { transferDamage } from './transfer-damage.ts';

export const SNAPSHOT_UNREADABLE = 'snapshot_unreadable';

export function unreadableSignal(now: Date, meta: SnapshotMeta, damage: string, failure?: { reason: string; message: string }): Signal {
  return makeSignal(now, {
    rule: SNAPSHOT_UNREADABLE,
    subject: DB_SUBJECT,
    severity: 'SEV3',
    runbook: RUNBOOK.alertSources,
    summary:
      `Trace-DB snapshot unreadable: ${damage}${failure ? ` (${failure.reason}: ${failure.message})` : ''}, while the shipper reported integrity=${meta.integrity ?? 'unknown'}. ` +
      `A transfer problem, not corruption of the gateway's database: the next upload usually fixes it. First move: check the shipper's last runs ` +
      `(exit code, "shipped ... bytes=" line) and the upload path; do not scale the gateway down for this.`,
    details: {
      value: 1,
      threshold: 0,
      damage,
      ...(failure ? { openFailure: failure } : {}),
      shipperIntegrity: meta.integrity ?? null,
      snapshotTakenAt: meta.takenAt ?? null,
      sourceBytes: meta.sourceBytes ?? null,
    },
  });
}

/** On a snapshot that opened: fires when quick_check fails on a file damaged in transit; healthy when it checks out. */
export const snapshotUnreadable: TraceDbRule = {
  id: SNAPSHOT_UNREADABLE,
  evaluate(ctx: RuleContext): RuleOutcome | undefined {
    if (!ctx.rules.snapshot_unreadable.enabled) return undefined;
    const problems = quickCheckProblems(ctx);
    if (problems.length === 0) return { signals: [], healthy: [DB_SUBJECT] };
    const damage = transferDamage(ctx.meta, ctx.db.file);
    if (!damage) return { signals: [] };
    return { signals: [unreadableSignal(ctx.now, ctx.meta, damage, { reason: 'quick_check', message: problems[0]! })] };
  },
};
