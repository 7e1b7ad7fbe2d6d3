// gateway_down from the inbound-shape run: every configured shape failed two runs in a row is the runbook's
// "total gateway outage" (SEV1), whatever /healthz says: a gateway whose /healthz answers 200 while no client
// API shape is served is down for every customer. One shape down stays inbound_shape_down (SEV2,
// inbound-shape-report.ts). Resolves when a run finds any shape answering. Pure: the run's checks and the
// previous run's state come in.
import type { Config } from '../config.ts';
import { redactText, redactValue } from '../redact.ts';
import { makeDedupKey, oneLine, type EvaluationReport, type Signal } from '../signal.ts';
import { GATEWAY_LOGS_COMMAND } from './diagnosis.ts';
import type { ShapeCheck } from './inbound-shape-report.ts';
import type { ShapeOutcome } from './inbound-shape.ts';
import type { ShapeRunState } from './shape-run-state.ts';

export const GATEWAY_DOWN_RULE = 'gateway_down';
/** Failed runs in a row every shape needs before the outage is total (one run may be a blip). */
export const GATEWAY_DOWN_RUNS = 2;
export const GATEWAY_DOWN_RUNBOOK = 'Severity';

export interface GatewayDownResult {
  signals: Signal[];
  /** [gateway_down] when this run could tell (a shape answered, or every shape was judged). */
  evaluated: string[];
  healthy: Record<string, string[]>;
  /** What the next run reads. */
  next: ShapeRunState;
}

/** The health target every shape is gated by, or `gateway` (shapes of several targets, or none). */
export function gatewaySubject(checks: readonly Pick<ShapeCheck, 'healthTarget'>[]): string {
  const names = new Set(checks.map((c) => c.healthTarget));
  const [only] = [...names];
  return names.size === 1 && only ? only : 'gateway';
}

export function gatewayDown(
  checks: readonly ShapeCheck[],
  previous: ShapeRunState | null,
  rules: Pick<Config['rules'], 'gateway_down'>,
  now: Date,
): GatewayDownResult {
  const at = now.toISOString();
  const next: ShapeRunState = { shapes: {} };
  const judged: { check: ShapeCheck; outcome: ShapeOutcome; failedRuns: number }[] = [];
  for (const check of checks) {
    const name = check.target.name;
    const before = previous?.shapes[name];
    if ('skipped' in check.outcome) {
      // Not measured (our probe key unreadable): neither a failure nor a recovery; the count carries over.
      if (before) next.shapes[name] = before;
      continue;
    }
    const failedRuns = check.outcome.ok ? 0 : (before?.failedRuns ?? 0) + 1;
    next.shapes[name] = { at, failedRuns };
    judged.push({ check, outcome: check.outcome, failedRuns });
  }
  if (!rules.gateway_down.enabled || checks.length === 0) return { signals: [], evaluated: [], healthy: {}, next };
  const subject = gatewaySubject(checks);
  if (judged.some((j) => j.outcome.ok))
    return { signals: [], evaluated: [GATEWAY_DOWN_RULE], healthy: { [GATEWAY_DOWN_RULE]: [subject] }, next };
  if (judged.length < checks.length) return { signals: [], evaluated: [], healthy: {}, next };
  const total = judged.every((j) => j.failedRuns >= GATEWAY_DOWN_RUNS);
  return {
    signals: total ? [gatewayDownSignal(subject, judged, checks, at)] : [],
    evaluated: [GATEWAY_DOWN_RULE],
    healthy: { [GATEWAY_DOWN_RULE]: [] },
    next,
  };
}

/** The shape run's report with gateway_down's verdict added. */
export function withGatewayDown(report: EvaluationReport, verdict: GatewayDownResult): EvaluationReport {
  return {
    ...report,
    evaluated: [...report.evaluated, ...verdict.evaluated],
    healthy: { ...report.healthy, ...verdict.healthy },
    signals: [...report.signals, ...verdict.signals],
  };
}

function gatewayDownSignal(
  subject: string,
  judged: { check: ShapeCheck; outcome: ShapeOutcome; failedRuns: number }[],
  checks: readonly ShapeCheck[],
  at: string,
): Signal {
  const each = judged
    .map(({ check, outcome }) => `${check.target.shape} (${check.target.name}): ${outcome.detail ?? outcome.failure}`)
    .join('; ');
  const health = [...new Map(checks.filter((c) => c.healthTarget).map((c) => [c.healthTarget!, c.health])).entries()];
  const green = health.filter(([, h]) => h?.ok).map(([name]) => name);
  const healthText = green.length > 0 ? ` while /healthz of ${green.join(', ')} answers ok` : '';
  const summary =
    `gateway_down SEV1: total gateway outage: every inbound shape failed ${GATEWAY_DOWN_RUNS} runs in a row${healthText} (${each}). ` +
    `First: no client can call the gateway; read the app logs (${GATEWAY_LOGS_COMMAND}), roll back the last deploy if it is recent (helm rollback metis-gateway), check the ingress routes for the API paths`;
  return {
    source: 'probe',
    rule: GATEWAY_DOWN_RULE,
    subject,
    severity: 'SEV1',
    status: 'firing',
    dedupKey: makeDedupKey(GATEWAY_DOWN_RULE, subject),
    summary: oneLine(redactText(summary)),
    observedAt: at,
    details: redactValue({
      cause: 'every inbound shape failing',
      shapes: judged.map(({ check, outcome, failedRuns }) => ({
        name: check.target.name,
        shape: check.target.shape,
        url: outcome.url,
        status: outcome.status,
        failure: outcome.failure,
        latencyMs: outcome.latencyMs,
        detail: outcome.detail,
        failedRuns,
      })),
      healthz: health.map(([name, h]) => ({ target: name, ok: h?.ok ?? null, status: h?.status ?? null })),
    }) as Record<string, unknown>,
    runbook: GATEWAY_DOWN_RUNBOOK,
  };
}
