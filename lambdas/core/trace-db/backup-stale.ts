// backup_stale (SEV3, the runbook's "Prevent: daily backup cron ... plus PVC-size alert"): the newest
// daily backup the shipper sees (metadata `lastBackupAt`, from its BACKUP_GLOB) is older than
// `maxAgeHours` (26: a daily cron plus slack). Needs no SQL, so it runs even when the snapshot cannot be
// opened. A BACKUP_GLOB that matches nothing (metadata `lastBackupError`, no `lastBackupAt`) fires too:
// no backup at all is the stalest backup there is. Neither field in the metadata: not evaluated (an open
// incident stays open) and the metrics say "not watched", so the dashboard shows the gap instead of a
// green light.
import type { Signal } from '../signal.ts';
import { makeSignal, RUNBOOK, type RuleContext, type RuleOutcome, type SnapshotMeta, type TraceDbRule } from './context.ts';
import { DB_SUBJECT } from './db-integrity.ts';
import { MS_PER_HOUR, parseInstant } from './time.ts';

export const BACKUP_STALE = 'backup_stale';

export type BackupWatch = 'watched' | 'not watched' | 'unreadable' | 'no backup';

/** For the evaluation's metrics: whether backups are watched at all, and the newest backup's age. */
export function backupMetrics(now: Date, meta: SnapshotMeta): { backupWatch: BackupWatch; backupAgeSeconds?: number } {
  if (meta.lastBackupAt === undefined) return { backupWatch: noBackupError(meta) === undefined ? 'not watched' : 'no backup' };
  const at = parseInstant(meta.lastBackupAt);
  if (at === undefined) return { backupWatch: 'unreadable' };
  return { backupWatch: 'watched', backupAgeSeconds: Math.round((now.getTime() - at) / 1000) };
}

export const backupStale: TraceDbRule = {
  id: BACKUP_STALE,
  evaluate(ctx: RuleContext): RuleOutcome | undefined {
    const cfg = ctx.rules.backup_stale;
    if (!cfg.enabled) return undefined;
    const missing = noBackupError(ctx.meta);
    if (missing !== undefined) return { signals: [noBackupSignal(ctx, missing)] };
    const at = parseInstant(ctx.meta.lastBackupAt);
    // Absent or unreadable: nothing to judge; never read as "backups are fine".
    if (at === undefined) return undefined;
    const ageMs = ctx.nowMs - at;
    // A backup young enough is evidence: it resolves an open backup_stale.
    if (!(ageMs > cfg.maxAgeHours * MS_PER_HOUR)) return { signals: [], healthy: [DB_SUBJECT] };
    const ageHours = ageMs / MS_PER_HOUR;
    return {
      signals: [
        makeSignal(ctx.now, {
          rule: BACKUP_STALE,
          subject: DB_SUBJECT,
          severity: 'SEV3',
          runbook: RUNBOOK.dbCorruption,
          summary:
            `Newest trace-DB backup is ${ageHours.toFixed(0)} h old (taken ${ctx.meta.lastBackupAt}; threshold ${cfg.maxAgeHours} h). ` +
            `Check the daily backup cron (docs/gateway-deployment.md): a restore after corruption would lose everything since then.`,
          details: {
            value: Math.round(ageHours * 10) / 10,
            threshold: cfg.maxAgeHours,
            lastBackupAt: ctx.meta.lastBackupAt,
            ageHours: Math.round(ageHours * 10) / 10,
            snapshotTakenAt: ctx.meta.takenAt ?? null,
          },
        }),
      ],
    };
  },
};

/** The shipper's reason why no backup was found, when it looked (BACKUP_GLOB set) and found none. */
function noBackupError(meta: SnapshotMeta): string | undefined {
  if (meta.lastBackupAt !== undefined) return undefined;
  const error = meta.lastBackupError?.trim();
  return error ? error : undefined;
}

function noBackupSignal(ctx: RuleContext, error: string): Signal {
  // The shipper writes "no file matches BACKUP_GLOB <glob>" (or why it cannot read the newest): its words, quoted.
  return makeSignal(ctx.now, {
    rule: BACKUP_STALE,
    subject: DB_SUBJECT,
    severity: 'SEV3',
    runbook: RUNBOOK.dbCorruption,
    summary:
      `No usable trace-DB backup: ${error} (the shipper's check of the daily backups). ` +
      `Check the daily backup cron and BACKUP_GLOB (docs/gateway-deployment.md): after corruption there would be nothing to restore.`,
    details: {
      value: null,
      threshold: ctx.rules.backup_stale.maxAgeHours,
      lastBackupAt: null,
      lastBackupError: error,
      snapshotTakenAt: ctx.meta.takenAt ?? null,
    },
  });
}
