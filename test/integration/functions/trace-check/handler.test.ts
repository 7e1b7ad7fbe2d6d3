// The trace-check handler in-process with real SDK clients against moto: the shipper's gzipped snapshot
// in S3 (with its metadata), sql.js opening it, the evaluation report on a custom bus routed to SQS,
// the dashboard's numbers as log records. Warm reuse while the ETag is unchanged; every kind of bad
// snapshot gives a report, never a throw; a missing bus throws (so the errors alarm fires).
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { beforeAll, describe, expect, it } from 'vitest';
import { EventBridgeReportPublisher, ReportPublishError } from '../../../../lambdas/adapters/eventbridge-report-publisher.ts';
import { S3SnapshotSource } from '../../../../lambdas/adapters/s3-snapshot-source.ts';
import { openSnapshot } from '../../../../lambdas/adapters/sqljs-database.ts';
import { parseConfig } from '../../../../lambdas/core/config.ts';
import type { Signal } from '../../../../lambdas/core/signal.ts';
import type { OpenFailure } from '../../../../lambdas/core/trace-db/sql-port.ts';
import { isOpenFailure } from '../../../../lambdas/core/trace-db/sql-port.ts';
import { makeTraceCheckHandler, type ClosableDatabase, type TraceCheckOutcome } from '../../../../lambdas/functions/trace-check/handler.ts';
import { ALL_ANOMALIES } from '../../../../tools/trace-db-fixture.ts';
import { FIRING_ALL_ANOMALIES, MIN, NOW } from '../../../unit/core/trace-db/helpers.ts';
import { clientConfig } from '../../support/aws.ts';
import {
  SNAPSHOT_KEY,
  createTraceCheckWorld,
  deleteSnapshot,
  firing,
  s3Client,
  fixtureDb,
  healthyMetadata,
  readReports,
  sqliteWithoutEvents,
  uploadSnapshot,
  type FixtureDb,
  type ShipperMetadata,
  type TraceCheckWorld,
} from '../../support/trace-check-world.ts';

const RULES = parseConfig({ rules: { cost_projection: { dailyBudgetUsd: 5 } } }).rules;
const A = ALL_ANOMALIES;

/** Every trace-DB rule this config checks on a readable DB whose snapshot carries `volume-used-pct`. */
const EVALUATED_ALL = [
  'trace_db_schema',
  'snapshot_unreadable',
  'db_integrity',
  'model_error_rate',
  'provider_unavailable',
  'cost_projection',
  'key_spend_spike',
  'key_compromise_suspected',
  'key_over_cap',
  'quota_alert',
  'latency_p95',
  'error_rate_overall',
  'traffic_stopped',
  'trace_db_bad_timestamps',
  'snapshot_stale',
  'trace_db_clock_skew',
  'disk_usage',
  // Beyond the runbook (model_deprecation is off while no model is listed).
  'key_cap_projection',
  'fallback_surge',
  'requests_hanging',
  'key_without_cap',
];

let world: TraceCheckWorld;
let anomalies: FixtureDb;
let quiet: FixtureDb;

beforeAll(async () => {
  world = await createTraceCheckWorld();
  anomalies = await fixtureDb({ events: 4000, days: 2, end: NOW, seed: 11, anomalies: 'all' });
  quiet = await fixtureDb({ events: 3000, days: 2, end: NOW, seed: 12, anomalies: 'none' });
});

interface Harness {
  run: () => Promise<TraceCheckOutcome>;
  /** Every S3 request on the wire: its method (HEAD = ETag check, GET = download) and the status moto answered. */
  gets: { method: string | undefined; status: number | undefined }[];
  /** One entry per `open` call: the DB it returned (or the failure) and how often its close() ran. */
  opened: { result: ClosableDatabase | OpenFailure; closes: number }[];
  warnings: { message: string; fields?: Record<string, unknown> }[];
  infos: { message: string; fields?: Record<string, unknown> }[];
}

/** A handler wired like lambdas/functions/trace-check/index.ts, with `open` and `close` counted. */
function harness(options: { key?: string; bus?: string; clock?: () => Date } = {}): Harness {
  const h: Harness = { run: undefined as never, gets: [], opened: [], warnings: [], infos: [] };
  const s3 = s3Client();
  s3.middlewareStack.add(
    (next) => async (args) => {
      const method = (args.request as { method?: string }).method;
      try {
        const out = await next(args);
        h.gets.push({ method, status: (out.response as { statusCode?: number }).statusCode });
        return out;
      } catch (error) {
        h.gets.push({ method, status: (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode });
        throw error;
      }
    },
    { step: 'finalizeRequest', name: 'recordSnapshotGets' },
  );
  h.run = makeTraceCheckHandler({
    source: new S3SnapshotSource({ client: s3, bucket: world.bucket, key: options.key ?? SNAPSHOT_KEY }),
    open: async (bytes) => {
      const result = await openSnapshot(bytes);
      const entry = { result: result as ClosableDatabase | OpenFailure, closes: 0 };
      h.opened.push(entry);
      if (!isOpenFailure(result)) {
        const close = result.close.bind(result);
        result.close = () => {
          entry.closes++;
          close();
        };
      }
      return result;
    },
    publisher: new EventBridgeReportPublisher({ client: new EventBridgeClient(clientConfig()), eventBusName: options.bus ?? world.bus }),
    rules: RULES,
    clock: options.clock ?? (() => NOW),
    logger: {
      info: (message, fields) => h.infos.push({ message, fields }),
      warn: (message, fields) => h.warnings.push({ message, fields }),
      // The handler never logs at error level; if it did, the warnings assertions would see it.
      error: (message, fields) => h.warnings.push({ message, fields }),
    },
  });
  return h;
}

function only(signals: Signal[], rule: string): Signal {
  const found = signals.filter((s) => s.rule === rule);
  expect(found, rule).toHaveLength(1);
  return found[0]!;
}

describe('trace-check handler on a shipped snapshot with anomalies', () => {
  const key = 'metis/latest.db.gz';
  let h: Harness;
  let first: TraceCheckOutcome;
  let etag: string;

  beforeAll(async () => {
    etag = await uploadSnapshot(world, key, anomalies.gz, healthyMetadata(new Date(NOW.getTime() - MIN), anomalies.db.length));
    h = harness({ key });
    first = await h.run();
  });

  it('fetches the object and puts the evaluation report on the bus: source, time, evaluated rules, firing signals', async () => {
    expect(first.snapshot).toBe('fetched');
    const [event] = await readReports(world, 1);
    expect(event!.source).toBe('metis-alerts.trace-db');
    expect(event!['detail-type']).toBe('Metis Evaluation Report');
    expect(event!.time).toBe('2026-11-20T15:00:00Z');
    const report = event!.detail;
    expect(report.source).toBe('trace-db');
    expect(report.evaluatedAt).toBe(NOW.toISOString());
    expect(report.evaluated).toEqual(EVALUATED_ALL);
    expect(firing(report)).toEqual(FIRING_ALL_ANOMALIES);
    // The report is exactly the evaluation (nothing lost in the JSON round trip through EventBridge and SQS).
    expect(report.signals).toEqual(first.evaluation.signals);
    // ...and carries the evidence that resolves: the spiking model is not healthy, the quiet ones are.
    expect(report.healthy).toEqual(first.evaluation.healthy);
    expect(report.healthy!.model_error_rate).not.toContain(A.errorSpike.model);
    expect(report.healthy!.model_error_rate!.length).toBeGreaterThan(0);
    for (const s of report.signals) {
      expect(s).toMatchObject({ source: 'trace-db', status: 'firing', observedAt: NOW.toISOString() });
      expect(s.summary).not.toMatch(/[\r\n]/);
      expect(s.summary.length).toBeLessThanOrEqual(1024);
    }
    expect(only(report.signals, 'model_error_rate').details).toMatchObject({ threshold: 0.05 });
    expect(h.warnings).toEqual([]);
  });

  it('the shipper metadata travels through S3: a fresh snapshot is not stale and 42 % disk use is quiet', () => {
    expect(first.evaluation.metrics.snapshotAgeSeconds).toBe(60);
    expect(first.evaluation.signals.map((s) => s.rule)).not.toContain('snapshot_stale');
    expect(first.evaluation.signals.map((s) => s.rule)).not.toContain('disk_usage');
    expect(first.evaluation.evaluated).toContain('disk_usage');
  });

  it("logs the dashboard's numbers (no custom metric): error share of the spiking model, spend today, snapshot age", () => {
    const errorRate = only(first.evaluation.signals, 'model_error_rate');
    const models = h.infos.filter((i) => i.message === 'model error share').map((i) => i.fields!);
    const spike = models.filter((m) => m.model === A.errorSpike.model);
    expect(spike).toHaveLength(1);
    expect(spike[0]!.errorPct).toBe(errorRate.details.errorPct);
    expect(spike[0]!.errorPct).toBeGreaterThan(5);
    // The quiet models are there too, below the threshold.
    const others = models.filter((m) => m.model !== A.errorSpike.model);
    expect(others.length).toBeGreaterThan(0);
    for (const m of others) expect(m.errorPct).toBeLessThanOrEqual(5);
    const budget = only(first.evaluation.signals, 'cost_projection');
    const numbers = h.infos.find((i) => i.message === 'trace numbers')!.fields!;
    expect(numbers.spendTodayUsd).toBe(budget.details.spendTodayUsd);
    expect(numbers.projectedDailySpendUsd).toBe(budget.details.value);
    expect(numbers.projectedDailySpendUsd).toBeGreaterThan(2 * 5);
    expect(numbers.snapshotAgeSeconds).toBe(60);
    // Each clock-skewed request wrote two rows (route.decided + llm.call_completed) stamped in the future:
    // a field of the summary log line.
    const summary = h.infos.find((i) => i.message === 'trace check')!;
    expect(summary.fields).toMatchObject({ futureEvents: 2 * A.clockSkew.count });
    // This config sets no monthly cap, so there is no month-to-date figure: the field says so (null), it is not dropped.
    expect(summary.fields).toHaveProperty('monthToDateUsd', null);
  });

  it('logs one summary line per run with the snapshot state and what fired', () => {
    const summaries = h.infos.filter((i) => i.message === 'trace check');
    expect(summaries).toHaveLength(1);
    expect(summaries[0]!.fields).toMatchObject({ snapshot: 'fetched', evaluated: EVALUATED_ALL });
    expect([...(summaries[0]!.fields!.firing as string[])].sort()).toEqual(FIRING_ALL_ANOMALIES);
  });

  it("logs the on-call dashboard's numbers: one 'trace numbers' line and one 'model error share' line per model", () => {
    const numbers = h.infos.filter((i) => i.message === 'trace numbers');
    expect(numbers).toHaveLength(1);
    const spendToday = only(first.evaluation.signals, 'cost_projection').details.spendTodayUsd;
    expect(spendToday).toBeGreaterThan(0);
    // The budget (5) and the projection's limit (2 x 5) ride on the same line, so one query draws them beside the spend.
    expect(numbers[0]!.fields).toMatchObject({
      spendTodayUsd: spendToday,
      dailyBudgetUsd: 5,
      projectionLimitUsd: 10,
      snapshotAgeSeconds: 60,
    });
    const models = h.infos.filter((i) => i.message === 'model error share');
    expect(models.length).toBeGreaterThan(0);
    expect(models.length).toBe(Object.keys(first.evaluation.metrics.errorShareByModel ?? {}).length);
    for (const m of models) expect(Object.keys(m.fields!).sort()).toEqual(['calls', 'errorPct', 'errors', 'model']);
  });

  it('second run with the object unchanged: a HEAD sees the same ETag, no download, the open DB is reused, same report', async () => {
    const again = await h.run();
    expect(again.snapshot).toBe('reused');
    expect(etag).toMatch(/^"/);
    expect(h.gets).toEqual([
      { method: 'GET', status: 200 },
      { method: 'HEAD', status: 200 },
    ]);
    expect(h.opened).toHaveLength(1);
    expect(h.opened[0]!.closes).toBe(0);
    const [event] = await readReports(world, 1);
    expect(event!.detail.evaluated).toEqual(EVALUATED_ALL);
    expect(firing(event!.detail)).toEqual(FIRING_ALL_ANOMALIES);
    // The metadata of the cached snapshot is kept, too (snapshot age still measured from taken-at).
    expect(again.evaluation.metrics.snapshotAgeSeconds).toBe(60);
  });

  it('after the shipper uploads a new DB (new ETag): fetched again, opened a second time, the old DB closed', async () => {
    const newEtag = await uploadSnapshot(world, key, quiet.gz, healthyMetadata(new Date(NOW.getTime() - 30_000), quiet.db.length));
    expect(newEtag).not.toBe(etag);
    const third = await h.run();
    expect(third.snapshot).toBe('fetched');
    // The HEAD saw a new ETag, so the object was downloaded.
    expect(h.gets.slice(-2)).toEqual([
      { method: 'HEAD', status: 200 },
      { method: 'GET', status: 200 },
    ]);
    expect(h.opened).toHaveLength(2);
    expect(h.opened[0]!.closes).toBe(1);
    expect(h.opened[1]!.closes).toBe(0);
    const [event] = await readReports(world, 1);
    // The report now describes the new DB: no anomaly, so nothing fires, and every rule is still evaluated
    // (the router resolves the incidents the first report opened).
    expect(event!.detail.evaluated).toEqual(EVALUATED_ALL);
    expect(firing(event!.detail)).toEqual([]);
    expect(third.evaluation.metrics.snapshotAgeSeconds).toBe(30);
    // And the next unchanged run reuses the new one.
    expect((await h.run()).snapshot).toBe('reused');
    expect(h.gets.at(-1)).toEqual({ method: 'HEAD', status: 200 });
    expect(h.opened).toHaveLength(2);
    await readReports(world, 1);
  });

  it('when the object disappears: missing, the cached DB is closed, and the report is the blind snapshot_stale SEV3', async () => {
    await deleteSnapshot(world, key);
    const gone = await h.run();
    expect(gone.snapshot).toBe('missing');
    expect(h.opened[1]!.closes).toBe(1);
    const [event] = await readReports(world, 1);
    expect(event!.detail.evaluated).toEqual(['snapshot_stale']);
    expect(firing(event!.detail)).toEqual(['SEV3 snapshot_stale:trace-db']);
  });
});

describe('a re-upload of identical bytes (same ETag) with fresh shipper metadata', () => {
  // A quiet gateway writes nothing between two shipper runs, so the backup is byte-identical; a gzip that
  // stores no timestamp (busybox, `gzip -n`) then yields the same object body and the same ETag, while the
  // metadata (taken-at, volume-used-pct) is new. Reusing the open DB is right; judging the new upload by
  // the old upload's metadata is not: the newest snapshot is fresh and the volume is now 90 % full.
  it('reuses the open DB but judges snapshot age and disk use by the newest upload', async () => {
    const key = 'metis/identical/latest.db.gz';
    const first = await uploadSnapshot(world, key, quiet.gz, healthyMetadata(new Date(NOW.getTime() - MIN), quiet.db.length));
    let now = NOW;
    const h = harness({ key, clock: () => now });
    expect((await h.run()).snapshot).toBe('fetched');
    await readReports(world, 1);

    const later = new Date(NOW.getTime() + 11 * MIN);
    const second = await uploadSnapshot(
      world,
      key,
      quiet.gz,
      healthyMetadata(new Date(later.getTime() - MIN), quiet.db.length, { 'volume-used-pct': '90' }),
    );
    expect(second).toBe(first); // same bytes, same ETag
    now = later;
    const outcome = await h.run();
    expect(h.opened).toHaveLength(1);
    const [event] = await readReports(world, 1);
    expect(firing(event!.detail)).toEqual(['SEV3 disk_usage:trace-db']);
    expect(outcome.evaluation.metrics.snapshotAgeSeconds).toBe(60);
  });
});

/** Uploads `body` with `metadata` under a key of its own, runs a fresh handler once, returns outcome and report. */
async function runOn(name: string, body: Uint8Array | undefined, metadata: ShipperMetadata = {}) {
  const key = `bad/${name}/latest.db.gz`;
  if (body) await uploadSnapshot(world, key, body, metadata);
  const h = harness({ key });
  const outcome = await h.run();
  const [event] = await readReports(world, 1);
  return { key, h, outcome, report: event!.detail };
}

describe('bad snapshots give a report, never a throw', () => {
  it('missing object: snapshot "missing", evaluated only snapshot_stale, one SEV3 naming the s3 location', async () => {
    const { key, outcome, report, h } = await runOn('missing', undefined);
    expect(outcome.snapshot).toBe('missing');
    expect(h.opened).toHaveLength(0);
    expect(report.evaluated).toEqual(['snapshot_stale']);
    expect(firing(report)).toEqual(['SEV3 snapshot_stale:trace-db']);
    const location = `s3://${world.bucket}/${key}`;
    expect(report.signals[0]!.summary).toContain(location);
    expect(report.signals[0]!.details).toMatchObject({ location, basis: 'missing' });
  });

  it('empty object (0 bytes) after the shipper checked integrity=ok: snapshot_unreadable SEV3 (a transfer problem), metadata in the details', async () => {
    const { outcome, report } = await runOn('empty', new Uint8Array(0), {
      'source-bytes': '1048576',
      'wal-bytes': '4096',
      integrity: 'ok',
      'taken-at': '2026-11-20T14:59:00Z',
    });
    expect(outcome.snapshot).toBe('fetched');
    expect(report.evaluated).toEqual(['snapshot_unreadable']);
    expect(firing(report)).toEqual(['SEV3 snapshot_unreadable:trace-db']);
    expect(report.signals[0]!.details).toMatchObject({
      openFailure: { reason: 'empty' },
      sourceBytes: 1048576,
      shipperIntegrity: 'ok',
      snapshotTakenAt: '2026-11-20T14:59:00Z',
    });
    expect(report.signals[0]!.summary).not.toContain('scale the gateway to zero');
  });

  it('empty object without shipper metadata: db_integrity SEV1, reason empty (nothing says the DB checked out)', async () => {
    const { report } = await runOn('empty-bare', new Uint8Array(0));
    expect(firing(report)).toEqual(['SEV1 db_integrity:trace-db']);
    expect(report.signals[0]!.summary).toContain('scale the gateway to zero');
  });

  it('truncated gzip (upload cut short) with integrity=ok metadata: snapshot_unreadable SEV3, retry / check the shipper', async () => {
    const cut = anomalies.gz.subarray(0, Math.floor(anomalies.gz.length / 2));
    const { report } = await runOn('truncated', cut, healthyMetadata(new Date(NOW.getTime() - MIN), anomalies.db.length));
    expect(report.evaluated).toEqual(['snapshot_unreadable', 'disk_usage']);
    expect(firing(report)).toEqual(['SEV3 snapshot_unreadable:trace-db']);
    const failure = report.signals[0]!.details.openFailure as { reason: string; message: string };
    expect(failure.reason).toBe('truncated_gzip');
    expect(failure.message).toContain('truncated');
    expect(report.signals[0]!.summary).toContain('check the shipper');
  });

  it('truncated gzip while the shipper reported a failed check: db_integrity SEV1', async () => {
    const cut = anomalies.gz.subarray(0, Math.floor(anomalies.gz.length / 2));
    const { report } = await runOn('truncated-bad', cut, { integrity: 'database disk image is malformed' });
    expect(firing(report)).toEqual(['SEV1 db_integrity:trace-db']);
  });

  it('not SQLite (random bytes, gzipped): db_integrity SEV1 with the reason not_sqlite', async () => {
    const { report, h } = await runOn('random', new Uint8Array(gzipSync(randomBytes(64 * 1024))));
    expect(report.evaluated).toEqual(['db_integrity']);
    expect(firing(report)).toEqual(['SEV1 db_integrity:trace-db']);
    expect((report.signals[0]!.details.openFailure as { reason: string }).reason).toBe('not_sqlite');
    expect(h.opened.map((o) => isOpenFailure(o.result))).toEqual([true]);
  });

  it('a SQLite DB without the events table: one trace_db_schema SEV2 and no SQL rule evaluated', async () => {
    const db = await sqliteWithoutEvents();
    const { report } = await runOn('no-events', new Uint8Array(gzipSync(db)), healthyMetadata(new Date(NOW.getTime() - MIN), db.length));
    // Only the metadata rule (disk_usage, quiet at 42 %) is evaluated; no SQL rule, so no open incident resolves.
    expect(report.evaluated).toEqual(['disk_usage']);
    expect(firing(report)).toEqual(['SEV2 trace_db_schema:events']);
    expect(report.signals[0]!.details).toMatchObject({ missing: ['type', 'timestamp', 'payload'], tables: ['traces'] });
    expect(report.signals[0]!.summary).toContain('there is no events table');
  });

  it('metadata volume-used-pct=85: disk_usage SEV3 alongside the DB rules', async () => {
    const { report } = await runOn(
      'disk',
      quiet.gz,
      healthyMetadata(new Date(NOW.getTime() - MIN), quiet.db.length, { 'volume-used-pct': '85', 'wal-bytes': '150000000' }),
    );
    expect(report.evaluated).toEqual(EVALUATED_ALL);
    expect(firing(report)).toEqual(['SEV3 disk_usage:trace-db']);
    expect(report.signals[0]!.details).toMatchObject({ value: 85, threshold: 80, walBytes: 150_000_000, sourceBytes: quiet.db.length });
    expect(report.signals[0]!.summary).toContain('WAL 150 MB');
  });

  it('metadata without volume-used-pct: disk_usage not evaluated and the report says why (the router accepts it)', async () => {
    const { 'volume-used-pct': _dropped, ...noVolume } = healthyMetadata(new Date(NOW.getTime() - MIN), quiet.db.length);
    const { report, h } = await runOn('no-volume', quiet.gz, noVolume);
    expect(report.evaluated).toEqual(EVALUATED_ALL.filter((r) => r !== 'disk_usage'));
    expect(report.notEvaluated).toEqual({ disk_usage: 'no volume figure in the metadata' });
    expect(firing(report)).toEqual([]);
    expect(h.infos.find((i) => i.message === 'trace check')!.fields).toMatchObject({
      notEvaluated: { disk_usage: 'no volume figure in the metadata' },
    });
  });

  it('metadata volume-used-pct=100: disk_usage SEV2 "full"', async () => {
    const { report } = await runOn(
      'disk-full',
      quiet.gz,
      healthyMetadata(new Date(NOW.getTime() - MIN), quiet.db.length, { 'volume-used-pct': '100' }),
    );
    expect(firing(report)).toEqual(['SEV2 disk_usage:trace-db']);
    expect(report.signals[0]!.summary).toMatch(/^Trace-DB volume full/);
  });

  it('metadata last-backup-error (BACKUP_GLOB matched nothing) travels through S3: backup_stale SEV3 quoting it', async () => {
    const error = 'no file matches BACKUP_GLOB /backups/metis-*.db.gz';
    const { report } = await runOn(
      'no-backup',
      quiet.gz,
      healthyMetadata(new Date(NOW.getTime() - MIN), quiet.db.length, { 'last-backup-error': error }),
    );
    expect(report.evaluated).toContain('backup_stale');
    expect(firing(report)).toEqual(['SEV3 backup_stale:trace-db']);
    expect(report.signals[0]!.details).toMatchObject({ lastBackupError: error, lastBackupAt: null });
  });

  it('metadata taken-at 30 minutes old: snapshot_stale SEV3 based on the snapshot time', async () => {
    const { report, h } = await runOn('stale', quiet.gz, healthyMetadata(new Date(NOW.getTime() - 30 * MIN), quiet.db.length));
    // traffic_stopped does not judge a stale snapshot.
    expect(report.evaluated).toEqual(EVALUATED_ALL.filter((r) => r !== 'traffic_stopped'));
    expect(firing(report)).toEqual(['SEV3 snapshot_stale:trace-db']);
    expect(report.signals[0]!.details).toMatchObject({
      value: 30,
      threshold: 10,
      basis: 'snapshot',
      snapshotTakenAt: '2026-11-20T14:30:00Z',
    });
    expect(h.infos.find((i) => i.message === 'trace numbers')!.fields).toMatchObject({ snapshotAgeSeconds: 1800 });
  });

  it('the shipper reporting a damaged live DB (metadata integrity) is a db_integrity SEV1 on a readable snapshot', async () => {
    const bad = '*** in database main *** Page 42: btreeInitPage() returns error code 11';
    const { report } = await runOn(
      'live-corrupt',
      quiet.gz,
      healthyMetadata(new Date(NOW.getTime() - MIN), quiet.db.length, { integrity: bad }),
    );
    expect(report.evaluated).toEqual(EVALUATED_ALL);
    expect(firing(report)).toEqual(['SEV1 db_integrity:trace-db']);
    expect(report.signals[0]!.details).toMatchObject({ shipperIntegrity: bad });
  });
});

describe('when the report cannot be delivered', () => {
  it('a missing bus makes the handler throw (the scheduled invocation errors and the errors alarm fires)', async () => {
    const key = 'bad/no-bus/latest.db.gz';
    await uploadSnapshot(world, key, quiet.gz, healthyMetadata(new Date(NOW.getTime() - MIN), quiet.db.length));
    const h = harness({ key, bus: 'no-such-bus' });
    const failed = h.run();
    await expect(failed).rejects.toThrow(ReportPublishError);
    await expect(failed).rejects.toThrow(/PutEvents to no-such-bus failed/);
    // Nothing reached the real bus, and the dashboard's numbers were not logged for the undelivered run.
    expect(await readReports(world)).toEqual([]);
    expect(h.infos.filter((i) => i.message === 'trace numbers')).toEqual([]);
  });
});
