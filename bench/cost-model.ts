// Monthly AWS cost of the default deployment (docs/architecture.md, Conventions): a cost model over the resources of the
// synthesized stack (metis-alerts.config.example.json -> bench/.work/cdk.out, bench/synth.ts), against
// the obvious alternative for the probing part: one one-minute CloudWatch Synthetics canary per health
// target. The template says what exists, its memory sizes, schedules, alarm periods, log retention and
// bucket lifecycle; WORKLOAD below says how long a run takes and how much traffic there is, each figure
// with where it comes from; bench/cost-prices.ts holds the list prices. Nothing is timed: the result is
// a pure function of the template, the config and those constants.
import { readFileSync } from 'node:fs';
import { parseConfig, type Config } from '../lambdas/core/config.ts';
import { logMetricPoints } from '../lambdas/core/logs/metrics.ts';
import { emptyStats, type LogScan } from '../lambdas/core/logs/scan.ts';
import * as P from './cost-prices.ts';
import { OPEN_BY_SOURCE_INDEX } from '../lambdas/core/constants.ts';
import { markdownTable, ratio, type BenchContext, type BenchResult, type Benchmark, type SummaryRow } from './harness.ts';
import { readTemplates, synthStack, type CfnResource, type CfnTemplate } from './synth.ts';

export const DAYS_PER_MONTH = 30;
export const MINUTES_PER_MONTH = DAYS_PER_MONTH * 24 * 60; // 43,200
export const GIB = 2 ** 30; // AWS bills storage and transfer "GB" as 2^30 bytes
const MIB = 2 ** 20;

/** Workload assumptions. The template gives memory sizes and schedules; these give durations and traffic. */
export const WORKLOAD = {
  /** One probe round GETs every target in parallel; a healthy answer takes well under a second (timeout 5 s). */
  probeRoundSeconds: 0.5,
  /**
   * A probe run is 2 rounds, PROBE_SPACING_MS (30 s) apart. With PROBE_SECOND_ROUND_QUEUE_URL in the template
   * (lib/probe-second-round.ts) each round is its own invocation (no sleep billed); else ~31 s per run.
   */
  probeRounds: 2,
  /**
   * The SQS event source mapping long-polls the second-round queue (20 s waits) with its minimum of pollers:
   * about 5 pollers x 3 receives a minute, plus one send and one delete per run.
   */
  probeQueuePollsPerMinute: 15,
  /**
   * trace-check on the open database (snapshot unchanged): bench/results.md, trace-check "warm: evaluate again
   * on the open DB" 1.25 s on the 1 M-event DB, plus the HEAD request: ~1.3 s. Wall time, so an upper bound
   * on its CPU time; priced as CPU-bound like the cold run.
   */
  traceCheckWarmSeconds: 1.3,
  /**
   * trace-check on a new bounded snapshot in a reused container, in CPU seconds (user + system of read + gunzip +
   * open + all rules): bench/results.md, long history, "a new snapshot in the warm process", the median of the
   * bounded children's `nextCpuMs` (bench/trace-check-child.ts --next) on the long-history fixture's bounded
   * snapshot (2 M events over 50 days; 23 MB, 3.8 MB gzipped). A function invoked every minute keeps its
   * container, sql.js loaded and its code compiled: almost every run is this one. CPU time, not wall time: the
   * bench machine is shared and loaded, and Lambda bills a CPU-bound run by its CPU share (LAMBDA_MB_PER_VCPU).
   * Measured on x86_64, taken as-is for arm64.
   */
  traceCheckNextCpuSeconds: 0.76,
  /**
   * The first run of a new container, in CPU seconds: the same check in a fresh process (`coldCpuMs`, median of the
   * same bounded children), which also pays the one-time JIT and WebAssembly tier-up compilation.
   */
  traceCheckColdCpuSeconds: 1.61,
  /**
   * How often Lambda replaces the container of a function it invokes every minute. AWS does not publish it
   * (environments are recycled after some hours); one an hour is a conservative guess: each new container's
   * first run is priced at traceCheckColdCpuSeconds.
   */
  traceCheckContainerHours: 1,
  /**
   * The shipper ships as often as trace-check reads (shipper/README.md, Schedule: "ship no more often than the
   * trace-check reads"; its CronJob every minute for the default 1-minute schedule), so every run reads a new snapshot.
   */
  shipperFollowsSchedule: true,
  /**
   * Gzipped bounded snapshot (the shipper's default, docs/snapshot-format.md): bench/results.md long-history,
   * a 50-day, ~1 M-call DB (861 MB) ships as 22.2 MB of window + rollups, 3.8 MB gzipped: ~4 MB, one PUT.
   */
  snapshotBytes: 4_000_000,
  /** `aws s3 cp` (shipper/ship-snapshot.sh) uploads in 8 MiB parts above an 8 MiB threshold: Create + parts + Complete PUT-class requests. */
  multipartChunkBytes: 8 * MIB,
  /** S3 expires a noncurrent version at the first midnight UTC after NoncurrentDays: on average half a day later. */
  noncurrentExpiryLagDays: 0.5,
  /** Sweeper run (list open incidents and silences, rarely an escalation). */
  sweeperSeconds: 0.5,
  /** Router invocation (one report or one alarm state change). */
  routerSeconds: 0.3,
  /**
   * Ack intake requests per day when deployed (config ackIntake): provider webhooks for every incident event
   * a subscription sends (triggered, acknowledged, resolved, annotated...) and ack-link opens. 50 a day
   * is a busy team; each reads one incident, claims one or two seen ids and writes the incident once.
   */
  ackIntakeRequestsPerDay: 50,
  /** One request: verify, two or three small DynamoDB calls (SSM cached for a minute). */
  ackIntakeSeconds: 0.15,
  /** CloudWatch alarm state changes routed per day (all alarms of the account reach the rule; untagged ones are ignored). */
  alarmStateChangesPerDay: 50,
  /** log-watch invocations per day (subscription batches of gateway lines matching the filter). */
  logWatchInvocationsPerDay: 1_000,
  logWatchSeconds: 0.2,
  /** CloudWatch Logs per invocation: START/END/REPORT, the handler's JSON lines and the EMF lines. */
  logBytesPerInvocation: 2_048,
  /**
   * Share of reports that carry a firing signal (an incident in progress: ~3 days a month). Those look up
   * silences and inhibitors (two consistent Scans) and read and write their incidents; a healthy report
   * only queries the open incidents of its source.
   */
  firingReportShare: 0.1,
  /** Incidents table size (open + resolved kept 30 days, plus silences and heartbeats): ~100 items of 1 KB. A consistent Scan reads 1 RRU per 4 KB. */
  incidentTableBytes: 100 * 1_024,
  /** Both tables hold well under 10 MB (storage and PITR priced on that). */
  tableBytes: 10 * 1_000_000,
  /** SNS publishes per day (chat-ops mostly, pages rarely), each delivered to one e-mail subscription; SMS not priced. */
  snsPublishesPerDay: 100,
  /** Messages reaching the dead-letter queue per month (send + receive + delete each). */
  deadLettersPerMonth: 10,
  /** KMS: DynamoDB refreshes each table's key from KMS about every 5 minutes while the table is in use. */
  ddbKmsRequestsPerTableHour: 12,
  /** KMS requests per SNS publish to a CMK-encrypted topic (GenerateDataKey, Decrypt on delivery). */
  kmsRequestsPerSnsPublish: 2,
} as const;

/** The baseline: one one-minute CloudWatch Synthetics heartbeat canary per health target. */
export const CANARY = {
  intervalMinutes: 1,
  /** A heartbeat canary (Puppeteer runtime, one page load) runs ~5-10 s: 7 s. */
  runSeconds: 7,
  /** Synthetics' default canary memory (1000 MB, minimum 960 MB), on x86_64. */
  memoryMb: 1_000,
  /** Artifacts per run in the canary's S3 bucket: log, HAR, report JSON, screenshot. */
  artifactPutsPerRun: 4,
  artifactBytesPerRun: 100 * 1_024,
  /** Kept by a 30-day lifecycle rule you add yourself (the default keeps them forever). */
  artifactRetentionDays: 30,
  logBytesPerRun: 2_048,
  /** One standard alarm on SuccessPercent per canary (1-minute period). */
  alarmsPerCanary: 1,
} as const;

const METRICS = {
  all: 'monthly cost of the example deployment (all parts)',
  probing: 'health probing alone (probe Lambda, its reports and their router work, state, alarm)',
} as const;

export type Part = 'probe' | 'trace-check' | 'router' | 'sweeper' | 'log-watch' | 'ack-intake' | 'shared';
const PARTS: readonly Part[] = ['probe', 'trace-check', 'router', 'sweeper', 'log-watch', 'ack-intake', 'shared'];
/** Top-level construct id (first segment of `aws:cdk:path` after the stack, or the logical id's prefix) -> part. */
const PART_OF_CONSTRUCT: Record<string, Part> = {
  Probes: 'probe',
  TraceChecks: 'trace-check',
  Router: 'router',
  Sweeper: 'sweeper',
  LogWatch: 'log-watch',
  AckIntake: 'ack-intake',
};

export interface LineItem {
  part: Part;
  resource: string;
  quantity: string;
  unitPrice: string;
  usd: number;
}

interface FunctionInfo {
  logicalId: string;
  part: Part;
  memoryMb: number;
  arm64: boolean;
  env: Record<string, unknown>;
  /** Every schedule (rate in minutes) targeting it. */
  scheduleMinutes: number[];
  eventRules: number;
  subscriptionFilters: number;
  logRetentionDays: number | undefined;
}

interface AlarmInfo {
  logicalId: string;
  part: Part;
  highRes: boolean;
  metrics: number;
}

/** What the template holds, as the model needs it. */
export interface Inventory {
  functions: FunctionInfo[];
  alarms: AlarmInfo[];
  tables: { logicalId: string; part: Part; onDemand: boolean; pitr: boolean; kmsKey: boolean; indexes: string[] }[];
  topics: { logicalId: string; subscriptions: Record<string, number> }[];
  queues: string[];
  buckets: { logicalId: string; part: Part; versioned: boolean; noncurrentDays: number | undefined }[];
  kmsKeys: { logicalId: string; rotation: boolean }[];
  logGroups: number;
  dashboards: { logicalId: string; part: Part }[];
  customBuses: number;
  typeCounts: Map<string, number>;
  /** Resource types the model does not price (and does not know to be free). */
  unpriced: string[];
}

/** Resource types that cost nothing by themselves (or whose cost is in a priced resource's line). */
const FREE_TYPES = new Set([
  'AWS::IAM::Role',
  'AWS::IAM::Policy',
  'AWS::IAM::ManagedPolicy',
  'AWS::Lambda::Permission',
  'AWS::Lambda::EventInvokeConfig',
  // Free itself; its SQS polling is the probe's "SQS requests (second-round queue)" line.
  'AWS::Lambda::EventSourceMapping',
  'AWS::KMS::Alias',
  'AWS::SNS::TopicPolicy',
  'AWS::SNS::Subscription',
  'AWS::SQS::QueuePolicy',
  'AWS::S3::BucketPolicy',
  'AWS::Events::Rule',
  'AWS::Events::EventBus',
  // The bus's resource policy (probe vantages' PutEvents).
  'AWS::Events::EventBusPolicy',
  'AWS::Logs::SubscriptionFilter',
  // Saved Logs Insights queries: free to keep; a run is billed per GB it scans (a few KB of per-run log lines).
  'AWS::Logs::QueryDefinition',
  // The deadlines' schedule group: free; its one-time schedules (one per incident deadline) cost $1 per million runs.
  'AWS::Scheduler::ScheduleGroup',
  'AWS::CDK::Metadata',
]);
const PRICED_TYPES = new Set([
  'AWS::Lambda::Function',
  'AWS::CloudWatch::Alarm',
  'AWS::DynamoDB::Table',
  'AWS::SNS::Topic',
  'AWS::SQS::Queue',
  'AWS::S3::Bucket',
  'AWS::KMS::Key',
  'AWS::Logs::LogGroup',
  'AWS::CloudWatch::Dashboard',
]);

function partOf(logicalId: string, resource: CfnResource): Part {
  const path = resource.Metadata?.['aws:cdk:path'];
  const construct =
    typeof path === 'string' ? (path.split('/')[1] ?? '') : (Object.keys(PART_OF_CONSTRUCT).find((c) => logicalId.startsWith(c)) ?? '');
  return PART_OF_CONSTRUCT[construct] ?? 'shared';
}

/** `{ Ref: X }` / `{ Fn::GetAtt: [X, ...] }` -> X. */
function refOf(value: unknown): string | undefined {
  if (value && typeof value === 'object') {
    const v = value as { Ref?: unknown; 'Fn::GetAtt'?: unknown };
    if (typeof v.Ref === 'string') return v.Ref;
    if (Array.isArray(v['Fn::GetAtt']) && typeof v['Fn::GetAtt'][0] === 'string') return v['Fn::GetAtt'][0];
  }
  return undefined;
}

/** `rate(1 minute)`, `rate(5 minutes)`, `rate(2 hours)`, `rate(1 day)` -> minutes. Cron is not modelled. */
export function rateMinutes(expression: string): number {
  const m = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression.trim());
  if (!m) throw new Error(`cost-model: unsupported schedule expression "${expression}" (only rate(N minutes|hours|days))`);
  const n = Number(m[1]);
  const unit = m[2]!.replace(/s$/, '');
  return n * (unit === 'minute' ? 1 : unit === 'hour' ? 60 : 1_440);
}

export function inventory(template: CfnTemplate): Inventory {
  const resources = Object.entries(template.Resources ?? {});
  const typeCounts = new Map<string, number>();
  for (const [, r] of resources) typeCounts.set(r.Type ?? '?', (typeCounts.get(r.Type ?? '?') ?? 0) + 1);
  const props = (r: CfnResource) => r.Properties ?? {};
  const logRetention = new Map<string, number | undefined>();
  for (const [id, r] of resources)
    if (r.Type === 'AWS::Logs::LogGroup') logRetention.set(id, props(r).RetentionInDays as number | undefined);

  const functions = new Map<string, FunctionInfo>();
  for (const [id, r] of resources) {
    if (r.Type !== 'AWS::Lambda::Function') continue;
    const p = props(r);
    const logGroup = refOf((p.LoggingConfig as { LogGroup?: unknown } | undefined)?.LogGroup);
    functions.set(id, {
      logicalId: id,
      part: partOf(id, r),
      memoryMb: typeof p.MemorySize === 'number' ? p.MemorySize : 128,
      arm64: Array.isArray(p.Architectures) && p.Architectures.includes('arm64'),
      env: (p.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {},
      scheduleMinutes: [],
      eventRules: 0,
      subscriptionFilters: 0,
      logRetentionDays: logGroup ? logRetention.get(logGroup) : undefined,
    });
  }
  for (const [, r] of resources) {
    const p = props(r);
    if (r.Type === 'AWS::Events::Rule') {
      for (const target of (p.Targets as { Arn?: unknown }[] | undefined) ?? []) {
        const fn = functions.get(refOf(target.Arn) ?? '');
        if (!fn) continue;
        if (typeof p.ScheduleExpression === 'string') fn.scheduleMinutes.push(rateMinutes(p.ScheduleExpression));
        else fn.eventRules++;
      }
    }
    if (r.Type === 'AWS::Logs::SubscriptionFilter') {
      const fn = functions.get(refOf(p.DestinationArn) ?? '');
      if (fn) fn.subscriptionFilters++;
    }
  }

  const alarms: AlarmInfo[] = [];
  for (const [id, r] of resources) {
    if (r.Type !== 'AWS::CloudWatch::Alarm') continue;
    const p = props(r);
    const queries = (p.Metrics as { MetricStat?: { Period?: number }; Expression?: string }[] | undefined) ?? [];
    const stats = queries.filter((q) => q.MetricStat);
    // A metric-math alarm pays for each metric it reads; anomaly detection (ThresholdMetricId) for 3.
    const metrics = (queries.length ? stats.length : 1) * (p.ThresholdMetricId ? 3 : 1);
    const periods = queries.length ? stats.map((s) => s.MetricStat?.Period ?? 60) : [typeof p.Period === 'number' ? p.Period : 60];
    alarms.push({ logicalId: id, part: partOf(id, r), highRes: periods.some((period) => period < 60), metrics });
  }

  const out: Inventory = {
    functions: [...functions.values()],
    alarms,
    tables: [],
    topics: [],
    queues: [],
    buckets: [],
    kmsKeys: [],
    logGroups: logRetention.size,
    dashboards: [],
    customBuses: typeCounts.get('AWS::Events::EventBus') ?? 0,
    typeCounts,
    unpriced: [...typeCounts.keys()].filter((t) => !FREE_TYPES.has(t) && !PRICED_TYPES.has(t)).sort(),
  };
  const topicIndex = new Map<string, Record<string, number>>();
  for (const [id, r] of resources) {
    const p = props(r);
    switch (r.Type) {
      case 'AWS::DynamoDB::Table':
        out.tables.push({
          logicalId: id,
          part: partOf(id, r),
          onDemand: p.BillingMode === 'PAY_PER_REQUEST',
          pitr:
            (p.PointInTimeRecoverySpecification as { PointInTimeRecoveryEnabled?: boolean } | undefined)?.PointInTimeRecoveryEnabled ===
            true,
          // SSEEnabled = a KMS key (AWS- or customer-managed); absent or false = the AWS-owned key, no KMS requests.
          kmsKey: (p.SSESpecification as { SSEEnabled?: boolean } | undefined)?.SSEEnabled === true,
          indexes: ((p.GlobalSecondaryIndexes as { IndexName: string }[] | undefined) ?? []).map((index) => index.IndexName),
        });
        break;
      case 'AWS::SNS::Topic': {
        const subscriptions: Record<string, number> = {};
        topicIndex.set(id, subscriptions);
        out.topics.push({ logicalId: id, subscriptions });
        break;
      }
      case 'AWS::SQS::Queue':
        out.queues.push(id);
        break;
      case 'AWS::S3::Bucket': {
        const rules = (
          (
            p.LifecycleConfiguration as
              | { Rules?: { Status?: string; NoncurrentVersionExpiration?: { NoncurrentDays?: number } }[] }
              | undefined
          )?.Rules ?? []
        ).filter((rule) => rule.Status === 'Enabled' && rule.NoncurrentVersionExpiration?.NoncurrentDays !== undefined);
        const days = rules.map((rule) => rule.NoncurrentVersionExpiration!.NoncurrentDays!);
        out.buckets.push({
          logicalId: id,
          part: partOf(id, r),
          versioned: (p.VersioningConfiguration as { Status?: string } | undefined)?.Status === 'Enabled',
          noncurrentDays: days.length ? Math.min(...days) : undefined,
        });
        break;
      }
      case 'AWS::KMS::Key':
        out.kmsKeys.push({ logicalId: id, rotation: p.EnableKeyRotation === true });
        break;
      case 'AWS::CloudWatch::Dashboard':
        out.dashboards.push({ logicalId: id, part: partOf(id, r) });
        break;
    }
  }
  for (const [, r] of resources) {
    if (r.Type !== 'AWS::SNS::Subscription') continue;
    const subscriptions = topicIndex.get(refOf(props(r).TopicArn) ?? '');
    const protocol = String(props(r).Protocol ?? '?');
    if (subscriptions) subscriptions[protocol] = (subscriptions[protocol] ?? 0) + 1;
  }
  return out;
}

// --- formatting --------------------------------------------------------------------------------------

export function usd(x: number): string {
  if (x === 0) return '$0.00';
  if (Math.abs(x) < 0.005) return `$${x.toPrecision(2)}`;
  return `$${x.toFixed(2)}`;
}

export function n(x: number, digits = 0): string {
  return x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

/** A unit price: `price` per `per` units, e.g. unit(0.2 / 1e6, 1e6, 'requests') -> "$0.20 / 1M requests". */
export function unit(price: number, per: number, label: string): string {
  const amount = Number((price * per).toPrecision(6));
  const scale = per >= 1_000_000 ? `${per / 1_000_000}M ` : per >= 1_000 ? `${n(per)} ` : '';
  const [whole, fraction = ''] = amount.toString().split('.');
  return `$${whole}.${fraction.padEnd(2, '0')} / ${scale}${label}`;
}

function plural(count: number, word: string): string {
  return `${n(count)} ${word}${count === 1 ? '' : 's'}`;
}

export function gib(bytes: number): string {
  return `${n(bytes / GIB, bytes / GIB < 10 ? 3 : 1)} GB`;
}

// --- the model -----------------------------------------------------------------------------------------

function only<T>(items: T[], what: string): T {
  if (items.length !== 1) throw new Error(`cost-model: expected exactly one ${what} in the template, found ${items.length}`);
  return items[0]!;
}

function runsPerMonth(fn: FunctionInfo): number {
  if (fn.scheduleMinutes.length === 0) throw new Error(`cost-model: ${fn.logicalId} (${fn.part}) has no rate() schedule in the template`);
  return fn.scheduleMinutes.reduce((sum, minutes) => sum + MINUTES_PER_MONTH / minutes, 0);
}

export interface CostModel {
  inventory: Inventory;
  deployment: LineItem[];
  canaries: LineItem[];
  facts: Record<string, number>;
  assumptions: string[];
  /** What the model could not price (e.g. a function it has no workload for): the bench prints them. */
  warnings: string[];
}

/**
 * The template with trace-check on another `rate(N minutes)` (snapshot.scheduleMinutes: the runbook's trace-DB
 * probe runs "every 1-5 min"), for the per-schedule table: only the schedule changes, nothing else is priced differently.
 */
export function withTraceCheckSchedule(template: CfnTemplate, minutes: number): CfnTemplate {
  const copy = structuredClone(template);
  const resources = copy.Resources ?? {};
  const traceCheck = Object.keys(resources).filter(
    (id) => resources[id]!.Type === 'AWS::Lambda::Function' && partOf(id, resources[id]!) === 'trace-check',
  );
  for (const rule of Object.values(resources)) {
    const p = rule.Properties ?? {};
    if (rule.Type !== 'AWS::Events::Rule' || typeof p.ScheduleExpression !== 'string') continue;
    if ((p.Targets as { Arn?: unknown }[] | undefined)?.some((t) => traceCheck.includes(refOf(t.Arn) ?? '')))
      p.ScheduleExpression = `rate(${minutes} ${minutes === 1 ? 'minute' : 'minutes'})`;
  }
  return copy;
}

export function computeCostModel(template: CfnTemplate, config: Config): CostModel {
  const inv = inventory(template);
  const items: LineItem[] = [];
  const add = (part: Part, resource: string, quantity: string, unitPrice: string, cost: number) =>
    items.push({ part, resource, quantity, unitPrice, usd: cost });
  const fnOf = (part: Part) =>
    only(
      inv.functions.filter((f) => f.part === part),
      `${part} function`,
    );
  // A function outside the known parts (a new one) is left out with a warning, not a crash of the bench.
  const warnings = inv.functions
    .filter((f) => f.part === 'shared')
    .map((f) => `no workload model for function ${f.logicalId}: not priced (add its construct to PART_OF_CONSTRUCT and a WORKLOAD entry)`);

  // Invocations and billed duration per function.
  const probe = fnOf('probe');
  const traceCheck = fnOf('trace-check');
  const router = fnOf('router');
  const sweeper = fnOf('sweeper');
  const logWatch = fnOf('log-watch');

  const probeRuns = runsPerMonth(probe);
  const spacingSeconds = Number(probe.env.PROBE_SPACING_MS ?? 30_000) / 1_000;
  const probeQueue = probe.env.PROBE_SECOND_ROUND_QUEUE_URL !== undefined;
  const probeInvocations = probeQueue ? WORKLOAD.probeRounds : 1;
  const probeSeconds = probeQueue
    ? WORKLOAD.probeRoundSeconds
    : (WORKLOAD.probeRounds - 1) * spacingSeconds + WORKLOAD.probeRounds * WORKLOAD.probeRoundSeconds;
  const probeTargets = JSON.parse(String(probe.env.PROBE_TARGETS ?? '[]')) as { name: string; url: string }[];
  // One evaluation report per health round (lambdas/functions/probe/handler.ts) on the shortest schedule;
  // the other schedules (the inbound-shape run) report once per run.
  const healthRuns = MINUTES_PER_MONTH / Math.min(...probe.scheduleMinutes);
  const healthRounds = healthRuns * WORKLOAD.probeRounds;
  const probeReports = healthRounds + (probeRuns - healthRuns);

  const traceRuns = runsPerMonth(traceCheck);
  const snapshotsPerMonth = WORKLOAD.shipperFollowsSchedule ? traceRuns : MINUTES_PER_MONTH;
  const coldRuns = Math.min(traceRuns, snapshotsPerMonth);
  const warmRuns = traceRuns - coldRuns;
  // Of the new-snapshot runs, the first run of each new container also compiles its code.
  const freshContainerRuns = Math.min(coldRuns, (DAYS_PER_MONTH * 24) / WORKLOAD.traceCheckContainerHours);
  const reusedRuns = coldRuns - freshContainerRuns;
  // CPU-bound: below one vCPU the run takes its CPU time x LAMBDA_MB_PER_VCPU / MemorySize.
  const cpuShare = Math.min(1, traceCheck.memoryMb / P.LAMBDA_MB_PER_VCPU);
  const traceColdSeconds = WORKLOAD.traceCheckColdCpuSeconds / cpuShare;
  const traceNextSeconds = WORKLOAD.traceCheckNextCpuSeconds / cpuShare;
  const traceWarmSeconds = WORKLOAD.traceCheckWarmSeconds / cpuShare;
  const traceSeconds = reusedRuns * traceNextSeconds + freshContainerRuns * traceColdSeconds + warmRuns * traceWarmSeconds;

  const sweeperRuns = runsPerMonth(sweeper);
  const logWatchRuns = WORKLOAD.logWatchInvocationsPerDay * DAYS_PER_MONTH;
  if (logWatch.subscriptionFilters === 0) throw new Error('cost-model: log-watch has no subscription filter in the template');
  const alarmChanges = WORKLOAD.alarmStateChangesPerDay * DAYS_PER_MONTH;
  // Every trace-check run, every log-watch batch and every probe round puts one evaluation report on the
  // bus (their handlers publish unconditionally / whenever a rule was evaluated); the router gets each,
  // plus the alarm state changes from the default bus.
  const reports = traceRuns + logWatchRuns + probeReports;
  const routerRuns = reports + alarmChanges;
  if (router.eventRules === 0) throw new Error('cost-model: the router has no event rule in the template');

  const lambda: { fn: FunctionInfo; runs: number; seconds: number; how: string }[] = [
    {
      fn: probe,
      runs: probeRuns * probeInvocations,
      seconds: probeRuns * probeInvocations * probeSeconds,
      how: probeQueue
        ? `${n(probeRuns)} runs x ${probeInvocations} rounds (second by SQS delay) x ${n(probeSeconds, 1)} s`
        : `${n(probeRuns)} runs x ${n(probeSeconds, 1)} s`,
    },
    {
      fn: traceCheck,
      runs: traceRuns,
      seconds: traceSeconds,
      how:
        `${n(reusedRuns)} new-snapshot runs x ${n(traceNextSeconds, 1)} s (${WORKLOAD.traceCheckNextCpuSeconds} CPU-s at ${n(cpuShare, 2)} vCPU)` +
        ` + ${n(freshContainerRuns)} first runs of a new container x ${n(traceColdSeconds, 1)} s (${WORKLOAD.traceCheckColdCpuSeconds} CPU-s)` +
        `${warmRuns ? ` + ${n(warmRuns)} unchanged x ${n(traceWarmSeconds, 1)} s` : ''}`,
    },
    {
      fn: router,
      runs: routerRuns,
      seconds: routerRuns * WORKLOAD.routerSeconds,
      how: `${n(routerRuns)} invocations x ${WORKLOAD.routerSeconds} s`,
    },
    {
      fn: sweeper,
      runs: sweeperRuns,
      seconds: sweeperRuns * WORKLOAD.sweeperSeconds,
      how: `${n(sweeperRuns)} runs x ${WORKLOAD.sweeperSeconds} s`,
    },
    {
      fn: logWatch,
      runs: logWatchRuns,
      seconds: logWatchRuns * WORKLOAD.logWatchSeconds,
      how: `${n(logWatchRuns)} batches x ${WORKLOAD.logWatchSeconds} s`,
    },
  ];
  // The ack intake exists only with config ackIntake; its function URL costs nothing beyond the Lambda requests.
  const ackIntake = inv.functions.find((f) => f.part === 'ack-intake');
  const ackIntakeRuns = WORKLOAD.ackIntakeRequestsPerDay * DAYS_PER_MONTH;
  if (ackIntake) {
    lambda.push({
      fn: ackIntake,
      runs: ackIntakeRuns,
      seconds: ackIntakeRuns * WORKLOAD.ackIntakeSeconds,
      how: `${n(ackIntakeRuns)} requests x ${WORKLOAD.ackIntakeSeconds} s`,
    });
    add(
      'ack-intake',
      'DynamoDB on-demand reads and writes (incident GetItem, seen-id and incident PutItem)',
      `${n(ackIntakeRuns)} RRU + ${n(ackIntakeRuns * 3)} WRU (per request: 1 consistent read of a < 4 KB item, 1-2 seen ids, 1 incident write)`,
      `${unit(P.DDB_PER_READ_REQUEST_UNIT, 1e6, 'RRU')}, ${unit(P.DDB_PER_WRITE_REQUEST_UNIT, 1e6, 'WRU')}`,
      ackIntakeRuns * P.DDB_PER_READ_REQUEST_UNIT + ackIntakeRuns * 3 * P.DDB_PER_WRITE_REQUEST_UNIT,
    );
  }
  lambdaItems(lambda, add);

  alarmItems(inv, add);

  const metrics = customMetricLines();
  for (const [part, count, what] of metrics.lines)
    add(
      part,
      'CloudWatch custom metrics (EMF)',
      `${count} (${what})`,
      unit(P.CW_CUSTOM_METRIC_PER_MONTH, 1, 'metric-month'),
      count * P.CW_CUSTOM_METRIC_PER_MONTH,
    );

  for (const dashboard of inv.dashboards)
    add(dashboard.part, 'CloudWatch dashboard', '1', unit(P.CW_DASHBOARD_PER_MONTH, 1, 'dashboard-month'), P.CW_DASHBOARD_PER_MONTH);

  const { parts, putsPerUpload, noncurrent } = snapshotBucketItems(inv, add, { snapshotsPerMonth, coldRuns, warmRuns });

  // EventBridge: reports on the custom bus; alarm state changes and schedules are free.
  add(
    'probe',
    'EventBridge custom events (reports)',
    `${n(probeReports)} (${n(healthRuns)} runs x ${WORKLOAD.probeRounds} rounds${probeRuns > healthRuns ? ` + ${n(probeRuns - healthRuns)} inbound-shape runs` : ''})`,
    unit(P.EVENTBRIDGE_PER_CUSTOM_EVENT, 1e6, 'events'),
    probeReports * P.EVENTBRIDGE_PER_CUSTOM_EVENT,
  );
  // The probe's round-to-round state (lambdas/adapters/dynamodb-probe-state.ts): per round one consistent
  // GetItem (an item < 4 KB: 1 RRU) and one PutItem (< 1 KB: 1 WRU) on the incidents table.
  add(
    'probe',
    'DynamoDB on-demand reads (probe state, consistent GetItem)',
    `${n(healthRounds)} RRU (${n(healthRounds)} rounds x 1)`,
    unit(P.DDB_PER_READ_REQUEST_UNIT, 1e6, 'RRU'),
    healthRounds * P.DDB_PER_READ_REQUEST_UNIT,
  );
  add(
    'probe',
    'DynamoDB on-demand writes (probe state, PutItem)',
    `${n(healthRounds)} WRU (${n(healthRounds)} rounds x 1)`,
    unit(P.DDB_PER_WRITE_REQUEST_UNIT, 1e6, 'WRU'),
    healthRounds * P.DDB_PER_WRITE_REQUEST_UNIT,
  );
  add(
    'trace-check',
    'EventBridge custom events (reports)',
    n(traceRuns),
    unit(P.EVENTBRIDGE_PER_CUSTOM_EVENT, 1e6, 'events'),
    traceRuns * P.EVENTBRIDGE_PER_CUSTOM_EVENT,
  );
  add(
    'log-watch',
    'EventBridge custom events (reports)',
    n(logWatchRuns),
    unit(P.EVENTBRIDGE_PER_CUSTOM_EVENT, 1e6, 'events'),
    logWatchRuns * P.EVENTBRIDGE_PER_CUSTOM_EVENT,
  );
  add(
    'router',
    'EventBridge alarm state changes (AWS service events)',
    n(alarmChanges),
    'free',
    alarmChanges * P.EVENTBRIDGE_PER_AWS_SERVICE_EVENT,
  );
  const scheduled = probeRuns + traceRuns + sweeperRuns;
  add(
    'shared',
    'EventBridge scheduled invocations (probe, trace-check, sweeper)',
    n(scheduled),
    'free',
    scheduled * P.EVENTBRIDGE_PER_SCHEDULED_INVOCATION,
  );

  const { scanRru } = dynamoDbItems(inv, add, { reports, alarmChanges, sweeperRuns, logWatchRuns });

  // CloudWatch API: the router reads each changed alarm's tags (ListTagsForResource).
  add(
    'router',
    'CloudWatch API requests (ListTagsForResource)',
    n(alarmChanges),
    unit(P.CW_API_PER_REQUEST, 1_000, 'requests'),
    alarmChanges * P.CW_API_PER_REQUEST,
  );

  messagingItems(inv, add, probeQueue ? probeRuns : undefined);

  const { items: canaryItems, canaries, canaryRuns } = canaryBaseline(config);

  const facts = {
    probeRuns,
    probeSeconds,
    probeTargets: probeTargets.length,
    probeReports,
    traceRuns,
    coldRuns,
    freshContainerRuns,
    warmRuns,
    routerRuns,
    reports,
    sweeperRuns,
    logWatchRuns,
    alarmChanges,
    canaries,
    canaryRuns,
    noncurrentVersions: noncurrent,
    scanRru,
    putsPerUpload,
  };

  const assumptions = [
    `A month is ${DAYS_PER_MONTH} days (${n(MINUTES_PER_MONTH)} minutes). Prices: ${P.PRICES_SOURCE} (bench/cost-prices.ts). "GB" of storage and logs is 2^30 bytes; Lambda GB-s is MemorySize / 1024 x seconds.`,
    `From the template: ${inv.functions.length} functions with their MemorySize and architecture, each rate() schedule targeting them (probe every ${probe.scheduleMinutes.join('+')} min, trace-check every ${traceCheck.scheduleMinutes.join('+')} min — config snapshot.scheduleMinutes = ${config.snapshot?.scheduleMinutes ?? 'n/a'}, sweeper every ${sweeper.scheduleMinutes.join('+')} min), the router's event rules, log-watch's subscription filter, every alarm's period (< 60 s = high resolution) and metric count, log-group retention, the bucket's versioning and NoncurrentDays (${only(inv.buckets, 'S3 bucket').noncurrentDays ?? 'none'}), table billing mode and PITR, topics and their subscriptions, KMS keys, the dashboard.`,
    `Probe: ${WORKLOAD.probeRounds} rounds ${n(spacingSeconds)} s apart (PROBE_SPACING_MS), ${WORKLOAD.probeRoundSeconds} s per round: ${n(probeSeconds, 1)} s billed per run; ${probeTargets.length} targets (PROBE_TARGETS). Each round reads and writes its state item (1 RRU + 1 WRU) and puts one report on the bus; no custom metric, no per-target alarm (only its Lambda Errors alarm).`,
    `trace-check: the shipper ships as often as trace-check reads (shipper/README.md), so every run reads a new snapshot: ${WORKLOAD.traceCheckNextCpuSeconds} CPU-s in a reused container (bench/results.md, long history: the bounded check of a new snapshot in the warm process, median), ${WORKLOAD.traceCheckColdCpuSeconds} CPU-s for the first run of a new container (the same check in a fresh process, which also compiles its code), one new container every ${WORKLOAD.traceCheckContainerHours} h (${n(freshContainerRuns)} runs); at ${traceCheck.memoryMb} MB Lambda gives ${n(cpuShare, 2)} vCPU (1 vCPU at ${n(P.LAMBDA_MB_PER_VCPU)} MB), so a run bills ${n(traceNextSeconds, 1)} s (${n(traceColdSeconds, 1)} s in a new container), the same GB-s at any memory below one vCPU. A run on an unchanged snapshot would take ${WORKLOAD.traceCheckWarmSeconds} s of CPU (warm 1.25 s + HEAD). Measured on the x86 bench machine, taken as-is for arm64; the INIT phase of a new container (module load, sql.js WebAssembly compile, billed since August 2025) not counted: well under a cent at one an hour.`,
    `Snapshot ${n(WORKLOAD.snapshotBytes / 1e6)} MB gzipped (bench/results.md: 55.6 MB); \`aws s3 cp\` uploads it in ${parts} parts of 8 MiB (${putsPerUpload} PUT-class requests per upload, not 1); trace-check does HEAD + GET per new snapshot. With versioning, each upload leaves a noncurrent version kept NoncurrentDays + ~0.5 day (expiry at the next midnight UTC): ${n(noncurrent)} versions.`,
    `Router: one invocation per evaluation report (every trace-check run, every log-watch batch and every probe round publishes one: ${n(probeReports)} probe reports) plus ${WORKLOAD.alarmStateChangesPerDay} alarm state changes a day: ${n(routerRuns)} x ${WORKLOAD.routerSeconds} s. Sweeper ${WORKLOAD.sweeperSeconds} s per run. log-watch ${n(WORKLOAD.logWatchInvocationsPerDay)} batches a day x ${WORKLOAD.logWatchSeconds} s.`,
    `CloudWatch Logs: ${n(WORKLOAD.logBytesPerInvocation / 1_024)} KB per invocation (EMF lines included), stored for the log group's retention (uncompressed: an upper bound).`,
    `Custom metrics counted by calling the emitters: none for the probe (it reports to the router; its per-target log lines feed the dashboard), none from the trace-check (its numbers are log lines), ${metrics.logWatch} log-watch on a healthy batch (lambdas/core/logs/metrics.ts: the volume per class is a log field, the conditional ones are emitted only when something happens and left out).`,
    `DynamoDB: incidents table ~${n(WORKLOAD.incidentTableBytes / 1_024)} KB, so a consistent Scan costs ${scanRru} RRU; a healthy report costs the router one query of the open-by-source index, a firing report (${WORKLOAD.firingReportShare * 100} % of them) also scans silences and open incidents, the sweeper scans both per run; items <= 1 KB. Tables < ${n(WORKLOAD.tableBytes / 1e6)} MB each.`,
    `SNS: ${WORKLOAD.snsPublishesPerDay} publishes a day, each one e-mail delivery; SMS to the page topic not priced (per-country price, and the same pages would go out from the canaries' alarms). PagerDuty is not an AWS cost. KMS: 1 customer managed key ($1/month in its first year; each of the first two yearly rotations adds $1); requests from DynamoDB tables on a KMS key (~${WORKLOAD.ddbKmsRequestsPerTableHour}/h per table; the AWS-owned key makes none) and ${WORKLOAD.kmsRequestsPerSnsPublish} per SNS publish; S3 uses SSE-S3 (no KMS).`,
    `${inv.dashboards.length ? 'Dashboard charged at' : 'No dashboard in this config (its panels are free saved Logs Insights queries); "dashboard": true adds one at'} ${usd(P.CW_DASHBOARD_PER_MONTH)}/month: the free tier's 3 free dashboards are assumed used elsewhere in the account. EventBridge schedules and AWS service events (alarm state changes) are free; reports on the custom bus are $1/M. Data transfer into AWS is free (the gateway side's egress for the shipper's uploads, if it runs outside AWS, is not an AWS cost of this stack); the probes' few KB of outbound requests (< $0.05, the same for the canaries) are not counted.`,
    `Canaries: ${canaries} heartbeat canaries (one per health target), every ${CANARY.intervalMinutes} min, ${CANARY.runSeconds} s per run at ${n(CANARY.memoryMb)} MB on x86_64 (Synthetics default memory), ${CANARY.artifactPutsPerRun} artifact PUTs and ${n(CANARY.artifactBytesPerRun / 1_024)} KB per run kept ${CANARY.artifactRetentionDays} days, ${n(CANARY.logBytesPerRun / 1_024)} KB of logs per run, one standard alarm each; their CloudWatchSynthetics metrics are not counted as custom metrics.`,
    'No free tier anywhere (Lambda, CloudWatch, DynamoDB, KMS, SNS).',
  ];
  return { inventory: inv, deployment: items, canaries: canaryItems, facts, assumptions, warnings };
}

type AddItem = (part: Part, resource: string, quantity: string, unitPrice: string, cost: number) => void;

/** The snapshot bucket: the shipper's uploads, trace-check's HEAD + GET, current and noncurrent versions. */
function snapshotBucketItems(
  inv: Inventory,
  add: AddItem,
  runs: { snapshotsPerMonth: number; coldRuns: number; warmRuns: number },
): { parts: number; putsPerUpload: number; noncurrent: number } {
  const { snapshotsPerMonth, coldRuns, warmRuns } = runs;
  const bucket = only(inv.buckets, 'S3 bucket');
  const parts =
    WORKLOAD.snapshotBytes > WORKLOAD.multipartChunkBytes ? Math.ceil(WORKLOAD.snapshotBytes / WORKLOAD.multipartChunkBytes) : 0;
  const putsPerUpload = parts ? parts + 2 : 1;
  const puts = snapshotsPerMonth * putsPerUpload;
  add(
    bucket.part,
    'S3 PUT requests (shipper uploads)',
    `${n(puts)} (${n(snapshotsPerMonth)} uploads x ${putsPerUpload}: ${parts ? `multipart ${parts} parts + create/complete` : 'one PUT, under the multipart threshold'})`,
    unit(P.S3_PER_PUT_REQUEST, 1_000, 'requests'),
    puts * P.S3_PER_PUT_REQUEST,
  );
  const gets = coldRuns * 2 + warmRuns;
  add(
    bucket.part,
    'S3 GET/HEAD requests (trace-check)',
    `${n(gets)} (HEAD + GET per new snapshot${warmRuns ? ', HEAD when unchanged' : ''})`,
    unit(P.S3_PER_GET_REQUEST, 1_000, 'requests'),
    gets * P.S3_PER_GET_REQUEST,
  );
  const noncurrent = bucket.versioned
    ? bucket.noncurrentDays !== undefined
      ? (snapshotsPerMonth / DAYS_PER_MONTH) * (bucket.noncurrentDays + WORKLOAD.noncurrentExpiryLagDays)
      : Number.POSITIVE_INFINITY
    : 0;
  if (!Number.isFinite(noncurrent))
    throw new Error('cost-model: the versioned bucket never expires noncurrent versions: storage grows without bound');
  const stored = WORKLOAD.snapshotBytes * (1 + noncurrent);
  add(
    bucket.part,
    'S3 Standard storage (snapshot + noncurrent versions)',
    `${gib(stored)}-month (${n(WORKLOAD.snapshotBytes / 1e6)} MB x (1 + ${n(noncurrent)} versions: ${n(snapshotsPerMonth / DAYS_PER_MONTH)}/day x ${bucket.noncurrentDays}+${WORKLOAD.noncurrentExpiryLagDays} days))`,
    unit(P.S3_STANDARD_PER_GB_MONTH, 1, 'GB-month'),
    (stored / GIB) * P.S3_STANDARD_PER_GB_MONTH,
  );
  add(
    bucket.part,
    'Data transfer in (shipper -> S3) and S3 -> Lambda, same region',
    gib(snapshotsPerMonth * WORKLOAD.snapshotBytes),
    'free',
    0,
  );

  return { parts, putsPerUpload, noncurrent };
}

/** DynamoDB on-demand requests (consistent reads: 1 RRU per 4 KB; items <= 1 KB: 1 WRU per write), storage and PITR. */
function dynamoDbItems(
  inv: Inventory,
  add: AddItem,
  runs: { reports: number; alarmChanges: number; sweeperRuns: number; logWatchRuns: number },
): { scanRru: number } {
  const { reports, alarmChanges, sweeperRuns, logWatchRuns } = runs;
  const incidents = only(
    inv.tables.filter((t) => t.part === 'shared'),
    'incidents table',
  );
  const scanRru = Math.ceil(WORKLOAD.incidentTableBytes / 4_096);
  const table = incidents.logicalId.replace(/[0-9A-F]{8}$/, '');
  // The open incidents of a report's source: a Query on the sparse index reads a few small items (an
  // eventually consistent read of up to 4 KB is 0.5 RRU); without the index, a consistent Scan.
  const bySource = incidents.indexes.includes(OPEN_BY_SOURCE_INDEX)
    ? { rru: 0.5, text: `${OPEN_BY_SOURCE_INDEX} query 0.5` }
    : { rru: scanRru, text: `scan ${scanRru}` };
  const firing = Math.round(reports * WORKLOAD.firingReportShare);
  const firingRru = 2 * scanRru + 2;
  const ddb: [Part, number, string, number, string, number][] = [
    // Per healthy report: the heartbeat put (1 WRU) and the by-source lookup.
    ['router', reports - firing, 'healthy reports', bySource.rru, bySource.text, 1],
    // Per firing report: the lookup, silences + open-incidents scans, ~2 consistent gets; the heartbeat, the incident
    // and its index copy, a delivery record.
    ['router', firing, 'firing reports', bySource.rru + firingRru, `${bySource.text} + 2 scans x ${scanRru} + 2`, 4],
    // Per alarm state change: the scans and gets, a conditional put claiming the delivery, a put recording it.
    ['router', alarmChanges, 'alarm changes', firingRru, `2 scans x ${scanRru} + 2`, 2],
    // Per sweep: heartbeats batch-get, listOpen + silences scans; a write only when something is due (~1 in 10).
    ['sweeper', sweeperRuns, 'sweeps', firingRru, `2 scans x ${scanRru} + 2`, 0.1],
  ];
  for (const [part, count, what, perCallRru, how, wru] of ddb) {
    const rru = count * perCallRru;
    add(
      part,
      `DynamoDB on-demand reads (${table}, ${what})`,
      `${n(rru)} RRU (${n(count)} x (${how}))`,
      unit(P.DDB_PER_READ_REQUEST_UNIT, 1e6, 'RRU'),
      rru * P.DDB_PER_READ_REQUEST_UNIT,
    );
    add(
      part,
      `DynamoDB on-demand writes (${table}, ${what})`,
      `${n(count * wru)} WRU (${n(count)} x ${wru})`,
      unit(P.DDB_PER_WRITE_REQUEST_UNIT, 1e6, 'WRU'),
      count * wru * P.DDB_PER_WRITE_REQUEST_UNIT,
    );
  }
  // log-watch: per batch ~2 counter UpdateItems and a window query/batch-get of ~5 RRU.
  add(
    'log-watch',
    'DynamoDB on-demand reads (counters)',
    `${n(logWatchRuns * 5)} RRU (${n(logWatchRuns)} batches x 5)`,
    unit(P.DDB_PER_READ_REQUEST_UNIT, 1e6, 'RRU'),
    logWatchRuns * 5 * P.DDB_PER_READ_REQUEST_UNIT,
  );
  add(
    'log-watch',
    'DynamoDB on-demand writes (counters)',
    `${n(logWatchRuns * 2)} WRU (${n(logWatchRuns)} batches x 2)`,
    unit(P.DDB_PER_WRITE_REQUEST_UNIT, 1e6, 'WRU'),
    logWatchRuns * 2 * P.DDB_PER_WRITE_REQUEST_UNIT,
  );
  for (const table of inv.tables)
    if (!table.onDemand) throw new Error(`cost-model: table ${table.logicalId} is not on-demand (provisioned capacity is not modelled)`);
  const tableGb = (inv.tables.length * WORKLOAD.tableBytes) / GIB;
  const pitrTables = inv.tables.filter((t) => t.pitr).length;
  add(
    'shared',
    `DynamoDB storage${pitrTables ? ` + PITR (${pitrTables} tables)` : ''}`,
    `${inv.tables.length} tables x < ${n(WORKLOAD.tableBytes / 1e6)} MB`,
    `${unit(P.DDB_STORAGE_PER_GB_MONTH, 1, 'GB-month')} + ${unit(P.DDB_PITR_PER_GB_MONTH, 1, 'GB-month')}`,
    tableGb * P.DDB_STORAGE_PER_GB_MONTH + ((pitrTables * WORKLOAD.tableBytes) / GIB) * P.DDB_PITR_PER_GB_MONTH,
  );

  return { scanRru };
}

/** Compute, requests and logs of each function, from its invocations and billed seconds. */
function lambdaItems(lambda: readonly { fn: FunctionInfo; runs: number; seconds: number; how: string }[], add: AddItem): void {
  for (const { fn, runs, seconds, how } of lambda) {
    const gbs = (seconds * fn.memoryMb) / 1_024;
    const price = fn.arm64 ? P.LAMBDA_ARM64_PER_GB_SECOND : P.LAMBDA_X86_PER_GB_SECOND;
    add(
      fn.part,
      `Lambda compute (${fn.memoryMb} MB, ${fn.arm64 ? 'arm64' : 'x86_64'})`,
      `${n(gbs)} GB-s (${how})`,
      unit(price, 1, 'GB-s'),
      gbs * price,
    );
    add(fn.part, 'Lambda requests', n(runs), unit(P.LAMBDA_PER_REQUEST, 1e6, 'requests'), runs * P.LAMBDA_PER_REQUEST);
    const ingest = runs * WORKLOAD.logBytesPerInvocation;
    const storedMonths = (fn.logRetentionDays ?? 365) / DAYS_PER_MONTH;
    add(
      fn.part,
      'CloudWatch Logs ingestion',
      `${gib(ingest)} (${n(runs)} x ${n(WORKLOAD.logBytesPerInvocation / 1_024)} KB)`,
      unit(P.CW_LOGS_INGEST_PER_GB, 1, 'GB'),
      (ingest / GIB) * P.CW_LOGS_INGEST_PER_GB,
    );
    add(
      fn.part,
      `CloudWatch Logs storage (${fn.logRetentionDays ?? 'no expiry: 365'} days kept)`,
      `${gib(ingest * storedMonths)}-month`,
      unit(P.CW_LOGS_STORAGE_PER_GB_MONTH, 1, 'GB-month'),
      ((ingest * storedMonths) / GIB) * P.CW_LOGS_STORAGE_PER_GB_MONTH,
    );
  }
}

/** Alarms, by part and resolution: each alarm metric is billed, high-resolution at three times the price. */
function alarmItems(inv: Inventory, add: AddItem): void {
  for (const part of PARTS) {
    for (const highRes of [true, false]) {
      const list = inv.alarms.filter((a) => a.part === part && a.highRes === highRes);
      if (!list.length) continue;
      const metrics = list.reduce((sum, a) => sum + a.metrics, 0);
      const price = highRes ? P.CW_ALARM_HIGH_RES_PER_METRIC_MONTH : P.CW_ALARM_STANDARD_PER_METRIC_MONTH;
      add(
        part,
        `CloudWatch alarms, ${highRes ? 'high-resolution (period < 60 s)' : 'standard'}`,
        `${plural(list.length, 'alarm')}, ${plural(metrics, 'metric')}`,
        unit(price, 1, 'alarm metric-month'),
        metrics * price,
      );
    }
  }
}

/** SNS, SQS (dead letters; the probe's second-round queue when `probeRuns` is given) and KMS. */
function messagingItems(inv: Inventory, add: AddItem, probeRuns: number | undefined): void {
  const publishes = WORKLOAD.snsPublishesPerDay * DAYS_PER_MONTH;
  const subscriptions = inv.topics.reduce(
    (acc, t) => {
      for (const [protocol, count] of Object.entries(t.subscriptions)) acc[protocol] = (acc[protocol] ?? 0) + count;
      return acc;
    },
    {} as Record<string, number>,
  );
  add(
    'shared',
    `SNS publishes (${inv.topics.length} topics)`,
    n(publishes),
    unit(P.SNS_PER_PUBLISH, 1e6, 'publishes'),
    publishes * P.SNS_PER_PUBLISH,
  );
  if (subscriptions.email)
    add(
      'shared',
      `SNS e-mail deliveries (${subscriptions.email} e-mail subscriptions)`,
      n(publishes),
      unit(P.SNS_PER_EMAIL, 100_000, 'e-mails'),
      publishes * P.SNS_PER_EMAIL,
    );
  const deadLetterQueues = inv.queues.filter((id) => !id.includes('SecondRound')).length;
  const sqsRequests = deadLetterQueues * WORKLOAD.deadLettersPerMonth * 3;
  add(
    'shared',
    `SQS requests (${deadLetterQueues} dead-letter queue)`,
    `${n(sqsRequests)} (${WORKLOAD.deadLettersPerMonth} dead letters x send/receive/delete)`,
    unit(P.SQS_PER_REQUEST, 1e6, 'requests'),
    sqsRequests * P.SQS_PER_REQUEST,
  );
  if (probeRuns !== undefined) {
    const probeQueueRequests = MINUTES_PER_MONTH * WORKLOAD.probeQueuePollsPerMinute + probeRuns * 2;
    add(
      'probe',
      'SQS requests (second-round queue)',
      `${n(probeQueueRequests)} (event-source long polls ${WORKLOAD.probeQueuePollsPerMinute}/min + send and delete per run)`,
      unit(P.SQS_PER_REQUEST, 1e6, 'requests'),
      probeQueueRequests * P.SQS_PER_REQUEST,
    );
  }
  add(
    'shared',
    `KMS customer managed keys${inv.kmsKeys.some((k) => k.rotation) ? ' (rotation on: first year)' : ''}`,
    n(inv.kmsKeys.length),
    unit(P.KMS_PER_KEY_MONTH, 1, 'key-month'),
    inv.kmsKeys.length * P.KMS_PER_KEY_MONTH,
  );
  const kmsTables = inv.tables.filter((t) => t.kmsKey).length;
  const kmsRequests = kmsTables * WORKLOAD.ddbKmsRequestsPerTableHour * 24 * DAYS_PER_MONTH + publishes * WORKLOAD.kmsRequestsPerSnsPublish;
  add(
    'shared',
    'KMS requests',
    `${n(kmsRequests)} (${kmsTables} DynamoDB table keys x ${WORKLOAD.ddbKmsRequestsPerTableHour}/h; ${WORKLOAD.kmsRequestsPerSnsPublish} per SNS publish)`,
    unit(P.KMS_PER_REQUEST, 10_000, 'requests'),
    kmsRequests * P.KMS_PER_REQUEST,
  );
}

/** The baseline: one 1-minute Synthetics canary per health target, every line item. */
function canaryBaseline(config: Config): { items: LineItem[]; canaries: number; canaryRuns: number } {
  const canaryItems: LineItem[] = [];
  const canaryAdd = (resource: string, quantity: string, unitPrice: string, cost: number) =>
    canaryItems.push({ part: 'probe', resource, quantity, unitPrice, usd: cost });
  const canaries = config.healthTargets.length;
  const canaryRuns = canaries * (MINUTES_PER_MONTH / CANARY.intervalMinutes);
  canaryAdd(
    'Synthetics canary runs',
    `${n(canaryRuns)} (${canaries} canaries x ${n(MINUTES_PER_MONTH / CANARY.intervalMinutes)})`,
    unit(P.SYNTHETICS_PER_CANARY_RUN, 1, 'run'),
    canaryRuns * P.SYNTHETICS_PER_CANARY_RUN,
  );
  const canaryGbs = (canaryRuns * CANARY.runSeconds * CANARY.memoryMb) / 1_024;
  canaryAdd(
    `Canary Lambda compute (${n(CANARY.memoryMb)} MB, x86_64)`,
    `${n(canaryGbs)} GB-s (${n(canaryRuns)} runs x ${CANARY.runSeconds} s)`,
    unit(P.LAMBDA_X86_PER_GB_SECOND, 1, 'GB-s'),
    canaryGbs * P.LAMBDA_X86_PER_GB_SECOND,
  );
  canaryAdd('Canary Lambda requests', n(canaryRuns), unit(P.LAMBDA_PER_REQUEST, 1e6, 'requests'), canaryRuns * P.LAMBDA_PER_REQUEST);
  const canaryPuts = canaryRuns * CANARY.artifactPutsPerRun;
  canaryAdd(
    'S3 PUT requests (canary artifacts)',
    `${n(canaryPuts)} (${CANARY.artifactPutsPerRun} per run)`,
    unit(P.S3_PER_PUT_REQUEST, 1_000, 'requests'),
    canaryPuts * P.S3_PER_PUT_REQUEST,
  );
  const artifactBytes = (canaryRuns / DAYS_PER_MONTH) * CANARY.artifactRetentionDays * CANARY.artifactBytesPerRun;
  canaryAdd(
    'S3 Standard storage (canary artifacts)',
    `${gib(artifactBytes)}-month (${n(CANARY.artifactBytesPerRun / 1_024)} KB per run, kept ${CANARY.artifactRetentionDays} days)`,
    unit(P.S3_STANDARD_PER_GB_MONTH, 1, 'GB-month'),
    (artifactBytes / GIB) * P.S3_STANDARD_PER_GB_MONTH,
  );
  const canaryLog = canaryRuns * CANARY.logBytesPerRun;
  canaryAdd(
    'CloudWatch Logs ingestion',
    `${gib(canaryLog)} (${n(canaryRuns)} x ${n(CANARY.logBytesPerRun / 1_024)} KB)`,
    unit(P.CW_LOGS_INGEST_PER_GB, 1, 'GB'),
    (canaryLog / GIB) * P.CW_LOGS_INGEST_PER_GB,
  );
  canaryAdd(
    'CloudWatch Logs storage (30 days kept)',
    `${gib(canaryLog)}-month`,
    unit(P.CW_LOGS_STORAGE_PER_GB_MONTH, 1, 'GB-month'),
    (canaryLog / GIB) * P.CW_LOGS_STORAGE_PER_GB_MONTH,
  );
  const canaryAlarms = canaries * CANARY.alarmsPerCanary;
  canaryAdd(
    'CloudWatch alarms, standard (SuccessPercent, 1 min)',
    `${plural(canaryAlarms, 'alarm')}, ${plural(canaryAlarms, 'metric')}`,
    unit(P.CW_ALARM_STANDARD_PER_METRIC_MONTH, 1, 'alarm metric-month'),
    canaryAlarms * P.CW_ALARM_STANDARD_PER_METRIC_MONTH,
  );

  return { items: canaryItems, canaries, canaryRuns };
}

/**
 * Custom metrics (EMF), counted by running the only emitter left on a healthy month: log-watch on a
 * batch that found quota_exceeded and key_revoked lines and a traceback.
 */
function customMetricLines(): {
  lines: [Part, number, string][];
  logWatch: number;
} {
  const healthyBatch: LogScan = {
    outcome: 'scanned',
    evaluated: [],
    signals: [],
    warnings: [],
    stats: { ...emptyStats(), events: 1_000, tracebacks: 1, quotaExceeded: 10, keyRevoked: 1 },
  };
  const logWatchMetrics = new Set(logMetricPoints(healthyBatch).map((p) => p.name));
  const lines: [Part, number, string][] = [
    // The probe reports to the router and the trace check logs its numbers: neither emits a custom metric.
    ['probe', 0, 'none: each round reports to the router; the per-target log lines feed the dashboard'],
    ['trace-check', 0, 'none: spend, projection, latency, snapshot ages and per-model error share are log lines'],
    [
      'log-watch',
      logWatchMetrics.size,
      logWatchMetrics.size ? [...logWatchMetrics].join(', ') : 'none on a healthy batch: the conditional ones only when something happens',
    ],
  ];
  return { lines, logWatch: logWatchMetrics.size };
}

/**
 * The router cost the probe's reports cause: its Lambda and log items pro rata of its invocations, its
 * per-report DynamoDB items pro rata of the reports.
 */
function probeRouterShare(model: CostModel): number {
  const { probeReports = 0, routerRuns = 0, reports = 0 } = model.facts;
  const router = model.deployment.filter((i) => i.part === 'router');
  const perInvocation = sum(router.filter((i) => /^(Lambda |CloudWatch Logs )/.test(i.resource)));
  const perReport = sum(router.filter((i) => /^DynamoDB on-demand .*, (healthy |firing )?reports\)$/.test(i.resource)));
  return (routerRuns ? (perInvocation * probeReports) / routerRuns : 0) + (reports ? (perReport * probeReports) / reports : 0);
}

function sum(items: readonly LineItem[]): number {
  return items.reduce((total, item) => total + item.usd, 0);
}

function lineTable(items: readonly LineItem[], withPart: boolean): string {
  const rows = items.map((i) => [...(withPart ? [i.part] : []), i.resource, i.quantity, i.unitPrice, usd(i.usd)]);
  rows.push([...(withPart ? [''] : []), '**total**', '', '', `**${usd(sum(items))}**`]);
  return markdownTable([...(withPart ? ['part'] : []), 'resource', 'quantity / month', 'unit price', 'USD / month'], rows);
}

export const costModel: Benchmark = {
  id: 'cost-model',
  title: 'cost model: monthly AWS cost vs Synthetics canaries',
  metrics: Object.values(METRICS),

  async run(ctx: BenchContext): Promise<BenchResult> {
    const { outDir, configPath, reused } = await synthStack(ctx, { reuse: true });
    const { template } = only(readTemplates(outDir), 'stack');
    const config = parseConfig(JSON.parse(readFileSync(configPath, 'utf8')), configPath);
    const model = computeCostModel(template, config);
    for (const warning of model.warnings) console.warn(`cost-model: ${warning}`);
    const probe = only(
      model.inventory.functions.filter((f) => f.part === 'probe'),
      'probe function',
    );

    const total = sum(model.deployment);
    const probing = model.deployment.filter((i) => i.part === 'probe');
    // The probe's reports also cost router work (listed under `router`): its share counts toward probing.
    const probingRouter = probeRouterShare(model);
    const probingTotal = sum(probing) + probingRouter;
    const canaryTotal = sum(model.canaries);
    const canaryLabel = `${model.facts.canaries} one-minute Synthetics canaries: ${usd(canaryTotal)}/month`;
    const unpriced = model.inventory.unpriced.length ? `; NOT priced: ${model.inventory.unpriced.join(', ')}` : '';
    const rows: SummaryRow[] = [
      {
        benchmark: 'cost-model',
        metric: METRICS.all,
        value: `${usd(total)}/month`,
        baseline: canaryLabel,
        ratio: ratio(total, canaryTotal),
        note: `${model.deployment.length} line items over ${[...model.inventory.typeCounts.values()].reduce((a, b) => a + b, 0)} template resources; us-east-1 list prices, no free tier; the canaries only probe${unpriced}`,
      },
      {
        benchmark: 'cost-model',
        metric: METRICS.probing,
        value: `${usd(probingTotal)}/month`,
        baseline: canaryLabel,
        ratio: ratio(probingTotal, canaryTotal),
        note: `${model.facts.probeTargets} targets probed twice a minute (a report per round to the router, whose share ${usd(probingRouter)} is included) vs once a minute per canary`,
      },
    ];

    const subtotals = markdownTable(
      ['part', 'USD / month', 'share'],
      [
        ...PARTS.map((part) => {
          const s = sum(model.deployment.filter((i) => i.part === part));
          return [part, usd(s), `${((100 * s) / total).toFixed(1)} %`];
        }),
        ['**total**', `**${usd(total)}**`, '100 %'],
      ],
    );
    const resources = markdownTable(
      ['resource type', 'count', 'priced as'],
      [...model.inventory.typeCounts.entries()]
        .sort((a, b) => a[0].localeCompare(b[0]))
        .map(([type, count]) => [
          type,
          String(count),
          PRICED_TYPES.has(type) ? 'line items below' : FREE_TYPES.has(type) ? 'free (or in another line)' : 'NOT PRICED',
        ]),
    );
    const bySchedule = markdownTable(
      ['snapshot.scheduleMinutes', 'trace-check runs / month', 'trace-check part', 'deployment total'],
      [1, 2, 3, 4, 5].map((minutes) => {
        const variant = computeCostModel(withTraceCheckSchedule(template, minutes), config);
        const trace = sum(variant.deployment.filter((i) => i.part === 'trace-check'));
        return [String(minutes), n(MINUTES_PER_MONTH / minutes), usd(trace), usd(sum(variant.deployment))];
      }),
    );
    const details = [
      `Template: \`cdk synth\` of metis-alerts.config.example.json (${reused ? 'reused bench/.work/cdk.out, synthesized from the same config and sources' : 'synthesized into bench/.work/cdk.out'}). ` +
        `Prices: ${P.PRICES_SOURCE}; constants in bench/cost-prices.ts. Workload: WORKLOAD and CANARY in bench/cost-model.ts.`,
      '',
      `Deployment ${usd(total)}/month vs ${canaryLabel} (${ratio(total, canaryTotal)}); health probing alone ${usd(probingTotal)}/month (${ratio(probingTotal, canaryTotal)}).`,
      '',
      `Largest line items: ${[...model.deployment]
        .sort((a, b) => b.usd - a.usd)
        .slice(0, 5)
        .map((i) => `${i.part} ${i.resource} ${usd(i.usd)}`)
        .join('; ')}.`,
      '',
      'Per part:',
      '',
      subtotals,
      '',
      `The same deployment with trace-check (and the shipper, which ships as often as it reads) on each schedule the runbook allows for its trace-DB probe ("every 1-5 min"); the example config uses ${config.snapshot?.scheduleMinutes ?? 'n/a'}:`,
      '',
      bySchedule,
      '',
      'The example deployment, every line item:',
      '',
      lineTable(model.deployment, true),
      '',
      `Baseline: ${model.facts.canaries} one-minute CloudWatch Synthetics heartbeat canaries (${config.healthTargets.map((t) => `${t.name} ${new URL(t.url).pathname}`).join(', ')}):`,
      '',
      lineTable(model.canaries, false),
      '',
      'The canaries give probing only: no trace-DB rules (spend, error rates, latency, quota, snapshot health), no log watching, no incident routing, deduplication, escalation or PagerDuty, and one probe a minute instead of two 30 s apart. ' +
        (total < canaryTotal
          ? `Even so they cost ${ratio(canaryTotal, total)} the whole deployment: per run a canary pays $${P.SYNTHETICS_PER_CANARY_RUN} plus a ~1 GB x86 Lambda for seconds, where one ${probe.memoryMb} MB probe invocation covers every target, twice.`
          : `The whole deployment costs ${ratio(total, canaryTotal)} the canaries, for far more than probing.`),
      '',
      'Resources in the template:',
      '',
      resources,
      '',
      'Assumptions:',
      '',
      ...model.assumptions.map((a) => `- ${a}`),
      ...(model.warnings.length ? ['', 'Warnings (left out of the totals):', '', ...model.warnings.map((w) => `- ${w}`)] : []),
    ].join('\n');
    return { rows, details };
  },
};
