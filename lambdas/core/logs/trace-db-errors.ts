// trace_db_log_error: the gateway's own SQLite trace DB failing, as its logs say it (the runbook's "Pod /
// container restart loop with sqlite3.OperationalError: database disk image is malformed or database or
// disk is full"). These are not a bug to roll back but the trace-DB playbook: check the volume, check the
// file, scale to zero before any restore. So such a line is this rule's, never also a generic traceback.
//
// One incident per kind (`malformed`, `disk_full`): SEV2, SEV1 when it repeats as a restart loop
// (`repeatCount` occurrences within `repeatMinutes`, counted across batches with the per-minute counters).
// Python raises SQLITE_CORRUPT as sqlite3.DatabaseError and SQLITE_FULL as sqlite3.OperationalError (the
// runbook names both OperationalError); the message decides, whichever class carries it.
import type { Config } from '../config.ts';
import type { Signal } from '../signal.ts';
import { RUNBOOK } from '../trace-db/context.ts';
import type { CounterIncrement, MinuteCounts } from './ports.ts';
import { epochMinute, makeLogSignal } from './rules.ts';
import type { TracebackParse } from './traceback.ts';
import { frameLabel } from './traceback.ts';

export const TRACE_DB_LOG_ERROR_RULE = 'trace_db_log_error';
export const TRACE_DB_ERROR_KINDS = ['malformed', 'disk_full'] as const;
export type TraceDbErrorKind = (typeof TRACE_DB_ERROR_KINDS)[number];

/** SQLite's own message for each kind (sqlite3_errstr), quoted in signals: it is SQLite's text, never the request's. */
const MESSAGES: Record<TraceDbErrorKind, string> = {
  malformed: 'database disk image is malformed',
  disk_full: 'database or disk is full',
};

export type TraceDbRuleConfig = Config['rules']['trace_db_log_error'];
export const TRACE_DB_RULE_DEFAULTS: TraceDbRuleConfig = { enabled: true, repeatCount: 3, repeatMinutes: 10 };

/**
 * The runbook's first moves for the trace-DB playbook, by kind (the volume first when it is full, the
 * file first when it is malformed); both end with the rule that matters most: no restore under a writer.
 * No quotes around the PRAGMA: the redaction reads a quote after an exception line as the start of a literal.
 */
export const TRACE_DB_FIRST_MOVE: Record<TraceDbErrorKind, string> = {
  disk_full:
    'df -h on the PVC mount (/var/lib/metis; a metis.db-wal over 100 MB is normal until checkpoint), then ' +
    'PRAGMA integrity_check on /var/lib/metis/metis.db (sqlite3 CLI); scale the gateway to zero (kubectl scale deploy/metis-gateway --replicas=0) ' +
    'before any restore or resize: restoring under an active writer is unsafe',
  malformed:
    'PRAGMA integrity_check on /var/lib/metis/metis.db (sqlite3 CLI) and df -h on the PVC mount (/var/lib/metis); ' +
    'scale the gateway to zero (kubectl scale deploy/metis-gateway --replicas=0) before any restore (metis restore /backup/daily/metis.<latest>.db): ' +
    'restoring under an active writer is unsafe',
};

/** The kind a text names (a log line, an exception message), or undefined; two substring scans for most lines. */
export function traceDbErrorKindOf(text: string): TraceDbErrorKind | undefined {
  if (!text.includes('database')) return undefined;
  if (text.includes(MESSAGES.malformed)) return 'malformed';
  if (text.includes(MESSAGES.disk_full)) return 'disk_full';
  return undefined;
}

/** The kind a parsed traceback's final exception is about (its message, any line of it), or undefined. */
export function traceDbErrorOfParse(parse: TracebackParse): TraceDbErrorKind | undefined {
  if (!parse.complete) return undefined;
  if (parse.excValue !== undefined) {
    const kind = traceDbErrorKindOf(parse.excValue);
    if (kind) return kind;
  }
  for (const line of parse.excLines) {
    const kind = traceDbErrorKindOf(line);
    if (kind) return kind;
  }
  return undefined;
}

interface KindTally {
  kind: TraceDbErrorKind;
  count: number;
  /** Of those, in the minutes the repeat window reads. */
  countInWindow: number;
  firstSeen: number;
  lastSeen: number;
  exceptionType: string | null;
  where: string | null;
  logStream: string;
}

/** The batch's occurrences per kind, and their per-minute counter increments (kind `trace_db_error`, key = the kind). */
export class TraceDbTally {
  private readonly byKind = new Map<TraceDbErrorKind, KindTally>();
  private readonly minutes = new Map<string, CounterIncrement>();
  readonly increments: CounterIncrement[] = [];

  /** Occurrences stamped in [windowStart, windowEnd] (ms) count; from epoch minute `repeatFromMinute` on they are in the repeat window. */
  constructor(
    private readonly windowStart: number,
    private readonly windowEnd: number,
    private readonly repeatFromMinute: number,
  ) {}

  /** False when the occurrence is outside the window (then nothing is counted). */
  add(kind: TraceDbErrorKind, timestamp: number, logStream: string, parse?: TracebackParse): boolean {
    if (timestamp < this.windowStart || timestamp > this.windowEnd) return false;
    const minute = epochMinute(timestamp);
    let tally = this.byKind.get(kind);
    if (!tally) {
      tally = {
        kind,
        count: 0,
        countInWindow: 0,
        firstSeen: timestamp,
        lastSeen: timestamp,
        exceptionType: null,
        where: null,
        logStream,
      };
      this.byKind.set(kind, tally);
    }
    tally.count++;
    if (minute >= this.repeatFromMinute) tally.countInWindow++;
    tally.firstSeen = Math.min(tally.firstSeen, timestamp);
    if (timestamp >= tally.lastSeen) {
      tally.lastSeen = timestamp;
      tally.logStream = logStream;
      if (parse?.excType) tally.exceptionType = parse.excType;
      if (parse?.innermost) tally.where = frameLabel(parse.innermost) ?? null;
    }
    const id = `${kind}#${minute}`;
    let increment = this.minutes.get(id);
    if (!increment) {
      increment = { kind: 'trace_db_error', key: kind, minute, n: 0 };
      this.minutes.set(id, increment);
      this.increments.push(increment);
    }
    increment.n++;
    return true;
  }

  get kinds(): TraceDbErrorKind[] {
    return [...this.byKind.keys()];
  }

  /** One signal per kind seen: SEV1 when the repeat window holds `repeatCount` or more (a restart loop), else SEV2. */
  signals(input: { now: Date; rule: TraceDbRuleConfig; logGroup: string; counts?: MinuteCounts }): Signal[] {
    const nowMinute = epochMinute(input.now.getTime());
    const from = nowMinute - input.rule.repeatMinutes + 1;
    const out: Signal[] = [];
    for (const tally of this.byKind.values()) {
      let counted: number | undefined;
      if (input.counts) {
        counted = 0;
        for (let m = from; m <= nowMinute; m++) counted += input.counts.get(tally.kind)?.get(m) ?? 0;
      }
      // The counters include this batch; a batch counted before a clock-skewed one never shows fewer than it holds itself.
      const inWindow = counted === undefined ? tally.countInWindow : Math.max(counted, tally.countInWindow);
      const loop = inWindow >= input.rule.repeatCount;
      const message = MESSAGES[tally.kind];
      const firstMove = TRACE_DB_FIRST_MOVE[tally.kind];
      const what = `${tally.exceptionType ?? 'SQLite error'}: ${message}`;
      const countText =
        counted === undefined
          ? `${tally.count}x in this batch (counters unreadable: the repeat window could not be judged)`
          : `${inWindow}x in the last ${input.rule.repeatMinutes} min`;
      out.push(
        makeLogSignal(new Date(Math.min(tally.lastSeen, input.now.getTime())), {
          rule: TRACE_DB_LOG_ERROR_RULE,
          subject: tally.kind,
          severity: loop ? 'SEV1' : 'SEV2',
          runbook: RUNBOOK.dbCorruption,
          summary:
            `Trace DB ${tally.kind === 'malformed' ? 'corrupt' : 'full'} (gateway logs): ${what}, ${countText} in ${input.logGroup}` +
            `${loop ? ` (a restart loop: at least ${input.rule.repeatCount} in ${input.rule.repeatMinutes} min)` : ''}${tally.where ? ` at ${tally.where}` : ''}. ` +
            `First move: ${firstMove}.`,
          details: {
            kind: tally.kind,
            message,
            exceptionType: tally.exceptionType,
            at: tally.where,
            value: inWindow,
            threshold: input.rule.repeatCount,
            restartLoop: loop,
            countInBatch: tally.count,
            countInWindow: counted === undefined ? null : inWindow,
            window: { minutes: input.rule.repeatMinutes, to: input.now.toISOString() },
            firstSeen: new Date(tally.firstSeen).toISOString(),
            lastSeen: new Date(tally.lastSeen).toISOString(),
            logGroup: input.logGroup,
            logStream: tally.logStream,
            firstMove,
          },
        }),
      );
    }
    return out;
  }
}
