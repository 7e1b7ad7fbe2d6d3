// disk_usage (SEV3, the runbook's "trace-DB near disk-full" and its "PVC-size alert at 80 %"): the
// volume use the shipper reports (S3 metadata `volume-used-pct`) >= `thresholdPct` (80). Needs no SQL;
// not evaluated when the snapshot carries no such metadata.
import { FIRST_MOVE, makeSignal, RUNBOOK, type RuleContext, type RuleOutcome, type TraceDbRule } from './context.ts';
import { DB_SUBJECT } from './db-integrity.ts';

export const DISK_USAGE = 'disk_usage';

export const diskUsage: TraceDbRule = {
  id: DISK_USAGE,
  evaluate(ctx: RuleContext): RuleOutcome | undefined {
    const cfg = ctx.rules.disk_usage;
    const used = ctx.meta.volumeUsedPct;
    if (!cfg.enabled || typeof used !== 'number' || !Number.isFinite(used)) return undefined;
    if (used < cfg.thresholdPct) return { signals: [], healthy: [DB_SUBJECT] };
    const wal = ctx.meta.walBytes;
    return {
      signals: [
        makeSignal(ctx.now, {
          rule: DISK_USAGE,
          subject: DB_SUBJECT,
          severity: 'SEV3',
          runbook: RUNBOOK.dbCorruption,
          summary:
            `Trace-DB volume ${used.toFixed(0)} % used (threshold ${cfg.thresholdPct} %)` +
            (typeof wal === 'number' ? `, WAL ${(wal / 1e6).toFixed(0)} MB` : '') +
            `. Check df -h on the PVC; resize the volume or prune old events before it fills. ` +
            `If the gateway already fails with "database or disk is full": ${FIRST_MOVE.dbDown}.`,
          details: {
            value: used,
            threshold: cfg.thresholdPct,
            volumeUsedPct: used,
            sourceBytes: ctx.meta.sourceBytes ?? null,
            walBytes: wal ?? null,
            snapshotTakenAt: ctx.meta.takenAt ?? null,
          },
        }),
      ],
    };
  },
};
