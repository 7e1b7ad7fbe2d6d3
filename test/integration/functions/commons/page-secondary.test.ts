// The page-secondary sink as the router and the sweeper build it from their environment
// (notificationAdapters over readRouterEnvironment), against moto: a delivery to it is published to the
// secondary's topic (e-mail body and SMS text, attributes for filters) and to no other; ordinary routing of
// a SEV1 pages the page topic and leaves the secondary's alone; a function given the sink without its
// topic gets a clear configuration failure, not a crash.
import { describe, expect, it } from 'vitest';
import { routeSignals } from '../../../../lambdas/core/dispatch.ts';
import type { DeliveryRecord } from '../../../../lambdas/core/incident.ts';
import { notificationAdapters } from '../../../../lambdas/functions/commons/notification-adapters.ts';
import { readRouterEnvironment } from '../../../../lambdas/functions/router/env.ts';
import { createTopicWithQueue } from '../../support/aws.ts';
import {
  DEFAULT_SETTINGS,
  published,
  signal,
  TUESDAY_10,
  takeAll,
  useRouterWorld,
  type RouterWorld,
} from '../../support/router-fixture.ts';

let world: RouterWorld;
useRouterWorld((created) => (world = created));

async function adapters(secondaryTopicArn: string | undefined) {
  const env = readRouterEnvironment({
    INCIDENT_TABLE: world.tableName,
    PAGE_TOPIC_ARN: world.page.topicArn,
    CHATOPS_TOPIC_ARN: world.chatops.topicArn,
    ...(secondaryTopicArn ? { PAGE_SECONDARY_TOPIC_ARN: secondaryTopicArn } : {}),
    // As the stack writes it: the block says the sink is configured, the addresses stay out.
    SINKS: JSON.stringify({ page: {}, pageSecondary: {}, chatops: {}, webhooks: [] }),
    ROUTER_SETTINGS: JSON.stringify(DEFAULT_SETTINGS),
    DEAD_LETTER_QUEUE_URL: world.dlqUrl,
  });
  return notificationAdapters(env, { dynamodb: world.dynamo, sns: world.sns, ssm: world.ssm });
}

function delivery(dedupKey: string): DeliveryRecord {
  return {
    id: '1:page-secondary:trigger:SEV1',
    sink: 'page-secondary',
    action: 'trigger',
    severity: 'SEV1',
    dedupKey,
    status: 'pending',
    attempts: 0,
    plannedAt: TUESDAY_10,
  };
}

describe('page-secondary over moto SNS', () => {
  it('routes a SEV1 as usual (page topic), then a delivery to the secondary reaches its topic only, with SMS and e-mail bodies', async () => {
    const secondary = await createTopicWithQueue(world.sns, world.sqs, 'metis-page-secondary');
    const built = await adapters(secondary.topicArn);
    expect(Object.keys(built.notifiers)).toEqual(['page', 'page-secondary', 'chatops']);
    const sev1 = signal({
      rule: 'healthz_down',
      subject: 'gateway',
      severity: 'SEV1',
      summary: 'gateway /healthz failed twice',
      observedAt: TUESDAY_10,
    });
    await routeSignals([sev1], { ...built, now: () => new Date(TUESDAY_10) });
    expect((await published(world, world.page)).map((p) => p.subject)).toEqual(['[SEV1] FIRING healthz_down: gateway']);
    expect(await takeAll(world.sqs, secondary.queueUrl)).toEqual([]);
    await takeAll(world.sqs, world.chatops.queueUrl);

    const incident = (await built.store.get(sev1.dedupKey))!;
    const outcome = await built.notifiers['page-secondary']!.deliver(incident, delivery(sev1.dedupKey), {
      settings: DEFAULT_SETTINGS,
      now: new Date(TUESDAY_10),
    });
    expect(outcome).toEqual({ ok: true });
    const [message, ...rest] = await published(world, secondary);
    expect(rest).toEqual([]);
    expect(message!.topicArn).toBe(secondary.topicArn);
    expect(message!.subject).toBe('[SEV1] FIRING healthz_down: gateway');
    expect(message!.attributes).toEqual({ severity: 'SEV1', rule: 'healthz_down', status: 'firing' });
    expect(message!.message).toContain('gateway /healthz failed twice');
    expect(await takeAll(world.sqs, world.page.queueUrl)).toEqual([]);
  });

  it('a function given the sink but not its topic records a configuration failure, never retried', async () => {
    const built = await adapters(undefined);
    const sev1 = signal({ rule: 'healthz_down', subject: 'agent-server', severity: 'SEV1', observedAt: TUESDAY_10 });
    await routeSignals([sev1], { ...built, now: () => new Date(TUESDAY_10) });
    const incident = (await built.store.get(sev1.dedupKey))!;
    const outcome = await built.notifiers['page-secondary']!.deliver(incident, delivery(sev1.dedupKey), {
      settings: DEFAULT_SETTINGS,
      now: new Date(TUESDAY_10),
    });
    expect(outcome).toEqual({
      ok: false,
      retryable: false,
      kind: 'config',
      reason: 'SNS publish to page-secondary failed: no page-secondary topic configured',
    });
  });
});
