// The three log rules (docs/runbook-mapping.md), pure: what the batch showed plus the per-minute counters in,
// signals and the list of rules this run could judge out.
//
// - traceback (SEV2): one signal per fingerprint seen in the batch. Never listed in `evaluated`: a batch
//   without a traceback says nothing about 30 quiet minutes; the sweeper resolves a traceback incident
//   after `quietMinutes` without a new occurrence.
// - quota_exceeded_sustained (SEV3): a key with more than `perMinute` quota_exceeded in each of the last
//   `minutes` minutes. The current minute is still filling up: the run also accepts the `minutes` whole
//   minutes before it, so a flood at a steady rate does not resolve and re-fire at every minute boundary.
// - key_revoked_in_use (SEV3): more than `count` key_revoked rejections of one key in `windowMinutes`
//   minutes (the window ending at the current minute, or the one ending at the minute before).
// Both key rules are judged from the counters of every key seen in the window (not only the keys of this
// batch), so a key that went quiet resolves; when the counters cannot be read they are not evaluated.
import type { Config } from '../config.ts';
import type { Signal } from '../signal.ts';
import { firingSignal, signalSubject, type SignalSpec } from '../signal-builder.ts';
import { RUNBOOK } from '../trace-db/context.ts';
import type { KeyKind } from './classify.ts';
import type { MinuteCounts } from './ports.ts';
import { frameLabel, groupNote, tracebackExcerpt, tracebackExtraDetails } from './traceback.ts';
import type { TracebackFinding } from './classify.ts';

export type LogRulesConfig = Pick<Config['rules'], 'traceback' | 'quota_exceeded_sustained' | 'key_revoked_in_use'> &
  /** Optional so callers that predate them keep compiling: absent means enabled with defaults (findings.ts). */
  Partial<Pick<Config['rules'], 'prompt_exposure' | 'log_noise' | 'trace_db_log_error'>>;

export const TRACEBACK_RULE = 'traceback';
export const QUOTA_RULE = 'quota_exceeded_sustained';
export const KEY_REVOKED_RULE = 'key_revoked_in_use';
/** Every rule log-watch evaluates: tells a replayed `scan-logs` output from a `check` one. */
export const LOG_RULE_IDS = [TRACEBACK_RULE, QUOTA_RULE, KEY_REVOKED_RULE] as const;
/** The runbook's "any ERROR traceback within 5 min": the window a traceback's count is reported over. */
export const TRACEBACK_COUNT_WINDOW_MINUTES = 5;
export const MS_PER_MINUTE = 60_000;

export const LOG_RUNBOOK = {
  traceback: 'Mitigate',
  quota: RUNBOOK.runawaySpend,
  keyRevoked: RUNBOOK.keyCompromise,
  promptExposure: RUNBOOK.severity,
  noise: RUNBOOK.severity,
} as const;

export const LOG_FIRST_MOVE = {
  traceback:
    'check the gateway logs (kubectl logs -n metis-gateway deploy/metis-gateway --tail=100 -c gateway) and whether a deploy just went out; ' +
    'if it started with the deploy, roll back (runbook "Mitigate": helm rollback metis-gateway, or the previous tag)',
  quota: 'the tenant is hammering its cap: confirm in /analytics/by_key (runbook "Runaway key spend") before raising the cap or revoking',
  keyRevoked:
    'the key was revoked (runbook "Gateway key compromise"): find who still uses it (client IP / user agent in the gateway logs) ' +
    'and hand them the replacement key, or block them if the key leaked',
} as const;

export interface TracebackOccurrence {
  timestamp: number;
  logGroup: string;
  logStream: string;
  /** Redacted, bounded: the subject of the signal and the counter key. */
  fingerprint: string;
  finding: TracebackFinding;
  /** How the exception line was found: in the message, in the batch's following lines, fetched from CloudWatch Logs, or not at all. */
  completion: 'message' | 'batch' | 'fetched' | 'unresolved';
  unresolvedReason?: string;
  /** The line (or its completion) carries customer content: its record line and messages are not quoted. */
  withheld: boolean;
}

export interface TracebackGroup {
  fingerprint: string;
  /** Occurrences in this batch. */
  count: number;
  /** Of those, the ones in the minutes the count is reported over (TRACEBACK_COUNT_WINDOW_MINUTES ending at now). */
  countInCountWindow: number;
  firstSeen: number;
  lastSeen: number;
  latest: TracebackOccurrence;
  logStreams: string[];
}

export interface KeyActivity {
  kind: KeyKind;
  key: string;
  logGroup: string;
  /** Occurrences in this batch. */
  count: number;
  firstSeen: number;
  lastSeen: number;
  /** The latest line, redacted and cut. */
  sample: string;
  /** Who sent the rejected requests in this batch, busiest first. */
  clients: { ip?: string; userAgent?: string; count: number }[];
}

export interface LogRuleInput {
  now: Date;
  rules: LogRulesConfig;
  tracebacks: readonly TracebackGroup[];
  /** Traceback counts per fingerprint over the last TRACEBACK_COUNT_WINDOW_MINUTES, when the counters were readable. */
  tracebackCounts?: MinuteCounts;
  /** Per kind, the counts of every key seen in the rule's window; a kind is absent when its counters were not readable. */
  keyCounts: Partial<Record<KeyKind, MinuteCounts>>;
  /** Kinds whose counts cover only some keys of the window: their rule fires but is not evaluated. */
  partialKinds?: readonly KeyKind[];
  /** This batch's activity per `${kind}#${key}`, for details. */
  keyActivity: ReadonlyMap<string, KeyActivity>;
  /** At most this many signals per rule in one report (EventBridge entries are at most 256 KB). */
  maxTracebackSignals: number;
  maxKeySignals: number;
}

export interface LogRuleOutcome {
  evaluated: string[];
  /** Per key rule, the keys whose counters were read over the window and found below the threshold. */
  healthy: Record<string, string[]>;
  signals: Signal[];
  /** Rules with more firing subjects than one report carries: reported the busiest, not evaluated. */
  capped: { rule: string; firing: number; reported: number }[];
}

export function epochMinute(ms: number): number {
  return Math.floor(ms / MS_PER_MINUTE);
}

/** Minutes the counters are read over for a key rule: its window plus the minute before it. */
export function keyRuleWindow(rules: LogRulesConfig, kind: KeyKind, nowMinute: number): { from: number; to: number } {
  const minutes = kind === 'quota_exceeded' ? rules.quota_exceeded_sustained.minutes : rules.key_revoked_in_use.windowMinutes;
  return { from: nowMinute - minutes, to: nowMinute };
}

export function evaluateLogRules(input: LogRuleInput): LogRuleOutcome {
  const evaluated: string[] = [];
  const healthy: Record<string, string[]> = {};
  const signals: Signal[] = [];
  const capped: LogRuleOutcome['capped'] = [];
  const nowMinute = epochMinute(input.now.getTime());
  const isoOf = minuteIsoCache();

  if (input.rules.traceback.enabled) {
    const ordered = [...input.tracebacks].sort((a, b) => b.count - a.count || a.fingerprint.localeCompare(b.fingerprint));
    const kept = ordered.slice(0, input.maxTracebackSignals);
    if (kept.length < ordered.length) capped.push({ rule: TRACEBACK_RULE, firing: ordered.length, reported: kept.length });
    for (const group of kept) signals.push(tracebackSignal(input, group, nowMinute));
  }

  for (const [kind, rule, enabled] of [
    ['quota_exceeded', QUOTA_RULE, input.rules.quota_exceeded_sustained.enabled],
    ['key_revoked', KEY_REVOKED_RULE, input.rules.key_revoked_in_use.enabled],
  ] as const) {
    const counts = input.keyCounts[kind];
    if (!enabled || !counts) continue;
    const judged = [...counts.entries()].map(([key, perMinute]) => ({
      key,
      judged: judgeKey(input, kind, key, perMinute, nowMinute, isoOf),
    }));
    const firing = judged
      .map((j) => j.judged)
      .filter((j): j is Judged => j !== undefined)
      .sort((a, b) => b.value - a.value || a.key.localeCompare(b.key));
    const kept = firing.slice(0, input.maxKeySignals);
    if (kept.length < firing.length) capped.push({ rule, firing: firing.length, reported: kept.length });
    else if (!input.partialKinds?.includes(kind)) {
      evaluated.push(rule);
      // Keys whose counters cover the window and stay below the threshold: the evidence that resolves them.
      const fine = judged.filter((j) => j.judged === undefined).map((j) => logSubject(j.key));
      if (fine.length) healthy[rule] = fine;
    }
    for (const judged of kept) signals.push(keySignal(input, kind, judged));
  }
  return { evaluated, healthy, signals, capped };
}

function tracebackSignal(input: LogRuleInput, group: TracebackGroup, nowMinute: number): Signal {
  const { latest } = group;
  const parse = latest.finding.parse;
  const typeKnown = parse.complete && parse.excType !== undefined;
  const where = frameLabel(parse.innermost);
  const line = parse.innermost?.line;
  const windowCount = input.tracebackCounts
    ? sumMinutes(input.tracebackCounts.get(group.fingerprint), nowMinute - TRACEBACK_COUNT_WINDOW_MINUTES + 1, nowMinute)
    : undefined;
  // The counters include this batch; if they were written before a clock-skewed batch, never report fewer
  // than this batch shows inside the same minutes (occurrences earlier in the quiet window are not in them).
  const inWindow = windowCount === undefined ? undefined : Math.max(windowCount, group.countInCountWindow);
  const what = typeKnown
    ? `${parse.excType}${groupNote(parse)} at ${where ?? 'an unknown frame'}${line ? ` (line ${line})` : ''}`
    : `Traceback of unknown type (${latest.unresolvedReason ?? 'no exception line'})${where ? ` at ${where}${line ? ` (line ${line})` : ''}` : ''}`;
  const count =
    inWindow === undefined
      ? `${group.count}x in this batch`
      : `${inWindow}x in the last ${TRACEBACK_COUNT_WINDOW_MINUTES} min${
          inWindow < group.count ? ` (${group.count}x in this batch, last at ${new Date(group.lastSeen).toISOString()})` : ''
        }`;
  const observedAt = new Date(Math.min(group.lastSeen, input.now.getTime()));
  return makeLogSignal(observedAt, {
    rule: TRACEBACK_RULE,
    subject: group.fingerprint,
    severity: 'SEV2',
    runbook: LOG_RUNBOOK.traceback,
    summary:
      `ERROR traceback: ${what}, ${count} in ${latest.logGroup}` +
      `${latest.withheld ? ' (its message carries customer content: not quoted, see prompt_exposure)' : ''}. First move: ${LOG_FIRST_MOVE.traceback}.`,
    details: {
      fingerprint: group.fingerprint,
      exceptionType: typeKnown ? parse.excType : null,
      typeKnown,
      innermostFrame: parse.innermost ? { file: parse.innermost.file, line: parse.innermost.line, function: parse.innermost.func } : null,
      frames: parse.frameCount,
      chainedExceptions: parse.chained,
      value: inWindow ?? group.count,
      countInBatch: group.count,
      countInWindow: inWindow ?? null,
      window: { minutes: TRACEBACK_COUNT_WINDOW_MINUTES, to: input.now.toISOString() },
      firstSeen: new Date(group.firstSeen).toISOString(),
      lastSeen: new Date(group.lastSeen).toISOString(),
      logGroup: latest.logGroup,
      logStream: latest.logStream,
      logStreams: group.logStreams,
      completedFrom: latest.completion,
      ...(latest.unresolvedReason ? { unresolvedReason: latest.unresolvedReason } : {}),
      format: latest.finding.format,
      excerpt: tracebackExcerpt(parse, undefined, latest.withheld),
      ...tracebackExtraDetails(parse, latest.withheld),
      ...(latest.withheld ? { contentWithheld: true } : {}),
      firstMove: LOG_FIRST_MOVE.traceback,
      quietMinutesToResolve: input.rules.traceback.quietMinutes,
    },
  });
}

interface Judged {
  key: string;
  value: number;
  perMinute: { minute: string; count: number }[];
  window: { minutes: number; from: string; to: string };
}

function judgeKey(
  input: LogRuleInput,
  kind: KeyKind,
  key: string,
  counts: Map<number, number>,
  nowMinute: number,
  isoOf: (minute: number) => string,
): Judged | undefined {
  // The lists are built for the window that fires only: most keys of a flood are judged and dropped.
  const judged = (value: number, from: number, to: number): Judged => {
    const perMinute: { minute: string; count: number }[] = [];
    for (let m = from; m <= to; m++) perMinute.push({ minute: isoOf(m), count: counts.get(m) ?? 0 });
    return { key, value, perMinute, window: { minutes: to - from + 1, from: isoOf(from), to: isoOf(to + 1) } };
  };
  if (kind === 'quota_exceeded') {
    const { perMinute, minutes } = input.rules.quota_exceeded_sustained;
    // The window ending at the current minute, else the one ending at the minute before (the current one is still filling).
    for (const end of [nowMinute, nowMinute - 1]) {
      const from = end - minutes + 1;
      let least = Number.POSITIVE_INFINITY;
      for (let m = from; m <= end && least > perMinute; m++) least = Math.min(least, counts.get(m) ?? 0);
      if (least > perMinute) return judged(least, from, end);
    }
    return undefined;
  }
  const { count, windowMinutes } = input.rules.key_revoked_in_use;
  let best: { total: number; from: number; end: number } | undefined;
  for (const end of [nowMinute, nowMinute - 1]) {
    const from = end - windowMinutes + 1;
    const total = sumMinutes(counts, from, end);
    if (total > count && (!best || total > best.total)) best = { total, from, end };
  }
  return best && judged(best.total, best.from, best.end);
}

/** ISO times of epoch minutes, each made once per evaluation: every key's window lists the same minutes. */
function minuteIsoCache(): (minute: number) => string {
  const known = new Map<number, string>();
  return (minute) => {
    let iso = known.get(minute);
    if (iso === undefined) {
      iso = new Date(minute * MS_PER_MINUTE).toISOString();
      known.set(minute, iso);
    }
    return iso;
  };
}

function keySignal(input: LogRuleInput, kind: KeyKind, judged: Judged): Signal {
  const activity = input.keyActivity.get(`${kind}#${judged.key}`);
  const total = judged.perMinute.reduce((sum, m) => sum + m.count, 0);
  const batchDetails = activity
    ? {
        logGroup: activity.logGroup,
        countInBatch: activity.count,
        firstSeenInBatch: new Date(activity.firstSeen).toISOString(),
        lastSeenInBatch: new Date(activity.lastSeen).toISOString(),
        sample: activity.sample,
        ...(activity.clients.length ? { clients: activity.clients } : {}),
      }
    : { countInBatch: 0 };
  if (kind === 'quota_exceeded') {
    const { perMinute, minutes } = input.rules.quota_exceeded_sustained;
    return makeLogSignal(input.now, {
      rule: QUOTA_RULE,
      subject: judged.key,
      severity: 'SEV3',
      runbook: LOG_RUNBOOK.quota,
      summary:
        `Key ${judged.key}: quota_exceeded in each of the last ${minutes} min (at least ${judged.value}/min, ${total} in all; threshold more than ${perMinute}/min). ` +
        `First move: ${LOG_FIRST_MOVE.quota}.`,
      details: {
        key: judged.key,
        value: judged.value,
        threshold: perMinute,
        total,
        perMinute: judged.perMinute,
        window: judged.window,
        firstMove: LOG_FIRST_MOVE.quota,
        ...batchDetails,
      },
    });
  }
  const { count, windowMinutes } = input.rules.key_revoked_in_use;
  const who = activity?.clients[0];
  const whoText = who ? ` (latest caller: ${[who.ip, who.userAgent].filter(Boolean).join(', ')})` : '';
  return makeLogSignal(input.now, {
    rule: KEY_REVOKED_RULE,
    subject: judged.key,
    severity: 'SEV3',
    runbook: LOG_RUNBOOK.keyRevoked,
    summary:
      `Revoked key ${judged.key} still in use: ${judged.value} requests rejected with 401 key_revoked in ${windowMinutes} min (threshold more than ${count})${whoText}. ` +
      `First move: ${LOG_FIRST_MOVE.keyRevoked}.`,
    details: {
      key: judged.key,
      value: judged.value,
      threshold: count,
      perMinute: judged.perMinute,
      window: judged.window,
      firstMove: LOG_FIRST_MOVE.keyRevoked,
      ...batchDetails,
    },
  });
}

function sumMinutes(counts: Map<number, number> | undefined, from: number, to: number): number {
  let sum = 0;
  if (!counts) return 0;
  for (let m = from; m <= to; m++) sum += counts.get(m) ?? 0;
  return sum;
}

/** A firing `logs` signal (see firingSignal in ../signal-builder.ts). */
export function makeLogSignal(observedAt: Date, spec: SignalSpec): Signal {
  return firingSignal('logs', observedAt, spec);
}

/** Subjects (fingerprints, key ids) come from log text and leave the account. */
export const logSubject = signalSubject;
