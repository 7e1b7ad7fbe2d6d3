// Whole incidents, event after event, through the deployed path: makeRouterHandler for EventBridge
// events and makeSweeperHandler for the 5-minute schedule, each invocation with its own injected clock,
// against moto (DynamoDB incident table, SNS topics read through SQS, SSM routing key) and the
// schema-checking PagerDuty fake. Every adapter is the real one (DynamoDbIncidentStore,
// DynamoDbReportHeartbeats, DynamoDbSilenceStore, SnsPublisher, PagerDutyHttpClient with a no-op sleep).
//
// One moto world per file; each test gets its own incident table (an open SEV1 in one test must not
// inhibit another's signals) and starts with empty queues and a reset PagerDuty fake.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDbSilenceStore } from '../../../lambdas/adapters/dynamodb-silence-store.ts';
import type { Signal } from '../../../lambdas/core/signal.ts';
import { buildRouterDeps } from '../../../lambdas/functions/router/deps.ts';
import { readRouterEnvironment } from '../../../lambdas/functions/router/env.ts';
import { makeRouterHandler } from '../../../lambdas/functions/router/handler.ts';
import { readSweeperEnvironment } from '../../../lambdas/functions/sweeper/env.ts';
import { buildSweeperDeps } from '../../../lambdas/functions/sweeper/deps.ts';
import { makeSweeperHandler } from '../../../lambdas/functions/sweeper/handler.ts';
import { awsEnv } from '../support/aws.ts';
import { Lane, NOTHING, collectingLogger, plus, raceBarrier, takeSent, useLifecycleWorld } from '../support/lifecycle-world.ts';
import {
  DEFAULT_SETTINGS,
  ROUTING_KEY_PARAMETER,
  SATURDAY_03,
  TUESDAY_10,
  alarmEvent,
  createTable,
  deadLetters,
  deliverySummary,
  incidentItem,
  published,
  report,
  reportEvent,
  signal,
  type RouterWorld,
} from '../support/router-fixture.ts';

let world: RouterWorld;
useLifecycleWorld((created) => (world = created));
let tables = 0;

async function lane(options: Omit<ConstructorParameters<typeof Lane>[1], 'tableName'> = {}): Promise<Lane> {
  return Lane.create(world, { tableName: `lifecycle-${++tables}`, ...options });
}

const errorRate = (at: string, overrides: Partial<Signal> = {}): Signal =>
  signal({
    rule: 'model_error_rate',
    subject: 'gpt-4o',
    severity: 'SEV2',
    observedAt: at,
    summary: 'gpt-4o error share 20 % over 10 min (40 of 200 calls)',
    ...overrides,
  });

/** A trace-check run's report on the bus: these rules evaluated, these signals firing, these subjects healthy. */
const traceReport = (
  at: string,
  firing: Signal[],
  evaluated = ['model_error_rate', 'provider_unavailable'],
  healthy: Record<string, string[]> = {},
) => reportEvent(report(at, evaluated, firing, 'trace-db', healthy), at);

const subject = (severity: string, headline: string, rule: string, what: string) => `[${severity}] ${headline} ${rule}: ${what}`;

/** The lane's handlers logged no warning or error (a failed delivery or a dead letter would). */
async function expectClean(l: Lane): Promise<void> {
  expect(l.warnings()).toEqual([]);
  expect(await deadLetters(world)).toEqual([]);
}

describe('a SEV2 out of hours (Saturday 03:00 UTC, default business hours)', () => {
  it('goes to chatops only, escalates at the 03:30 sweep (PagerDuty error + page + chatops ESCALATED), once', async () => {
    const l = await lane();
    expect(await l.route(SATURDAY_03, traceReport(SATURDAY_03, [errorRate(SATURDAY_03)]))).toEqual({
      status: 'routed',
      signals: 1,
      deliveries: 1,
    });
    expect(await takeSent(world)).toEqual({ ...NOTHING, chatops: [subject('SEV2', 'FIRING', 'model_error_rate', 'gpt-4o')] });
    expect((await incidentItem(world, 'model_error_rate:gpt-4o', l.tableName))?.escalateAt).toBe('2026-11-28T03:30:00.000Z');

    expect(await l.sweep(plus(SATURDAY_03, 25))).toEqual({ deliveries: 0 });
    expect(await takeSent(world)).toEqual(NOTHING);

    expect(await l.sweep(plus(SATURDAY_03, 30))).toEqual({ deliveries: 3 });
    const escalation = await published(world, world.chatops);
    expect(escalation.map((p) => p.subject)).toEqual([subject('SEV2', 'ESCALATED', 'model_error_rate', 'gpt-4o')]);
    expect(escalation[0]!.message).toContain('Still firing 30 min after it opened out of hours: now paging on-call.');
    expect(await takeSent(world)).toEqual({
      pd: ['trigger error model_error_rate:gpt-4o 202'],
      page: [subject('SEV2', 'FIRING', 'model_error_rate', 'gpt-4o')],
      chatops: [],
    });
    expect(world.pd.openAlerts().map((a) => `${a.dedupKey} ${a.severity}`)).toEqual(['model_error_rate:gpt-4o error']);

    const item = await incidentItem(world, 'model_error_rate:gpt-4o', l.tableName);
    expect(item?.escalateAt).toBeUndefined();
    expect(item?.lastPostAt).toBe('2026-11-28T03:30:00.000Z');
    expect(deliverySummary(item)).toEqual([
      '1:chatops:trigger:SEV2 sent 1',
      '1:pagerduty:trigger:SEV2 sent 1',
      '1:page:trigger:SEV2 sent 1',
      '1:chatops:escalate:SEV2 sent 1',
    ]);
    expect(item?.timeline.map((t) => t.event)).toContain('escalated after 30 min out of hours: notified pagerduty, page, chatops');

    expect(await l.sweep(plus(SATURDAY_03, 35))).toEqual({ deliveries: 0 });
    expect(await takeSent(world)).toEqual(NOTHING);
    await expectClean(l);
  });

  it('resolved at 03:20 never reaches PagerDuty: the 03:30 sweep sends nothing', async () => {
    const l = await lane();
    await l.route(SATURDAY_03, traceReport(SATURDAY_03, [errorRate(SATURDAY_03)]));
    const at = plus(SATURDAY_03, 20);
    // The next trace-check run evaluated the rule and found the model healthy.
    expect(await l.route(at, traceReport(at, [], undefined, { model_error_rate: ['gpt-4o'] }))).toEqual({
      status: 'routed',
      signals: 1,
      deliveries: 1,
    });
    expect(await takeSent(world)).toEqual({
      ...NOTHING,
      chatops: [subject('SEV2', 'FIRING', 'model_error_rate', 'gpt-4o'), subject('SEV2', 'RESOLVED', 'model_error_rate', 'gpt-4o')],
    });

    expect(await l.sweep(plus(SATURDAY_03, 25))).toEqual({ deliveries: 0 });
    expect(await l.sweep(plus(SATURDAY_03, 30))).toEqual({ deliveries: 0 });
    expect(await takeSent(world)).toEqual(NOTHING);
    expect(world.pd.incidentsOpened).toBe(0);
    const item = await incidentItem(world, 'model_error_rate:gpt-4o', l.tableName);
    expect(item).toMatchObject({ status: 'resolved', resolvedAt: at });
    expect(item?.escalateAt).toBeUndefined();
    expect(deliverySummary(item)).toEqual(['1:chatops:trigger:SEV2 sent 1', '1:chatops:resolve sent 1']);
    await expectClean(l);
  });
});

describe('status-update reminders', () => {
  it('a SEV1 opened Tuesday 10:00 gets exactly two chatops STATUS UPDATE DUE posts, at the 10:30 and 11:00 sweeps, naming its age', async () => {
    const l = await lane();
    const integrity = signal({
      rule: 'db_integrity',
      subject: 'trace-db',
      severity: 'SEV1',
      observedAt: TUESDAY_10,
      summary: 'snapshot fails PRAGMA quick_check',
    });
    expect(await l.route(TUESDAY_10, traceReport(TUESDAY_10, [integrity], ['db_integrity']))).toEqual({
      status: 'routed',
      signals: 1,
      deliveries: 3,
    });
    expect(await takeSent(world)).toEqual({
      pd: ['trigger critical db_integrity:trace-db 202'],
      page: [subject('SEV1', 'FIRING', 'db_integrity', 'trace-db')],
      chatops: [subject('SEV1', 'FIRING', 'db_integrity', 'trace-db')],
    });

    const posts: string[] = [];
    for (let minute = 5; minute <= 65; minute += 5) {
      const at = plus(TUESDAY_10, minute);
      const { deliveries } = await l.sweep(at);
      const chatops = await published(world, world.chatops);
      expect(deliveries, at).toBe(chatops.length);
      for (const message of chatops) {
        posts.push(`${at} ${message.subject}`);
        const age = message.message.match(/SEV1 open for (\d+) min: post a status update now/)?.[1];
        if (age) posts.push(`${at} age ${age}`);
      }
    }
    // Nobody acknowledged it: its ack (15 min) and mitigation (1 h) targets post once each, beside the reminders.
    expect(posts.filter((p) => p.includes('TARGET MISSED'))).toEqual([
      `2026-11-24T10:15:00.000Z ${subject('SEV1', 'TARGET MISSED', 'db_integrity', 'trace-db')}`,
      `2026-11-24T11:00:00.000Z ${subject('SEV1', 'TARGET MISSED', 'db_integrity', 'trace-db')}`,
    ]);
    expect(posts.filter((p) => !p.includes('TARGET MISSED'))).toEqual([
      `2026-11-24T10:30:00.000Z ${subject('SEV1', 'STATUS UPDATE DUE', 'db_integrity', 'trace-db')}`,
      '2026-11-24T10:30:00.000Z age 30',
      `2026-11-24T11:00:00.000Z ${subject('SEV1', 'STATUS UPDATE DUE', 'db_integrity', 'trace-db')}`,
      '2026-11-24T11:00:00.000Z age 60',
    ]);
    // Reminders are chatops posts only: nothing more to PagerDuty or the page topic.
    expect(await takeSent(world)).toEqual(NOTHING);
    const item = await incidentItem(world, 'db_integrity:trace-db', l.tableName);
    expect(deliverySummary(item).slice(3)).toEqual([
      '1:chatops:target-missed:SEV1:ack sent 1',
      '1:chatops:remind:SEV1:2026-11-24T10:30:00.000Z sent 1',
      '1:chatops:target-missed:SEV1:mitigate sent 1',
      '1:chatops:remind:SEV1:2026-11-24T11:00:00.000Z sent 1',
    ]);
    expect(item?.timeline.filter((t) => t.event.startsWith('status update due')).map((t) => `${t.at} ${t.event}`)).toEqual([
      '2026-11-24T10:30:00.000Z status update due: SEV1 open for 30 min',
      '2026-11-24T11:00:00.000Z status update due: SEV1 open for 60 min',
    ]);
    await expectClean(l);
  });
});

describe('a severity upgrade mid-incident', () => {
  it("SEV2 -> SEV1 out of hours (the target's two alarms) pages at once under the SEV1 policy, never escalates again, and reminds 30 min after the last post", async () => {
    const l = await lane();
    expect(await l.route(SATURDAY_03, alarmEvent('gateway-healthz-sev2', 'ALARM', SATURDAY_03))).toEqual({
      status: 'routed',
      signals: 1,
      deliveries: 1,
    });
    expect(await takeSent(world)).toEqual({ ...NOTHING, chatops: [subject('SEV2', 'FIRING', 'healthz_down', 'gateway')] });
    expect(await l.sweep(plus(SATURDAY_03, 5))).toEqual({ deliveries: 0 });

    const upgradeAt = plus(SATURDAY_03, 10);
    expect(await l.route(upgradeAt, alarmEvent('gateway-healthz-sev1', 'ALARM', upgradeAt))).toEqual({
      status: 'routed',
      signals: 1,
      deliveries: 3,
    });
    expect(await takeSent(world)).toEqual({
      pd: ['trigger critical healthz_down:gateway 202'],
      page: [subject('SEV1', 'FIRING', 'healthz_down', 'gateway')],
      chatops: [subject('SEV1', 'FIRING', 'healthz_down', 'gateway')],
    });
    const upgraded = await incidentItem(world, 'healthz_down:gateway', l.tableName);
    expect(upgraded).toMatchObject({ status: 'open', severity: 'SEV1', episode: 1, lastPostAt: upgradeAt });
    expect(upgraded?.escalateAt).toBeUndefined();

    const bySweep: string[] = [];
    for (let minute = 15; minute <= 75; minute += 5) {
      const at = plus(SATURDAY_03, minute);
      await l.sweep(at);
      const sent = await takeSent(world);
      for (const pd of sent.pd) bySweep.push(`${at} pagerduty ${pd}`);
      for (const p of sent.page) bySweep.push(`${at} page ${p}`);
      for (const c of sent.chatops) bySweep.push(`${at} chatops ${c}`);
    }
    // 03:30 (the SEV2's old escalation time) sends nothing; reminders at 03:40 and 04:10 on the SEV1 cadence. The
    // upgrade tightened the targets to SEV1's from 03:10: ack by 03:25, mitigation by 04:10, each missed once.
    expect(bySweep).toEqual([
      `2026-11-28T03:25:00.000Z chatops ${subject('SEV1', 'TARGET MISSED', 'healthz_down', 'gateway')}`,
      `2026-11-28T03:40:00.000Z chatops ${subject('SEV1', 'STATUS UPDATE DUE', 'healthz_down', 'gateway')}`,
      `2026-11-28T04:10:00.000Z chatops ${subject('SEV1', 'TARGET MISSED', 'healthz_down', 'gateway')}`,
      `2026-11-28T04:10:00.000Z chatops ${subject('SEV1', 'STATUS UPDATE DUE', 'healthz_down', 'gateway')}`,
    ]);
    const item = await incidentItem(world, 'healthz_down:gateway', l.tableName);
    expect(item?.timeline.filter((t) => t.event.startsWith('status update due')).map((t) => t.event)).toEqual([
      'status update due: SEV1 open for 40 min',
      'status update due: SEV1 open for 70 min',
    ]);
    // No escalation was ever planned: the SEV2's only delivery is its first chatops post.
    expect(deliverySummary(item)).toEqual([
      '1:chatops:trigger:SEV2 sent 1',
      '1:pagerduty:trigger:SEV1 sent 1',
      '1:page:trigger:SEV1 sent 1',
      '1:chatops:trigger:SEV1 sent 1',
      '1:chatops:target-missed:SEV1:ack sent 1',
      '1:chatops:remind:SEV1:2026-11-28T03:40:00.000Z sent 1',
      '1:chatops:target-missed:SEV1:mitigate sent 1',
      '1:chatops:remind:SEV1:2026-11-28T04:10:00.000Z sent 1',
    ]);
    expect(world.pd.incidentsOpened).toBe(1);
    await expectClean(l);
  });
});

describe('inhibition and its release', () => {
  it('a trace-DB SEV2 while healthz_down is SEV1 is only SUPPRESSED on chatops; after the gateway recovers the next sweep pages it normally', async () => {
    const l = await lane();
    await l.route(TUESDAY_10, alarmEvent('gateway-healthz-sev1', 'ALARM', TUESDAY_10));
    expect(await takeSent(world)).toEqual({
      pd: ['trigger critical healthz_down:gateway 202'],
      page: [subject('SEV1', 'FIRING', 'healthz_down', 'gateway')],
      chatops: [subject('SEV1', 'FIRING', 'healthz_down', 'gateway')],
    });

    const symptomAt = plus(TUESDAY_10, 1);
    expect(await l.route(symptomAt, traceReport(symptomAt, [errorRate(symptomAt)]))).toEqual({
      status: 'routed',
      signals: 1,
      deliveries: 1,
    });
    expect(await takeSent(world)).toEqual({ ...NOTHING, chatops: [subject('SEV2', 'SUPPRESSED', 'model_error_rate', 'gpt-4o')] });
    const suppressed = await incidentItem(world, 'model_error_rate:gpt-4o', l.tableName);
    expect(suppressed).toMatchObject({ status: 'open', severity: 'SEV2', suppressedBy: 'healthz_down:gateway' });
    expect(deliverySummary(suppressed)).toEqual(['1:chatops:suppressed:SEV2 sent 1']);

    // Still inhibited: the sweep keeps it quiet.
    expect(await l.sweep(plus(TUESDAY_10, 5))).toEqual({ deliveries: 0 });
    expect(await takeSent(world)).toEqual(NOTHING);

    const recoveredAt = plus(TUESDAY_10, 6);
    expect(await l.route(recoveredAt, alarmEvent('gateway-healthz-sev1', 'OK', recoveredAt))).toEqual({
      status: 'routed',
      signals: 1,
      deliveries: 3,
    });
    expect(await takeSent(world)).toEqual({
      pd: ['resolve - healthz_down:gateway 202'],
      page: [subject('SEV1', 'RESOLVED', 'healthz_down', 'gateway')],
      chatops: [subject('SEV1', 'RESOLVED', 'healthz_down', 'gateway')],
    });

    expect(await l.sweep(plus(TUESDAY_10, 10))).toEqual({ deliveries: 3 });
    expect(await takeSent(world)).toEqual({
      pd: ['trigger error model_error_rate:gpt-4o 202'],
      page: [subject('SEV2', 'FIRING', 'model_error_rate', 'gpt-4o')],
      chatops: [subject('SEV2', 'FIRING', 'model_error_rate', 'gpt-4o')],
    });
    const released = await incidentItem(world, 'model_error_rate:gpt-4o', l.tableName);
    expect(released?.status).toBe('open');
    expect(released?.suppressedBy).toBeUndefined();
    expect(released?.timeline.map((t) => t.event)).toContain(
      'inhibition by healthz_down:gateway released, still firing: notified pagerduty, page, chatops',
    );

    expect(await l.sweep(plus(TUESDAY_10, 15))).toEqual({ deliveries: 0 });
    expect(await takeSent(world)).toEqual(NOTHING);
    await expectClean(l);
  });
});

describe('a silence that expires mid-incident', () => {
  it('keeps the incident quiet until T+20, then notifies it and posts one "silence ... ended" notice naming it', async () => {
    const l = await lane();
    const T = TUESDAY_10;
    await l.silences.put({
      id: 'sil_lifecycle01',
      rule: 'model_error_rate',
      startsAt: plus(T, -5),
      endsAt: plus(T, 20),
      reason: 'provider maintenance window',
      createdBy: 'alice',
      createdAt: plus(T, -5),
    });

    expect(await l.route(T, traceReport(T, [errorRate(T)]))).toEqual({ status: 'routed', signals: 1, deliveries: 0 });
    expect(await takeSent(world)).toEqual(NOTHING);
    const silenced = await incidentItem(world, 'model_error_rate:gpt-4o', l.tableName);
    expect(silenced).toMatchObject({ status: 'open', silencedBy: 'sil_lifecycle01', deliveries: [] });

    // The next trace-check run still sees it firing: still silent.
    await l.route(plus(T, 10), traceReport(plus(T, 10), [errorRate(plus(T, 10))]));
    expect(await l.sweep(plus(T, 15))).toEqual({ deliveries: 0 });
    expect(await takeSent(world)).toEqual(NOTHING);

    expect(await l.sweep(plus(T, 20))).toEqual({ deliveries: 3 });
    const chatops = await published(world, world.chatops);
    expect(chatops.map((p) => p.subject).sort()).toEqual(
      [
        subject('SEV2', 'FIRING', 'model_error_rate', 'gpt-4o'),
        '[metis-alerts] silence sil_lifecycle01 ended: model_error_rate (all subjects)',
      ].sort(),
    );
    const notice = chatops.find((p) => p.subject?.includes('silence'))!;
    expect(notice.message).toContain(
      'Silence sil_lifecycle01 on model_error_rate (all subjects) ended at 2026-11-24T10:20:00.000Z (provider maintenance window).',
    );
    expect(notice.message).toContain('Still firing, now notified: SEV2 model_error_rate:gpt-4o.');
    expect(await takeSent(world)).toEqual({
      pd: ['trigger error model_error_rate:gpt-4o 202'],
      page: [subject('SEV2', 'FIRING', 'model_error_rate', 'gpt-4o')],
      chatops: [],
    });
    const notified = await incidentItem(world, 'model_error_rate:gpt-4o', l.tableName);
    expect(notified?.silencedBy).toBeUndefined();
    expect(notified?.timeline.map((t) => t.event)).toContain(
      'silence sil_lifecycle01 over, still firing: notified pagerduty, page, chatops',
    );
    expect(await l.silences.get('sil_lifecycle01')).toMatchObject({ endAnnouncedAt: plus(T, 20) });
    expect(await l.silences.listCurrent()).toEqual([]);

    expect(await l.sweep(plus(T, 25))).toEqual({ deliveries: 0 });
    expect(await takeSent(world)).toEqual(NOTHING);
    await expectClean(l);
  });
});

describe('racing invocations', () => {
  it('two router invocations of the same event on one table deliver once: one PagerDuty trigger, one page, one chatops', async () => {
    const l = await lane();
    const sev1 = signal({
      rule: 'bill_threshold',
      subject: 'daily',
      severity: 'SEV1',
      observedAt: TUESDAY_10,
      summary: 'spend today $1200 > cap $1000',
    });
    const event = traceReport(TUESDAY_10, [sev1], ['bill_threshold']);
    const race = raceBarrier('bill_threshold:daily', 2);
    const outcomes = await Promise.all([
      l.route(TUESDAY_10, event, { wrapStore: race.wrap }),
      l.route(TUESDAY_10, structuredClone(event), { wrapStore: race.wrap }),
    ]);
    // Both read "absent" before either wrote: exactly one conditional create won.
    expect(
      race.puts
        .filter((p) => p.expected === undefined)
        .map((p) => p.ok)
        .sort(),
    ).toEqual([false, true]);
    expect(outcomes.map((o) => (o.status === 'routed' ? o.deliveries : -1)).sort()).toEqual([0, 3]);
    expect(await takeSent(world)).toEqual({
      pd: ['trigger critical bill_threshold:daily 202'],
      page: [subject('SEV1', 'FIRING', 'bill_threshold', 'daily')],
      chatops: [subject('SEV1', 'FIRING', 'bill_threshold', 'daily')],
    });
    expect(deliverySummary(await incidentItem(world, 'bill_threshold:daily', l.tableName))).toEqual([
      '1:pagerduty:trigger:SEV1 sent 1',
      '1:page:trigger:SEV1 sent 1',
      '1:chatops:trigger:SEV1 sent 1',
    ]);
    await expectClean(l);
  });

  it('two sweepers racing on one due escalation deliver it once', async () => {
    const l = await lane();
    await l.route(SATURDAY_03, traceReport(SATURDAY_03, [errorRate(SATURDAY_03)]));
    await takeSent(world);
    const race = raceBarrier('model_error_rate:gpt-4o', 2);
    const at = plus(SATURDAY_03, 30);
    const results = await Promise.all([l.sweep(at, { wrapStore: race.wrap }), l.sweep(at, { wrapStore: race.wrap })]);
    // Both read the same version; one claim won, the loser re-read and found nothing left to claim.
    expect(race.puts.filter((p) => p.key === 'model_error_rate:gpt-4o' && p.ok === false)).toHaveLength(1);
    expect(results.map((r) => r.deliveries).sort()).toEqual([0, 3]);
    expect(await takeSent(world)).toEqual({
      pd: ['trigger error model_error_rate:gpt-4o 202'],
      page: [subject('SEV2', 'FIRING', 'model_error_rate', 'gpt-4o')],
      chatops: [subject('SEV2', 'ESCALATED', 'model_error_rate', 'gpt-4o')],
    });
    expect(deliverySummary(await incidentItem(world, 'model_error_rate:gpt-4o', l.tableName))).toEqual([
      '1:chatops:trigger:SEV2 sent 1',
      '1:pagerduty:trigger:SEV2 sent 1',
      '1:page:trigger:SEV2 sent 1',
      '1:chatops:escalate:SEV2 sent 1',
    ]);
    await expectClean(l);
  });
});

describe('a stalled detector (expectedSources: trace-db every 1 min)', () => {
  const expectedSources = [{ source: 'trace-db' as const, intervalMinutes: 1 }];

  it.each([
    ['out of hours: chatops only', SATURDAY_03, false],
    ['in business hours: PagerDuty and page too', TUESDAY_10, true],
  ])('%s', async (_name, T, inHours) => {
    const l = await lane({ expectedSources });
    expect(await l.route(T, traceReport(T, []))).toEqual({ status: 'routed', signals: 0, deliveries: 0 });
    // The router remembers the report in the incident table.
    expect(await l.items()).toContainEqual({ dedupKey: 'heartbeat#trace-db', kind: 'heartbeat', source: 'trace-db', lastReportAt: T });

    expect(await l.sweep(plus(T, 2))).toEqual({ deliveries: 0 });
    expect(await takeSent(world)).toEqual(NOTHING);
    expect(await incidentItem(world, 'source_stale:trace-db', l.tableName)).toBeUndefined();

    await l.sweep(plus(T, 4));
    const firing = subject('SEV2', 'FIRING', 'source_stale', 'trace-db');
    expect(await takeSent(world)).toEqual(
      inHours ? { pd: ['trigger error source_stale:trace-db 202'], page: [firing], chatops: [firing] } : { ...NOTHING, chatops: [firing] },
    );
    const stale = await incidentItem(world, 'source_stale:trace-db', l.tableName);
    expect(stale).toMatchObject({ status: 'open', severity: 'SEV2', source: 'pipeline', rule: 'source_stale', subject: 'trace-db' });
    expect(stale?.lastSignal.summary).toContain(`no trace-db evaluation report since ${T} (4 min, expected every 1 min)`);

    // Reports resume; the next sweep resolves it on every sink it reached.
    await l.route(plus(T, 6), traceReport(plus(T, 6), []));
    await l.sweep(plus(T, 7));
    const resolved = subject('SEV2', 'RESOLVED', 'source_stale', 'trace-db');
    expect(await takeSent(world)).toEqual(
      inHours
        ? { pd: ['resolve - source_stale:trace-db 202'], page: [resolved], chatops: [resolved] }
        : { ...NOTHING, chatops: [resolved] },
    );
    expect(await incidentItem(world, 'source_stale:trace-db', l.tableName)).toMatchObject({ status: 'resolved', resolvedAt: plus(T, 7) });
    await expectClean(l);
  });

  it('the first sweep ever, with no report yet, records when watching started and raises nothing until three intervals have passed', async () => {
    const l = await lane({ expectedSources });
    const T = SATURDAY_03;
    expect(await l.sweep(T)).toEqual({ deliveries: 0 });
    expect(await l.items()).toEqual([{ dedupKey: 'heartbeat#pipeline', kind: 'heartbeat', source: 'pipeline', lastReportAt: T }]);
    expect(await l.sweep(plus(T, 3))).toEqual({ deliveries: 0 });
    expect(await takeSent(world)).toEqual(NOTHING);
    // Watching-since is not moved by later sweeps.
    expect(await l.heartbeats.lastReports(['pipeline', 'trace-db'])).toEqual({ pipeline: T });

    expect(await l.sweep(plus(T, 4))).toEqual({ deliveries: 1 });
    expect(await takeSent(world)).toEqual({ ...NOTHING, chatops: [subject('SEV2', 'FIRING', 'source_stale', 'trace-db')] });
    const stale = await incidentItem(world, 'source_stale:trace-db', l.tableName);
    expect(stale?.lastSignal.summary).toContain(`no trace-db evaluation report received since monitoring started at ${T}`);
    expect(stale?.lastSignal.details).toMatchObject({ lastReportAt: null, intervalMinutes: 1 });
    await expectClean(l);
  });
});

describe('a probe with an inbound-shape run (health rounds every minute, shapes every 5)', () => {
  const expectedSources = [
    { source: 'probe' as const, intervalMinutes: 1 },
    { source: 'probe' as const, reporter: 'inbound-shape', intervalMinutes: 5 },
  ];
  const healthRound = (at: string) =>
    reportEvent(report(at, ['healthz_down'], [], 'probe', { healthz_down: ['gateway'] }), at, 'metis-alerts.probe');
  const shapeRun = (at: string) =>
    reportEvent({ ...report(at, ['inbound_shape_down'], [], 'probe'), reporter: 'inbound-shape' }, at, 'metis-alerts.probe');

  it('after an upgrade no page before the first shape report; a shape schedule that stops is missed on its own, and resolves when it reports again', async () => {
    const l = await lane({ expectedSources });
    const T = SATURDAY_03;
    // A deployment watched for a month, whose probe reports every minute: the sweeper did not expect the shape run before.
    await l.heartbeats.record('pipeline', plus(T, -43_200));
    await l.route(T, healthRound(T));
    expect(await l.sweep(plus(T, 1))).toEqual({ deliveries: 0 });
    expect(await takeSent(world)).toEqual(NOTHING);
    expect(await l.heartbeats.lastReports(['probe', 'probe/inbound-shape', 'watch/probe/inbound-shape'])).toEqual({
      probe: T,
      'watch/probe/inbound-shape': plus(T, 1),
    });

    // Health rounds go on every minute; the shape run never reports. Three missed intervals after the mark: stale.
    for (let minute = 2; minute <= 16; minute++) await l.route(plus(T, minute), healthRound(plus(T, minute)));
    await l.sweep(plus(T, 16));
    expect(await takeSent(world)).toEqual(NOTHING);
    await l.route(plus(T, 17), healthRound(plus(T, 17)));
    await l.sweep(plus(T, 17));
    expect(await takeSent(world)).toEqual({ ...NOTHING, chatops: [subject('SEV2', 'FIRING', 'source_stale', 'probe/inbound-shape')] });
    const stale = await incidentItem(world, 'source_stale:probe/inbound-shape', l.tableName);
    expect(stale).toMatchObject({ status: 'open', source: 'pipeline', rule: 'source_stale', subject: 'probe/inbound-shape' });
    expect(await incidentItem(world, 'source_stale:probe', l.tableName)).toBeUndefined();

    // The shape run reports (under its own heartbeat, not the health rounds'); the next sweep resolves.
    await l.route(plus(T, 18), shapeRun(plus(T, 18)));
    expect(await l.heartbeats.lastReports(['probe', 'probe/inbound-shape'])).toEqual({
      probe: plus(T, 17),
      'probe/inbound-shape': plus(T, 18),
    });
    await l.sweep(plus(T, 18));
    expect(await takeSent(world)).toEqual({ ...NOTHING, chatops: [subject('SEV2', 'RESOLVED', 'source_stale', 'probe/inbound-shape')] });
    await expectClean(l);
  });

  it('health rounds that stop are missed while the shape run goes on reporting', async () => {
    const l = await lane({ expectedSources });
    const T = SATURDAY_03;
    await l.sweep(T);
    await l.route(T, healthRound(T));
    await l.route(T, shapeRun(T));
    // Only the shape run reports from here on: before, its reports refreshed the probe's heartbeat too.
    await l.route(plus(T, 5), shapeRun(plus(T, 5)));
    await l.sweep(plus(T, 5));
    expect(await takeSent(world)).toEqual({ ...NOTHING, chatops: [subject('SEV2', 'FIRING', 'source_stale', 'probe')] });
    expect(await incidentItem(world, 'source_stale:probe/inbound-shape', l.tableName)).toBeUndefined();
    await expectClean(l);
  });
});

describe('a traceback that keeps recurring', () => {
  it('resolves 30 quiet minutes after its LAST occurrence, not its first', async () => {
    const l = await lane();
    const T = TUESDAY_10;
    const traceback = (at: string) =>
      signal({
        source: 'logs',
        rule: 'traceback',
        subject: 'ConnectionError@db/pool.py:88',
        severity: 'SEV2',
        observedAt: at,
        summary: 'ERROR Traceback: ConnectionError in db/pool.py:88',
      });
    const logsReport = (at: string) =>
      reportEvent(report(at, ['quota_exceeded_sustained', 'key_revoked_in_use'], [traceback(at)], 'logs'), at, 'metis-alerts.logs');
    const key = 'traceback:ConnectionError@db/pool.py:88';

    await l.route(T, logsReport(T));
    expect((await takeSent(world)).pd).toEqual([`trigger error ${key} 202`]);
    await l.route(plus(T, 20), logsReport(plus(T, 20)));
    expect(await takeSent(world)).toEqual(NOTHING);

    // 10:35: 35 min after the first occurrence but only 15 after the last one: still open.
    await l.sweep(plus(T, 35));
    expect((await incidentItem(world, key, l.tableName))?.status, 'resolved while it still occurred 15 min ago').toBe('open');
    await takeSent(world);

    // 10:50: 30 quiet minutes after the 10:20 occurrence.
    await l.sweep(plus(T, 50));
    expect(await incidentItem(world, key, l.tableName)).toMatchObject({ status: 'resolved', resolvedAt: plus(T, 50) });
  });
});

describe('the Lambdas as wired from their environment (buildRouterDeps / buildSweeperDeps)', () => {
  // SDK clients built with `{}` take their endpoint from AWS_ENDPOINT_URL, so the handlers are built
  // exactly as the Lambda entry files build them, only pointed at moto.
  const AWS_ENV = Object.keys(awsEnv());
  let saved: Record<string, string | undefined>;
  beforeAll(() => {
    saved = Object.fromEntries(AWS_ENV.map((name) => [name, process.env[name]]));
    Object.assign(process.env, awsEnv());
  });
  afterAll(() => {
    for (const name of AWS_ENV) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  });

  it('honour a silence added to the deployed incident table (`metis-alerts silence add`): nothing sent while it lasts, the end announced by the sweeper', async () => {
    const tableName = await createTable(world, `lifecycle-${++tables}`);
    const T = TUESDAY_10;
    await new DynamoDbSilenceStore({ client: world.dynamo, tableName }).put({
      id: 'sil_deployed01',
      rule: 'model_error_rate',
      startsAt: plus(T, -5),
      endsAt: plus(T, 20),
      reason: 'provider maintenance window',
      createdBy: 'alice',
      createdAt: plus(T, -5),
    });
    const environment = {
      INCIDENT_TABLE: tableName,
      PAGE_TOPIC_ARN: world.page.topicArn,
      CHATOPS_TOPIC_ARN: world.chatops.topicArn,
      SINKS: JSON.stringify({ pagerduty: { routingKeyParameter: ROUTING_KEY_PARAMETER, eventsUrl: world.pd.eventsUrl } }),
      ROUTER_SETTINGS: JSON.stringify(DEFAULT_SETTINGS),
    };
    const logs: { level: string; message: string }[] = [];
    // Clients as the entry files build them (`new XClient({})`): region, credentials and endpoint from the environment.
    const clients = {
      dynamodb: new DynamoDBClient({}),
      sns: new SNSClient({}),
      ssm: new SSMClient({}),
      sqs: new SQSClient({}),
      cloudwatch: new CloudWatchClient({}),
    };
    const routerEnv = readRouterEnvironment({ ...environment, DEAD_LETTER_QUEUE_URL: world.dlqUrl });
    const router = makeRouterHandler(buildRouterDeps(routerEnv, clients, { clock: () => new Date(T), logger: collectingLogger(logs) }));
    expect(await router(traceReport(T, [errorRate(T)]))).toMatchObject({ status: 'routed', signals: 1 });
    expect(await takeSent(world), 'a silenced signal is recorded, not notified').toEqual(NOTHING);
    expect(await incidentItem(world, 'model_error_rate:gpt-4o', tableName)).toMatchObject({ status: 'open', silencedBy: 'sil_deployed01' });

    const sweeperEnv = readSweeperEnvironment({
      ...environment,
      SWEEPER_SETTINGS: JSON.stringify({ tracebackQuietMinutes: 30, expectedSources: [] }),
    });
    const sweeper = makeSweeperHandler(
      buildSweeperDeps(sweeperEnv, clients, { clock: () => new Date(plus(T, 20)), logger: collectingLogger(logs) }),
    );
    await sweeper();
    const sent = await takeSent(world);
    expect(sent.pd).toEqual(['trigger error model_error_rate:gpt-4o 202']);
    expect(sent.chatops.sort()).toEqual(
      [
        subject('SEV2', 'FIRING', 'model_error_rate', 'gpt-4o'),
        '[metis-alerts] silence sil_deployed01 ended: model_error_rate (all subjects)',
      ].sort(),
    );
    expect(logs.filter((l) => l.level !== 'info')).toEqual([]);
  });
});
