// `metis-alerts scan-logs --file FILE [--now ISO] [--config FILE] [--json]`: the log rules on a CloudWatch
// Logs subscription event (`{"awslogs":{"data":...}}`), a decoded DATA_MESSAGE, or plain log lines
// (a `kubectl logs` capture, text or JSON lines). The same core as the log-watch Lambda, with in-memory
// counters (counts add up within the file) and no AWS access: a traceback split over several events is
// completed from the file itself when its lines are there. Windows end at --now, by default the newest
// event's time.
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { MemoryLogCounters } from '../../lambdas/adapters/memory-log-counters.ts';
import type { Config } from '../../lambdas/core/config.ts';
import { decodeLogInput, isObject, plainLinesBatch, type LogBatch } from '../../lambdas/core/logs/decode.ts';
import { emptyStats, scanLogBatch, type LogScan } from '../../lambdas/core/logs/scan.ts';
import { UsageError } from '../errors.ts';
import { SPECS } from '../spec.ts';
import { parseInstant, readText, resolveConfig, type Output } from '../io.ts';

export type LogFileForm = 'subscription event' | 'decoded DATA_MESSAGE' | 'CONTROL_MESSAGE' | 'plain log lines';

export interface LogFileScan {
  file: string;
  form: LogFileForm;
  /** Where the windows ended. */
  now: Date;
  scan: LogScan;
}

/**
 * Scan one file. `now` ends the windows; without it, the newest event's time (or `clock()` when no
 * event has one). Throws UsageError (exit 2) on an unreadable, empty or undecodable file.
 */
export async function scanLogFile(path: string, config: Config, now?: Date, clock: () => Date = () => new Date()): Promise<LogFileScan> {
  const text = readText(path, 'the log file');
  if (text.trim() === '') throw new UsageError(`${path}: empty file, no log lines to scan`);
  let form: LogFileForm = 'plain log lines';
  let batch: LogBatch | undefined;
  const whole = parseWhole(text);
  if (whole && ('awslogs' in whole || 'logEvents' in whole || 'messageType' in whole)) {
    form = 'awslogs' in whole ? 'subscription event' : 'decoded DATA_MESSAGE';
    const decoded = decodeLogInput(whole);
    if (decoded.kind === 'failure') throw new UsageError(`${path}: ${decoded.message}`);
    if (decoded.kind === 'control') {
      const at = now ?? clock();
      return {
        file: path,
        form: 'CONTROL_MESSAGE',
        now: at,
        scan: {
          outcome: 'control',
          logGroup: decoded.logGroup,
          logStream: decoded.logStream,
          evaluated: [],
          signals: [],
          stats: emptyStats(),
          warnings: [],
        },
      };
    }
    batch = decoded.batch;
  } else {
    batch = plainLinesBatch(text, { fallbackTime: (now ?? clock()).getTime(), logGroup: basename(path), logStream: basename(path) });
  }
  const newest = batch.logEvents.reduce((max, e) => Math.max(max, e.timestamp), Number.NEGATIVE_INFINITY);
  const at = now ?? (Number.isFinite(newest) ? new Date(newest) : clock());
  // Windows end at `at`: lines stamped later are left out (no clock-skew tolerance offline).
  const scan = await scanLogBatch(batch, {
    counters: new MemoryLogCounters(),
    rules: config.rules,
    now: at,
    limits: { futureToleranceMs: 0 },
  });
  return { file: path, form, now: at, scan };
}

function parseWhole(text: string): Record<string, unknown> | undefined {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(trimmed);
    return isObject(value) ? value : undefined;
  } catch {
    return undefined; // JSON lines or text: plain log lines
  }
}

/** What `--json` prints: an evaluation report (docs/architecture.md, CLI), a line `route --signals` can replay. */
export function logScanJson(result: LogFileScan): string {
  const { evaluated, healthy = {}, signals } = result.scan;
  const report = { source: 'logs', evaluatedAt: result.now.toISOString(), evaluated, healthy, signals };
  return `${JSON.stringify(report, null, 2)}\n`;
}

export function formatLogScan(result: LogFileScan): string {
  const { scan } = result;
  const s = scan.stats;
  const lines = [
    scan.outcome === 'control'
      ? `${result.file}: a CONTROL_MESSAGE (CloudWatch's subscription check): nothing to scan`
      : `${result.file} (${result.form}): ${s.events} events, ${s.tracebacks} traceback${s.tracebacks === 1 ? '' : 's'}, ` +
        `${s.quotaExceeded} quota_exceeded, ${s.keyRevoked} key_revoked; windows end ${result.now.toISOString()}`,
    `evaluated: ${scan.evaluated.join(', ') || '(none)'} (traceback is never listed: it resolves after its quiet minutes)`,
  ];
  if (s.malformedEvents) lines.push(`${s.malformedEvents} malformed events skipped (no numeric timestamp or no string message)`);
  if (s.tracebacksBelowError) lines.push(`${s.tracebacksBelowError} traceback(s) logged below ERROR ignored`);
  if (s.tracebacksOutsideWindow) lines.push(`${s.tracebacksOutsideWindow} traceback(s) outside the quiet window ending at --now ignored`);
  if (s.keyEventsAfterNow) lines.push(`${s.keyEventsAfterNow} quota_exceeded / key_revoked line(s) after --now ignored`);
  for (const warning of scan.warnings) lines.push(`warning: ${warning}`);
  if (scan.signals.length === 0 && scan.outcome !== 'control') lines.push('no signals fired');
  for (const signal of scan.signals) lines.push(`${signal.severity}  ${signal.dedupKey}\n      ${signal.summary}`);
  return `${lines.join('\n')}\n`;
}

/** The whole command, for cli/main.ts's COMMANDS table. */
export async function scanLogsCommand(args: string[], out: Output): Promise<void> {
  const { values } = parseArgs({
    args,
    options: SPECS['scan-logs'].flags,
    strict: true,
  });
  if (!values.file) throw new UsageError('scan-logs: --file FILE is required');
  const config = resolveConfig(values.config, out.stderr);
  const now = parseInstant(values.now, '--now');
  const result = await scanLogFile(values.file, config, now);
  out.stdout.write(values.json ? logScanJson(result) : formatLogScan(result));
}
