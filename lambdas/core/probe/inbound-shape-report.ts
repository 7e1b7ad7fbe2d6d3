// The inbound-shape run's evaluation report: one SEV2 `inbound_shape_down:<name>` per shape that
// fails while its /healthz is up. A shape failing while /healthz is down is a symptom of healthz_down (the
// health rounds' report pages for it): no second page, and no resolve either. A shape that could not be judged (probe key
// unreadable, /healthz not measured) neither fires nor resolves: silence is never read as recovery, so the
// rule is listed as evaluated only when every shape was judged, and shapes found fine resolve explicitly.
import { redactText, redactValue } from '../redact.ts';
import { makeDedupKey, oneLine, type EvaluationReport, type Signal } from '../signal.ts';
import { GATEWAY_LOGS_COMMAND } from './diagnosis.ts';
import { INBOUND_SHAPE_REPORTER, INBOUND_SHAPE_RULE, type InboundShapeTarget, type ShapeOutcome } from './inbound-shape.ts';
import type { ProbeOutcome } from './result.ts';

export const INBOUND_SHAPE_RUNBOOK = 'Severity';

export interface ShapeCheck {
  target: InboundShapeTarget;
  /** The gating health target's name, or null without one. */
  healthTarget: string | null;
  /** Its probe this run; null when it could not be measured (e.g. its header parameter unreadable). */
  health: ProbeOutcome | null;
  /** The shape probe, or why it was not sent. */
  outcome: ShapeOutcome | { skipped: string };
}

/** `shape_down` fires; `healthz_down` is the health rounds' outage (healthz-report.ts); `not_judged` neither fires nor resolves. */
export type ShapeVerdict = 'ok' | 'shape_down' | 'healthz_down' | 'not_judged';

export interface ShapeRunResult {
  report: EvaluationReport;
  /** Per shape, for the log line and the dashboard's Logs Insights query. */
  verdicts: {
    name: string;
    shape: string;
    verdict: ShapeVerdict;
    failure: string | null;
    status: number | null;
    latencyMs: number | null;
    reason: string | null;
  }[];
}

export function inboundShapeReport(checks: readonly ShapeCheck[], now: Date): ShapeRunResult {
  const at = now.toISOString();
  const signals: Signal[] = [];
  const verdicts: ShapeRunResult['verdicts'] = [];
  let allJudged = true;
  for (const check of checks) {
    const { target } = check;
    if ('skipped' in check.outcome) {
      allJudged = false;
      verdicts.push({
        name: target.name,
        shape: target.shape,
        verdict: 'not_judged',
        failure: null,
        status: null,
        latencyMs: null,
        reason: check.outcome.skipped,
      });
      continue;
    }
    const outcome = check.outcome;
    const base = { name: target.name, shape: target.shape, failure: outcome.failure, status: outcome.status, latencyMs: outcome.latencyMs };
    if (outcome.ok) {
      verdicts.push({ ...base, verdict: 'ok', reason: null });
      signals.push(shapeSignal(check, outcome, at, 'resolved'));
      continue;
    }
    if (check.healthTarget !== null && check.health === null) {
      allJudged = false;
      verdicts.push({ ...base, verdict: 'not_judged', reason: `/healthz of ${check.healthTarget} not measured` });
      continue;
    }
    if (check.health !== null && !check.health.ok) {
      // healthz_down owns this outage; the shape incident neither opens nor resolves.
      allJudged = false;
      verdicts.push({ ...base, verdict: 'healthz_down', reason: `${check.healthTarget} /healthz is failing too (healthz_down covers it)` });
      continue;
    }
    verdicts.push({ ...base, verdict: 'shape_down', reason: outcome.detail });
    signals.push(shapeSignal(check, outcome, at, 'firing'));
  }
  return {
    report: {
      source: 'probe',
      reporter: INBOUND_SHAPE_REPORTER,
      evaluatedAt: at,
      evaluated: allJudged && checks.length > 0 ? [INBOUND_SHAPE_RULE] : [],
      signals,
    },
    verdicts,
  };
}

function shapeSignal(check: ShapeCheck, outcome: ShapeOutcome, at: string, status: Signal['status']): Signal {
  const { target } = check;
  const gate = check.healthTarget ? ` while /healthz of ${check.healthTarget} is up` : '';
  const summary =
    status === 'resolved'
      ? `Inbound shape ${target.shape} (${target.name}) answers again: HTTP ${outcome.status} in ${outcome.latencyMs} ms`
      : `Inbound shape ${target.shape} (${target.name}) down${gate}: POST ${outcome.url} ${outcome.detail ?? outcome.failure}. First: ${firstMove(outcome)}`;
  return {
    source: 'probe',
    rule: INBOUND_SHAPE_RULE,
    subject: target.name,
    severity: 'SEV2',
    status,
    dedupKey: makeDedupKey(INBOUND_SHAPE_RULE, target.name),
    summary: oneLine(redactText(summary)),
    observedAt: at,
    details: redactValue({
      shape: target.shape,
      url: outcome.url,
      model: target.model,
      failure: outcome.failure,
      status: outcome.status,
      latencyMs: outcome.latencyMs,
      detail: outcome.detail,
      healthTarget: check.healthTarget,
      healthStatus: check.health?.status ?? null,
    }) as Record<string, unknown>,
    runbook: INBOUND_SHAPE_RUNBOOK,
  };
}

/** Where to look, by how the shape failed (the runbook's triage: 5xx = app logs, timeout = ingress). */
export function firstMove(outcome: Pick<ShapeOutcome, 'failure' | 'status'>): string {
  switch (outcome.failure) {
    case 'shape':
      return `the gateway answered 2xx in another format: check its adapter for this shape in the app logs (${GATEWAY_LOGS_COMMAND}) and the last deploy (helm rollback metis-gateway)`;
    case 'timeout':
    case 'connection':
      return 'the route for this path is not reached while /healthz is: check the ingress rule for the path and its upstream timeouts';
    case 'tls':
      return "check the certificate served for this path's host";
    default: {
      const status = outcome.status ?? 0;
      if (status === 401 || status === 403)
        return "the probe key (headersFromSsm) was refused: check it is not revoked and allows the probe's model (--allow-model)";
      if (status === 404 || status === 405) return 'the path is not routed: check the ingress rule and the gateway version for this shape';
      return `check the app logs for this endpoint: ${GATEWAY_LOGS_COMMAND}`;
    }
  }
}
