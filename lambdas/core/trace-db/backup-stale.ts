// backup_stale (SEV3, the runbook's "Prevent: daily backup cron ... plus PVC-size alert"): the newest
// daily backup the shipper sees (metadata `lastBackupAt`, from its BACKUP_GLOB) is older than
// `maxAgeHours` (26: a daily cron plus slack). Needs no SQL, so it runs even when the snapshot cannot be
// opened. No `lastBackupAt` in the metadata: not evaluated (an open incident stays open) and the metrics
// say "not watched", so the dashboard shows the gap instead of a green light.
import { makeSignal, RUNBOOK, type RuleContext, type RuleOutcome, type SnapshotMeta, type TraceDbRule } from './context.ts';
import { DB_SUBJECT } from './db-integrity.ts';
import { MS_PER_HOUR, parseInstant } from './time.ts';

export const BACKUP_STALE = 'backup_stale';

export type BackupWatch = 'watched' | 'not watched' | 'unreadable';

/** For the evaluation's metrics: whether backups are watched at all, and the newest backup's age. */
export function backupMetrics(now: Date, meta: SnapshotMeta): { backupWatch: BackupWatch; backupAgeSeconds?: number } {
  if (meta.lastBackupAt === undefined) return { backupWatch: 'not watched' };
  const at = parseInstant(meta.lastBackupAt);
  if (at === undefined) return { backupWatch: 'unreadable' };
  return { backupWatch: 'watched', backupAgeSeconds: Math.round((now.getTime() - at) / 1000) };
}

export const backupStale: TraceDbRule = {
  id: BACKUP_STALE,
  evaluate(ctx: RuleContext): RuleOutcome | undefined {
    const cfg = ctx.rules.backup_stale;
    if (!cfg.enabled) return undefined;
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
