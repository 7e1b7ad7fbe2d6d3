// The probe's second round by a delayed SQS message (lambdas/functions/probe/split-rounds.ts) instead of a
// Lambda sleeping 30 s: real SqsRoundScheduler against moto SQS, the real HTTP prober against a local
// target. The scheduled run probes once and queues the next round; the queue's delivery probes again. The
// two invocations share nothing but the state item in the (moto) incident table, as two Lambda instances
// would: a target answering 503 twice gives SEV2 then SEV1, and its recovery lists it healthy.
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbProbeState } from '../../../../lambdas/adapters/dynamodb-probe-state.ts';
import { EventBridgeReportPublisher } from '../../../../lambdas/adapters/eventbridge-report-publisher.ts';
import { HttpProber } from '../../../../lambdas/adapters/http-prober.ts';
import { SqsRoundScheduler } from '../../../../lambdas/adapters/sqs-round-scheduler.ts';
import { parseConfig } from '../../../../lambdas/core/config.ts';
import { isQueueDelivery, makeSplitRoundHandler, type SplitRoundDeps } from '../../../../lambdas/functions/probe/split-rounds.ts';
import { createQueue, dynamoClient, eventBridgeClient, sqsClient } from '../../support/aws.ts';
import { answer, startTarget, type TestTarget } from '../../support/probe-targets.ts';
import { createProbeWorld, firingKeys, probeReports, storedProbeState, type ProbeWorld } from '../../support/probe-world.ts';

let target: TestTarget;
let status = 503;
let world: ProbeWorld;
const sqs = sqsClient();

beforeAll(async () => {
  world = await createProbeWorld();
  target = await startTarget((req, res) => answer(status)(req, res));
});
afterAll(async () => {
  await target.close();
});

/** A fresh handler per invocation (as a new Lambda instance would be): only the state item carries over. */
function deps(scheduler: SplitRoundDeps['scheduler'], spacingMs: number) {
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
    publisher: new EventBridgeReportPublisher({ client: eventBridgeClient(), eventBusName: world.bus }),
    state: new DynamoDbProbeState({ client: dynamoClient(), tableName: world.table }),
    // One ok round resolves here (resolveAfterOkRounds 1), so one run after the recovery shows the evidence.
    rules: parseConfig({ rules: { healthz_down: { resolveAfterOkRounds: 1 } } }).rules,
    logger: { info: () => {}, warn: () => {}, error: (message) => errors.push(message) },
    spacingMs,
    scheduler,
  };
  return { d, sleeps, errors };
}

describe('probe second round by SQS DelaySeconds', () => {
  it('probes once, queues the second round with the remaining spacing as delay, probes again on delivery: 503 twice = SEV2 then SEV1', async () => {
    const { queueUrl } = await createQueue(sqs, 'probe-second-round');
    const scheduler = new SqsRoundScheduler({ client: sqs, queueUrl });
    const { d, sleeps } = deps(scheduler, 2_000);

    const sentAt = Date.now();
    const first = await makeSplitRoundHandler(d)({ source: 'aws.events', 'detail-type': 'Scheduled Event' });
    expect(first.rounds).toHaveLength(1);
    expect(target.requests).toHaveLength(1);
    expect(sleeps).toEqual([]); // nothing billed for waiting
    const [round1] = await probeReports(world, 1);
    expect(firingKeys(round1!.detail)).toEqual(['SEV2 healthz_down:gateway']);
    expect(await storedProbeState(world)).toMatchObject({ targets: { gateway: { ok: false } } });

    // Not visible before its delay (2 s, rounded up from what was left of the spacing).
    const early = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 0 }));
    expect(early.Messages ?? []).toEqual([]);
    const later = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 5 }));
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(1_000);
    const message = later.Messages?.[0];
    expect(JSON.parse(message?.Body ?? '{}')).toMatchObject({ round: 2 });

    const delivery = { Records: [{ eventSource: 'aws:sqs', messageId: message?.MessageId, body: message?.Body }] };
    expect(isQueueDelivery(delivery)).toBe(true);
    const second = await makeSplitRoundHandler(deps(scheduler, 2_000).d)(delivery);
    expect(second.rounds).toHaveLength(1);
    expect(target.requests).toHaveLength(2);
    const [round2] = await probeReports(world, 1);
    expect(firingKeys(round2!.detail)).toEqual(['SEV1 healthz_down:gateway']);

    // The next minute's run after the target recovered: no signal, the target listed healthy (that resolves).
    status = 200;
    await makeSplitRoundHandler(deps(scheduler, 2_000).d)({ source: 'aws.events' });
    const [round3] = await probeReports(world, 1);
    expect(round3!.detail.signals).toEqual([]);
    expect(round3!.detail.healthy).toMatchObject({ healthz_down: ['gateway'], monitoring_blind: ['probe'] });
    await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 3 })); // its queued round 2, not needed
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
    // Both rounds still report (the target is up again: healthy twice).
    expect((await probeReports(world, 2)).map((r) => r.detail.healthy?.healthz_down)).toEqual([['gateway'], ['gateway']]);
  });

  it('an EventBridge event, an empty Records list or a non-SQS record is not a queue delivery', () => {
    expect(isQueueDelivery({ source: 'aws.events' })).toBe(false);
    expect(isQueueDelivery({ Records: [] })).toBe(false);
    expect(isQueueDelivery({ Records: [{ eventSource: 'aws:sns' }] })).toBe(false);
    expect(isQueueDelivery(null)).toBe(false);
  });
});
