// What one extra probe vantage adds to the monthly bill (docs/vantages.md): every line item of its stack's
// template (the probe Lambda, its second-round queue, state table, dead-letter queue, logs) plus what its
// reports cost in the home region (PutEvents on the home bus, the transfer between regions, the router's
// invocation, heartbeat write and vote write per report), and what the vote costs once, whatever the number
// of vantages (the home probe's reports vote too). Same prices (bench/cost-prices.ts) and workload
// (WORKLOAD) as the home stack's model; no free tier.
import { App } from 'aws-cdk-lib';
import { parseConfig } from '../lambdas/core/config.ts';
import { buildMetisAlertsApp } from '../lib/metis-alerts-app.ts';
import * as P from './cost-prices.ts';
import { markdownTable, ratio, type BenchContext, type BenchResult, type Benchmark } from './harness.ts';
import { benchConfigText, type CfnTemplate } from './synth.ts';
import { dynamoItemBytes } from './dynamodb-item-size.ts';
import { VANTAGE_ROUNDS_KEY, vantageValue } from '../lambdas/adapters/dynamodb-vantage-rounds.ts';
import type { VantageRound } from '../lambdas/core/probe/vantage-round.ts';
import { gib, inventory, type LineItem, MINUTES_PER_MONTH, DAYS_PER_MONTH, GIB, n, type Part, unit, usd, WORKLOAD } from './cost-model.ts';

const VANTAGE_METRIC = 'each extra probe vantage (its stack, its reports on the home bus, their router work)';

export const VANTAGE_WORKLOAD = {
  /** A probe report as put on the bus: envelope, healthy lists and per-target measurements, ~1 KB for a few targets; 2 KB upper bound. */
  reportBytes: 2_048,
  /** The state table holds one item of a few KB (storage and PITR priced on 10 KB). */
  stateTableBytes: 10 * 1_024,
  /** Region names in the vote's item are priced at 14 characters (`ap-southeast-2`, the longest of the common ones). */
  regionName: 'ap-southeast-2',
} as const;

/** A healthy round as the vote stores it: what every report writes while nothing fails. */
function healthyRound(target: string): VantageRound {
  return {
    target,
    vantage: VANTAGE_WORKLOAD.regionName,
    at: '2026-11-24T10:00:00.000Z',
    ok: true,
    consecutive: false,
    flapping: false,
    sustained: true,
    failure: null,
    status: 200,
    latencyMs: 180,
    tlsDaysLeft: 60,
    firstMove: null,
  };
}

/**
 * The vote's item (lambdas/adapters/dynamodb-vantage-rounds.ts) with a healthy round of every target from
 * every voter, as the adapter writes it, in bytes and in the write units one report's UpdateItem costs.
 */
export function voteItemSize(targets: readonly string[], voters: number): { bytes: number; writeUnits: number } {
  const item: Record<string, unknown> = { dedupKey: VANTAGE_ROUNDS_KEY, kind: VANTAGE_ROUNDS_KEY };
  const value = vantageValue({ at: '2026-11-24T10:00:00.000Z', rounds: targets.map(healthyRound) });
  for (let i = 0; i < voters; i++) item[`vantage@${VANTAGE_WORKLOAD.regionName.slice(0, -1)}${i}`] = value;
  const bytes = dynamoItemBytes(item);
  return { bytes, writeUnits: Math.max(1, Math.ceil(bytes / 1_024)) };
}

/** The health target names the probe of a template checks (its PROBE_TARGETS). */
function targetsOf(probe: { env: Record<string, unknown> }): string[] {
  const raw = probe.env.PROBE_TARGETS;
  if (typeof raw !== 'string') throw new Error('vantage-cost: the vantage probe has no PROBE_TARGETS');
  return (JSON.parse(raw) as { name: string }[]).map((t) => t.name);
}

/**
 * The monthly line items one vantage adds: `vantage` its stack's template, `home` the home stack's (for the
 * router's memory size), `voters` every vantage of the deployment (the home region included: the vote's item
 * holds a round of each).
 */
export function vantageCostItems(vantage: CfnTemplate, home: CfnTemplate, voters: number): LineItem[] {
  const inv = inventory(vantage);
  if (inv.unpriced.length) throw new Error(`vantage-cost: resource types not priced: ${inv.unpriced.join(', ')}`);
  if (inv.functions.length !== 1)
    throw new Error(`vantage-cost: expected the probe alone in a vantage stack, found ${inv.functions.length} functions`);
  const probe = inv.functions[0]!;
  const router = inventory(home).functions.find((f) => f.part === 'router');
  if (!router) throw new Error('vantage-cost: no router function in the home template');
  if (probe.scheduleMinutes.length === 0) throw new Error('vantage-cost: the vantage probe has no rate() schedule');

  const items: LineItem[] = [];
  const add = (part: Part, resource: string, quantity: string, unitPrice: string, usd: number) =>
    items.push({ part, resource, quantity, unitPrice, usd });

  const runs = MINUTES_PER_MONTH / Math.min(...probe.scheduleMinutes);
  const queued = probe.env.PROBE_SECOND_ROUND_QUEUE_URL !== undefined;
  const invocations = runs * (queued ? WORKLOAD.probeRounds : 1);
  const spacingSeconds = Number(probe.env.PROBE_SPACING_MS ?? 30_000) / 1_000;
  const secondsPerInvocation = queued
    ? WORKLOAD.probeRoundSeconds
    : (WORKLOAD.probeRounds - 1) * spacingSeconds + WORKLOAD.probeRounds * WORKLOAD.probeRoundSeconds;
  const reports = runs * WORKLOAD.probeRounds;

  lambdaLines(add, 'probe', probe, invocations, invocations * secondsPerInvocation, `${n(invocations)} rounds x ${secondsPerInvocation} s`);
  if (queued) {
    const requests = MINUTES_PER_MONTH * WORKLOAD.probeQueuePollsPerMinute + runs * 2;
    add(
      'probe',
      'SQS requests (second-round queue)',
      `${n(requests)} (event-source long polls ${WORKLOAD.probeQueuePollsPerMinute}/min + send and delete per run)`,
      unit(P.SQS_PER_REQUEST, 1e6, 'requests'),
      requests * P.SQS_PER_REQUEST,
    );
  }
  const deadLetterRequests = WORKLOAD.deadLettersPerMonth * 3;
  add(
    'probe',
    'SQS requests (vantage dead-letter queue)',
    `${n(deadLetterRequests)} (${WORKLOAD.deadLettersPerMonth} failed runs x send/receive/delete)`,
    unit(P.SQS_PER_REQUEST, 1e6, 'requests'),
    deadLetterRequests * P.SQS_PER_REQUEST,
  );
  add(
    'probe',
    'DynamoDB on-demand reads (vantage probe state, consistent GetItem)',
    `${n(reports)} RRU (${n(reports)} rounds x 1)`,
    unit(P.DDB_PER_READ_REQUEST_UNIT, 1e6, 'RRU'),
    reports * P.DDB_PER_READ_REQUEST_UNIT,
  );
  add(
    'probe',
    'DynamoDB on-demand writes (vantage probe state, PutItem)',
    `${n(reports)} WRU (${n(reports)} rounds x 1)`,
    unit(P.DDB_PER_WRITE_REQUEST_UNIT, 1e6, 'WRU'),
    reports * P.DDB_PER_WRITE_REQUEST_UNIT,
  );
  const pitrTables = inv.tables.filter((t) => t.pitr).length;
  const tableGb = VANTAGE_WORKLOAD.stateTableBytes / GIB;
  add(
    'probe',
    `DynamoDB storage${pitrTables ? ' + PITR' : ''} (vantage probe state)`,
    `${inv.tables.length} table x < ${n(VANTAGE_WORKLOAD.stateTableBytes / 1_024)} KB`,
    `${unit(P.DDB_STORAGE_PER_GB_MONTH, 1, 'GB-month')} + ${unit(P.DDB_PITR_PER_GB_MONTH, 1, 'GB-month')}`,
    inv.tables.length * tableGb * P.DDB_STORAGE_PER_GB_MONTH + pitrTables * tableGb * P.DDB_PITR_PER_GB_MONTH,
  );
  add(
    'probe',
    'CloudWatch alarms',
    `${inv.alarms.length} (a vantage's alarm could notify no one; the router's per-vantage source_stale does)`,
    unit(P.CW_ALARM_STANDARD_PER_METRIC_MONTH, 1, 'alarm metric-month'),
    inv.alarms.reduce(
      (sum, a) => sum + a.metrics * (a.highRes ? P.CW_ALARM_HIGH_RES_PER_METRIC_MONTH : P.CW_ALARM_STANDARD_PER_METRIC_MONTH),
      0,
    ),
  );
  add(
    'probe',
    'KMS customer managed keys',
    `${inv.kmsKeys.length} (queues SSE-SQS, table AWS-owned key)`,
    unit(P.KMS_PER_KEY_MONTH, 1, 'key-month'),
    inv.kmsKeys.length * P.KMS_PER_KEY_MONTH,
  );
  add('probe', 'EventBridge scheduled invocations', n(runs), 'free', runs * P.EVENTBRIDGE_PER_SCHEDULED_INVOCATION);
  add(
    'probe',
    'EventBridge custom events (reports put on the home bus)',
    `${n(reports)} (${n(runs)} runs x ${WORKLOAD.probeRounds} rounds)`,
    unit(P.EVENTBRIDGE_PER_CUSTOM_EVENT, 1e6, 'events'),
    reports * P.EVENTBRIDGE_PER_CUSTOM_EVENT,
  );
  const transferred = reports * VANTAGE_WORKLOAD.reportBytes;
  add(
    'probe',
    'Data transfer between regions (reports)',
    `${gib(transferred)} (${n(reports)} x ${n(VANTAGE_WORKLOAD.reportBytes / 1_024)} KB)`,
    unit(P.DATA_TRANSFER_INTER_REGION_PER_GB, 1, 'GB'),
    (transferred / GIB) * P.DATA_TRANSFER_INTER_REGION_PER_GB,
  );

  // In the home region: the router handles each report (one invocation, a heartbeat put, the open-by-source query).
  lambdaLines(add, 'router', router, reports, reports * WORKLOAD.routerSeconds, `${n(reports)} reports x ${WORKLOAD.routerSeconds} s`);
  add(
    'router',
    'DynamoDB on-demand reads (open incidents of the source, per report)',
    `${n(reports * 0.5)} RRU (${n(reports)} x 0.5)`,
    unit(P.DDB_PER_READ_REQUEST_UNIT, 1e6, 'RRU'),
    reports * 0.5 * P.DDB_PER_READ_REQUEST_UNIT,
  );
  add(
    'router',
    'DynamoDB on-demand writes (heartbeat, per report)',
    `${n(reports)} WRU (${n(reports)} x 1)`,
    unit(P.DDB_PER_WRITE_REQUEST_UNIT, 1e6, 'WRU'),
    reports * P.DDB_PER_WRITE_REQUEST_UNIT,
  );
  items.push(voteWriteLine('DynamoDB on-demand writes (the vote: one UpdateItem per report)', reports, targetsOf(probe), voters));
  return items;
}

/**
 * What the vote costs once, however many vantages there are: with a vote on, the home probe's reports
 * write their rounds too (without vantages they do not). Priced on the vantage's schedule, which is the home probe's.
 */
export function voteOnceItems(vantage: CfnTemplate, voters: number): LineItem[] {
  const probe = inventory(vantage).functions[0];
  if (!probe || probe.scheduleMinutes.length === 0) throw new Error('vantage-cost: the vantage probe has no rate() schedule');
  const reports = (MINUTES_PER_MONTH / Math.min(...probe.scheduleMinutes)) * WORKLOAD.probeRounds;
  return [
    voteWriteLine(
      "DynamoDB on-demand writes (the vote, the home probe's reports: once, not per vantage)",
      reports,
      targetsOf(probe),
      voters,
    ),
  ];
}

function voteWriteLine(resource: string, reports: number, targets: readonly string[], voters: number): LineItem {
  const { bytes, writeUnits } = voteItemSize(targets, voters);
  return {
    part: 'router',
    resource,
    quantity: `${n(reports * writeUnits)} WRU (${n(reports)} x ${writeUnits}: one item of ${n(bytes)} bytes, ${targets.length} targets x ${voters} vantages, no read)`,
    unitPrice: unit(P.DDB_PER_WRITE_REQUEST_UNIT, 1e6, 'WRU'),
    usd: reports * writeUnits * P.DDB_PER_WRITE_REQUEST_UNIT,
  };
}

function lambdaLines(
  add: (part: Part, resource: string, quantity: string, unitPrice: string, usd: number) => void,
  part: Part,
  fn: { memoryMb: number; arm64: boolean; logRetentionDays: number | undefined },
  invocations: number,
  seconds: number,
  how: string,
): void {
  const gbs = (seconds * fn.memoryMb) / 1_024;
  const price = fn.arm64 ? P.LAMBDA_ARM64_PER_GB_SECOND : P.LAMBDA_X86_PER_GB_SECOND;
  const where = part === 'router' ? ' (home router)' : '';
  add(
    part,
    `Lambda compute${where} (${fn.memoryMb} MB, ${fn.arm64 ? 'arm64' : 'x86_64'})`,
    `${n(gbs)} GB-s (${how})`,
    unit(price, 1, 'GB-s'),
    gbs * price,
  );
  add(part, `Lambda requests${where}`, n(invocations), unit(P.LAMBDA_PER_REQUEST, 1e6, 'requests'), invocations * P.LAMBDA_PER_REQUEST);
  const ingest = invocations * WORKLOAD.logBytesPerInvocation;
  const storedMonths = (fn.logRetentionDays ?? 365) / DAYS_PER_MONTH;
  add(
    part,
    `CloudWatch Logs ingestion${where}`,
    `${gib(ingest)} (${n(invocations)} x ${n(WORKLOAD.logBytesPerInvocation / 1_024)} KB)`,
    unit(P.CW_LOGS_INGEST_PER_GB, 1, 'GB'),
    (ingest / GIB) * P.CW_LOGS_INGEST_PER_GB,
  );
  add(
    part,
    `CloudWatch Logs storage${where} (${fn.logRetentionDays ?? 'no expiry: 365'} days kept)`,
    `${gib(ingest * storedMonths)}-month`,
    unit(P.CW_LOGS_STORAGE_PER_GB_MONTH, 1, 'GB-month'),
    ((ingest * storedMonths) / GIB) * P.CW_LOGS_STORAGE_PER_GB_MONTH,
  );
}

/** The vantage regions the bench prices: the config's own when it lists some, else a three-vantage example. */
const EXAMPLE_VANTAGES = ['us-east-1', 'eu-central-1', 'ap-southeast-2'];

/**
 * The templates of one vantage stack and its home stack for `configText` (the bench config with vantages
 * added), synthesized in-process without bundling: the cost model reads templates only.
 */
export function synthVantageTemplates(configText: string): { home: CfnTemplate; vantage: CfnTemplate; extra: number } {
  const raw = JSON.parse(configText) as Record<string, unknown>;
  const config = parseConfig({ ...raw, probes: { vantages: EXAMPLE_VANTAGES } });
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const built = buildMetisAlertsApp(app, config, EXAMPLE_VANTAGES[0]);
  const assembly = app.synth();
  const first = built.vantages[0];
  if (!first) throw new Error('vantage-cost: the example config synthesized no vantage stack');
  return {
    home: assembly.getStackArtifact(built.home.artifactId).template as CfnTemplate,
    vantage: assembly.getStackArtifact(first.artifactId).template as CfnTemplate,
    extra: built.vantages.length,
  };
}

/** One way to run a vantage's second round 30 s after the first, what it costs a month, and whether it keeps the 30 s. */
export interface SecondRoundWay {
  how: string;
  usd: number;
  keepsSpacing: boolean;
  note: string;
}

/**
 * The second round of each run, 30 s after the first, priced every way AWS offers (with the probe's own
 * invocations, which differ between them): the SQS delay with its event source (deployed), one invocation
 * sleeping through the 30 s, a Step Functions Express wait, an EventBridge Scheduler one-time schedule.
 */
export function secondRoundWays(vantage: CfnTemplate): SecondRoundWay[] {
  const probe = inventory(vantage).functions[0];
  if (!probe || probe.scheduleMinutes.length === 0) throw new Error('vantage-cost: the vantage probe has no rate() schedule');
  const runs = MINUTES_PER_MONTH / Math.min(...probe.scheduleMinutes);
  const spacing = Number(probe.env.PROBE_SPACING_MS ?? 30_000) / 1_000;
  const gb = probe.memoryMb / 1_024;
  const lambda = (invocations: number, seconds: number) =>
    invocations * P.LAMBDA_PER_REQUEST +
    invocations * seconds * gb * (probe.arm64 ? P.LAMBDA_ARM64_PER_GB_SECOND : P.LAMBDA_X86_PER_GB_SECOND);
  const rounds = runs * WORKLOAD.probeRounds;
  const round = WORKLOAD.probeRoundSeconds;
  const sqsRequests = MINUTES_PER_MONTH * WORKLOAD.probeQueuePollsPerMinute + runs * 2;
  return [
    {
      how: 'SQS DelaySeconds + event source mapping (deployed)',
      usd: sqsRequests * P.SQS_PER_REQUEST + lambda(rounds, round),
      keepsSpacing: true,
      note: `${n(sqsRequests)} SQS requests: the event source long-polls whether or not a message waits`,
    },
    {
      how: `one invocation sleeping ${spacing} s between the rounds`,
      usd: lambda(runs, spacing + WORKLOAD.probeRounds * round),
      keepsSpacing: true,
      note: `${n(runs)} invocations of ${spacing + WORKLOAD.probeRounds * round} s: Lambda bills the wait`,
    },
    {
      how: `Step Functions Express: Wait ${spacing} s, then invoke the probe`,
      usd: runs * P.SFN_EXPRESS_PER_REQUEST + runs * spacing * (64 / 1_024) * P.SFN_EXPRESS_PER_GB_SECOND + lambda(rounds, round),
      keepsSpacing: true,
      note: `${n(runs)} executions of ${spacing} s at the 64 MB minimum`,
    },
    {
      how: `EventBridge Scheduler one-time schedule at() ${spacing} s later`,
      usd: runs * P.SCHEDULER_PER_INVOCATION + lambda(rounds, round),
      keepsSpacing: false,
      note: 'Scheduler invokes with 60-second precision (anywhere in the minute named): the two rounds could land seconds apart, or with the next run',
    },
  ];
}

/** What one extra probe vantage may add to the monthly bill. */
const VANTAGE_BUDGET_USD = 1;

export const vantageCost: Benchmark = {
  id: 'vantage-cost',
  title: 'cost model: one extra probe vantage',
  metrics: [VANTAGE_METRIC],

  async run(ctx: BenchContext): Promise<BenchResult> {
    const { home, vantage, extra } = synthVantageTemplates(benchConfigText(ctx.repoRoot));
    const voters = extra + 1;
    const items = vantageCostItems(vantage, home, voters);
    const once = voteOnceItems(vantage, voters);
    const perVantage = sum(items);
    // The first vantage turns the vote on: it adds its own lines and the vote's once-only line.
    const first = perVantage + sum(once);
    const row = (i: LineItem) => [i.part, i.resource, i.quantity, i.unitPrice, usd(i.usd)];
    const rows = [
      ...items.map(row),
      ['', '**each vantage**', '', '', `**${usd(perVantage)}**`],
      ...once.map(row),
      ['', '**the first vantage (each + once)**', '', '', `**${usd(first)}**`],
    ];
    const ways = secondRoundWays(vantage);
    return {
      rows: [
        {
          benchmark: 'vantage-cost',
          metric: VANTAGE_METRIC,
          value: `${usd(first)}/month`,
          baseline: `${usd(VANTAGE_BUDGET_USD)}/month budget per vantage`,
          ratio: ratio(first, VANTAGE_BUDGET_USD),
          note:
            `the first vantage (it turns the vote on); each one after it ${usd(perVantage)}. The example config with probes.vantages ` +
            `${EXAMPLE_VANTAGES.join(', ')} (home ${EXAMPLE_VANTAGES[0]}): ${extra} vantage stacks add ${usd(perVantage * extra + sum(once))}/month`,
        },
      ],
      details: [
        `One vantage stack of the example config (synthesized in-process, no bundling), priced with bench/cost-prices.ts and WORKLOAD (bench/cost-model.ts); the router lines are the home router's work for the vantage's reports; the last line is the vote's cost for the home probe's reports, paid once.`,
        '',
        markdownTable(['part', 'resource', 'quantity / month', 'unit price', 'USD / month'], rows),
        '',
        `The second round 30 s after the first, every way AWS offers, with the probe's own invocations (not deployed but the first):`,
        '',
        markdownTable(
          ['how', 'USD / month', 'keeps the 30 s', 'why'],
          ways.map((w) => [w.how, usd(w.usd), w.keepsSpacing ? 'yes' : 'no', w.note]),
        ),
      ].join('\n'),
    };
  },
};

function sum(items: readonly { usd: number }[]): number {
  return items.reduce((total, item) => total + item.usd, 0);
}
