// An ack is a status change, said at the moment of the ack: the router handler opens a SEV1 (PagerDuty, the
// chatops topic read through SQS, the Statuspage fake that checks the vendor's contract, its API key an SSM
// SecureString, all in moto); a signed PagerDuty `incident.acknowledged` webhook reaches the ack intake
// handler (built by buildAckIntakeDeps as deployed), which records the ack and schedules a one-time wake-up
// of the sweeper in moto's EventBridge Scheduler; the schedule's payload then runs the sweeper handler, as
// Scheduler would: one chatops post with the Identified draft and one Statuspage PATCH to `identified`,
// once even when PagerDuty retries the webhook. A SEV3's ack schedules and posts nothing.
import { CreateScheduleGroupCommand, GetScheduleCommand, ListSchedulesCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbIncidentStore } from '../../../../lambdas/adapters/dynamodb-incident-store.ts';
import { DynamoDbReportHeartbeats } from '../../../../lambdas/adapters/dynamodb-report-heartbeats.ts';
import { EventBridgeDeadlineScheduler } from '../../../../lambdas/adapters/eventbridge-deadline-scheduler.ts';
import { parseConfig } from '../../../../lambdas/core/config.ts';
import type { Logger } from '../../../../lambdas/core/logger.ts';
import { routerSettingsOf } from '../../../../lambdas/core/router-settings.ts';
import type { Config } from '../../../../lambdas/core/config.ts';
import { buildAckIntakeDeps } from '../../../../lambdas/functions/ack-intake/deps.ts';
import { readAckIntakeEnvironment } from '../../../../lambdas/functions/ack-intake/env.ts';
import { makeAckIntakeHandler } from '../../../../lambdas/functions/ack-intake/handler.ts';
import { makeSweeperHandler } from '../../../../lambdas/functions/sweeper/handler.ts';
import { pagerDutyEvent, signedPagerDutyRequest } from '../../../fixtures/pagerduty/webhooks-v3.ts';
import { ACCOUNT, REGION, clientConfig, putSecureString } from '../../support/aws.ts';
import {
  TUESDAY_10,
  createTable,
  deadLetters,
  incidentItem,
  published,
  report,
  reportEvent,
  routerHandler,
  signal,
  useRouterWorld,
  worldNotifiers,
  type LogEntry,
  type RouterWorld,
} from '../../support/router-fixture.ts';
import { FakeStatuspage, STATUSPAGE_COMPONENTS, STATUSPAGE_KEY, STATUSPAGE_PAGE } from '../../support/vendors/statuspage-server.ts';

const KEY_PARAMETER = '/metis-alerts/statuspage/ack-posts-key';
const PD_SECRET = 'pd-webhook-secret-0123456789abcdef';
const PD_PARAMETER = '/metis/intake/ack-posts-pagerduty';
const HOST = 'gw-prod-01.internal.example.net';
const GROUP = 'metis-ack-posts-deadlines';
const AT_10_07 = '2026-11-24T10:07:00.000Z';
const AT_10_07_20 = '2026-11-24T10:07:20.000Z';

let world: RouterWorld;
useRouterWorld((created) => (world = created), {
  setup: async (w) => {
    await putSecureString(w.ssm, KEY_PARAMETER, STATUSPAGE_KEY);
    await putSecureString(w.ssm, PD_PARAMETER, PD_SECRET);
  },
  beforeEachTest: (w) => {
    w.pd.reset();
    statuspage.reset();
  },
});
const statuspage = new FakeStatuspage();
const scheduler = new SchedulerClient(clientConfig());
beforeAll(async () => {
  await statuspage.start();
  await scheduler.send(new CreateScheduleGroupCommand({ Name: GROUP }));
});
afterAll(async () => {
  await statuspage.close();
});

const SETTINGS = routerSettingsOf(parseConfig({ sinks: { pagerduty: { routingKeyParameter: '/metis-alerts/pagerduty/routing-key' } } }));
const SCHEDULER = {
  groupName: GROUP,
  targetArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:metis-sweeper`,
  roleArn: `arn:aws:iam::${ACCOUNT}:role/metis-deadline-invoker`,
  deadLetterArn: `arn:aws:sqs:${REGION}:${ACCOUNT}:metis-router-dlq`,
};
let tables = 0;

const statuspageSink = (): NonNullable<Config['sinks']['statuspage']> => ({
  pageId: STATUSPAGE_PAGE,
  apiKeyParameter: KEY_PARAMETER,
  components: { gateway: STATUSPAGE_COMPONENTS.api },
  autoPublish: true,
  // The fake listens on loopback http; the config schema admits only https, so it is set after parsing.
  apiUrl: statuspage.apiUrl,
});

/** The deployed pair over one table: the router and sweeper with the statuspage sink, the intake with the scheduler. */
async function stack(logs: LogEntry[] = [], schedules: SchedulerClient = scheduler) {
  const tableName = await createTable(world, `ack-posts-${++tables}`);
  const sinks = { statuspage: statuspageSink() };
  const env = readAckIntakeEnvironment({
    INCIDENT_TABLE: tableName,
    ROUTER_SETTINGS: JSON.stringify(SETTINGS),
    INTAKE_SETTINGS: JSON.stringify({ pagerduty: { secretParameter: PD_PARAMETER } }),
    DEADLINE_SCHEDULER: JSON.stringify(SCHEDULER),
  });
  const logger: Logger = {
    info: (message, fields) => logs.push({ level: 'info', message, ...(fields ? { fields } : {}) }),
    warn: (message, fields) => logs.push({ level: 'warn', message, ...(fields ? { fields } : {}) }),
    error: (message, fields) => logs.push({ level: 'error', message, ...(fields ? { fields } : {}) }),
  };
  const intake = makeAckIntakeHandler(
    buildAckIntakeDeps(
      env,
      { dynamodb: world.dynamo, ssm: world.ssm, scheduler: schedules },
      { logger, clock: () => new Date(AT_10_07_20) },
    ),
  );
  const route = (at: string) => routerHandler(world, { at, tableName, sinks, settings: SETTINGS, logs });
  const sweeper = (at: string) =>
    makeSweeperHandler({
      store: new DynamoDbIncidentStore({ client: world.dynamo, tableName }),
      notifiers: worldNotifiers(world, { sinks }),
      settings: SETTINGS,
      clock: () => new Date(at),
      heartbeats: new DynamoDbReportHeartbeats({ client: world.dynamo, tableName }),
      expectedSources: [],
      options: { tracebackQuietMinutes: 30 },
      logger,
      deadlines: new EventBridgeDeadlineScheduler({ client: scheduler, ...SCHEDULER }),
    });
  return { tableName, intake, route, sweeper };
}

const outage = (severity: 'SEV1' | 'SEV3', at: string, subject = 'gateway') =>
  reportEvent(
    report(
      at,
      ['healthz_down'],
      [
        signal({
          source: 'probe',
          rule: 'healthz_down',
          subject,
          severity,
          observedAt: at,
          summary: `GET https://${HOST}/healthz timed out twice in 60 s`,
          details: { url: `https://${HOST}/healthz` },
        }),
      ],
      'probe',
    ),
    at,
    'metis-alerts.probe',
  );

/** PagerDuty's webhook for our incident, signed; a retry of one delivery keeps its webhook id and event id. */
function acknowledged(dedupKey: string) {
  const body = JSON.stringify(
    pagerDutyEvent({ type: 'incident.acknowledged', incidentKey: dedupKey, occurredAt: AT_10_07, id: `ev-ack-${tables}` }),
  );
  return signedPagerDutyRequest(body, PD_SECRET, `wh-${tables}`);
}

/** The `deliveries` wake-ups moto's Scheduler holds for an incident: their expression and the payload Scheduler delivers. */
async function wakeUps(dedupKey: string): Promise<{ expression: string; input: unknown }[]> {
  const listed = await scheduler.send(new ListSchedulesCommand({ GroupName: GROUP, MaxResults: 100 }));
  const found: { expression: string; input: unknown }[] = [];
  for (const summary of listed.Schedules ?? []) {
    const schedule = await scheduler.send(new GetScheduleCommand({ GroupName: GROUP, Name: summary.Name! }));
    const input = JSON.parse(schedule.Target!.Input!) as { deadline: { dedupKey: string; kind: string; episode: number } };
    if (input.deadline.dedupKey === dedupKey && input.deadline.kind === 'deliveries' && summary.Name!.startsWith('deliveries-'))
      found.push({ expression: schedule.ScheduleExpression!, input });
  }
  return found;
}

/** The chatops posts since the last call, as Slack shows them (Chatbot's title and description). */
async function chatopsPosts(): Promise<{ title: string; description: string }[]> {
  return (await published(world, world.chatops)).map(
    (p) => (JSON.parse(p.message) as { content: { title: string; description: string } }).content,
  );
}

describe('an ack through the intake is posted within the minute', () => {
  it('a SEV1 acked in PagerDuty: one chatops post with the Identified draft and one Statuspage PATCH to identified, once despite a retried webhook', async () => {
    const logs: LogEntry[] = [];
    const { tableName, intake, route, sweeper } = await stack(logs);
    await route(TUESDAY_10)(outage('SEV1', TUESDAY_10));
    expect(statuspage.requests.map((r) => `${r.method} ${r.answer.status}`)).toEqual(['POST 201']);
    await chatopsPosts(); // the opening post

    expect((await intake(acknowledged('healthz_down:gateway'))).statusCode).toBe(200);
    const acked = await incidentItem(world, 'healthz_down:gateway', tableName);
    expect(acked?.ack).toEqual({ at: AT_10_07, by: 'Tenex Engineer', via: 'pagerduty' });
    expect(acked?.deliveries.filter((d) => d.status === 'pending').map((d) => `${d.sink} ${d.action}`)).toEqual([
      'chatops acknowledged',
      'statuspage acknowledged',
    ]);
    // Nothing is sent by the intake itself; the sweeper's wake-up is due in the ack's minute (Scheduler: the next whole minute).
    expect(await chatopsPosts()).toEqual([]);
    const wakes = await wakeUps('healthz_down:gateway');
    expect(wakes).toEqual([
      {
        expression: 'at(2026-11-24T10:08:00)',
        input: { deadline: { dedupKey: 'healthz_down:gateway', episode: 1, kind: 'deliveries', at: AT_10_07_20 } },
      },
    ]);

    // PagerDuty retries the same delivery (it did not see our 200): answered 200, nothing planned or scheduled again.
    expect(await intake(acknowledged('healthz_down:gateway'))).toMatchObject({ statusCode: 200, body: '{"status":"duplicate"}' });
    expect(await wakeUps('healthz_down:gateway')).toHaveLength(1);

    // Scheduler invokes the sweeper with the payload at 10:08.
    expect(await sweeper('2026-11-24T10:08:00.000Z')(wakes[0]!.input)).toEqual({ deliveries: 2 });
    const posts = await chatopsPosts();
    expect(posts).toHaveLength(1);
    expect(posts[0]!.title).toBe('SEV1 ACKNOWLEDGED healthz_down: gateway');
    expect(posts[0]!.description).toContain(
      'Acknowledged by Tenex Engineer (PagerDuty) at 10:07 UTC: a person has this SEV1; status is now Identified.',
    );
    expect(posts[0]!.description).toContain(
      '*Status page update (Identified), ready to paste:*\n> *API unavailable*\n' +
        '> We have identified the cause and are working on a fix. Until it is in place, requests to the API are failing. Next update by 10:38 UTC.',
    );

    expect(statuspage.violations()).toEqual([]);
    expect(statuspage.requests.map((r) => `${r.method} ${r.path} ${r.answer.status}`)).toEqual([
      `POST /v1/pages/${STATUSPAGE_PAGE}/incidents 201`,
      `PATCH /v1/pages/${STATUSPAGE_PAGE}/incidents/inc000000001 200`,
    ]);
    expect(statuspage.incidents[0]?.status).toBe('identified');
    expect(statuspage.incidents[0]?.updates.at(-1)).toEqual({
      status: 'identified',
      body: 'We have identified the cause and are working on a fix. Until it is in place, requests to the API are failing. Next update by 10:38 UTC.',
    });
    expect(statuspage.components.get(STATUSPAGE_COMPONENTS.api)).toBe('major_outage');
    expect(JSON.stringify(statuspage.requests.map((r) => r.body))).not.toMatch(/gw-prod-01|healthz|internal\.example|Tenex/);

    // Scheduler retries the invocation, or the 5-minute sweep runs: nothing is sent twice.
    await sweeper('2026-11-24T10:10:00.000Z')(wakes[0]!.input);
    await sweeper('2026-11-24T10:10:00.000Z')({});
    expect(await chatopsPosts()).toEqual([]);
    expect(statuspage.requests).toHaveLength(2);
    const after = await incidentItem(world, 'healthz_down:gateway', tableName);
    expect(after?.deliveries.filter((d) => d.action === 'acknowledged').map((d) => `${d.sink} ${d.status}`)).toEqual([
      'chatops sent',
      'statuspage sent',
    ]);
    expect(logs.filter((l) => l.level === 'error')).toEqual([]);
    expect(await deadLetters(world)).toEqual([]);
  });

  it('Scheduler unreachable: the ack is still recorded and answered 200, the failure logged; the 5-minute sweep sends the post', async () => {
    const logs: LogEntry[] = [];
    const unreachable = new SchedulerClient({ ...clientConfig(), endpoint: 'http://127.0.0.1:9', maxAttempts: 1 });
    const { tableName, intake, route, sweeper } = await stack(logs, unreachable);
    await route(TUESDAY_10)(outage('SEV1', TUESDAY_10, 'admin'));
    await chatopsPosts();
    expect((await intake(acknowledged('healthz_down:admin'))).statusCode).toBe(200);
    expect((await incidentItem(world, 'healthz_down:admin', tableName))?.ack?.by).toBe('Tenex Engineer');
    const warning = logs.find((l) => l.message.startsWith('ack intake: sweeper wake-up not scheduled'));
    expect(warning?.fields).toMatchObject({ dedupKey: 'healthz_down:admin', kinds: ['deliveries', 'status-reminder'] });
    await sweeper('2026-11-24T10:10:00.000Z')({});
    expect((await chatopsPosts()).map((p) => p.title)).toEqual(['SEV1 ACKNOWLEDGED healthz_down: admin']);
  });

  it('a SEV3 acked in PagerDuty: recorded, no wake-up, no post, nothing to the status page', async () => {
    const { tableName, intake, route, sweeper } = await stack();
    await route(TUESDAY_10)(outage('SEV3', TUESDAY_10, 'agent-server'));
    await chatopsPosts();
    expect((await intake(acknowledged('healthz_down:agent-server'))).statusCode).toBe(200);
    const acked = await incidentItem(world, 'healthz_down:agent-server', tableName);
    expect(acked?.ack?.by).toBe('Tenex Engineer');
    expect(acked?.deliveries.filter((d) => d.status === 'pending')).toEqual([]);
    expect(await wakeUps('healthz_down:agent-server')).toEqual([]);
    await sweeper('2026-11-24T10:10:00.000Z')({});
    expect(await chatopsPosts()).toEqual([]);
    expect(statuspage.requests).toEqual([]);
  });
});
