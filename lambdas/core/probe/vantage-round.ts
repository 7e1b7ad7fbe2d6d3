// Each vantage's latest health round per target: what the router's vote across vantages reads
// (vote.ts). One probe report -> one round per target it names, from the report's `measurements` (every
// probed target, ok or not) and its healthz_down signals and healthy list (how the vantage itself read
// the round: twice in a row, flapping, sustained health). Pure: shape and parse only.
import type { EvaluationReport, Signal } from '../signal.ts';
import { HEALTHZ_RULE } from './rule-ids.ts';

export interface VantageRound {
  target: string;
  /** The region the round was measured from. */
  vantage: string;
  /** The round's time (the report's evaluatedAt, ISO-8601 UTC). */
  at: string;
  ok: boolean;
  /** Failed, and the round before at this vantage failed too (the vantage's own SEV1: two in a row within 60 s). */
  consecutive: boolean;
  /** The vantage sees the target flapping: it counts as failing even on an ok round. */
  flapping: boolean;
  /** The vantage names the target healthy after its ok rounds in a row: evidence that resolves. */
  sustained: boolean;
  failure: string | null;
  status: number | null;
  latencyMs: number | null;
  tlsDaysLeft: number | null;
  /** The probe's first move for this failure class, when it failed. */
  firstMove: string | null;
}

/** One probe report's rounds: all measured from `vantage` at `at` (the report's evaluatedAt). */
export interface VantageReportRounds {
  vantage: string;
  at: string;
  rounds: readonly VantageRound[];
  /** Every region that votes: what the store holds of any other region may be dropped. */
  voters: readonly string[];
}

/**
 * Port: every vantage's latest rounds. `record` keeps one report's rounds as its vantage's latest unless a
 * report of that vantage as new or newer is stored (a late or retried report never replaces a newer one),
 * and answers every vantage's latest rounds as stored after that write, in the same call: of two reports
 * recorded at once, the one stored second sees the first's rounds.
 */
export interface VantageRoundStore {
  record(report: VantageReportRounds): Promise<VantageRound[]>;
}

/** The rounds a probe report carries, measured from `vantage`. Empty when healthz_down was not evaluated. */
export function vantageRoundsOf(report: EvaluationReport, vantage: string): VantageRound[] {
  if (!report.evaluated.includes(HEALTHZ_RULE)) return [];
  const signals = new Map(report.signals.filter((s) => s.rule === HEALTHZ_RULE && s.status === 'firing').map((s) => [s.subject, s]));
  const healthy = new Set(report.healthy?.[HEALTHZ_RULE] ?? []);
  const targets = [...new Set([...Object.keys(report.measurements ?? {}), ...signals.keys(), ...healthy])];
  return targets.map((target) => roundOf(target, vantage, report, signals.get(target), healthy.has(target)));
}

function roundOf(target: string, vantage: string, report: EvaluationReport, signal: Signal | undefined, sustained: boolean): VantageRound {
  const mark = report.measurements?.[target];
  const details = signal?.details ?? {};
  // A flapping target's good round fires too, with no failure class: the round itself was ok.
  const failedBySignal = signal !== undefined && details.failure !== null && details.diagnosis !== 'flapping';
  const ok = mark ? mark.ok : !failedBySignal;
  return {
    target,
    vantage,
    at: report.evaluatedAt,
    ok,
    consecutive: !ok && signal?.severity === 'SEV1',
    flapping: details.flapping === true,
    sustained: sustained && ok,
    // The failure class rides on the vantage's own signal (a measurement has the status only).
    failure: ok ? null : stringOr(details.failure),
    status: mark?.status ?? numberOr(details.status),
    latencyMs: mark?.latencyMs ?? numberOr(details.latencyMs),
    tlsDaysLeft: mark?.tlsDaysLeft ?? numberOr(details.tlsDaysLeft),
    firstMove: ok ? null : stringOr(details.firstMove),
  };
}

function stringOr(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function numberOr(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}
