// disk_usage (the runbook's "trace-DB near disk-full", its "PVC-size alert at 80 %" and its "database or
// disk is full"): the volume use the shipper reports (S3 metadata `volume-used-pct`). 100 % is SEV2
// "full": the gateway's writes are already failing. >= `thresholdPct` (80) is SEV3 "near full". Needs no
// SQL. Metadata without a usable volume figure is reported as not evaluated, with the reason, never a
// silent skip: an open disk incident stays open and on-call can see the rule is blind.
import { FIRST_MOVE, makeSignal, RUNBOOK, type NotEvaluated, type RuleContext, type RuleOutcome, type TraceDbRule } from './context.ts';
import { DB_SUBJECT } from './db-integrity.ts';

export const DISK_USAGE = 'disk_usage';

/** The volume is full: `df` rounds up, so 100 means no usable space is left. */
const FULL_PCT = 100;

export const NO_VOLUME_FIGURE = 'no volume figure in the metadata';

export const diskUsage: TraceDbRule = {
  id: DISK_USAGE,
  evaluate(ctx: RuleContext): RuleOutcome | NotEvaluated | undefined {
    const cfg = ctx.rules.disk_usage;
    if (!cfg.enabled) return undefined;
    const used = ctx.meta.volumeUsedPct;
    if (typeof used !== 'number' || !Number.isFinite(used)) return { notEvaluated: NO_VOLUME_FIGURE };
    if (used < 0 || used > 100) return { notEvaluated: `the volume figure ${used} is not a percentage (0-100)` };
    if (used < cfg.thresholdPct) return { signals: [], healthy: [DB_SUBJECT] };
    const full = used >= FULL_PCT;
    const wal = ctx.meta.walBytes;
    const walText = typeof wal === 'number' ? `, WAL ${(wal / 1e6).toFixed(0)} MB` : '';
    return {
      signals: [
        makeSignal(ctx.now, {
          rule: DISK_USAGE,
          subject: DB_SUBJECT,
          severity: full ? 'SEV2' : 'SEV3',
          runbook: RUNBOOK.dbCorruption,
          summary: full
            ? `Trace-DB volume full (${used.toFixed(0)} % used${walText}): the gateway's writes fail with "database or disk is full". ` +
              `First move: ${FIRST_MOVE.dbDown}; then df -h on the PVC, resize the volume or prune old events, and restart.`
            : `Trace-DB volume near full: ${used.toFixed(0)} % used (threshold ${cfg.thresholdPct} %)${walText}. ` +
              `Check df -h on the PVC; resize the volume or prune old events before it fills. ` +
              `If the gateway already fails with "database or disk is full": ${FIRST_MOVE.dbDown}.`,
          details: {
            value: used,
            threshold: full ? FULL_PCT : cfg.thresholdPct,
            state: full ? 'full' : 'near full',
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
