// The signal model shared by every detector, the router and the CLI (docs/architecture.md, Contracts).

export const SEVERITIES = ['SEV1', 'SEV2', 'SEV3', 'SEV4'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const SIGNAL_SOURCES = ['probe', 'trace-db', 'logs', 'cloudwatch-alarm', 'manual', 'pipeline'] as const;
/** `pipeline` is the pipeline's own health (e.g. PagerDuty unreachable); docs/architecture.md lists the detector sources. */
export type SignalSource = (typeof SIGNAL_SOURCES)[number];

export type SignalStatus = 'firing' | 'resolved';

export interface Signal {
  source: SignalSource;
  /** Rule id from docs/runbook-mapping.md, e.g. `model_error_rate`. */
  rule: string;
  /** What it is about: model id, key id, target name, provider, fingerprint. */
  subject: string;
  severity: Severity;
  status: SignalStatus;
  /** Stable `${rule}:${subject}`, at most 255 chars. */
  dedupKey: string;
  /** One line, at most 1024 chars, already redacted. */
  summary: string;
  /** ISO-8601 UTC. */
  observedAt: string;
  details: Record<string, unknown>;
  /** Section of the runbook this alert belongs to. */
  runbook?: string;
  /** The AWS region a probe signal was measured from (docs/vantages.md); absent: the home region. */
  vantage?: string;
}

/** What a detector sends the router after each run. */
export interface EvaluationReport {
  source: SignalSource;
  /**
   * The run that sent it, when one source runs on more than one schedule (the probe's health rounds and
   * its inbound-shape run): each is watched for silence on its own (source-health.ts). Absent: the source's only run.
   */
  reporter?: string;
  evaluatedAt: string;
  /** The AWS region a probe report was measured from (docs/vantages.md); absent: the home region. */
  vantage?: string;
  /**
   * A probe round's measurement per target as seen from `vantage` (healthy ones too): latency and TLS days
   * left per vantage for the vote's summaries and the dashboard. Informational: nothing routes on it alone.
   */
  measurements?: Record<string, ProbeMeasurement>;
  /** Rule ids checked this run. */
  evaluated: string[];
  /**
   * Per rule, the subjects checked with enough data and found fine: the only evidence that resolves an open
   * incident (report-signals.ts). A subject with no data stays open; absent = nothing is known to be fine.
   */
  healthy?: Record<string, string[]>;
  /** Firing signals only. */
  signals: Signal[];
  /**
   * Per rule, why a rule that is on could not judge this run (`disk_usage`: "no volume figure in the
   * metadata"). Informational: the router routes nothing from it; such a rule is not in `evaluated`.
   */
  notEvaluated?: Record<string, string>;
}

/** One target's probe result in one round, from one vantage. */
export interface ProbeMeasurement {
  ok: boolean;
  /** HTTP status, null when no response (timeout, refused, TLS failure). */
  status: number | null;
  latencyMs: number;
  /** Days until the certificate expires (negative: expired); null for http:// or no certificate read. */
  tlsDaysLeft: number | null;
}

export const MAX_DEDUP_KEY = 255;
export const MAX_SUMMARY = 1024;

/** Lower number = more severe. */
export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity) + 1;
}

export function isMoreSevere(a: Severity, b: Severity): boolean {
  return severityRank(a) < severityRank(b);
}

export type PagerDutySeverity = 'critical' | 'error' | 'warning' | 'info';

const PD_SEVERITY: Record<Severity, PagerDutySeverity> = {
  SEV1: 'critical',
  SEV2: 'error',
  SEV3: 'warning',
  SEV4: 'info',
};

export function toPagerDutySeverity(severity: Severity): PagerDutySeverity {
  return PD_SEVERITY[severity];
}

/**
 * `${rule}:${subject}` cut to 255 chars. A long subject keeps its head and gets a short hash of the
 * whole, so two long subjects with the same prefix never share a key.
 */
export function makeDedupKey(rule: string, subject: string): string {
  const key = `${rule}:${subject}`;
  if (key.length <= MAX_DEDUP_KEY) return key;
  const suffix = `~${fnv1a(key)}`;
  return key.slice(0, MAX_DEDUP_KEY - suffix.length) + suffix;
}

/** One line (no control characters or Unicode line separators), at most `max` chars, with an ellipsis when cut. */
export function oneLine(text: string, max = MAX_SUMMARY): string {
  const flat = text
    // biome-ignore lint/suspicious/noControlCharactersInRegex: a summary must be one printable line
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ')
    .replace(/ {2,}/g, ' ')
    .trim();
  if (flat.length <= max) return flat;
  let cut = max - 1;
  // Never split a surrogate pair (an emoji) in half.
  if (/[\ud800-\udbff]/.test(flat[cut - 1] ?? '')) cut--;
  return `${flat.slice(0, cut)}…`;
}

/** 32-bit FNV-1a as 8 hex chars: a cheap stable hash for keys, not for security. */
export function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}
