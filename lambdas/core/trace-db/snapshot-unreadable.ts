// snapshot_unreadable (SEV3): the snapshot's bytes cannot be read, and the damage happened on the way
// (gzip cut short or damaged; a file shorter than its SQLite header declares, or of another size than the
// shipper's `source-bytes`) while the shipper's own quick_check of the live DB said `ok`. A transfer
// problem: retry and check the shipper, never "scale the gateway to zero" (db_integrity's first move,
// harmful for a network glitch). db_integrity stays SEV1 when the shipper reports a failed check, or a
// complete snapshot fails to open or to check.
import type { Signal } from '../signal.ts';
import { makeSignal, RUNBOOK, type RuleContext, type RuleOutcome, type SnapshotMeta, type TraceDbRule } from './context.ts';
import { DB_SUBJECT, quickCheckProblems } from './db-integrity.ts';
import type { OpenFailureReason, SnapshotFile } from './sql-port.ts';

export const SNAPSHOT_UNREADABLE = 'snapshot_unreadable';

export type ShipperVerdict = 'ok' | 'failed' | 'unknown';

export function shipperVerdict(meta: SnapshotMeta): ShipperVerdict {
  if (meta.integrity === undefined) return 'unknown';
  return meta.integrity.trim().toLowerCase() === 'ok' ? 'ok' : 'failed';
}

/**
 * Why a snapshot that failed to open or to check was damaged in transit, or undefined when it may be the
 * database itself. A damaged gzip stream says nothing about the database inside, whatever the metadata.
 */
export function transferDamage(meta: SnapshotMeta, file: SnapshotFile | undefined, reason?: OpenFailureReason): string | undefined {
  const verdict = shipperVerdict(meta);
  if (verdict === 'failed') return undefined;
  if (reason === 'truncated_gzip') return 'the gzip stream is cut short';
  if (reason === 'corrupt_gzip') return 'the gzip stream is damaged';
  if (verdict !== 'ok') return undefined;
  if (reason === 'empty') return 'the object is empty although the shipper checked a database';
  if (file?.declaredBytes !== undefined && file.bytes < file.declaredBytes)
    return `the file has ${file.bytes} bytes, fewer than the ${file.declaredBytes} its SQLite header declares (cut short)`;
  if (meta.sourceBytes !== undefined && file !== undefined && file.bytes !== meta.sourceBytes)
    return `the file has ${file.bytes} bytes, not the ${meta.sourceBytes} the shipper read (source-bytes)`;
  return undefined;
}

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
