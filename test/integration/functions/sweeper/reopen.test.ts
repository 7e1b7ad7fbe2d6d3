// The reopen check to the minute, end to end against moto: the router opens a SEV1 from a failing probe and
// pages PagerDuty; a person resolves it in PagerDuty (a signed webhook v3 through the real ack intake, which
// creates the reopen check's one-time schedule in moto's Scheduler); the probe keeps failing. The schedule's
// payload wakes the sweeper at exactly resolve + 30 min, as Scheduler would: a new episode, a new page. A
// healthy round in between closes the matter; a missed wake-up is caught by the 5-minute sweep; a wake-up
// and a report of the same minute reopen once.
import { CreateScheduleGroupCommand, GetScheduleCommand, ListSchedulesCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../../../lambdas/core/config.ts';
import type { Logger } from '../../../../lambdas/core/logger.ts';
import { routerSettingsOf } from '../../../../lambdas/core/router-settings.ts';
import { sweepOptionsOf } from '../../../../lambdas/core/sweep-policy.ts';
import { buildAckIntakeDeps } from '../../../../lambdas/functions/ack-intake/deps.ts';
import { readAckIntakeEnvironment } from '../../../../lambdas/functions/ack-intake/env.ts';
import { makeAckIntakeHandler } from '../../../../lambdas/functions/ack-intake/handler.ts';
import { pagerDutyEvent, signedPagerDutyRequest } from '../../../fixtures/pagerduty/webhooks-v3.ts';
import { ACCOUNT, REGION, clientConfig, putSecureString } from '../../support/aws.ts';
import {
  incidentItem,
  pdCalls,
  published,
  report,
  reportEvent,
  signal,
  useRouterWorld,
  type RouterWorld,
} from '../../support/router-fixture.ts';
import { scheduledHandlers } from '../../support/scheduled-handlers.ts';

let world: RouterWorld;
useRouterWorld((created) => (world = created));

const scheduler = new SchedulerClient(clientConfig());
const GROUP = 'metis-reopen-deadlines';
const SCHEDULER_TARGET = {
  groupName: GROUP,
  targetArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:metis-sweeper`,
  roleArn: `arn:aws:iam::${ACCOUNT}:role/metis-deadline-invoker`,
  deadLetterArn: `arn:aws:sqs:${REGION}:${ACCOUNT}:metis-router-dlq`,
};
const SETTINGS = routerSettingsOf(defaultConfig());
const OPTIONS = sweepOptionsOf(defaultConfig());
const PD_SECRET = 'pd-webhook-secret-0123456789abcdef';
const quiet: Logger = { info: () => {}, warn: () => {}, error: () => {} };

beforeAll(async () => {
  await scheduler.send(new CreateScheduleGroupCommand({ Name: GROUP }));
  await putSecureString(world.ssm, '/metis/intake/pagerduty', PD_SECRET);
});

const at = (day: string, minute: number) => new Date(Date.parse(`${day}T03:00:00.000Z`) + minute * 60_000).toISOString();

const { router, sweeper } = scheduledHandlers(() => world, scheduler, SCHEDULER_TARGET, SETTINGS, OPTIONS);

/** The deployed intake (built as index.ts builds it, with DEADLINE_SCHEDULER set), at `now`. */
function intake(now: string) {
  const env = readAckIntakeEnvironment({
    INCIDENT_TABLE: world.tableName,
    ROUTER_SETTINGS: JSON.stringify(SETTINGS),
    INTAKE_SETTINGS: JSON.stringify({ pagerduty: { secretParameter: '/metis/intake/pagerduty' } }),
    DEADLINE_SCHEDULER: JSON.stringify(SCHEDULER_TARGET),
  });
  return makeAckIntakeHandler(
    buildAckIntakeDeps(env, { dynamodb: world.dynamo, ssm: world.ssm, scheduler }, { logger: quiet, clock: () => new Date(now) }),
  );
}

/** PagerDuty's `incident.resolved` webhook for our dedup key, signed, as a function-URL request. */
function pagerDutyResolved(dedupKey: string, occurredAt: string) {
  const body = JSON.stringify(pagerDutyEvent({ type: 'incident.resolved', incidentKey: dedupKey, occurredAt, id: `ev-${occurredAt}` }));
  return signedPagerDutyRequest(body, PD_SECRET, `wh-${occurredAt}`);
}

/** One probe round: the target failing, or found healthy. */
function probeRound(target: string, now: string, ok: boolean) {
  const failing = signal({ rule: 'healthz_down', subject: target, severity: 'SEV1', observedAt: now, dedupKey: `healthz_down:${target}` });
  const round = report(now, ['healthz_down'], ok ? [] : [{ ...failing, source: 'probe' }], 'probe', ok ? { healthz_down: [target] } : {});
  return reportEvent(round, now, 'metis-alerts.probe');
}

/** The reopen check's schedule for a dedup key in moto: its expression and the payload Scheduler delivers. */
async function reopenSchedule(dedupKey: string): Promise<{ expression: string; input: unknown } | undefined> {
  const listed = await scheduler.send(new ListSchedulesCommand({ GroupName: GROUP, MaxResults: 100 }));
  for (const summary of listed.Schedules ?? []) {
    const schedule = await scheduler.send(new GetScheduleCommand({ GroupName: GROUP, Name: summary.Name! }));
    const input = JSON.parse(schedule.Target!.Input!) as { deadline: { dedupKey: string; kind: string } };
    if (input.deadline.dedupKey === dedupKey && input.deadline.kind === 'reopen')
      return { expression: schedule.ScheduleExpression!, input };
  }
  return undefined;
}

/** Opens the SEV1 at 03:00, then Tenex Engineer resolves it in PagerDuty at 03:10 (the intake schedules the check). */
async function openedAndResolvedByHand(day: string, target: string): Promise<void> {
  await router(at(day, 0))(probeRound(target, at(day, 0), false));
  expect(pdCalls(world).map((c) => c.action)).toEqual(['trigger']);
  const response = await intake(at(day, 10))(pagerDutyResolved(`healthz_down:${target}`, at(day, 10)));
  expect(response.statusCode).toBe(200);
  expect(await incidentItem(world, `healthz_down:${target}`)).toMatchObject({
    status: 'resolved',
    episode: 1,
    humanResolved: { by: 'Tenex Engineer', via: 'pagerduty' },
    reopenCheckAt: at(day, 40),
  });
  // The person's resolve owes the page and chat their RESOLVED notice (not PagerDuty: resolved there): the next sweep sends it.
  await sweeper(at(day, 10))({});
  expect((await published(world, world.page)).map((p) => p.subject)).toContain(`[SEV1] RESOLVED healthz_down: ${target}`);
  await published(world, world.chatops);
  world.pd.reset();
}

describe('the reopen check after a PagerDuty resolve of a SEV1 whose probe keeps failing', () => {
  it('reopens at exactly resolve + 30 min with a new page, though no probe report arrives at that minute', async () => {
    const day = '2026-11-28';
    await openedAndResolvedByHand(day, 'gw-a');
    const schedule = (await reopenSchedule('healthz_down:gw-a'))!;
    expect(schedule.expression).toBe('at(2026-11-28T03:40:00)');

    // The probe keeps failing: nothing is paged during the wait.
    for (const minute of [11, 25, 39]) await router(at(day, minute))(probeRound('gw-a', at(day, minute), false));
    expect(pdCalls(world)).toEqual([]);
    expect(await published(world, world.page)).toEqual([]);

    // A wake-up a second early does nothing; at 03:40:00 the incident reopens.
    expect(await sweeper('2026-11-28T03:39:59.000Z')(schedule.input)).toEqual({ deliveries: 0 });
    expect(await sweeper(at(day, 40))(schedule.input)).toEqual({ deliveries: 3 });
    expect(pdCalls(world)).toEqual([{ action: 'trigger', severity: 'critical', dedupKey: 'healthz_down:gw-a', status: 202 }]);
    expect((await published(world, world.page)).map((p) => p.subject)).toEqual(['[SEV1] FIRING healthz_down: gw-a']);
    const chatops = await published(world, world.chatops);
    expect(chatops).toHaveLength(1);
    expect(chatops[0]!.message).toContain('Reopened: still firing 30 min after Tenex Engineer resolved it in PagerDuty');
    const reopened = (await incidentItem(world, 'healthz_down:gw-a'))!;
    expect(reopened).toMatchObject({ status: 'open', episode: 2, openedAt: at(day, 40) });
    expect(reopened.reopenCheckAt).toBeUndefined();
    // Scheduler may deliver twice: the duplicate pages nobody.
    expect(await sweeper('2026-11-28T03:40:20.000Z')(schedule.input)).toEqual({ deliveries: 0 });
    expect(pdCalls(world)).toHaveLength(1);
  });

  it('with a healthy probe round at +10 min, nothing reopens at the wake-up', async () => {
    const day = '2026-11-29';
    await openedAndResolvedByHand(day, 'gw-b');
    await router(at(day, 20))(probeRound('gw-b', at(day, 20), true));
    const schedule = (await reopenSchedule('healthz_down:gw-b'))!;
    expect(await sweeper(at(day, 40))(schedule.input)).toEqual({ deliveries: 0 });
    expect(pdCalls(world)).toEqual([]);
    expect(await published(world, world.page)).toEqual([]);
    const stored = (await incidentItem(world, 'healthz_down:gw-b'))!;
    expect(stored).toMatchObject({ status: 'resolved', episode: 1, healthySinceHumanResolve: at(day, 20) });
    expect(stored.reopenCheckAt).toBeUndefined();
    expect(stored.timeline.at(-1)!.event).toBe(
      'reopen check: healthy since 03:20 UTC after Tenex Engineer resolved it in PagerDuty: not reopened',
    );
  });

  it('a wake-up that never comes: the next 5-minute sweep reopens it', async () => {
    const day = '2026-11-30';
    await openedAndResolvedByHand(day, 'gw-c');
    await router(at(day, 38))(probeRound('gw-c', at(day, 38), false));
    // (The sweep sees the whole table: only this incident's PagerDuty calls count here.)
    const calls = () => pdCalls(world).filter((c) => c.dedupKey === 'healthz_down:gw-c');
    await sweeper(at(day, 35))({});
    expect(calls()).toEqual([]);
    await sweeper(at(day, 40))({});
    expect(calls().map((c) => c.action)).toEqual(['trigger']);
    expect(await incidentItem(world, 'healthz_down:gw-c')).toMatchObject({ status: 'open', episode: 2 });
  });

  it('a wake-up and a probe report of the same minute reopen it once', async () => {
    const day = '2026-12-01';
    await openedAndResolvedByHand(day, 'gw-d');
    await router(at(day, 30))(probeRound('gw-d', at(day, 30), false));
    const schedule = (await reopenSchedule('healthz_down:gw-d'))!;
    await Promise.all([sweeper(at(day, 40))(schedule.input), router(at(day, 40))(probeRound('gw-d', at(day, 40), false))]);
    expect(pdCalls(world).map((c) => `${c.action} ${c.dedupKey}`)).toEqual(['trigger healthz_down:gw-d']);
    expect((await published(world, world.page)).map((p) => p.subject)).toEqual(['[SEV1] FIRING healthz_down: gw-d']);
    const stored = (await incidentItem(world, 'healthz_down:gw-d'))!;
    expect(stored).toMatchObject({ status: 'open', episode: 2 });
    expect(stored.deliveries.filter((d) => d.action === 'trigger').map((d) => d.id)).toEqual([
      '2:pagerduty:trigger:SEV1',
      '2:page:trigger:SEV1',
      '2:chatops:trigger:SEV1',
    ]);
  });
});
