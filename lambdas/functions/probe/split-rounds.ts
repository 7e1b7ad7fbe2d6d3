// The probe run without a Lambda sleeping between its rounds: the scheduled invocation probes once and
// asks SQS to deliver a message `spacing` later (DelaySeconds); that delivery invokes the function again
// for the second round. Only the probing is billed. If the message cannot be sent, the run falls back to
// sleeping and probing in-process, so the second datapoint is never lost.
import type { RoundScheduler } from '../../core/probe/round-scheduler.ts';
import { makeProbeHandler, type ProbeHandlerDeps, type ProbeRunOutcome } from './handler.ts';
import { errorMessage } from '../../core/errors.ts';

export interface SplitRoundDeps extends Omit<ProbeHandlerDeps, 'rounds'> {
  /** Sends the "second round" message (lambdas/adapters/sqs-round-scheduler.ts). */
  scheduler: RoundScheduler;
}

/** An SQS delivery (the delayed second round) rather than the EventBridge schedule. */
export function isQueueDelivery(event: unknown): boolean {
  const records = (event as { Records?: { eventSource?: unknown }[] } | null)?.Records;
  return Array.isArray(records) && records.length > 0 && records.every((r) => r?.eventSource === 'aws:sqs');
}

export function makeSplitRoundHandler(deps: SplitRoundDeps): (event: unknown) => Promise<ProbeRunOutcome> {
  const spacingMs = deps.spacingMs ?? 30_000;
  const oneRound = makeProbeHandler({ ...deps, rounds: 1 });
  return async function handler(event: unknown): Promise<ProbeRunOutcome> {
    // A batch of several late messages still probes once: one datapoint per delivery is enough.
    if (isQueueDelivery(event)) return oneRound();
    const startedAt = deps.clock();
    const first = await oneRound();
    const remainingMs = spacingMs - (deps.clock().getTime() - startedAt.getTime());
    // SQS delays in whole seconds (0-900): round up so the second datapoint lands in the next 30 s period.
    const delaySeconds = Math.min(900, Math.max(0, Math.ceil(remainingMs / 1000)));
    try {
      await deps.scheduler.scheduleRound(delaySeconds, JSON.stringify({ round: 2, firstRoundAt: startedAt.toISOString() }));
    } catch (error) {
      deps.logger.error('second probe round not scheduled; probing it in-process', { reason: errorMessage(error) });
      if (remainingMs > 0) await deps.sleep(remainingMs);
      await oneRound();
    }
    return first;
  };
}
