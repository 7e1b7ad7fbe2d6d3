// One probe round -> one evaluation report for the router (source `probe`) and the state the next round
// needs. The runbook's rules: healthz "two consecutive failures in 60 s -> SEV1; one -> SEV2"; TLS expired ->
// SEV2, expiring within warnDays -> SEV3. A target that could not be probed is neither down nor healthy
// (silence is never recovery): the report fires monitoring_blind for the probe instead.
import type { Config } from '../config.ts';
import { redactText, redactValue } from '../redact.ts';
import { makeDedupKey, oneLine, type EvaluationReport, type Severity, type Signal } from '../signal.ts';
import { diagnose, diagnosisText, firstMoveFor, PROBE_RUNBOOK_SECTION } from './diagnosis.ts';
import type { ProbeState, TargetState } from './probe-state.ts';
import { displayUrl, type HealthTarget } from './result.ts';
import { CONSECUTIVE_WINDOW_MS, HEALTHZ_RULE, HEARTBEAT_RULE, HEARTBEAT_SUBJECT, TLS_RULE } from './rule-ids.ts';
import type { TargetProbe } from './summary.ts';

export interface HealthzRoundInput {
  /** The configured targets (names and URLs: https ones are TLS-checked). */
  targets: readonly Pick<HealthTarget, 'name' | 'url'>[];
  /** The targets probed this round. */
  probes: readonly TargetProbe[];
  /** The targets that could not be probed, with why (never a secret: parameter names only). */
  skipped: readonly { target: string; reason: string }[];
  /** The previous round's state; null when it could not be read (every failure is then a first one: SEV2). */
  previous: ProbeState | null;
  rules: Pick<Config['rules'], 'healthz_down' | 'tls_expiry'>;
  /** The round's start. */
  now: Date;
}

export interface HealthzRoundResult {
  report: EvaluationReport;
  /** What the next round reads as `previous`. */
  next: ProbeState;
}

export function healthzRoundReport(input: HealthzRoundInput): HealthzRoundResult {
  const { probes, skipped, previous, rules, now } = input;
  const at = now.toISOString();
  const signals: Signal[] = [];
  const healthy: Record<string, string[]> = {};
  const evaluated: string[] = [];
  if (rules.healthz_down.enabled) {
    evaluated.push(HEALTHZ_RULE);
    healthy[HEALTHZ_RULE] = [];
  }
  if (rules.tls_expiry.enabled) {
    evaluated.push(TLS_RULE);
    healthy[TLS_RULE] = [];
  }
  evaluated.push(HEARTBEAT_RULE);
  healthy[HEARTBEAT_RULE] = skipped.length === 0 ? [HEARTBEAT_SUBJECT] : [];

  const urls = new Map(input.targets.map((t) => [t.name, t.url]));
  const next: ProbeState = { targets: {} };
  // Configured targets not probed this round keep their last state (the 60 s window ages it out).
  for (const target of input.targets) {
    const kept = previous?.targets[target.name];
    if (kept) next.targets[target.name] = kept;
  }

  for (const { target, outcome } of probes) {
    const before = previous?.targets[target];
    next.targets[target] = {
      at,
      ok: outcome.ok,
      failingSince: outcome.ok ? null : before && !before.ok && before.failingSince ? before.failingSince : at,
    };
    if (rules.healthz_down.enabled) {
      if (outcome.ok) healthy[HEALTHZ_RULE]!.push(target);
      else signals.push(healthzSignal(target, outcome, before, previous === null, now));
    }
    if (rules.tls_expiry.enabled && isHttps(urls.get(target) ?? outcome.url) && outcome.tlsDaysLeft !== null) {
      // warnDays is positive, so an expired certificate (< 0) is below it too.
      if (outcome.tlsDaysLeft < rules.tls_expiry.warnDays) signals.push(tlsSignal(target, outcome, rules.tls_expiry.warnDays, at));
      else healthy[TLS_RULE]!.push(target);
    }
  }
  if (skipped.length > 0) signals.push(blindSignal(skipped, at));
  return { report: { source: 'probe', evaluatedAt: at, evaluated, healthy, signals }, next };
}

/** SEV1 when the previous round of this target also failed at most 60 s before this one; else SEV2. */
export function healthzSeverity(before: TargetState | undefined, now: Date): Extract<Severity, 'SEV1' | 'SEV2'> {
  if (!before || before.ok) return 'SEV2';
  const gap = now.getTime() - Date.parse(before.at);
  return gap >= 0 && gap <= CONSECUTIVE_WINDOW_MS ? 'SEV1' : 'SEV2';
}

function healthzSignal(
  target: string,
  outcome: TargetProbe['outcome'],
  before: TargetState | undefined,
  stateUnknown: boolean,
  now: Date,
): Signal {
  const severity = healthzSeverity(before, now);
  const why =
    severity === 'SEV1'
      ? `failed twice in a row within 60 s (previous failure at ${before?.at})`
      : stateUnknown
        ? 'failed (previous round unknown: probe state unreadable)'
        : 'failed once';
  const diagnosis = diagnose(outcome);
  return {
    source: 'probe',
    rule: HEALTHZ_RULE,
    subject: target,
    severity,
    status: 'firing',
    dedupKey: makeDedupKey(HEALTHZ_RULE, target),
    summary: oneLine(redactText(`healthz_down ${severity}: ${target} ${why}: ${diagnosisText(outcome)}`)),
    observedAt: now.toISOString(),
    details: redactValue({
      url: displayUrl(outcome.url),
      failure: outcome.failure,
      status: outcome.status,
      latencyMs: outcome.latencyMs,
      tlsDaysLeft: outcome.tlsDaysLeft,
      detail: outcome.detail,
      diagnosis: diagnosis.kind,
      firstMove: diagnosis.firstMove,
      previousRound: stateUnknown ? 'unknown' : before ? { at: before.at, ok: before.ok } : null,
      failingSince: before && !before.ok && before.failingSince ? before.failingSince : now.toISOString(),
    }),
    runbook: PROBE_RUNBOOK_SECTION,
  };
}

function tlsSignal(target: string, outcome: TargetProbe['outcome'], warnDays: number, at: string): Signal {
  const days = outcome.tlsDaysLeft as number;
  const expired = days < 0;
  const url = displayUrl(outcome.url);
  const what = expired
    ? `the certificate of ${target} (${url}) EXPIRED ${-days} day(s) ago: clients fail TLS`
    : `the certificate of ${target} (${url}) expires in ${days} day(s) (warning below ${warnDays})`;
  return {
    source: 'probe',
    rule: TLS_RULE,
    subject: target,
    severity: expired ? 'SEV2' : 'SEV3',
    status: 'firing',
    dedupKey: makeDedupKey(TLS_RULE, target),
    summary: oneLine(redactText(`tls_expiry: ${what}. First: ${firstMoveFor('certificate', url)}`)),
    observedAt: at,
    details: redactValue({ url, tlsDaysLeft: days, warnDays, expired }),
    runbook: PROBE_RUNBOOK_SECTION,
  };
}

function blindSignal(skipped: HealthzRoundInput['skipped'], at: string): Signal {
  const names = [...new Set(skipped.map((s) => s.target))];
  const reasons = skipped.map((s) => `${s.target}: ${s.reason}`).join('; ');
  return {
    source: 'probe',
    rule: HEARTBEAT_RULE,
    subject: HEARTBEAT_SUBJECT,
    severity: 'SEV2',
    status: 'firing',
    dedupKey: makeDedupKey(HEARTBEAT_RULE, HEARTBEAT_SUBJECT),
    summary: oneLine(
      redactText(
        `Monitoring blind: the probe could not measure ${names.join(', ')} (${reasons}); healthz_down and tls_expiry neither fire nor resolve for ${names.length === 1 ? 'it' : 'them'}. ` +
          "First: check the SSM header parameters exist and the probe may read them; read the probe Lambda's log group; meanwhile probe by hand: npx metis-alerts probe --url URL",
      ),
    ),
    observedAt: at,
    details: redactValue({ skipped: skipped.map((s) => ({ target: s.target, reason: s.reason })) }),
    runbook: PROBE_RUNBOOK_SECTION,
  };
}

function isHttps(url: string): boolean {
  try {
    return new URL(url).protocol === 'https:';
  } catch {
    return false;
  }
}
