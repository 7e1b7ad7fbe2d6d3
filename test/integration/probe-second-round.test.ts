// The probe's second round by a delayed SQS message (lambdas/functions/probe/split-rounds.ts) instead of a
// Lambda sleeping 30 s: real SqsRoundScheduler against moto SQS, the real HTTP prober against a local
// target. The scheduled run probes once and queues the next round; the queue's delivery probes again.
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpProber } from '../../lambdas/adapters/http-prober.ts';
import { SqsRoundScheduler } from '../../lambdas/adapters/sqs-round-scheduler.ts';
import { parseConfig } from '../../lambdas/core/config.ts';
import type { MetricPoint } from '../../lambdas/core/metric-point.ts';
import { isQueueDelivery, makeSplitRoundHandler, type SplitRoundDeps } from '../../lambdas/functions/probe/split-rounds.ts';
import { createQueue, resetMoto, sqsClient } from './support/aws.ts';
import { answer, startTarget, type TestTarget } from './support/probe-targets.ts';

let target: TestTarget;
const sqs = sqsClient();

beforeAll(async () => {
  await resetMoto();
  target = await startTarget(answer(200));
});
afterAll(async () => {
  await target.close();
});

function deps(scheduler: SplitRoundDeps['scheduler'], spacingMs: number) {
  const points: MetricPoint[] = [];
  const sleeps: number[] = [];
  const errors: string[] = [];
  const prober = new HttpProber();
  const d: SplitRoundDeps = {
    targets: parseConfig({ healthTargets: [{ name: 'gateway', url: target.url }] }).healthTargets,
    probe: (call) => prober.probe(call),
    headers: async () => ({}),
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    clock: () => new Date(),
    metrics: (p) => points.push(...p),
    logger: { info: () => {}, warn: () => {}, error: (message) => errors.push(message) },
    spacingMs,
    scheduler,
  };
  return { d, points, sleeps, errors };
}

describe('probe second round by SQS DelaySeconds', () => {
  it('probes once, queues the second round with the remaining spacing as delay, and probes again on delivery', async () => {
    const { queueUrl } = await createQueue(sqs, 'probe-second-round');
    const { d, points, sleeps } = deps(new SqsRoundScheduler({ client: sqs, queueUrl }), 2_000);
    const handler = makeSplitRoundHandler(d);

    const sentAt = Date.now();
    const first = await handler({ source: 'aws.events', 'detail-type': 'Scheduled Event' });
    expect(first.rounds).toHaveLength(1);
    expect(target.requests).toHaveLength(1);
    expect(sleeps).toEqual([]); // nothing billed for waiting
    expect(points.filter((p) => p.name === 'ProbeHeartbeat')).toHaveLength(1);

    // Not visible before its delay (2 s, rounded up from what was left of the spacing).
    const early = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 0 }));
    expect(early.Messages ?? []).toEqual([]);
    const later = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 5 }));
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(1_000);
    const message = later.Messages?.[0];
    expect(JSON.parse(message?.Body ?? '{}')).toMatchObject({ round: 2 });

    const delivery = { Records: [{ eventSource: 'aws:sqs', messageId: message?.MessageId, body: message?.Body }] };
    expect(isQueueDelivery(delivery)).toBe(true);
    const second = await handler(delivery);
    expect(second.rounds).toHaveLength(1);
    expect(target.requests).toHaveLength(2);
    expect(points.filter((p) => p.name === 'ProbeHeartbeat')).toHaveLength(2);
  });

  it('when the message cannot be sent, sleeps and probes the second round in-process (no lost datapoint)', async () => {
    const before = target.requests.length;
    const broken = new SqsRoundScheduler({ client: sqs, queueUrl: 'http://127.0.0.1:1/123456789012/missing' });
    const { d, sleeps, errors } = deps(broken, 30_000);
    await makeSplitRoundHandler(d)({ source: 'aws.events' });
    expect(target.requests.length - before).toBe(2);
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]).toBeGreaterThan(25_000);
    expect(errors).toEqual(['second probe round not scheduled; probing it in-process']);
  });

  it('an EventBridge event, an empty Records list or a non-SQS record is not a queue delivery', () => {
    expect(isQueueDelivery({ source: 'aws.events' })).toBe(false);
    expect(isQueueDelivery({ Records: [] })).toBe(false);
    expect(isQueueDelivery({ Records: [{ eventSource: 'aws:sns' }] })).toBe(false);
    expect(isQueueDelivery(null)).toBe(false);
  });
});
