// The probe result model (docs/architecture.md, CLI): what one GET of a health endpoint found. The six
// fields of ProbeResult are exactly the CLI's `probe --json` output; ProbeOutcome adds a one-line reason
// for logs and the diagnosis. Pure: no I/O, time comes in as arguments.
import type { Config } from '../config.ts';

/** One configured endpoint (`healthTargets[]`): name, url, expectStatus?, bodyContains?, timeoutMs, headersFromSsm?. */
export type HealthTarget = Config['healthTargets'][number];

export const PROBE_FAILURES = ['http_status', 'timeout', 'connection', 'tls'] as const;
export type ProbeFailure = (typeof PROBE_FAILURES)[number];

export interface ProbeResult {
  url: string;
  ok: boolean;
  /** null when ok. */
  failure: ProbeFailure | null;
  /** HTTP status when a response arrived, else null. */
  status: number | null;
  /** Whole milliseconds from the start of the request to the verdict (a timeout reports the time waited). */
  latencyMs: number;
  /** Whole days until the peer certificate's notAfter, floored (negative once expired); null for http or no certificate. */
  tlsDaysLeft: number | null;
}

export interface ProbeOutcome extends ProbeResult {
  /**
   * Why it failed, one line without secrets: `HTTP 503`, `ECONNREFUSED`, `CERT_HAS_EXPIRED`, `no answer within
   * 5000 ms`, `body does not contain "ok"`. null when ok.
   */
  detail: string | null;
}

/** Exactly the CLI JSON (docs/architecture.md, CLI), in its field order: nothing more leaks into the contract. */
export function toProbeJson(result: ProbeResult): ProbeResult {
  const { url, ok, failure, status, latencyMs, tlsDaysLeft } = result;
  return { url, ok, failure, status, latencyMs, tlsDaysLeft };
}

const DAY_MS = 86_400_000;

/**
 * Whole days from `now` to the certificate's notAfter, floored: 13.9 days -> 13 (below a 14-day warning),
 * 0.5 days -> 0 (not yet expired), half a day past -> -1. So `< warnDays` is "expires in under warnDays
 * days" and `< 0` is exactly "expired".
 */
export function tlsDaysLeft(validTo: Date, now: Date): number {
  return Math.floor((validTo.getTime() - now.getTime()) / DAY_MS);
}

/**
 * The URL as it may appear in logs, metrics and alerts: user info (`https://user:secret@host/`) replaced
 * by `***`. Header values never appear anywhere; this closes the other way a credential could ride along.
 */
export function displayUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (!parsed.username && !parsed.password) return url;
    parsed.username = '***';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return url;
  }
}
