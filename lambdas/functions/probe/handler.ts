// The probe Lambda's logic (docs/architecture.md, Parts): every minute, probe every target, wait until 30 s
// after the first round started, probe again, so each target gets two datapoints a minute in consecutive
// 30 s periods. Results go out as EMF metrics (Failed, TlsDaysLeft per Target) that the high-
// resolution alarms page on; there is no evaluation report. One ProbeHeartbeat per run in which every
// target was probed feeds the "monitoring blind" alarm.
import type { Logger } from '../../core/logger.ts';
import type { MetricsPublisher } from '../../core/metric-point.ts';
import { heartbeatMetricPoint, probeMetricPoints } from '../../core/probe/metric-points.ts';
import type { HealthTarget, ProbeOutcome } from '../../core/probe/result.ts';
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
  metrics: MetricsPublisher;
  logger: Logger;
  /** From the start of one round to the start of the next. @default 30000 */
  spacingMs?: number;
  /** @default 2 */
  rounds?: number;
}

export interface ProbeRunOutcome {
  rounds: TargetProbe[][];
  /** Targets that could not be probed in some round (header parameter unreadable, prober bug). */
  skipped: { target: string; round: number; reason: string }[];
  /** False when a target was skipped: the run did not measure everything, so it does not count as alive. */
  heartbeat: boolean;
  summary: ProbeRunSummary;
}

export function makeProbeHandler(deps: ProbeHandlerDeps): () => Promise<ProbeRunOutcome> {
  const spacingMs = deps.spacingMs ?? 30_000;
  const roundCount = deps.rounds ?? 2;

  async function probeTarget(target: HealthTarget, round: number, skipped: ProbeRunOutcome['skipped']): Promise<TargetProbe | undefined> {
    let headers: Record<string, string>;
    try {
      headers = await deps.headers(target.headersFromSsm);
    } catch (error) {
      // The message names the parameter, never a value (SsmProbeHeaders). No Failed datapoint: the target
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

  return async function handler(): Promise<ProbeRunOutcome> {
    const rounds: TargetProbe[][] = [];
    const skipped: ProbeRunOutcome['skipped'] = [];
    for (let round = 1; round <= roundCount; round++) {
      const startedAt = deps.clock();
      const probes = (await Promise.all(deps.targets.map((target) => probeTarget(target, round, skipped)))).filter(
        (probe): probe is TargetProbe => probe !== undefined,
      );
      rounds.push(probes);
      deps.metrics(probes.flatMap((probe) => probeMetricPoints(probe.target, probe.outcome, startedAt)));
      for (const probe of probes) {
        const record = probeLogRecord(probe, round);
        if (probe.outcome.ok) deps.logger.info('probe ok', { ...record });
        else deps.logger.warn('probe failed', { ...record });
      }
      if (round < roundCount) {
        const wait = spacingMs - (deps.clock().getTime() - startedAt.getTime());
        if (wait > 0) await deps.sleep(wait);
      }
    }
    const heartbeat = skipped.length === 0;
    if (heartbeat) deps.metrics([heartbeatMetricPoint(deps.clock())]);
    const summary = probeRunSummary(rounds);
    deps.logger.info('probe run', { summary: summary.line, failing: summary.failing, heartbeat, skipped: skipped.length });
    return { rounds, skipped, heartbeat, summary };
  };
}
