// The probe Lambda's inbound-shape run, on its own schedule (every rules.inbound_shape_down.
// scheduleMinutes, default 5): one GET of each gating /healthz, one one-token request per shape, and an
// evaluation report on the bus (lambdas/core/probe/inbound-shape-report.ts decides inbound_shape_down,
// gateway-down.ts gateway_down from this run and the previous one's state item). No custom metric: the
// per-shape log line ("inbound shape") is what the on-call dashboard queries.
import type { Config } from '../../core/config.ts';
import type { ReportPublisher } from '../../core/ports.ts';
import { gatewayDown, withGatewayDown } from '../../core/probe/gateway-down.ts';
import type { StateItemStore } from '../../core/probe/probe-state.ts';
import { EMPTY_SHAPE_RUN_STATE, type ShapeRunState } from '../../core/probe/shape-run-state.ts';
import { inboundShapeReport, type ShapeCheck, type ShapeRunResult } from '../../core/probe/inbound-shape-report.ts';
import { shapeHealthTarget, type InboundShapeTarget, type ShapeOutcome } from '../../core/probe/inbound-shape.ts';
import type { HealthTarget, ProbeOutcome } from '../../core/probe/result.ts';
import type { ShapeProbeRequest } from '../../adapters/http-shape-prober.ts';
import type { ProbeCall, ProbeHandlerDeps } from './handler.ts';
import { errorMessage } from '../../core/errors.ts';
import { withVantage } from '../../core/probe/vantages.ts';

export interface InboundShapeHandlerDeps {
  shapes: readonly InboundShapeTarget[];
  healthTargets: readonly HealthTarget[];
  probeShape: (request: ShapeProbeRequest) => Promise<ShapeOutcome>;
  probeHealth: (call: ProbeCall) => Promise<ProbeOutcome>;
  headers: ProbeHandlerDeps['headers'];
  publisher: ReportPublisher;
  clock: () => Date;
  logger: ProbeHandlerDeps['logger'];
  /** The previous run's per-shape failure counts (DynamoDbShapeRunState): gateway_down needs two runs in a row. */
  state: StateItemStore<ShapeRunState>;
  rules: Pick<Config['rules'], 'gateway_down'>;
  /** The AWS region this run probes from (docs/vantages.md): named on its report and signals. */
  vantage?: string | undefined;
}

export function makeInboundShapeHandler(deps: InboundShapeHandlerDeps): () => Promise<ShapeRunResult> {
  async function health(target: HealthTarget): Promise<ProbeOutcome | null> {
    try {
      const headers = await deps.headers(target.headersFromSsm);
      return await deps.probeHealth({
        url: target.url,
        timeoutMs: target.timeoutMs,
        headers,
        expectStatus: target.expectStatus,
        bodyContains: target.bodyContains,
      });
    } catch (error) {
      deps.logger.error('inbound shapes: /healthz not measured', { target: target.name, reason: errorMessage(error) });
      return null;
    }
  }

  async function shape(target: InboundShapeTarget): Promise<ShapeOutcome | { skipped: string }> {
    let headers: Record<string, string>;
    try {
      headers = await deps.headers(target.headersFromSsm);
    } catch (error) {
      // Our missing probe key is not the gateway's outage: not judged, logged by parameter name only.
      return { skipped: errorMessage(error) };
    }
    try {
      return await deps.probeShape({ url: target.url, shape: target.shape, model: target.model, timeoutMs: target.timeoutMs, headers });
    } catch (error) {
      return { skipped: `prober failed: ${errorMessage(error)}` };
    }
  }

  /** Null when unreadable: every failure then counts as a first one (gateway_down waits a run; never early). */
  async function previousState(): Promise<ShapeRunState | null> {
    try {
      return (await deps.state.read()) ?? EMPTY_SHAPE_RUN_STATE;
    } catch (error) {
      deps.logger.error('shape run state unreadable: gateway_down counts failures from this run', { reason: errorMessage(error) });
      return null;
    }
  }

  return async function handler(): Promise<ShapeRunResult> {
    const now = deps.clock();
    const gates = new Map(deps.shapes.map((s) => [s.name, shapeHealthTarget(s, deps.healthTargets)]));
    const gateTargets = [...new Set([...gates.values()].filter((t): t is HealthTarget => t !== undefined))];
    const [healthResults, outcomes] = await Promise.all([
      Promise.all(gateTargets.map((t) => health(t))),
      Promise.all(deps.shapes.map((s) => shape(s))),
    ]);
    const healthByName = new Map(gateTargets.map((t, i) => [t.name, healthResults[i] ?? null]));
    const checks: ShapeCheck[] = deps.shapes.map((target, i) => {
      const gate = gates.get(target.name);
      return {
        target,
        healthTarget: gate?.name ?? null,
        health: gate ? (healthByName.get(gate.name) ?? null) : null,
        outcome: outcomes[i]!,
      };
    });
    const shapes = inboundShapeReport(checks, now);
    const verdict = gatewayDown(checks, await previousState(), deps.rules, now);
    const result: ShapeRunResult = { ...shapes, report: withVantage(withGatewayDown(shapes.report, verdict), deps.vantage) };
    try {
      await deps.state.write(verdict.next);
    } catch (error) {
      // The report still goes out; the next run counts from an older state (gateway_down may fire a run later).
      deps.logger.error('shape run state not written: gateway_down may fire one run late', { reason: errorMessage(error) });
    }
    for (const verdict of result.verdicts) {
      const log = verdict.verdict === 'ok' ? deps.logger.info : verdict.verdict === 'not_judged' ? deps.logger.error : deps.logger.warn;
      log.call(deps.logger, 'inbound shape', { ...verdict });
    }
    await deps.publisher.publish(result.report);
    return result;
  };
}
