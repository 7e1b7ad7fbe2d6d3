// What `route --signals FILE` replays: signals, evaluation reports or `check` / `scan-logs --json`
// outputs (`{ evaluated, healthy, signals }`), and acknowledgements (replay-ack.ts), as a JSON array,
// one object, or JSON Lines.
import { InvalidReportError, parseReport } from '../../lambdas/core/report-signals.ts';
import { LOG_RULE_IDS } from '../../lambdas/core/logs/rules.ts';
import { describeIssue, signalSchema } from '../../lambdas/core/signal-schema.ts';
import type { EvaluationReport, Signal } from '../../lambdas/core/signal.ts';
import { UsageError } from '../errors.ts';
import { isAckLine, parseAckLine, type AckLine } from './replay-ack.ts';
import { errorMessage } from '../../lambdas/core/errors.ts';

export type ReplayEntry =
  | { kind: 'signal'; at: number; signal: Signal }
  | { kind: 'report'; at: number; report: EvaluationReport }
  | { kind: 'ack'; at: number; ack: AckLine };

export function parseReplayFile(text: string, origin: string): ReplayEntry[] {
  let items: unknown[];
  try {
    const whole: unknown = JSON.parse(text);
    items = Array.isArray(whole) ? whole : isReportLike(whole) ? [whole] : ((whole as { signals?: unknown })?.signals as unknown[]);
  } catch {
    const lines = text.split('\n').filter((line) => line.trim());
    items = lines.map((line, index) => {
      try {
        return JSON.parse(line) as unknown;
      } catch (error) {
        throw new UsageError(`${origin}: not JSON, a JSON array or JSON Lines (line ${index + 1}: ${errorMessage(error)})`);
      }
    });
  }
  if (!Array.isArray(items)) throw new UsageError(`${origin}: expected an array of signals or an object with a "signals" array`);
  const entries: ReplayEntry[] = [];
  items.forEach((item, index) => {
    if (isAckLine(item)) {
      const ack = parseAckLine(item, origin, index);
      entries.push({ kind: 'ack', at: ack.at, ack });
      return;
    }
    if (isReportLike(item)) {
      entries.push(reportEntry(item, origin, index, entries.at(-1)?.at));
      return;
    }
    const parsed = signalSchema.safeParse(item);
    if (!parsed.success) throw new UsageError(`${origin}: ${describeIssue(parsed.error, `signals.${index}`)}`);
    const signal = parsed.data as Signal;
    entries.push({ kind: 'signal', at: Date.parse(signal.observedAt), signal });
  });
  return entries;
}

function isReportLike(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && Array.isArray((value as { evaluated?: unknown }).evaluated);
}

/**
 * A report as the router would receive it. `check`/`scan-logs` outputs may lack `source` (taken from the
 * signals, else from the rules) and `evaluatedAt` (the newest signal's time, else the previous entry's).
 */
function reportEntry(raw: Record<string, unknown>, origin: string, index: number, previousAt: number | undefined): ReplayEntry {
  const signals = Array.isArray(raw.signals) ? (raw.signals as { source?: unknown; observedAt?: unknown }[]) : [];
  const evaluated = raw.evaluated as unknown[];
  const source =
    raw.source ??
    signals.find((s) => typeof s?.source === 'string')?.source ??
    (evaluated.some((rule) => (LOG_RULE_IDS as readonly unknown[]).includes(rule)) ? 'logs' : 'trace-db');
  const times = signals.map((s) => Date.parse(String(s?.observedAt))).filter((t) => !Number.isNaN(t));
  const at = typeof raw.evaluatedAt === 'string' ? Date.parse(raw.evaluatedAt) : times.length ? Math.max(...times) : previousAt;
  if (at === undefined || Number.isNaN(at))
    throw new UsageError(`${origin}: entry ${index + 1}: a report with no evaluatedAt and no signal to date it; add "evaluatedAt"`);
  try {
    const { report, rejected } = parseReport({ ...raw, source, evaluatedAt: new Date(at).toISOString(), signals: raw.signals ?? [] });
    if (rejected.length) throw new UsageError(`${origin}: entry ${index + 1}: ${rejected[0]!.reason}`);
    return { kind: 'report', at, report };
  } catch (error) {
    if (error instanceof InvalidReportError) throw new UsageError(`${origin}: entry ${index + 1}: ${error.message}`);
    throw error;
  }
}
