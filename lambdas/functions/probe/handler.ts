// The probe Lambda's logic (docs/architecture.md, Parts): every minute, probe every target, wait until 30 s
// after the first round started, probe again (or, with the second-round queue, one round per invocation:
// split-rounds.ts). Each round puts one evaluation report on the bus (lambdas/core/probe/healthz-report.ts
// decides: healthz_down, tls_expiry, monitoring_blind) and leaves its per-target state for the next round.
// No custom metric: the per-target log line ("probe ok" / "probe failed") is what the dashboard queries.
import type { Config } from '../../core/config.ts';
import type { Logger } from '../../core/logger.ts';
import type { ReportPublisher } from '../../core/ports.ts';
import { healthzRoundReport } from '../../core/probe/healthz-report.ts';
import { EMPTY_PROBE_STATE, type ProbeState, type ProbeStateStore } from '../../core/probe/probe-state.ts';
import type { HealthTarget, ProbeOutcome } from '../../core/probe/result.ts';
import type { EvaluationReport } from '../../core/signal.ts';
import { probeLogRecord, probeRunSummary, type ProbeRunSummary, type TargetProbe } from '../../core/probe/summary.ts';
import { errorMessage } from '../../core/errors.ts';

export interface ProbeCall {
  url: string;
  timeoutMs: number;
  headers: Record<string, string>;
  expectStatus?: readonly number[] | undefined;
  bodyContains?: string | undefined;
}

export interface ProbeHandlerDeps {
  targets: readonly HealthTarget[];
  /** The prober (HttpProber.probe): answers a ProbeOutcome for whatever the target does. */
  probe: (call: ProbeCall) => Promise<ProbeOutcome>;
  /** headersFromSsm -> header values (SsmProbeHeaders.headersFor); throws when a parameter cannot be read. */
  headers: (headersFromSsm: HealthTarget['headersFromSsm']) => Promise<Record<string, string>>;
  sleep: (ms: number) => Promise<void>;
  clock: () => Date;
  /** Where each round's report goes (EventBridgeReportPublisher); a failed publish throws out of the handler. */
  publisher: ReportPublisher;
  /** The previous round's per-target state (DynamoDbProbeState). */
  state: ProbeStateStore;
  /** rules.healthz_down and rules.tls_expiry. */
  rules: Pick<Config['rules'], 'healthz_down' | 'tls_expiry'>;
  logger: Logger;
  /** The AWS region this probe runs in (a vantage, docs/vantages.md): on every report, signal and log line. */
  vantage?: string | undefined;
  /** From the start of one round to the start of the next. @default 30000 */
  spacingMs?: number;
  /** @default 2 */
  rounds?: number;
}

export interface ProbeRunOutcome {
  rounds: TargetProbe[][];
  /** Targets that could not be probed in some round (header parameter unreadable, prober bug). */
  skipped: { target: string; round: number; reason: string }[];
  /** False when a target was skipped: the run did not measure everything (the reports fire monitoring_blind). */
  heartbeat: boolean;
  summary: ProbeRunSummary;
  /** One per round, as published. */
  reports: EvaluationReport[];
}

export function makeProbeHandler(deps: ProbeHandlerDeps): () => Promise<ProbeRunOutcome> {
  const spacingMs = deps.spacingMs ?? 30_000;
  const roundCount = deps.rounds ?? 2;

  async function probeTarget(target: HealthTarget, round: number, skipped: ProbeRunOutcome['skipped']): Promise<TargetProbe | undefined> {
    let headers: Record<string, string>;
    try {
      headers = await deps.headers(target.headersFromSsm);
    } catch (error) {
      // The message names the parameter, never a value (SsmProbeHeaders). Not a healthz failure: the target
      // was not measured, and paging healthz_down for our own missing secret would send on-call the wrong way.
      const reason = errorMessage(error);
      skipped.push({ target: target.name, round, reason });
      deps.logger.error('probe skipped: headers unavailable', { target: target.name, round, reason });
      return undefined;
    }
    try {
      const outcome = await deps.probe({
        url: target.url,
        timeoutMs: target.timeoutMs,
        headers,
        expectStatus: target.expectStatus,
        bodyContains: target.bodyContains,
      });
      return { target: target.name, outcome };
    } catch (error) {
      const reason = `prober failed: ${errorMessage(error)}`;
      skipped.push({ target: target.name, round, reason });
      deps.logger.error('probe skipped: prober failed', { target: target.name, round, reason });
      return undefined;
    }
  }

  /** The previous round's state; null when it cannot be read (the round still reports: failures as SEV2). */
  async function previousState(): Promise<ProbeState | null> {
    try {
      return (await deps.state.read()) ?? EMPTY_PROBE_STATE;
    } catch (error) {
      deps.logger.error('probe state unreadable: failures this round page SEV2, not SEV1', { reason: errorMessage(error) });
      return null;
    }
  }

  async function oneRound(
    round: number,
    startedAt: Date,
    rounds: TargetProbe[][],
    skipped: ProbeRunOutcome['skipped'],
  ): Promise<EvaluationReport> {
    const roundSkipped: ProbeRunOutcome['skipped'] = [];
    const [previous, results] = await Promise.all([
      previousState(),
      Promise.all(deps.targets.map((target) => probeTarget(target, round, roundSkipped))),
    ]);
    const probes = results.filter((probe): probe is TargetProbe => probe !== undefined);
    rounds.push(probes);
    skipped.push(...roundSkipped);
    for (const probe of probes) {
      const record = { ...probeLogRecord(probe, round), ...(deps.vantage ? { vantage: deps.vantage } : {}) };
      if (probe.outcome.ok) deps.logger.info('probe ok', { ...record });
      else deps.logger.warn('probe failed', { ...record });
    }
    const { report, next } = healthzRoundReport({
      targets: deps.targets,
      probes,
      skipped: roundSkipped,
      previous,
      rules: deps.rules,
      now: startedAt,
      vantage: deps.vantage,
    });
    try {
      await deps.state.write(next);
    } catch (error) {
      // The report still goes out; the next round reads an older state, so a second failure may page SEV2, not SEV1.
      deps.logger.error('probe state not written: the next round may page a second failure as SEV2', { reason: errorMessage(error) });
    }
    // Throws on failure: the invocation fails (Errors alarm) rather than losing an alert.
    await deps.publisher.publish(report);
    return report;
  }

  return async function handler(): Promise<ProbeRunOutcome> {
    const rounds: TargetProbe[][] = [];
    const skipped: ProbeRunOutcome['skipped'] = [];
    const reports: EvaluationReport[] = [];
    for (let round = 1; round <= roundCount; round++) {
      const startedAt = deps.clock();
      reports.push(await oneRound(round, startedAt, rounds, skipped));
      if (round < roundCount) {
        const wait = spacingMs - (deps.clock().getTime() - startedAt.getTime());
        if (wait > 0) await deps.sleep(wait);
      }
    }
    const heartbeat = skipped.length === 0;
    const summary = probeRunSummary(rounds);
    deps.logger.info('probe run', { summary: summary.line, failing: summary.failing, heartbeat, skipped: skipped.length });
    return { rounds, skipped, heartbeat, summary, reports };
  };
}
