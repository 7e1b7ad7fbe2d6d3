// Deadlines to the minute, end to end against moto: the router handler opens an incident and creates its
// one-time EventBridge Scheduler schedules (real SDK calls, moto's Scheduler); each schedule's payload then
// wakes the sweeper handler at the schedule's minute, as Scheduler would. The secondary is the SNS page
// topic here (PagerDuty pages the primary); what reaches each topic is read from its SQS subscriber.
import { CreateScheduleGroupCommand, GetScheduleCommand, ListSchedulesCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbReportHeartbeats } from '../../../../lambdas/adapters/dynamodb-report-heartbeats.ts';
import { parseConfig } from '../../../../lambdas/core/config.ts';
import type { Incident } from '../../../../lambdas/core/incident.ts';
import type { Logger } from '../../../../lambdas/core/logger.ts';
import { routerSettingsOf } from '../../../../lambdas/core/router-settings.ts';
import { makeSweeperHandler } from '../../../../lambdas/functions/sweeper/handler.ts';
import { ACCOUNT, REGION, clientConfig } from '../../support/aws.ts';
import {
  incidentItem,
  published,
  report,
  reportEvent,
  signal,
  useRouterWorld,
  worldNotifiers,
  type RouterWorld,
} from '../../support/router-fixture.ts';
import { scheduledHandlers } from '../../support/scheduled-handlers.ts';

let world: RouterWorld;
useRouterWorld((created) => (world = created));

const scheduler = new SchedulerClient(clientConfig());
const GROUP = 'metis-deadlines';
const SWEEPER_ARN = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:metis-sweeper`;
const SETTINGS = routerSettingsOf(
  parseConfig({
    // PagerDuty pages the primary; the page topic (e-mail + SMS) is the secondary's phone.
    routing: {
      secondary: ['page'],
      policy: {
        SEV1: {
          businessHours: { pagerduty: true, page: false, chatops: true },
          outOfHours: { pagerduty: true, page: false, chatops: true },
        },
        SEV2: {
          businessHours: { pagerduty: true, page: false, chatops: true },
          outOfHours: { pagerduty: false, page: false, chatops: true },
          escalateOutOfHours: true,
        },
        SEV3: {
          businessHours: { pagerduty: false, page: false, chatops: true },
          outOfHours: { pagerduty: false, page: false, chatops: true },
        },
        SEV4: {
          businessHours: { pagerduty: false, page: false, chatops: true },
          outOfHours: { pagerduty: false, page: false, chatops: true },
        },
      },
    },
  }),
);

beforeAll(async () => {
  await scheduler.send(new CreateScheduleGroupCommand({ Name: GROUP }));
});

const _quiet: Logger = { info: () => {}, warn: () => {}, error: () => {} };

const SCHEDULER_TARGET = {
  groupName: GROUP,
  targetArn: SWEEPER_ARN,
  roleArn: `arn:aws:iam::${ACCOUNT}:role/metis-deadline-invoker`,
  deadLetterArn: `arn:aws:sqs:${REGION}:${ACCOUNT}:metis-router-dlq`,
};
const {
  store,
  router: route,
  sweeper,
} = scheduledHandlers(() => world, scheduler, SCHEDULER_TARGET, SETTINGS, {
  tracebackQuietMinutes: 30,
});

/** The schedules moto holds for an incident, by kind: their `at(...)` expression and the payload they deliver. */
async function schedulesOf(dedupKey: string): Promise<Record<string, { expression: string; input: unknown; action: string }>> {
  const listed = await scheduler.send(new ListSchedulesCommand({ GroupName: GROUP, MaxResults: 100 }));
  const found: Record<string, { expression: string; input: unknown; action: string }> = {};
  for (const summary of listed.Schedules ?? []) {
    const schedule = await scheduler.send(new GetScheduleCommand({ GroupName: GROUP, Name: summary.Name! }));
    const input = JSON.parse(schedule.Target!.Input!) as { deadline: { dedupKey: string; kind: string; at: string } };
    if (input.deadline.dedupKey !== dedupKey) continue;
    found[`${input.deadline.kind}@${input.deadline.at}`] = {
      expression: schedule.ScheduleExpression!,
      input,
      action: String(schedule.ActionAfterCompletion),
    };
  }
  return found;
}

function firing(rule: string, severity: 'SEV1' | 'SEV2', at: string) {
  return reportEvent(report(at, [rule], [signal({ rule, subject: 'gpt-4o', severity, observedAt: at, dedupKey: `${rule}:gpt-4o` })]), at);
}

async function ack(dedupKey: string, at: string, by: string): Promise<void> {
  // As the ack intake records it: on the stored incident, a conditional write.
  const current = (await incidentItem(world, dedupKey))!;
  const next: Incident = { ...current, ack: { at, by, via: 'pagerduty' }, version: current.version + 1 };
  expect(await store().put(next, current.version)).toBe(true);
}

describe('deadlines to the minute', () => {
  it('an unanswered SEV1 pages the secondary at exactly 15 min, with one "ack target missed" post in its thread', async () => {
    await route('2026-11-28T03:00:00.000Z')(firing('model_error_rate', 'SEV1', '2026-11-28T03:00:00.000Z'));
    const opened = await published(world, world.chatops);
    expect(opened.map((p) => p.subject)).toEqual(['[SEV1] FIRING model_error_rate: gpt-4o']);
    const thread = (JSON.parse(opened[0]!.message) as { metadata: { threadId: string } }).metadata.threadId;
    expect(await published(world, world.page)).toEqual([]);

    const schedules = await schedulesOf('model_error_rate:gpt-4o');
    const ackSchedule = schedules['ack@2026-11-28T03:15:00.000Z']!;
    expect(ackSchedule.expression).toBe('at(2026-11-28T03:15:00)');
    expect(ackSchedule.action).toBe('DELETE');
    expect(Object.keys(schedules).sort()).toEqual([
      'ack@2026-11-28T03:15:00.000Z',
      'mitigate@2026-11-28T04:00:00.000Z',
      'resolve@2026-11-28T07:00:00.000Z',
      'status-reminder@2026-11-28T03:30:00.000Z',
    ]);

    // A wake-up a second early (clock skew) does nothing; at 03:15 the secondary is paged.
    expect(await sweeper('2026-11-28T03:14:59.000Z')(ackSchedule.input)).toEqual({ deliveries: 0 });
    expect(await sweeper('2026-11-28T03:15:00.000Z')(ackSchedule.input)).toEqual({ deliveries: 2 });
    const page = await published(world, world.page);
    expect(page.map((p) => p.subject)).toEqual(['[SEV1] FIRING model_error_rate: gpt-4o']);
    expect(page[0]!.message).toContain('Secondary page: the SEV1 ack target (03:15 UTC) passed with nobody acknowledging.');
    const chatops = await published(world, world.chatops);
    expect(chatops.map((p) => p.subject)).toEqual(['[SEV1] TARGET MISSED model_error_rate: gpt-4o']);
    const chatbot = JSON.parse(chatops[0]!.message) as {
      content: { description: string };
      metadata: { threadId: string };
    };
    expect(chatbot.metadata.threadId).toBe(thread);
    expect(chatbot.content.description).toMatch(
      /^Ack target missed \(due 03:15 UTC\): nobody acknowledged this SEV1\. Paging the secondary now\./,
    );
    expect((await incidentItem(world, 'model_error_rate:gpt-4o'))?.escalatedAt).toBe('2026-11-28T03:15:00.000Z');

    // Scheduler may deliver twice: the duplicate pages nobody.
    expect(await sweeper('2026-11-28T03:15:20.000Z')(ackSchedule.input)).toEqual({ deliveries: 0 });
    expect(await published(world, world.page)).toEqual([]);
  });

  it('an acknowledged SEV1 is not escalated at 15 min; its first status reminder lands at exactly +30 min', async () => {
    await route('2026-11-28T05:02:00.000Z')(firing('latency_p95', 'SEV1', '2026-11-28T05:02:00.000Z'));
    await published(world, world.chatops);
    await ack('latency_p95:gpt-4o', '2026-11-28T05:09:00.000Z', 'ana');
    const schedules = await schedulesOf('latency_p95:gpt-4o');

    expect(await sweeper('2026-11-28T05:17:00.000Z')(schedules['ack@2026-11-28T05:17:00.000Z']!.input)).toEqual({ deliveries: 0 });
    expect(await published(world, world.page)).toEqual([]);
    expect(await published(world, world.chatops)).toEqual([]);

    const reminder = schedules['status-reminder@2026-11-28T05:32:00.000Z']!;
    expect(reminder.expression).toBe('at(2026-11-28T05:32:00)');
    expect(await sweeper('2026-11-28T05:32:00.000Z')(reminder.input)).toEqual({ deliveries: 1 });
    expect((await published(world, world.chatops)).map((p) => p.subject)).toEqual(['[SEV1] STATUS UPDATE DUE latency_p95: gpt-4o']);
    // The reminder's write scheduled the next one, 30 minutes after it.
    expect((await schedulesOf('latency_p95:gpt-4o'))['status-reminder@2026-11-28T06:02:00.000Z']?.expression).toBe(
      'at(2026-11-28T06:02:00)',
    );
  });

  it('a SEV2 out of hours follows its own clock: chatops now, ack target 1 h later (24/7), then the secondary', async () => {
    await route('2026-11-28T10:00:00.000Z')(firing('provider_unavailable', 'SEV2', '2026-11-28T10:00:00.000Z'));
    expect((await published(world, world.chatops)).map((p) => p.subject)).toEqual(['[SEV2] FIRING provider_unavailable: gpt-4o']);
    const schedules = await schedulesOf('provider_unavailable:gpt-4o');
    // Resolution counts business time: Saturday 10:00 + 1 business day is Monday 17:00.
    expect(Object.keys(schedules).sort()).toEqual([
      'ack@2026-11-28T11:00:00.000Z',
      'mitigate@2026-11-28T14:00:00.000Z',
      'resolve@2026-11-30T17:00:00.000Z',
      'status-reminder@2026-11-28T10:30:00.000Z',
    ]);
    const ackSchedule = schedules['ack@2026-11-28T11:00:00.000Z']!;
    expect(ackSchedule.expression).toBe('at(2026-11-28T11:00:00)');
    expect(await sweeper('2026-11-28T11:00:00.000Z')(ackSchedule.input)).toEqual({ deliveries: expect.any(Number) });
    const page = await published(world, world.page);
    expect(page.map((p) => p.subject)).toContain('[SEV2] FIRING provider_unavailable: gpt-4o');
    expect(page.some((p) => p.message.includes('Secondary page: the SEV2 ack target (11:00 UTC)'))).toBe(true);
    expect((await published(world, world.chatops)).map((p) => p.subject)).toContain('[SEV2] TARGET MISSED provider_unavailable: gpt-4o');
  });

  it('a malformed deadline payload is logged and acknowledged, never a crash loop', async () => {
    const logs: string[] = [];
    const handler = makeSweeperHandler({
      store: store(),
      notifiers: worldNotifiers(world),
      settings: SETTINGS,
      clock: () => new Date('2026-11-28T12:00:00Z'),
      heartbeats: new DynamoDbReportHeartbeats({ client: world.dynamo, tableName: world.tableName }),
      expectedSources: [],
      options: { tracebackQuietMinutes: 30 },
      logger: { info: () => {}, warn: () => {}, error: (message) => logs.push(message) },
    });
    expect(await handler({ deadline: { dedupKey: 'x', episode: 'one', kind: 'ack' } })).toEqual({ deliveries: 0 });
    expect(logs).toEqual(['deadline event ignored: malformed']);
    // A deadline of an episode that is over (or an unknown incident) does nothing.
    expect(await handler({ deadline: { dedupKey: 'nope:x', episode: 3, kind: 'ack', at: '2026-11-28T11:00:00.000Z' } })).toEqual({
      deliveries: 0,
    });
  });
});
