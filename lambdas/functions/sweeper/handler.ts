// The sweeper Lambda's logic (every 5 minutes): due escalations, reminders and quiet resolves of open
// incidents, deliveries still owed, and a pipeline-health signal for any detector that stopped reporting.
// A deadline's one-time schedule wakes it for one incident at the minute a target or reminder is due.
import { z } from 'zod';
import { routeSignals, sweepDeadline, sweepIncidents, type DispatchDeps, type DispatchResult } from '../../core/dispatch.ts';
import { DEADLINE_KINDS, type Deadline, type DeadlineKind } from '../../core/deadlines.ts';
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

export function makeSweeperHandler(deps: SweeperDeps): (event?: unknown) => Promise<{ deliveries: number }> {
  return async function handler(event?: unknown): Promise<{ deliveries: number }> {
    const now = deps.clock();
    const dispatch: DispatchDeps = { ...deps, now: () => now, log: (message, fields) => deps.logger.warn(message, fields) };
    const woken = deadlineOf(event);
    if (woken.kind === 'invalid') {
      // Acknowledged, not retried: a malformed wake-up cannot become valid, and the next sweep covers every incident.
      deps.logger.error('deadline event ignored: malformed', { reason: woken.reason });
      return { deliveries: 0 };
    }
    if (woken.kind === 'deadline') return wakeUp(woken.deadline, now, dispatch, deps);
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

type Woken = { kind: 'sweep' } | { kind: 'deadline'; deadline: Deadline } | { kind: 'invalid'; reason: string };

/** A `{ deadline }` payload from a one-time schedule; anything else (the 5-minute rule's event) is a full sweep. */
function deadlineOf(event: unknown): Woken {
  if (typeof event !== 'object' || event === null || !('deadline' in event)) return { kind: 'sweep' };
  const parsed = deadlineSchema.safeParse((event as { deadline: unknown }).deadline);
  return parsed.success
    ? { kind: 'deadline', deadline: parsed.data }
    : { kind: 'invalid', reason: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
}

const deadlineSchema = z.object({
  dedupKey: z.string().min(1).max(255),
  episode: z.int().positive(),
  kind: z.enum(DEADLINE_KINDS as [DeadlineKind, ...DeadlineKind[]]),
  at: z.iso.datetime({ offset: true }),
});

/** One incident's due actions at its deadline; a failed delivery fails the invocation (Scheduler retries, then the DLQ). */
async function wakeUp(deadline: Deadline, now: Date, dispatch: DispatchDeps, deps: SweeperDeps): Promise<{ deliveries: number }> {
  const result = await sweepDeadline(deadline, now, deps.options, dispatch);
  const failures = [...result.retryableFailures, ...result.permanentFailuresWithoutSignal];
  deps.logger.info('deadline', {
    dedupKey: deadline.dedupKey,
    episode: deadline.episode,
    kind: deadline.kind,
    deliveries: result.attempted.map((d) => `${d.sink} ${d.action} ${d.severity}`),
  });
  if (failures.length > 0)
    throw new DeliveryFailedError(
      `${failures.length} deliveries failed: ${failures.map((d) => `${d.sink} ${d.action} ${d.dedupKey}: ${d.error}`).join('; ')}`,
    );
  return { deliveries: result.attempted.length };
}
