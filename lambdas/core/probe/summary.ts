// Log lines of a probe run: one structured record per target and probe, and the run's one-line summary.
// Only URL, class, status, timings and days-left: never a header (headersFromSsm values are secrets) or a body.
import { diagnose, diagnosisText, type DiagnosisKind } from './diagnosis.ts';
import type { ProbeFailure, ProbeOutcome } from './result.ts';

export interface TargetProbe {
  target: string;
  outcome: ProbeOutcome;
}

export interface ProbeLogRecord {
  target: string;
  url: string;
  round: number;
  ok: boolean;
  failure: ProbeFailure | null;
  status: number | null;
  latencyMs: number;
  tlsDaysLeft: number | null;
  detail: string | null;
  diagnosis: DiagnosisKind;
  /** `headline; first: move` for failures, `up: ...` otherwise. (Not `message`: Powertools Logger reserves that key.) */
  explanation: string;
}

export function probeLogRecord(probe: TargetProbe, round: number): ProbeLogRecord {
  const { outcome } = probe;
  return {
    target: probe.target,
    url: outcome.url,
    round,
    ok: outcome.ok,
    failure: outcome.failure,
    status: outcome.status,
    latencyMs: outcome.latencyMs,
    tlsDaysLeft: outcome.tlsDaysLeft,
    detail: outcome.detail,
    diagnosis: diagnose(outcome).kind,
    explanation: diagnosisText(outcome),
  };
}

export interface ProbeRunSummary {
  targets: number;
  probes: number;
  /** Failing targets by round, e.g. `{ gateway: ['http_status 503', 'http_status 503'] }`. */
  failing: Record<string, string[]>;
  /** `2 targets probed 2x: gateway failed 2/2 (http_status 503, http_status 503); server ok`. */
  line: string;
}

/** The run's summary over its rounds (each round: every target once). */
export function probeRunSummary(rounds: readonly (readonly TargetProbe[])[]): ProbeRunSummary {
  const names = [...new Set(rounds.flatMap((round) => round.map((p) => p.target)))];
  const failing: Record<string, string[]> = {};
  const parts: string[] = [];
  for (const name of names) {
    const probes = rounds.flatMap((round) => round.filter((p) => p.target === name));
    const failed = probes.filter((p) => !p.outcome.ok).map((p) => failureLabel(p.outcome));
    if (failed.length) {
      failing[name] = failed;
      parts.push(`${name} failed ${failed.length}/${probes.length} (${failed.join(', ')})`);
    } else {
      parts.push(`${name} ok`);
    }
  }
  const probes = rounds.reduce((n, round) => n + round.length, 0);
  const line = `${names.length} target${names.length === 1 ? '' : 's'} probed ${rounds.length}x: ${parts.join('; ') || 'nothing configured'}`;
  return { targets: names.length, probes, failing, line };
}

function failureLabel(outcome: ProbeOutcome): string {
  if (outcome.failure === 'http_status') return `http_status ${outcome.status}`;
  return outcome.detail ? `${outcome.failure} ${outcome.detail}` : String(outcome.failure);
}
