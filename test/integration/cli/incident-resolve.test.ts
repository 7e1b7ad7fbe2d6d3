// `metis-alerts incidents resolve` against moto: a SEV1 healthz_down incident opened by the alarm-based probes
// (source cloudwatch-alarm), whose alarms an upgrade then deleted without an OK state change, stays open
// through the probe's healthy reports; resolved by hand, the resolve goes through the real router handler
// (DynamoDB table, SNS topics, the PagerDuty fake that checks the Events API v2 contract). The real CLI
// publishes onto a moto bus whose rule copies the report to a queue, as the router's rule would deliver it.
import { DeleteAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { CreateEventBusCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { describe, expect, it } from 'vitest';
import { formatResolveByHand, resolveByHand, type ResolveByHandDeps } from '../../../cli/commands/incident-resolve.ts';
import { DynamoDbIncidentStore } from '../../../lambdas/adapters/dynamodb-incident-store.ts';
import { DynamoDbSilenceStore, silenceKey } from '../../../lambdas/adapters/dynamodb-silence-store.ts';
import { createQueue, drainQueue, eventBridgeClient } from '../support/aws.ts';
import { expectUsageError, useAwsCliEnv } from '../support/aws-cli.ts';
import { NOTHING, takeSent } from '../support/lifecycle-world.ts';
import {
  alarmEvent,
  createTable,
  incidentItem,
  putHealthzAlarms,
  report,
  reportEvent,
  routerHandler,
  signal,
  TUESDAY_10,
  useRouterWorld,
  type RouterWorld,
} from '../support/router-fixture.ts';
import { runCli, runCliAsync } from '../support/run-cli.ts';

let world: RouterWorld;
useRouterWorld((created) => (world = created));
useAwsCliEnv(undefined);

const KEY = 'healthz_down:gateway';
const AFTER_UPGRADE = '2026-11-24T10:20:00.000Z';
const BY_HAND = '2026-11-24T10:25:00.000Z';
const SEV1 = '[SEV1] FIRING healthz_down: gateway';

/** The alarm-era incident: SEV1 from the tagged alarm, then the upgrade deletes the alarms and the probe reports the target healthy. */
async function strandedIncident(tableName: string): Promise<void> {
  await putHealthzAlarms(world);
  await routerHandler(world, { at: TUESDAY_10, tableName })(alarmEvent('gateway-healthz-sev1', 'ALARM', TUESDAY_10));
  const opened = await takeSent(world);
  expect(opened.pd).toEqual([`trigger critical ${KEY} 202`]);
  expect(opened.page).toEqual([SEV1]);
  expect(opened.chatops).toEqual([SEV1]);
  await world.cloudwatch.send(new DeleteAlarmsCommand({ AlarmNames: ['gateway-healthz-sev1', 'gateway-healthz-sev2'] }));
  const healthy = {
    source: 'probe',
    evaluatedAt: AFTER_UPGRADE,
    evaluated: ['healthz_down'],
    healthy: { healthz_down: ['gateway'] },
    signals: [],
  };
  await routerHandler(world, { at: AFTER_UPGRADE, tableName })(reportEvent(healthy, AFTER_UPGRADE, 'metis-alerts.probe'));
  // The probe resolves only its own incidents: this one would stay open for ever.
  expect((await incidentItem(world, KEY, tableName))?.status).toBe('open');
  expect(await takeSent(world)).toEqual(NOTHING);
}

/** resolveByHand's deps with the router handler standing in for the bus: the report reaches it as the rule delivers it. */
function throughRouter(tableName: string, at: string): ResolveByHandDeps {
  const store = new DynamoDbIncidentStore({ client: world.dynamo, tableName });
  return {
    publish: async (report) => {
      await routerHandler(world, { at, tableName })(reportEvent(report, at, 'metis-alerts.manual'));
    },
    incident: (key) => store.get(key),
    sleep: async () => {},
    now: () => new Date(at),
  };
}

describe('incidents resolve through the router', () => {
  it('closes the stranded SEV1: PagerDuty resolve, page and chatops told, the timeline says who and why (redacted)', async () => {
    const tableName = await createTable(world, 'resolve-by-hand-1');
    await strandedIncident(tableName);

    const reason = 'alarms deleted by the upgrade; pasted key sk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789 by mistake';
    const result = await resolveByHand(KEY, reason, 'alice', throughRouter(tableName, BY_HAND), 5_000);
    expect(result).toEqual({
      dedupKey: KEY,
      episode: 1,
      status: 'resolved',
      resolvedAt: BY_HAND,
      sinks: { pagerduty: 'delivered', page: 'delivered', chatops: 'delivered' },
    });
    const sent = await takeSent(world);
    expect(sent.pd).toEqual([`resolve - ${KEY} 202`]);
    expect(sent.page).toEqual(['[SEV1] RESOLVED healthz_down: gateway']);
    expect(sent.chatops).toEqual(['[SEV1] RESOLVED healthz_down: gateway']);
    const incident = await incidentItem(world, KEY, tableName);
    expect(incident?.timeline.filter((t) => t.event.startsWith('resolved'))).toEqual([
      { at: BY_HAND, event: 'resolved: resolved by hand by alice: alarms deleted by the upgrade; pasted key [REDACTED] by mistake' },
    ]);
    expect(JSON.stringify(incident)).not.toContain('sk-ant-api03');
    expect(formatResolveByHand(result, 5)).toBe(
      `${KEY} (episode 1) resolved at ${BY_HAND}\npagerduty      resolve delivered\npage           resolve delivered\nchatops        resolve delivered\n`,
    );
  });

  it('an incident that is not open is left alone: nothing published, nothing sent', async () => {
    const tableName = await createTable(world, 'resolve-by-hand-2');
    await strandedIncident(tableName);
    await resolveByHand(KEY, 'stranded by the upgrade', 'alice', throughRouter(tableName, BY_HAND), 5_000);
    await takeSent(world);
    let published = 0;
    const deps = throughRouter(tableName, '2026-11-24T10:30:00.000Z');
    const counted: ResolveByHandDeps = {
      ...deps,
      publish: async (report) => {
        published++;
        await deps.publish(report);
      },
    };
    const again = await resolveByHand(KEY, 'once more', 'bob', counted, 5_000);
    expect(again).toEqual({ dedupKey: KEY, episode: 1, status: 'was-not-open', resolvedAt: BY_HAND, sinks: {} });
    expect(published).toBe(0);
    expect(await takeSent(world)).toEqual(NOTHING);
    expect(formatResolveByHand(again, 5)).toBe(`${KEY} (episode 1) was not open (resolved at ${BY_HAND}): nothing sent\n`);
  });

  it('a condition that is still there opens the next episode: reported as reopened, after episode 1 was resolved on PagerDuty', async () => {
    const tableName = await createTable(world, 'resolve-by-hand-4');
    await strandedIncident(tableName);
    const deps = throughRouter(tableName, BY_HAND);
    const failing = report(
      BY_HAND,
      ['healthz_down'],
      // Observed in that next round (a signal observed before the resolve would be stale: recorded, not re-opened).
      [signal({ source: 'probe', rule: 'healthz_down', subject: 'gateway', severity: 'SEV1', observedAt: BY_HAND })],
      'probe',
    );
    const stillDown: ResolveByHandDeps = {
      ...deps,
      // The probe's next round lands right after the resolve: the target is still failing.
      publish: async (resolve) => {
        await deps.publish(resolve);
        await routerHandler(world, { at: BY_HAND, tableName })(reportEvent(failing, BY_HAND, 'metis-alerts.probe'));
      },
    };
    const result = await resolveByHand(KEY, 'stranded by the upgrade', 'alice', stillDown, 5_000);
    expect(result).toEqual({
      dedupKey: KEY,
      episode: 1,
      status: 'reopened',
      resolvedAt: null,
      // The item now holds episode 2: episode 1's deliveries are no longer there to read back.
      sinks: {},
    });
    expect(formatResolveByHand(result, 5)).toBe(
      `${KEY} (episode 1) resolved, then opened again by a newer report: the condition is still there\n`,
    );
    expect((await takeSent(world)).pd).toEqual([`resolve - ${KEY} 202`, `trigger critical ${KEY} 202`]);
    expect(await incidentItem(world, KEY, tableName)).toMatchObject({ status: 'open', episode: 2, source: 'probe' });
  });

  it('a router that never answers leaves it open and says so after the timeout', async () => {
    const tableName = await createTable(world, 'resolve-by-hand-3');
    await strandedIncident(tableName);
    const lost = { ...throughRouter(tableName, BY_HAND), publish: async () => {} };
    const result = await resolveByHand(KEY, 'stranded', 'alice', lost, 50);
    expect(result).toEqual({ dedupKey: KEY, episode: 1, status: 'not-yet', resolvedAt: null, sinks: {} });
    expect(formatResolveByHand(result, 60)).toBe(
      `${KEY} (episode 1): resolve sent, but the router had not closed it after 60 s: see the router's logs\n`,
    );
    expect((await incidentItem(world, KEY, tableName))?.status).toBe('open');
  });
});

describe('metis-alerts incidents resolve (the CLI, a moto bus and table)', () => {
  it('publishes a manual resolve on the bus; routed, the CLI reads the incident back resolved', async () => {
    const tableName = await createTable(world, 'resolve-by-hand-cli');
    await strandedIncident(tableName);
    const events = eventBridgeClient();
    await events.send(new CreateEventBusCommand({ Name: 'resolve-bus' }));
    const queue = await createQueue(world.sqs, 'resolve-bus-to-router');
    const pattern = { source: [{ prefix: 'metis-alerts.' }], 'detail-type': ['Metis Evaluation Report'] };
    await events.send(new PutRuleCommand({ Name: 'to-router', EventBusName: 'resolve-bus', EventPattern: JSON.stringify(pattern) }));
    await events.send(
      new PutTargetsCommand({ Rule: 'to-router', EventBusName: 'resolve-bus', Targets: [{ Id: 'q', Arn: queue.queueArn }] }),
    );

    const cli = runCliAsync([
      'incidents',
      'resolve',
      KEY,
      '--reason',
      'stranded by the upgrade',
      '--bus',
      'resolve-bus',
      '--table',
      tableName,
      '--json',
    ]);
    const [message] = await drainQueue(world.sqs, queue.queueUrl, { expected: 1, timeoutMs: 30_000 });
    const event = JSON.parse(message!.Body!) as {
      source: string;
      detail: { source: string; signals: { status: string; summary: string }[] };
    };
    expect(event.source).toBe('metis-alerts.manual');
    expect(event.detail.signals).toMatchObject([
      { status: 'resolved', summary: expect.stringMatching(/^resolved by hand by .+: stranded by the upgrade$/) },
    ]);
    await routerHandler(world, { at: BY_HAND, tableName })(event);

    const run = await cli;
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ dedupKey: KEY, status: 'resolved', sinks: { pagerduty: 'delivered' } });
    expect((await takeSent(world)).pd).toEqual([`resolve - ${KEY} 202`]);
  });

  it.each([
    [['incidents', 'resolve', KEY, '--bus', 'b', '--table', 'resolve-t'], /--reason TEXT is required/],
    [['incidents', 'resolve', '--reason', 'x', '--bus', 'b', '--table', 'resolve-t'], /give one DEDUP_KEY/],
    [['incidents', 'resolve', KEY, 'second', '--reason', 'x', '--bus', 'b', '--table', 'resolve-t'], /give one DEDUP_KEY/],
    [['incidents', 'resolve', KEY, '--reason', 'x', '--table', 'resolve-t'], /no stack "MetisAlerts" in us-east-1: pass --stack NAME/],
    [['incidents', 'resolve', KEY, '--reason', 'x', '--bus', 'b'], /no stack "MetisAlerts" in us-east-1: pass --stack NAME/],
    [
      ['incidents', 'resolve', KEY, '--reason', 'x', '--bus', 'b', '--table', 'resolve-t', '--timeout-seconds', '0'],
      /--timeout-seconds must be a positive number/,
    ],
  ])('refuses %j with exit 2 and one line', (args, pattern) => {
    expectUsageError(runCli(args), 'incidents', pattern);
  });

  it('a silence item in the same table is no incident: one line, nothing published', async () => {
    const tableName = await createTable(world, 'resolve-by-hand-silence');
    await new DynamoDbSilenceStore({ client: world.dynamo, tableName }).put({
      id: 'sil_0000000001',
      rule: 'healthz_down',
      startsAt: TUESDAY_10,
      endsAt: AFTER_UPGRADE,
      reason: 'maintenance',
      createdBy: 'alice',
      createdAt: TUESDAY_10,
    });
    expectUsageError(
      runCli(['incidents', 'resolve', silenceKey('sil_0000000001'), '--reason', 'x', '--bus', 'b', '--table', tableName]),
      'incidents',
      /is not an incident \(the table also holds silences and heartbeats; see metis-alerts incidents\)/,
    );
  });

  it('an unknown dedup key is one line naming how to list the open ones', async () => {
    const tableName = await createTable(world, 'resolve-by-hand-empty');
    expectUsageError(
      runCli(['incidents', 'resolve', 'healthz_down:nowhere', '--reason', 'x', '--bus', 'b', '--table', tableName]),
      'incidents',
      /no incident "healthz_down:nowhere" in the table \(metis-alerts incidents --open lists the open ones\)/,
    );
  });
});
