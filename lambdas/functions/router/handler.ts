// The router Lambda's logic with its adapters injected (makeRouterHandler(deps)): parse the event,
// call core, hand the results to the adapters. Wiring from the environment lives in deps.ts.
import { alarmSignal, noteSuppressedAlarm } from '../../core/alarm-signal.ts';
import { correlate, CORRELATED_SOURCES, needsCorrelation } from '../../core/correlate.ts';
import { routeSignals, type DispatchDeps, type DispatchResult } from '../../core/dispatch.ts';
import type { AlarmTagReader, DeadLetterSink, ReportHeartbeats } from '../../core/ports.ts';
import { InvalidReportError, parseReport, signalsFromReport } from '../../core/report-signals.ts';
import { heartbeatKey } from '../../core/source-health.ts';
import { classifyRouterEvent } from '../../core/router-event.ts';
import type { Logger } from '../../core/logger.ts';
import type { Incident } from '../../core/incident.ts';
import type { Signal } from '../../core/signal.ts';
import { MetisError } from '../../core/errors.ts';
import type { VantageRoundStore } from '../../core/probe/vantage-round.ts';
import { vantageProblem, voteSettingsOf, voteWithStore, withHomeVantage } from '../../core/probe/vote.ts';

export interface RouterHandlerDeps extends Omit<DispatchDeps, 'now' | 'log'> {
  clock: () => Date;
  deadLetter: DeadLetterSink;
  alarmTags: AlarmTagReader;
  logger: Logger;
  /** Remembers each source's last report so the sweeper can tell a stopped detector from a quiet one. */
  heartbeats?: ReportHeartbeats;
  /** Each probe vantage's latest round per target, for the vote across vantages (probe/vote.ts). */
  vantageRounds?: VantageRoundStore;
  /** The region the router runs in: the vantage of probe reports that name none. */
  homeRegion?: string;
}

export type RouterOutcome =
  | { status: 'routed'; signals: number; deliveries: number }
  | { status: 'ignored'; reason: string }
  /** CloudWatch holds a composite alarm's actions: written on the open incident's timeline (if any) and logged, not paged. */
  | { status: 'recorded'; reason: string }
  | { status: 'dead-lettered'; reason: string };

/** Thrown when a delivery failed but may succeed later: Lambda retries the event, then parks it in the DLQ. */
export class DeliveryFailedError extends MetisError {
  override readonly name = 'DeliveryFailedError';
}

export function makeRouterHandler(deps: RouterHandlerDeps): (event: unknown) => Promise<RouterOutcome> {
  const dispatchDeps: DispatchDeps = {
    ...deps,
    now: () => deps.clock(),
    log: (message, fields) => deps.logger.warn(message, fields),
  };

  async function deadLetter(event: unknown, reason: string): Promise<RouterOutcome> {
    // Parked with its reason and acknowledged: a poison event must not be retried for hours.
    deps.logger.error('event sent to the dead-letter queue', { reason });
    await deps.deadLetter.send(event, reason);
    return { status: 'dead-lettered', reason };
  }

  async function route(signals: Signal[]): Promise<RouterOutcome> {
    const result: DispatchResult = await routeSignals(signals, dispatchDeps);
    const failures = [...result.retryableFailures, ...result.permanentFailuresWithoutSignal];
    if (failures.length > 0) {
      const failed = failures.map((d) => `${d.sink} ${d.action} ${d.dedupKey}: ${d.error}`).join('; ');
      throw new DeliveryFailedError(`${failures.length} deliveries failed (retried by Lambda, then parked in the DLQ): ${failed}`);
    }
    deps.logger.info('routed', {
      signals: signals.length,
      deliveries: result.attempted.map((d) => `${d.sink} ${d.action} ${d.severity} ${d.dedupKey}`),
    });
    return { status: 'routed', signals: signals.length, deliveries: result.attempted.length };
  }

  async function recordSuppressed(dedupKey: string, reason: string): Promise<RouterOutcome> {
    deps.logger.info('alarm actions suppressed by CloudWatch', { dedupKey, reason });
    for (let attempt = 0; attempt < 3; attempt++) {
      const existing = await deps.store.get(dedupKey);
      const next = noteSuppressedAlarm(existing, reason, deps.clock());
      if (!next || (await deps.store.put(next, existing!.version))) break;
    }
    return { status: 'recorded', reason };
  }

  /** Signals whose causes span sources (gateway_down from traffic_stopped + inbound_shape_down), routed after them. */
  async function derived(signals: Signal[], openOfSource: Incident[], source: Signal['source']): Promise<Signal[]> {
    if (!needsCorrelation(signals)) return [];
    const others = await Promise.all(CORRELATED_SOURCES.filter((s) => s !== source).map((s) => deps.store.listOpen(s)));
    return correlate(signals, [...openOfSource, ...others.flat()], deps.settings.correlation);
  }

  const vote = voteSettingsOf(deps.settings.probes, deps.homeRegion);

  return async function handler(event: unknown): Promise<RouterOutcome> {
    const classified = classifyRouterEvent(event);
    switch (classified.kind) {
      case 'unknown':
        return deadLetter(event, classified.reason);
      case 'report': {
        let parsed: ReturnType<typeof parseReport>;
        try {
          parsed = parseReport(classified.detail);
        } catch (error) {
          if (error instanceof InvalidReportError) return deadLetter(event, error.message);
          throw error;
        }
        const { rejected } = parsed;
        // A report from a region that is not a configured vantage would vote wrong: parked, with what to do.
        const foreign = vantageProblem(parsed.report, vote);
        if (foreign) return deadLetter(event, foreign);
        const sent = withHomeVantage(parsed.report, vote);
        await deps.heartbeats?.record(heartbeatKey(sent), sent.evaluatedAt);
        if (rejected.length > 0) {
          await deps.deadLetter.send(
            { source: sent.source, evaluatedAt: sent.evaluatedAt, rejected },
            `${rejected.length} invalid signal(s) in a ${sent.source} report: ${rejected[0]!.reason}`,
          );
          deps.logger.error('invalid signals sent to the dead-letter queue', { reasons: rejected.map((r) => r.reason) });
        }
        // With several vantages, healthz_down is their vote, not this vantage's verdict alone.
        const report = deps.vantageRounds ? await voteWithStore(sent, deps.vantageRounds, vote) : sent;
        // Its open incidents, and a person's resolve waiting for its reopen check (it hears healthy verdicts too).
        const watched = await deps.store.listWatched(report.source);
        const open = watched.filter((incident) => incident.status === 'open');
        const signals = signalsFromReport(report, watched, rulesOf(rejected, report.evaluated));
        return route([...signals, ...(await derived(signals, open, report.source))]);
      }
      case 'alarm': {
        const arn = classified.event.resources[0]!;
        const result = alarmSignal(classified.event, await deps.alarmTags.tagsOf(arn));
        if (result.kind === 'ignored') {
          deps.logger.info('alarm ignored', { reason: result.reason });
          return { status: 'ignored', reason: result.reason };
        }
        if (result.kind === 'suppressed') return recordSuppressed(result.signal.dedupKey, result.reason);
        return route([result.signal]);
      }
    }
  };
}

/** Rules whose incidents this report must not resolve: those of invalid signals; all of them if one has no readable rule. */
function rulesOf(rejected: { signal: unknown }[], evaluated: string[]): string[] {
  const rules = rejected.map((r) => (r.signal as { rule?: unknown } | null)?.rule);
  return rules.every((rule): rule is string => typeof rule === 'string') ? rules : evaluated;
}
