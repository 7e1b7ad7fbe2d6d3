// log-watch's run over one batch, the same in the Lambda, the CLI, the demo and the bench: decode,
// classify every event, complete split tracebacks (from the batch itself when it holds the whole stream,
// else through the LogFetcher port), add the per-minute counters once per batch, read them back and
// evaluate the three log rules. Time is injected; AWS is reached only through the ports.
import { createHash } from 'node:crypto';
import type { Signal } from '../signal.ts';
import { KEY_KINDS, type KeyKind, type TracebackFinding } from './classify.ts';
import { decodeLogInput, type DecodeFailure, type DecodeLimits, type LogBatch, type LogEvent } from './decode.ts';
import { LogFindings } from './findings.ts';
import { LineVerdicts } from './line-verdict.ts';
import { KeyTally } from './key-tally.ts';
import { TracebackTally } from './traceback-tally.ts';
import { applicationText } from './message.ts';
import type { CounterIncrement, CounterKind, LogCounters, LogFetcher, MinuteCounts } from './ports.ts';
import {
  epochMinute,
  evaluateLogRules,
  keyRuleWindow,
  logSubject,
  MS_PER_MINUTE,
  TRACEBACK_COUNT_WINDOW_MINUTES,
  type KeyActivity,
  type LogRulesConfig,
  type TracebackGroup,
  type TracebackOccurrence,
} from './rules.ts';
import { exceptionLine, fingerprintOf, isRecordLine, TracebackAssembler } from './traceback.ts';
import { errorSummary } from '../errors.ts';
import { TRACE_DB_RULE_DEFAULTS, TraceDbTally, traceDbErrorOfParse } from './trace-db-errors.ts';

export interface ScanLimits {
  /** CloudWatch Logs calls for split tracebacks per batch; the rest are reported with an unknown type. */
  maxFetches: number;
  /** Following events read (from the batch or fetched) to complete one split traceback. */
  followMaxEvents: number;
  /** Log time after a split traceback's first line searched for its exception line (ms). */
  followMaxSpanMs: number;
  maxTracebackSignals: number;
  maxKeySignals: number;
  /**
   * Keys read back per key rule and run. Beyond it (a flood across thousands of keys) only this batch's
   * keys are judged and the rule is not listed as evaluated, so nothing resolves on a partial view.
   */
  maxKeysJudged: number;
  /** Events stamped up to this far after `now` still count (clock skew between hosts); the CLI uses 0 (windows end at --now). */
  futureToleranceMs: number;
}

export const DEFAULT_SCAN_LIMITS: ScanLimits = {
  maxFetches: 10,
  followMaxEvents: 200,
  followMaxSpanMs: 10_000,
  maxTracebackSignals: 20,
  maxKeySignals: 50,
  maxKeysJudged: 2000,
  futureToleranceMs: 120_000,
};

export interface ScanDeps {
  counters: LogCounters;
  /** Fetches a split traceback's following lines; without it, they are looked for in the batch only. */
  fetcher?: LogFetcher;
  rules: LogRulesConfig;
  now: Date;
  limits?: Partial<ScanLimits>;
  decodeLimits?: DecodeLimits;
}

export interface ScanStats {
  events: number;
  malformedEvents: number;
  tracebacks: number;
  /** Tracebacks logged below ERROR (logger.warning(..., exc_info=True)): not the runbook's "ERROR traceback". */
  tracebacksBelowError: number;
  /** Tracebacks stamped before the quiet window (a late or retried batch) or too far in the future. */
  tracebacksOutsideWindow: number;
  quotaExceeded: number;
  keyRevoked: number;
  /** quota_exceeded / key_revoked lines stamped after `now` (+ futureToleranceMs): not counted. */
  keyEventsAfterNow: number;
  /** Trace-DB SQLite errors counted (trace_db_log_error), in tracebacks or plain lines. */
  traceDbErrors: number;
  /** Text tracebacks whose exception line was not in their own message. */
  splitTracebacks: number;
  completedInBatch: number;
  completedByFetch: number;
  unresolved: number;
  fetchCalls: number;
  fetchFailures: number;
  counterIncrements: number;
}

export interface LogScan {
  outcome: 'scanned' | 'control' | 'rejected';
  /** Present when outcome is `rejected`. */
  failure?: DecodeFailure;
  logGroup?: string;
  logStream?: string;
  evaluated: string[];
  /** Per rule, subjects checked and found fine (see rules.ts); absent when nothing was judged. */
  healthy?: Record<string, string[]>;
  /** Firing signals. */
  signals: Signal[];
  stats: ScanStats;
  /** Counters could not be written or read: the key rules were not evaluated (the caller should fail the invocation so Lambda retries). */
  counterError?: string;
  /** Things worth a warning in the logs (fetch failures, capped rules). */
  warnings: string[];
}

export function emptyStats(): ScanStats {
  return {
    events: 0,
    malformedEvents: 0,
    tracebacks: 0,
    tracebacksBelowError: 0,
    tracebacksOutsideWindow: 0,
    quotaExceeded: 0,
    keyRevoked: 0,
    keyEventsAfterNow: 0,
    traceDbErrors: 0,
    splitTracebacks: 0,
    completedInBatch: 0,
    completedByFetch: 0,
    unresolved: 0,
    fetchCalls: 0,
    fetchFailures: 0,
    counterIncrements: 0,
  };
}

/**
 * The entry point for the handler and the bench: a subscription event (`{"awslogs":{"data":...}}`) or a
 * decoded DATA_MESSAGE / CONTROL_MESSAGE. Never throws on bad input: a DecodeFailure comes back as
 * outcome `rejected`. Port failures other than the counters' (which set `counterError`) propagate.
 */
export async function scanBatch(input: unknown, deps: ScanDeps): Promise<LogScan> {
  const decoded = decodeLogInput(input, deps.decodeLimits);
  if (decoded.kind === 'failure')
    return { outcome: 'rejected', failure: decoded, evaluated: [], signals: [], stats: emptyStats(), warnings: [] };
  if (decoded.kind === 'control') {
    return {
      outcome: 'control',
      logGroup: decoded.logGroup,
      logStream: decoded.logStream,
      evaluated: [],
      signals: [],
      stats: emptyStats(),
      warnings: [],
    };
  }
  return scanLogBatch(decoded.batch, deps);
}

/** The same on an already decoded batch (the CLI's plain lines): classify, window, count, evaluate. */
export async function scanLogBatch(batch: LogBatch, deps: ScanDeps): Promise<LogScan> {
  const limits = { ...DEFAULT_SCAN_LIMITS, ...deps.limits };
  const { rules, now } = deps;
  const stats = emptyStats();
  stats.events = batch.logEvents.length;
  stats.malformedEvents = batch.malformedEvents;
  const warnings: string[] = [];

  const findings = new LogFindings(batch.logGroup, batch.logStream, rules);
  const traceDbRule = rules.trace_db_log_error ?? TRACE_DB_RULE_DEFAULTS;
  const enabled: Record<CounterKind, boolean> = {
    traceback: rules.traceback.enabled,
    quota_exceeded: rules.quota_exceeded_sustained.enabled,
    key_revoked: rules.key_revoked_in_use.enabled,
    trace_db_error: traceDbRule.enabled,
  };
  const keys = new KeyTally(enabled);
  // The occurrences the rules see: ERROR (or unknown level) tracebacks within the quiet window.
  const tracebacks = new TracebackTally(
    now.getTime() - rules.traceback.quietMinutes * MS_PER_MINUTE,
    now.getTime() + limits.futureToleranceMs,
    stats,
    epochMinute(now.getTime()) - TRACEBACK_COUNT_WINDOW_MINUTES + 1,
  );
  // The trace DB's errors: the same quiet window as tracebacks (the incident holds while they continue).
  const traceDb = traceDbRule.enabled
    ? new TraceDbTally(
        now.getTime() - rules.traceback.quietMinutes * MS_PER_MINUTE,
        now.getTime() + limits.futureToleranceMs,
        epochMinute(now.getTime()) - traceDbRule.repeatMinutes + 1,
      )
    : undefined;
  await classifyEvents(batch, findings, keys, tracebacks, traceDb, deps.fetcher, limits, now.getTime(), stats, warnings);
  const groups = tracebacks.groups();
  const activity = keys.activity(batch.logGroup);
  stats.quotaExceeded = keys.quotaExceeded;
  stats.keyRevoked = keys.keyRevoked;

  const counted = await countAndReadBack(
    batch,
    tracebacks.increments,
    groups,
    keys.increments,
    traceDb,
    traceDbRule.repeatMinutes,
    enabled,
    activity,
    deps.counters,
    rules,
    epochMinute(now.getTime()),
    limits,
    stats,
  );
  warnings.push(...counted.warnings);
  const outcome = evaluateLogRules({
    now,
    rules,
    tracebacks: groups,
    ...(counted.tracebackCounts ? { tracebackCounts: counted.tracebackCounts } : {}),
    keyCounts: counted.keyCounts,
    partialKinds: counted.partialKinds,
    keyActivity: activity,
    maxTracebackSignals: limits.maxTracebackSignals,
    maxKeySignals: limits.maxKeySignals,
  });
  for (const cap of outcome.capped) {
    warnings.push(
      `${cap.rule}: ${cap.firing} subjects firing, reported the ${cap.reported} busiest${cap.rule === 'traceback' ? '' : ' (rule not evaluated this run, so nothing resolves)'}`,
    );
  }
  return {
    outcome: 'scanned',
    logGroup: batch.logGroup,
    logStream: batch.logStream,
    evaluated: outcome.evaluated,
    healthy: outcome.healthy,
    signals: [
      ...outcome.signals,
      ...(traceDb
        ? traceDb.signals({
            now,
            rule: traceDbRule,
            logGroup: batch.logGroup,
            ...(counted.traceDbCounts ? { counts: counted.traceDbCounts } : {}),
          })
        : []),
      ...findings.signals(now),
    ],
    stats,
    ...(counted.counterError ? { counterError: counted.counterError } : {}),
    warnings,
  };
}

/**
 * Step 1: every event once, its key hits and tracebacks tallied as they are found. Each distinct message
 * is worked out once per batch (line-verdict.ts: read or parsed once, for the classification and the
 * per-line findings alike); split tracebacks are completed (from the batch or fetched).
 */
async function classifyEvents(
  batch: LogBatch,
  findings: LogFindings,
  keys: KeyTally,
  tracebacks: TracebackTally,
  traceDb: TraceDbTally | undefined,
  fetcher: LogFetcher | undefined,
  limits: ScanLimits,
  nowMs: number,
  stats: ScanStats,
  warnings: string[],
): Promise<void> {
  const texts: (string | undefined)[] = new Array(batch.logEvents.length);
  const textAt = (index: number): string => (texts[index] ??= applicationText(batch.logEvents[index]!.message));
  const consumed = new Uint8Array(batch.logEvents.length);
  const completer = new SplitCompleter(batch, textAt, consumed, fetcher, limits, stats, warnings);

  const verdicts = new LineVerdicts({ exposure: findings.exposureEnabled, noise: findings.noiseEnabled });

  for (let index = 0; index < batch.logEvents.length; index++) {
    if (consumed[index]) continue;
    const event = batch.logEvents[index]!;
    // Worked out once per distinct message (line-verdict.ts): a storm's repeats cost a lookup.
    const verdict = verdicts.of(event.message);
    const text = verdict.text;
    texts[index] = text;
    findings.observe(event, verdict);
    const hits = verdict.keyHits;
    // A line with customer content is described, never quoted: not even as a key rule's sample.
    const sample = verdict.exposure.length ? WITHHELD_LINE : text;
    // Windows end at `now`: a key event stamped later has not happened yet as far as this run is concerned.
    if (event.timestamp <= nowMs + limits.futureToleranceMs)
      for (let h = 0; h < hits.length; h++) keys.add(hits[h]!, event.timestamp, sample);
    else if (hits.length) stats.keyEventsAfterNow++;
    if (!verdict.traceback) {
      if (verdict.traceDb && traceDb?.add(verdict.traceDb, event.timestamp, batch.logStream)) stats.traceDbErrors++;
      continue;
    }
    consumed[index] = 1;
    // Only a split text traceback waits (for its following lines): no promise per traceback of a crash loop.
    // Its completion is this occurrence's own, so it works on a copy of the shared verdict.
    const split = verdict.traceback.format === 'text' && !verdict.traceback.parse.complete;
    const finding = split ? { ...verdict.traceback } : verdict.traceback;
    const occurrence = tracebackOccurrence(
      batch,
      index,
      finding,
      split ? await completeSplit(index, finding, completer, stats) : undefined,
      verdict.exposure.length > 0,
      stats,
    );
    // A split traceback's content may be in the lines its completion read (the exception line, a cause's).
    const completedExposure = split ? finding.parse.exposure : undefined;
    if (completedExposure?.length) {
      occurrence.withheld = true;
      // Counted once: a line whose own text already showed content was observed above.
      // Its record line (read as the header) may name the key.
      if (verdict.exposure.length === 0 && findings.exposureEnabled)
        findings.observeExposure(event, completedExposure, [...finding.parse.header, text].join('\n'));
    }
    // The trace DB's own SQLite error: the trace-DB playbook's incident, not also a generic traceback.
    const dbKind = traceDb && occurrence.finding.level !== 'below-error' ? traceDbErrorOfParse(finding.parse) : undefined;
    if (dbKind) {
      if (traceDb!.add(dbKind, event.timestamp, batch.logStream, finding.parse)) stats.traceDbErrors++;
      continue;
    }
    tracebacks.add(occurrence);
  }
}

/** What a key rule's sample says of a line that carries customer content. */
const WITHHELD_LINE = '[line not quoted: it carries customer content (see prompt_exposure)]';

/** A split text traceback's rest, from the batch or fetched (see SplitCompleter). */
function completeSplit(index: number, finding: TracebackFinding, completer: SplitCompleter, stats: ScanStats): Promise<Completed> {
  stats.splitTracebacks++;
  return completer.complete(index, finding);
}

/** A traceback line as an occurrence: a split text traceback with its completion, a JSON one without its type unresolved. */
function tracebackOccurrence(
  batch: LogBatch,
  index: number,
  finding: TracebackFinding,
  completed: Completed | undefined,
  withheld: boolean,
  stats: ScanStats,
): TracebackOccurrence {
  let completion: TracebackOccurrence['completion'] = 'message';
  let unresolvedReason: string | undefined;
  if (completed) {
    completion = completed.completion;
    unresolvedReason = completed.reason;
    finding.parse = completed.parse;
    finding.level = completed.parse.level === 'unknown' ? finding.level : completed.parse.level;
  } else if (finding.format === 'json' && !finding.parse.complete) {
    completion = 'unresolved';
    unresolvedReason = 'the JSON log line carries an exception without its type';
    stats.unresolved++;
  }
  stats.tracebacks++;
  return {
    timestamp: batch.logEvents[index]!.timestamp,
    logGroup: batch.logGroup,
    logStream: batch.logStream,
    fingerprint: subjectOf(fingerprintOf(finding.parse, batch.logGroup)),
    finding,
    completion,
    withheld,
    ...(unresolvedReason ? { unresolvedReason } : {}),
  };
}

/**
 * logSubject (redaction and all) by raw fingerprint: a crash loop repeats a handful of fingerprints
 * thousands of times per batch. Bounded; cleared when full.
 */
const SUBJECTS = new Map<string, string>();
const MAX_SUBJECTS = 2_000;

function subjectOf(fingerprint: string): string {
  let subject = SUBJECTS.get(fingerprint);
  if (subject === undefined) {
    subject = logSubject(fingerprint);
    if (fingerprint.length > 1_000) return subject;
    if (SUBJECTS.size >= MAX_SUBJECTS) SUBJECTS.clear();
    SUBJECTS.set(fingerprint, subject);
  }
  return subject;
}

interface CountedWindow {
  tracebackCounts?: MinuteCounts;
  traceDbCounts?: MinuteCounts;
  keyCounts: Partial<Record<KeyKind, MinuteCounts>>;
  partialKinds: KeyKind[];
  counterError?: string;
  warnings: string[];
}

/**
 * Step 2: add this batch's per-minute counts once (by batch id) and read back the windows the rules
 * judge. A counter failure leaves every counted rule unread (`counterError`), never half-read.
 */
async function countAndReadBack(
  batch: LogBatch,
  tracebackIncrements: readonly CounterIncrement[],
  groups: readonly TracebackGroup[],
  keyIncrements: readonly CounterIncrement[],
  traceDb: TraceDbTally | undefined,
  traceDbMinutes: number,
  enabled: Record<CounterKind, boolean>,
  activity: Map<string, KeyActivity>,
  counters: LogCounters,
  rules: LogRulesConfig,
  nowMinute: number,
  limits: ScanLimits,
  stats: ScanStats,
): Promise<CountedWindow> {
  const increments = [...(enabled.traceback ? tracebackIncrements : []), ...keyIncrements, ...(traceDb?.increments ?? [])];
  stats.counterIncrements = increments.length;
  const out: CountedWindow = { keyCounts: {}, partialKinds: [], warnings: [] };
  try {
    await counters.add(batchId(batch), increments);
    if (enabled.traceback && groups.length > 0) {
      out.tracebackCounts = await counters.read(
        'traceback',
        groups.map((g) => g.fingerprint),
        nowMinute - TRACEBACK_COUNT_WINDOW_MINUTES + 1,
        nowMinute,
      );
    }
    if (traceDb && traceDb.kinds.length > 0)
      out.traceDbCounts = await counters.read('trace_db_error', traceDb.kinds, nowMinute - traceDbMinutes + 1, nowMinute);
    for (const kind of KEY_KINDS) {
      if (!enabled[kind]) continue;
      const { from, to } = keyRuleWindow(rules, kind, nowMinute);
      let keys = await counters.keys(kind, from, to);
      if (keys.length > limits.maxKeysJudged) {
        out.warnings.push(
          `${kind}: ${keys.length} keys in the window, more than ${limits.maxKeysJudged}: judged only this batch's keys, rule not evaluated`,
        );
        out.partialKinds.push(kind);
        keys = [...new Set([...activity.values()].filter((a) => a.kind === kind).map((a) => a.key))].slice(0, limits.maxKeysJudged);
      }
      out.keyCounts[kind] = keys.length ? await counters.read(kind, keys, from, to) : new Map();
    }
  } catch (error) {
    out.counterError = errorSummary(error);
    delete out.tracebackCounts;
    delete out.traceDbCounts;
    out.keyCounts = {};
  }
  return out;
}

/** A stable id of the batch's content: a retried invocation gets the same id, so its counts are not added twice. */
export function batchId(batch: LogBatch): string {
  if (batch.payloadDigest) return batch.payloadDigest;
  const hash = createHash('sha256');
  hash.update(`${batch.logGroup}\n${batch.logStream}\n`);
  // The same bytes as one update per event, fed in ~64 KB pieces: a hash call per event costs more than the hashing.
  let pending = '';
  for (const event of batch.logEvents) {
    pending += `${event.id}\u0000${event.timestamp}\u0000${event.message}\u0001`;
    if (pending.length >= 65_536) {
      hash.update(pending);
      pending = '';
    }
  }
  if (pending) hash.update(pending);
  return hash.digest('base64url').slice(0, 22);
}

interface Completed {
  parse: TracebackFinding['parse'];
  completion: TracebackOccurrence['completion'];
  reason?: string;
}

/**
 * Finds the rest of a traceback whose message stops before the exception line. A contiguous batch (the
 * whole stream) holds the following lines itself. A subscription batch holds only lines that matched
 * the filter, so the following lines of the same stream are fetched (bounded by events and log time);
 * fetched lists are kept per batch, so one fetch serves every split traceback it covers. Batch events
 * the traceback swallowed (a chained traceback's second "Traceback" line matched the filter too) are
 * marked consumed so they are not reported twice.
 */
class SplitCompleter {
  private fetched: LogEvent[][] = [];

  constructor(
    private readonly batch: LogBatch,
    private readonly textAt: (index: number) => string,
    private readonly consumed: Uint8Array,
    private readonly fetcher: LogFetcher | undefined,
    private readonly limits: ScanLimits,
    private readonly stats: ScanStats,
    private readonly warnings: string[],
  ) {}

  async complete(index: number, finding: TracebackFinding): Promise<Completed> {
    const anchor = this.batch.logEvents[index]!;
    if (this.batch.contiguous) {
      const inBatch = this.inBatch(index);
      if (inBatch.parse.complete) return inBatch;
      this.stats.unresolved++;
      return { parse: inBatch.parse, completion: 'unresolved', reason: 'the exception line did not follow in the log' };
    }

    // Subscription batch: a list fetched for an earlier split traceback may already cover this one.
    for (const list of this.fetched) {
      const at = anchorIndex(list, anchor);
      if (at < 0) continue;
      const run = assemble(
        headerBefore(list, at),
        this.textAt(index),
        list.slice(at + 1).map((e) => applicationText(e.message)),
      );
      if (run.parse.complete) return this.done(run, list, at);
    }
    let reason: string;
    let best = finding.parse;
    if (!this.fetcher) {
      reason = 'only its first line matched the subscription filter and there is no CloudWatch Logs access to fetch the rest';
    } else if (this.stats.fetchCalls >= this.limits.maxFetches) {
      reason = `more than ${this.limits.maxFetches} split tracebacks in one batch`;
    } else {
      this.stats.fetchCalls++;
      const result = await this.fetcher.following({
        logGroup: this.batch.logGroup,
        logStream: this.batch.logStream,
        // A moment earlier: the log record's own line ("ERROR ... unhandled error") says the level and the request.
        startTime: anchor.timestamp - HEADER_LOOKBACK_MS,
        maxEvents: this.limits.followMaxEvents,
        maxSpanMs: this.limits.followMaxSpanMs + HEADER_LOOKBACK_MS,
      });
      if (!result.ok) {
        this.stats.fetchFailures++;
        this.warnings.push(
          `split traceback in ${this.batch.logGroup}/${this.batch.logStream}: fetching the following lines failed: ${result.reason}`,
        );
        reason = `fetching the following lines failed (${oneLineReason(result.reason)})`;
      } else {
        this.fetched.push(result.events);
        const at = anchorIndex(result.events, anchor);
        // The anchor not in the list (id or clock mismatch): the lines from its timestamp on are still the best guess.
        const after =
          at >= 0
            ? result.events.slice(at + 1)
            : result.events.filter((e) => e.timestamp >= anchor.timestamp && e.message !== anchor.message);
        const run = assemble(
          at >= 0 ? headerBefore(result.events, at) : undefined,
          this.textAt(index),
          after.map((e) => applicationText(e.message)),
        );
        if (run.parse.complete) return this.done(run, after, -1);
        best = run.parse;
        reason = `the exception line was not within ${this.limits.followMaxEvents} events / ${this.limits.followMaxSpanMs / 1000} s of log after the first line`;
      }
    }
    // Last resort: the batch's own later lines (the exception line may have matched the filter too).
    const inBatch = this.inBatch(index);
    if (inBatch.parse.complete) return inBatch;
    this.stats.unresolved++;
    return { parse: best, completion: 'unresolved', reason };
  }

  /** The traceback completed from the batch's following events of the same stream (`batch`), or the partial parse. */
  private inBatch(index: number): Completed {
    const anchor = this.batch.logEvents[index]!;
    const following: { text: string; index: number }[] = [];
    for (let j = index + 1; j < this.batch.logEvents.length && following.length < this.limits.followMaxEvents; j++) {
      const event = this.batch.logEvents[j]!;
      if (event.timestamp - anchor.timestamp > this.limits.followMaxSpanMs) break;
      if (!this.consumed[j]) following.push({ text: this.textAt(j), index: j });
    }
    const run = assemble(
      headerBefore(this.batch.logEvents, index, this.textAt),
      this.textAt(index),
      following.map((f) => f.text),
    );
    if (!run.parse.complete) return { parse: run.parse, completion: 'unresolved' };
    for (const i of run.consumed) this.consumed[following[i]!.index] = 1;
    this.stats.completedInBatch++;
    return { parse: run.parse, completion: 'batch' };
  }

  private done(run: { parse: Completed['parse']; consumed: number[] }, list: LogEvent[], at: number): Completed {
    this.stats.completedByFetch++;
    const used = new Set(run.consumed);
    this.markSwallowed(list.slice(at + 1).filter((_, i) => used.has(i)));
    return { parse: run.parse, completion: 'fetched' };
  }

  /** Batch events that are among the fetched lines the traceback consumed: by event id, else by time and text, in order. */
  private markSwallowed(swallowed: LogEvent[]): void {
    if (swallowed.length === 0) return;
    const ids = new Set(swallowed.map((e) => e.id));
    const byContent = new Map<string, number>();
    for (const e of swallowed)
      byContent.set(`${e.timestamp}\u0000${e.message}`, (byContent.get(`${e.timestamp}\u0000${e.message}`) ?? 0) + 1);
    const last = swallowed[swallowed.length - 1]!.timestamp;
    for (let j = 0; j < this.batch.logEvents.length; j++) {
      const event = this.batch.logEvents[j]!;
      if (this.consumed[j] || event.timestamp > last) continue;
      const key = `${event.timestamp}\u0000${event.message}`;
      if (ids.has(event.id)) this.consumed[j] = 1;
      else if ((byContent.get(key) ?? 0) > 0) {
        byContent.set(key, byContent.get(key)! - 1);
        this.consumed[j] = 1;
      }
    }
  }
}

/**
 * How far before a split traceback's first line its log record's own line (level, logger, request) is
 * looked for. Python's logging writes the record and its traceback in one write, so the runtime stamps
 * them within a millisecond or two; a short lookback keeps busy streams from spending the fetch's event
 * budget on unrelated earlier lines.
 */
const HEADER_LOOKBACK_MS = 100;

/**
 * The line just before a split traceback's first line when it is its log record's own line: written
 * within HEADER_LOOKBACK_MS, one line, not a traceback line, at ERROR or worse. Python's logging writes
 * the record and its traceback in one go, so the runtime's split leaves the record line right before.
 * Its level counts whatever it is: a WARNING record with exc_info is not a page. An access-log line
 * right before is not taken (see isRecordLine).
 */
function headerBefore(
  list: readonly LogEvent[],
  at: number,
  textOf: (index: number) => string = (i) => applicationText(list[i]!.message),
): string | undefined {
  const anchor = list[at];
  const previous = list[at - 1];
  if (!anchor || !previous || anchor.timestamp - previous.timestamp > HEADER_LOOKBACK_MS) return undefined;
  const text = textOf(at - 1);
  if (text.includes('\n') || /^\s/.test(text) || text.includes('Traceback') || exceptionLine(text)) return undefined;
  return isRecordLine(text) ? text : undefined;
}

/** Where the batch's event is in a fetched list: same id, else the first event with the same time and text. */
function anchorIndex(list: readonly LogEvent[], anchor: LogEvent): number {
  const byId = list.findIndex((e) => e.id === anchor.id);
  if (byId >= 0) return byId;
  return list.findIndex((e) => e.timestamp === anchor.timestamp && e.message === anchor.message);
}

/** Feed the anchor's text and then the following texts; which following texts (by index) were part of the traceback. */
function assemble(
  header: string | undefined,
  anchorText: string,
  following: readonly string[],
): { parse: TracebackFinding['parse']; consumed: number[] } {
  const assembler = new TracebackAssembler();
  if (header !== undefined) assembler.push(header);
  for (const line of anchorText.split('\n')) assembler.push(line);
  const consumed: number[] = [];
  for (let i = 0; i < following.length && !assembler.done; i++) {
    let used = false;
    for (const line of following[i]!.split('\n')) {
      const result = assembler.push(line);
      if (result === 'consumed') used = true;
      if (result === 'done') break;
    }
    if (used) consumed.push(i);
  }
  return { parse: assembler.result(), consumed };
}

function oneLineReason(reason: string): string {
  return reason.split('\n')[0]!.slice(0, 200);
}
