// The sweeper Lambda's logic (every 5 minutes): due escalations, reminders and quiet resolves of open
// incidents, deliveries still owed, and a pipeline-health signal for any detector that stopped reporting.
import { routeSignals, sweepIncidents, type DispatchDeps, type DispatchResult } from '../../core/dispatch.ts';
import { postDueDigests } from '../../core/digest.ts';
import type { ReportHeartbeats } from '../../core/ports.ts';
import { heartbeatKeysOf, sourceHealthSignals, watchPlan, type SourceExpectation } from '../../core/source-health.ts';
import type { SweepOptions } from '../../core/sweep-policy.ts';
import type { Logger } from '../../core/logger.ts';
import { DeliveryFailedError } from '../router/handler.ts';
import { DASHBOARD_MESSAGES, openIncidentsRecord } from '../../core/dashboard/log-records.ts';

export interface SweeperDeps extends Omit<DispatchDeps, 'now' | 'log'> {
  clock: () => Date;
  heartbeats: ReportHeartbeats;
  expectedSources: SourceExpectation[];
  options: SweepOptions;
  logger: Logger;
}

export function makeSweeperHandler(deps: SweeperDeps): () => Promise<{ deliveries: number }> {
  return async function handler(): Promise<{ deliveries: number }> {
    const now = deps.clock();
    const dispatch: DispatchDeps = { ...deps, now: () => now, log: (message, fields) => deps.logger.warn(message, fields) };
    const swept: DispatchResult = await sweepIncidents(now, deps.options, dispatch);
    const last = await deps.heartbeats.lastReports(heartbeatKeysOf(deps.expectedSources));
    // The sweeper's first run (and its first for a newly expected run) starts the clock for what never reported.
    const plan = watchPlan(deps.expectedSources, last, now);
    for (const mark of plan.record) await deps.heartbeats.record(mark.key, mark.at);
    const health = await routeSignals(sourceHealthSignals(last, deps.expectedSources, now, plan.since), dispatch);
    // Yesterday's SEV4 digests, each posted to chatops once.
    const digests = deps.digests
      ? await postDueDigests(now, { digests: deps.digests, chatops: deps.notifiers.chatops, settings: deps.settings })
      : undefined;
    if (digests?.posted.length) deps.logger.info('digests posted', { digests: digests.posted });
    const attempted = [...swept.attempted, ...health.attempted];
    const failures = [
      ...swept.retryableFailures,
      ...swept.permanentFailuresWithoutSignal,
      ...health.retryableFailures,
      ...health.permanentFailuresWithoutSignal,
      ...(digests?.failed ?? []).map((f) => ({ sink: 'chatops', action: 'digest', dedupKey: f.id, error: f.reason })),
    ];
    deps.logger.info('swept', { deliveries: attempted.map((d) => `${d.sink} ${d.action} ${d.severity} ${d.dedupKey}`) });
    // The on-call dashboard's "open incidents by severity" (Logs Insights, no custom metric).
    deps.logger.info(DASHBOARD_MESSAGES.openIncidents, openIncidentsRecord(await deps.store.listOpen()));
    // The next sweep in 5 minutes retries what failed; failing the invocation makes the errors alarm see it.
    if (failures.length > 0)
      throw new DeliveryFailedError(
        `${failures.length} deliveries failed: ${failures.map((d) => `${d.sink} ${d.action} ${d.dedupKey}: ${d.error}`).join('; ')}`,
      );
    return { deliveries: attempted.length };
  };
}
