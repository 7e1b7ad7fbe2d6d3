// One probe round -> one evaluation report for the router (source `probe`) and the state the next round
// needs. The runbook's rules: healthz "two consecutive failures in 60 s -> SEV1; one -> SEV2"; TLS expired ->
// SEV2, expiring within warnDays -> SEV3. A healthz incident resolves only on sustained health, and a
// flapping target stays one open incident (flapping.ts). A target that could not be probed is neither down nor healthy
// (silence is never recovery): the report fires monitoring_blind for the probe instead.
import type { Config } from '../config.ts';
import { redactText, redactValue } from '../redact.ts';
import { makeDedupKey, oneLine, type EvaluationReport, type ProbeMeasurement, type Severity, type Signal } from '../signal.ts';
import { diagnose, diagnosisText, firstMoveFor, PROBE_RUNBOOK_SECTION } from './diagnosis.ts';
import { flapVerdict, roundsInWindow, sustainedHealth, type FlapRules, type FlapVerdict } from './flapping.ts';
import type { ProbeState, TargetState } from './probe-state.ts';
import { displayUrl, type HealthTarget } from './result.ts';
import { CONSECUTIVE_WINDOW_MS, HEALTHZ_RULE, HEARTBEAT_RULE, HEARTBEAT_SUBJECT, TLS_RULE } from './rule-ids.ts';
import type { TargetProbe } from './summary.ts';
import { withVantage } from './vantages.ts';

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
  /** The AWS region this round probed from (docs/vantages.md); named on the report and on every signal. */
  vantage?: string | undefined;
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
    const okStreak = outcome.ok ? (before?.okStreak ?? 0) + 1 : 0;
    const history = roundsInWindow([...(before?.history ?? []), { at, ok: outcome.ok }], now, rules.healthz_down.flapWindowMinutes);
    next.targets[target] = {
      at,
      ok: outcome.ok,
      failingSince: outcome.ok ? null : before && !before.ok && before.failingSince ? before.failingSince : at,
      okStreak,
      history,
    };
    if (rules.healthz_down.enabled) {
      const flap = flapVerdict(history, now, rules.healthz_down);
      // A failure fires; a flapping target keeps firing on its good rounds too (one open incident, updated);
      // a good round resolves only after enough of them in a row. Between the two it neither fires nor resolves.
      if (!outcome.ok) signals.push(healthzSignal(target, outcome, before, previous === null, now, flap));
      else if (flap.flapping) signals.push(flappingSignal(target, outcome, before, okStreak, flap, rules.healthz_down, now));
      else if (sustainedHealth(okStreak, flap, rules.healthz_down)) healthy[HEALTHZ_RULE]!.push(target);
    }
    if (rules.tls_expiry.enabled && isHttps(urls.get(target) ?? outcome.url) && outcome.tlsDaysLeft !== null) {
      // warnDays is positive, so an expired certificate (< 0) is below it too.
      if (outcome.tlsDaysLeft < rules.tls_expiry.warnDays) signals.push(tlsSignal(target, outcome, rules.tls_expiry.warnDays, at));
      else healthy[TLS_RULE]!.push(target);
    }
  }
  if (skipped.length > 0) signals.push(blindSignal(skipped, at, input.vantage));
  const measurements: Record<string, ProbeMeasurement> = {};
  for (const { target, outcome } of probes)
    measurements[target] = { ok: outcome.ok, status: outcome.status, latencyMs: outcome.latencyMs, tlsDaysLeft: outcome.tlsDaysLeft };
  const report = withVantage({ source: 'probe', evaluatedAt: at, measurements, evaluated, healthy, signals }, input.vantage);
  return { report, next };
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
  flap: FlapVerdict,
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
    summary: oneLine(
      redactText(
        `healthz_down ${severity}: ${target} ${flap.flapping ? `${flappingText(flap)}; this round ` : ''}${why}: ${diagnosisText(outcome)}`,
      ),
    ),
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
      ...flapDetails(flap),
    }),
    runbook: PROBE_RUNBOOK_SECTION,
  };
}

/** A flapping target's good round: still firing (SEV2), so the one open incident stays open and escalates. */
function flappingSignal(
  target: string,
  outcome: TargetProbe['outcome'],
  before: TargetState | undefined,
  okStreak: number,
  flap: FlapVerdict,
  rules: FlapRules,
  now: Date,
): Signal {
  const url = displayUrl(outcome.url);
  const summary =
    `healthz_down SEV2: ${target} ${flappingText(flap)}; this round ok (HTTP ${outcome.status} in ${outcome.latencyMs} ms); ` +
    `stays open until ${rules.resolveAfterOkRounds} ok rounds in a row and no longer flapping. ` +
    `First: some replicas behind ${url} fail and others answer: kubectl get pods -n metis-gateway -o wide, then ${firstMoveFor('sick_app')}`;
  return {
    source: 'probe',
    rule: HEALTHZ_RULE,
    subject: target,
    severity: 'SEV2',
    status: 'firing',
    dedupKey: makeDedupKey(HEALTHZ_RULE, target),
    summary: oneLine(redactText(summary)),
    observedAt: now.toISOString(),
    details: redactValue({
      url,
      failure: null,
      status: outcome.status,
      latencyMs: outcome.latencyMs,
      tlsDaysLeft: outcome.tlsDaysLeft,
      detail: outcome.detail,
      diagnosis: 'flapping',
      previousRound: before ? { at: before.at, ok: before.ok } : null,
      okStreak,
      ...flapDetails(flap),
    }),
    runbook: PROBE_RUNBOOK_SECTION,
  };
}

function flappingText(flap: FlapVerdict): string {
  return `flapping: failed ${flap.failed} of ${flap.rounds} rounds in ${flap.windowMinutes} min`;
}

function flapDetails(flap: FlapVerdict): Record<string, unknown> {
  return { flapping: flap.flapping, roundsInWindow: flap.rounds, failedInWindow: flap.failed, flapWindowMinutes: flap.windowMinutes };
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

function blindSignal(skipped: HealthzRoundInput['skipped'], at: string, vantage: string | undefined): Signal {
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
        `Monitoring blind: the probe${vantage ? ` in ${vantage}` : ''} could not measure ${names.join(', ')} (${reasons}); healthz_down and tls_expiry neither fire nor resolve for ${names.length === 1 ? 'it' : 'them'}. ` +
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
