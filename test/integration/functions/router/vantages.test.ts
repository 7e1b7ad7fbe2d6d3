// The router as deployed (buildRouterDeps from its environment, the Lambda runtime's AWS_REGION as the home
// region) against moto, with probe reports from three regions: the home region us-east-1 and the vantages
// eu-central-1 and ap-southeast-2 (each report made by the probe's own round code, with each region's own
// state). One vantage failing pages nothing but a SEV3 on chatops; two of three failing twice page SEV1; a
// silent vantage raises source_stale (the sweeper, from the same table) and the vote goes on with the rest.
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../../lambdas/core/config.ts';
import { healthzRoundReport } from '../../../../lambdas/core/probe/healthz-report.ts';
import { EMPTY_PROBE_STATE, type ProbeState } from '../../../../lambdas/core/probe/probe-state.ts';
import type { ProbeOutcome } from '../../../../lambdas/core/probe/result.ts';
import { routerSettingsOf } from '../../../../lambdas/core/router-settings.ts';
import type { EvaluationReport } from '../../../../lambdas/core/signal.ts';
import { buildRouterDeps } from '../../../../lambdas/functions/router/deps.ts';
import { readRouterEnvironment } from '../../../../lambdas/functions/router/env.ts';
import { makeRouterHandler, type RouterOutcome } from '../../../../lambdas/functions/router/handler.ts';
import { buildSweeperDeps } from '../../../../lambdas/functions/sweeper/deps.ts';
import { readSweeperEnvironment } from '../../../../lambdas/functions/sweeper/env.ts';
import { makeSweeperHandler } from '../../../../lambdas/functions/sweeper/handler.ts';
import { collectingLogger } from '../../support/lifecycle-world.ts';
import {
  ROUTING_KEY_PARAMETER,
  createTable,
  deadLetters,
  incidentItem,
  pdCalls,
  published,
  reportEvent,
  useRouterWorld,
  type RouterWorld,
} from '../../support/router-fixture.ts';

let world: RouterWorld;
useRouterWorld((created) => (world = created));

const HOME = 'us-east-1';
const CONFIG = parseConfig({
  healthTargets: [{ name: 'gateway', url: 'https://gateway.example.com/healthz' }],
  probes: { vantages: ['eu-central-1', 'ap-southeast-2'] },
});
/** Tuesday 10:00 UTC, in business hours. */
const T0 = Date.parse('2026-11-24T10:00:00.000Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();
const up = (latencyMs: number): ProbeOutcome => ({
  url: 'https://gateway.example.com/healthz',
  ok: true,
  failure: null,
  status: 200,
  latencyMs,
  tlsDaysLeft: 60,
  detail: null,
});
const timeout: ProbeOutcome = {
  ...up(5000),
  ok: false,
  failure: 'timeout',
  status: null,
  tlsDaysLeft: null,
  detail: 'no answer within 5000 ms',
};

let tables = 0;
let tableName: string;
let logs: { level: string; message: string; fields?: Record<string, unknown> }[];
let states: Map<string, ProbeState>;

beforeEach(async () => {
  tableName = await createTable(world, `vantages-${++tables}`);
  logs = [];
  states = new Map();
  // What an earlier test left on the shared topics and queue.
  await published(world, world.page);
  await published(world, world.chatops);
  await deadLetters(world);
});

function environment() {
  return {
    INCIDENT_TABLE: tableName,
    PAGE_TOPIC_ARN: world.page.topicArn,
    CHATOPS_TOPIC_ARN: world.chatops.topicArn,
    SINKS: JSON.stringify({ pagerduty: { routingKeyParameter: ROUTING_KEY_PARAMETER, eventsUrl: world.pd.eventsUrl } }),
    ROUTER_SETTINGS: JSON.stringify(routerSettingsOf(CONFIG)),
  };
}

const clients = () => ({ dynamodb: world.dynamo, sns: world.sns, ssm: world.ssm, sqs: world.sqs, cloudwatch: world.cloudwatch });

/**
 * One probe round measured from `vantage` at `seconds`, routed by a fresh router invocation at that time;
 * `blind`: the probe could not measure the target (its header parameter unreadable).
 */
async function round(vantage: string, seconds: number, outcome: ProbeOutcome | 'blind'): Promise<RouterOutcome> {
  const now = new Date(T0 + seconds * 1000);
  const { report, next } = healthzRoundReport({
    targets: CONFIG.healthTargets,
    probes: outcome === 'blind' ? [] : [{ target: 'gateway', outcome }],
    skipped: outcome === 'blind' ? [{ target: 'gateway', reason: 'SSM parameter /metis/probe/token not readable (AccessDenied)' }] : [],
    previous: states.get(vantage) ?? EMPTY_PROBE_STATE,
    rules: CONFIG.rules,
    now,
    vantage,
  });
  states.set(vantage, next);
  // Every vantage stamps its region, the home one too (the router drops the home region's own name).
  const sent: EvaluationReport = { ...report, vantage, signals: report.signals.map((s) => ({ ...s, vantage })) };
  const env = readRouterEnvironment({ ...environment(), DEAD_LETTER_QUEUE_URL: world.dlqUrl, AWS_REGION: HOME });
  const router = makeRouterHandler(buildRouterDeps(env, clients(), { clock: () => now, logger: collectingLogger(logs) }));
  return router(reportEvent(sent, now.toISOString(), 'metis-alerts.probe'));
}

async function sweep(seconds: number): Promise<void> {
  const env = readSweeperEnvironment({
    ...environment(),
    SWEEPER_SETTINGS: JSON.stringify({
      tracebackQuietMinutes: 30,
      expectedSources: [
        { source: 'probe', intervalMinutes: 1 },
        { source: 'probe', vantage: 'eu-central-1', intervalMinutes: 1 },
        { source: 'probe', vantage: 'ap-southeast-2', intervalMinutes: 1 },
      ],
    }),
  });
  const now = new Date(T0 + seconds * 1000);
  await makeSweeperHandler(buildSweeperDeps(env, clients(), { clock: () => now, logger: collectingLogger(logs) }))();
}

const subjects = async (topic: RouterWorld['page']) => (await published(world, topic)).map((p) => p.subject);

describe('the router votes across probe vantages', () => {
  it('one vantage failing (eu-central-1 times out, twice in a row) pages nothing: one SEV3 vantage_unreachable on chatops', async () => {
    await round(HOME, 0, up(42));
    await round('ap-southeast-2', 1, up(288));
    expect(await round('eu-central-1', 2, timeout)).toMatchObject({ status: 'routed' });
    await round(HOME, 30, up(43));
    await round('ap-southeast-2', 31, up(290));
    await round('eu-central-1', 32, timeout);

    expect(pdCalls(world)).toEqual([]);
    expect(await subjects(world.page)).toEqual([]);
    const chatops = await published(world, world.chatops);
    expect(chatops.map((p) => p.subject)).toEqual(['[SEV3] FIRING vantage_unreachable: eu-central-1']);
    expect(chatops[0]!.message).toContain(
      'gateway is up from 2 other regions (us-east-1 ok in 42 ms, ap-southeast-2 ok in 288 ms) but eu-central-1 timeout in 5000 ms: check the path from eu-central-1',
    );
    expect(await incidentItem(world, 'healthz_down:gateway', tableName)).toBeUndefined();
    expect(await incidentItem(world, 'vantage_unreachable:eu-central-1', tableName)).toMatchObject({
      status: 'open',
      severity: 'SEV3',
      source: 'probe',
    });
    // The vote keeps every vantage's latest rounds in one item of the incident table, an attribute per vantage.
    const item = await DynamoDBDocumentClient.from(world.dynamo).send(
      new GetCommand({ TableName: tableName, Key: { dedupKey: 'vantage-rounds' }, ConsistentRead: true }),
    );
    expect(item.Item).toMatchObject({
      kind: 'vantage-rounds',
      'vantage@eu-central-1': { at: at(32), rounds: { gateway: { ok: false, consecutive: true, failure: 'timeout', latencyMs: 5000 } } },
      'vantage@us-east-1': { at: at(30), rounds: { gateway: { ok: true, latencyMs: 43 } } },
    });
    expect(logs.filter((l) => l.level === 'error')).toEqual([]);
  });

  it('two of three failing twice in a row page SEV1, naming which vantages saw what with their latency', async () => {
    await round('ap-southeast-2', 0, up(288));
    await round(HOME, 1, timeout);
    await round('eu-central-1', 2, timeout);
    expect(pdCalls(world)).toEqual([{ action: 'trigger', severity: 'error', dedupKey: 'healthz_down:gateway', status: 202 }]);
    world.pd.requests.length = 0;
    await round(HOME, 31, timeout);
    await round('eu-central-1', 32, timeout);

    expect(pdCalls(world)).toEqual([{ action: 'trigger', severity: 'critical', dedupKey: 'healthz_down:gateway', status: 202 }]);
    expect(await subjects(world.page)).toEqual(['[SEV2] FIRING healthz_down: gateway', '[SEV1] FIRING healthz_down: gateway']);
    const incident = await incidentItem(world, 'healthz_down:gateway', tableName);
    expect(incident).toMatchObject({ status: 'open', severity: 'SEV1' });
    expect(incident!.lastSignal.summary).toMatch(
      /^healthz_down SEV1: gateway failed twice in a row from 2 of 3 vantages \(quorum 2\): us-east-1 timeout in 5000 ms \(twice\), eu-central-1 timeout in 5000 ms \(twice\), ap-southeast-2 ok in 288 ms\. First: check the ingress/,
    );
    expect(incident!.lastSignal.details.vote).toEqual({
      voters: 3,
      quorum: 2,
      failing: ['us-east-1', 'eu-central-1'],
      failedTwice: ['us-east-1', 'eu-central-1'],
      notReporting: [],
      downToOne: false,
    });
    // us-east-1's first failure came in a second before eu-central-1's: alone then (SEV3 on chatops), the
    // gateway's once eu-central-1 failed too, so that SEV3 resolved.
    expect(await incidentItem(world, 'vantage_unreachable:us-east-1', tableName)).toMatchObject({ status: 'resolved', severity: 'SEV3' });
    expect(await incidentItem(world, 'vantage_unreachable:ap-southeast-2', tableName)).toBeUndefined();
  });

  it('two regions reporting at the same moment (concurrent router invocations) lose neither round: the outage still pages SEV1', async () => {
    await round('ap-southeast-2', 0, up(288));
    await Promise.all([round(HOME, 1, timeout), round('eu-central-1', 1, timeout)]);
    await Promise.all([round(HOME, 31, timeout), round('eu-central-1', 31, timeout)]);

    // Whichever invocation wrote second saw the other's round: two of three failed twice, SEV1.
    const incident = await incidentItem(world, 'healthz_down:gateway', tableName);
    expect(incident).toMatchObject({ status: 'open', severity: 'SEV1' });
    expect(incident!.lastSignal.details.vote).toMatchObject({ voters: 3, quorum: 2, failedTwice: ['us-east-1', 'eu-central-1'] });
    expect(pdCalls(world).at(-1)).toMatchObject({ action: 'trigger', severity: 'critical', dedupKey: 'healthz_down:gateway' });
    const item = await DynamoDBDocumentClient.from(world.dynamo).send(
      new GetCommand({ TableName: tableName, Key: { dedupKey: 'vantage-rounds' }, ConsistentRead: true }),
    );
    expect(
      Object.keys(item.Item!)
        .filter((k) => k.startsWith('vantage@'))
        .sort(),
    ).toEqual(['vantage@ap-southeast-2', 'vantage@eu-central-1', 'vantage@us-east-1']);
    expect(item.Item!['vantage@us-east-1']).toMatchObject({ at: at(31), rounds: { gateway: { ok: false, consecutive: true } } });
    expect(item.Item!['vantage@eu-central-1']).toMatchObject({ at: at(31), rounds: { gateway: { ok: false, consecutive: true } } });
  });

  it('a silent vantage raises source_stale for it and the vote goes on with the rest, down to one', async () => {
    await round(HOME, 0, up(42));
    await round('eu-central-1', 1, up(95));
    await round('ap-southeast-2', 2, up(288));
    // ap-southeast-2 stops reporting; four minutes later the sweeper says so, for that vantage only.
    await round(HOME, 240, up(42));
    await round('eu-central-1', 241, up(95));
    await sweep(242);
    expect(await incidentItem(world, 'source_stale:probe@ap-southeast-2', tableName)).toMatchObject({ status: 'open', severity: 'SEV2' });
    expect(await incidentItem(world, 'source_stale:probe', tableName)).toBeUndefined();
    expect(await incidentItem(world, 'source_stale:probe@eu-central-1', tableName)).toBeUndefined();
    await published(world, world.page);
    await published(world, world.chatops);
    world.pd.requests.length = 0;

    // Of the two still reporting, eu-central-1 alone failing is its path (quorum 2 of 2): no page.
    await round('eu-central-1', 271, timeout);
    expect(pdCalls(world)).toEqual([]);
    expect(await subjects(world.chatops)).toEqual(['[SEV3] FIRING vantage_unreachable: eu-central-1']);

    // eu-central-1 goes silent too: the home region is the last voter, and its own failures page.
    await round(HOME, 600, timeout);
    await round(HOME, 630, timeout);
    expect(pdCalls(world).map((c) => `${c.action} ${c.severity} ${c.dedupKey}`)).toEqual([
      'trigger error healthz_down:gateway',
      'trigger critical healthz_down:gateway',
    ]);
    const incident = await incidentItem(world, 'healthz_down:gateway', tableName);
    expect(incident!.lastSignal.summary).toContain('from 1 of 1 vantages (quorum 1)');
    expect(incident!.lastSignal.summary).toContain(
      `not reporting: eu-central-1 (last round ${at(271)}), ap-southeast-2 (last round ${at(2)}); the vote is down to one: only us-east-1 still reports`,
    );
  });

  it("monitoring_blind is each region's own: a blind ap-southeast-2 stays open while the home probe reports healthy, and resolves on its own healthy report", async () => {
    await round(HOME, 0, up(42));
    await round('ap-southeast-2', 1, 'blind');
    expect(await incidentItem(world, 'monitoring_blind:probe@ap-southeast-2', tableName)).toMatchObject({
      status: 'open',
      severity: 'SEV2',
    });
    expect((await incidentItem(world, 'monitoring_blind:probe@ap-southeast-2', tableName))!.lastSignal.summary).toMatch(
      /^Monitoring blind: the probe in ap-southeast-2 could not measure gateway/,
    );
    // The home region (and another vantage) measuring everything is no evidence for ap-southeast-2.
    await round(HOME, 30, up(42));
    await round('eu-central-1', 31, up(95));
    expect(await incidentItem(world, 'monitoring_blind:probe@ap-southeast-2', tableName)).toMatchObject({ status: 'open' });
    expect(await incidentItem(world, 'monitoring_blind:probe', tableName)).toBeUndefined();

    await round('ap-southeast-2', 32, up(288));
    expect(await incidentItem(world, 'monitoring_blind:probe@ap-southeast-2', tableName)).toMatchObject({ status: 'resolved' });
  });

  it("the home region's monitoring_blind keeps its key (monitoring_blind:probe), and another region's healthy report does not resolve it", async () => {
    await round(HOME, 0, 'blind');
    expect(await incidentItem(world, 'monitoring_blind:probe', tableName)).toMatchObject({ status: 'open', severity: 'SEV2' });
    await round('eu-central-1', 1, up(95));
    await round('ap-southeast-2', 2, up(288));
    expect(await incidentItem(world, 'monitoring_blind:probe', tableName)).toMatchObject({ status: 'open' });
    await round(HOME, 30, up(42));
    expect(await incidentItem(world, 'monitoring_blind:probe', tableName)).toMatchObject({ status: 'resolved' });
  });

  it('a report from a region that is not a configured vantage is parked in the dead-letter queue with what to do', async () => {
    expect(await round('sa-east-1', 0, timeout)).toEqual({
      status: 'dead-lettered',
      reason:
        'a probe report from vantage "sa-east-1", which is not in probes.vantages (us-east-1, eu-central-1, ap-southeast-2): add it there or remove that probe stack',
    });
    expect((await deadLetters(world)).map((d) => d.reason)).toHaveLength(1);
    expect(pdCalls(world)).toEqual([]);
  });
});
