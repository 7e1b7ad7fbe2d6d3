// The trace-check's AWS side against moto: the snapshot bucket, the custom bus with a rule that copies
// every evaluation report to an SQS queue (the router's rule matches the same source prefix and
// detail-type), plus gzipped fixture DBs uploaded the way the shipper uploads them (docs/architecture.md, Snapshot shipping).
// One world per test file (each file has its own moto account).
import { gzipSync } from 'node:zlib';
import { CreateBucketCommand, DeleteObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateEventBusCommand, PutRuleCommand, PutTargetsCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { SQSClient } from '@aws-sdk/client-sqs';
import initSqlJs from 'sql.js';
import { REPORT_DETAIL_TYPE, REPORT_SOURCE_PREFIX } from '../../../lambdas/adapters/eventbridge-report-publisher.ts';
import type { EvaluationReport } from '../../../lambdas/core/signal.ts';
import { generateTraceDb, type FixtureOptions } from '../../../tools/trace-db-fixture.ts';
import { clientConfig, createQueue, perFileName, drainQueue, eventBridgeClient, sqsClient } from './aws.ts';

export const SNAPSHOT_BUCKET = perFileName('metis-trace-snapshots');
export const SNAPSHOT_KEY = 'metis/latest.db.gz';
export const BUS = 'metis-alerts-trace';

export const s3Client = (): S3Client => new S3Client({ ...clientConfig(), forcePathStyle: true });

export interface TraceCheckWorld {
  readonly s3: S3Client;
  readonly events: EventBridgeClient;
  readonly sqs: SQSClient;
  readonly bucket: string;
  readonly bus: string;
  /** Receives every event the bus routes to the router (source `metis-alerts.*`, the report detail-type). */
  readonly queueUrl: string;
}

/** Creates the bucket, the bus, a queue and the rule bus -> queue. */
export async function createTraceCheckWorld(): Promise<TraceCheckWorld> {
  const s3 = s3Client();
  const events = eventBridgeClient();
  const sqs = sqsClient();
  await s3.send(new CreateBucketCommand({ Bucket: SNAPSHOT_BUCKET }));
  await events.send(new CreateEventBusCommand({ Name: BUS }));
  const queue = await createQueue(sqs, 'trace-check-reports');
  await events.send(
    new PutRuleCommand({
      Name: 'reports-to-router',
      EventBusName: BUS,
      EventPattern: JSON.stringify({ source: [{ prefix: REPORT_SOURCE_PREFIX }], 'detail-type': [REPORT_DETAIL_TYPE] }),
    }),
  );
  await events.send(new PutTargetsCommand({ Rule: 'reports-to-router', EventBusName: BUS, Targets: [{ Id: 'q', Arn: queue.queueArn }] }));
  return { s3, events, sqs, bucket: SNAPSHOT_BUCKET, bus: BUS, queueUrl: queue.queueUrl };
}

/** The shipper's object metadata, as strings (S3 user metadata), keys as ship-snapshot.sh writes them. */
export interface ShipperMetadata {
  'taken-at'?: string;
  'volume-used-pct'?: string;
  'source-bytes'?: string;
  'wal-bytes'?: string;
  integrity?: string;
  'last-backup-at'?: string;
  'last-backup-error'?: string;
}

/** Metadata of a healthy shipper run at `takenAt` for a DB of `sourceBytes`. */
export function healthyMetadata(takenAt: Date, sourceBytes: number, overrides: ShipperMetadata = {}): ShipperMetadata {
  return {
    'taken-at': takenAt.toISOString().replace('.000Z', 'Z'),
    'volume-used-pct': '42',
    'source-bytes': String(sourceBytes),
    'wal-bytes': '65536',
    integrity: 'ok',
    ...overrides,
  };
}

export async function uploadSnapshot(
  world: TraceCheckWorld,
  key: string,
  body: Uint8Array,
  metadata: ShipperMetadata = {},
): Promise<string> {
  const put = await world.s3.send(
    new PutObjectCommand({
      Bucket: world.bucket,
      Key: key,
      Body: body,
      ContentType: 'application/gzip',
      Metadata: metadata as Record<string, string>,
    }),
  );
  if (!put.ETag) throw new Error(`PutObject ${key} returned no ETag`);
  return put.ETag;
}

export async function deleteSnapshot(world: TraceCheckWorld, key: string): Promise<void> {
  await world.s3.send(new DeleteObjectCommand({ Bucket: world.bucket, Key: key }));
}

/** A fixture DB (plain SQLite bytes) and its gzip, as the shipper uploads it. */
export interface FixtureDb {
  readonly db: Uint8Array;
  readonly gz: Uint8Array;
}

export async function fixtureDb(options: FixtureOptions): Promise<FixtureDb> {
  const db = await generateTraceDb(options);
  return { db, gz: new Uint8Array(gzipSync(db)) };
}

/** A valid SQLite file with no `events` table (a gateway upgrade renamed it, or the wrong file was shipped). */
export async function sqliteWithoutEvents(): Promise<Uint8Array> {
  const SQL = await initSqlJs({ useOldExtensionFunctions: false } as Parameters<typeof initSqlJs>[0]);
  const db = new SQL.Database();
  try {
    db.run('CREATE TABLE traces (id INTEGER PRIMARY KEY, kind TEXT, created_at TEXT, body TEXT)');
    db.run("INSERT INTO traces (kind, created_at, body) VALUES ('llm.call_completed', '2026-11-20T14:59:00Z', '{}')");
    return db.export();
  } finally {
    db.close();
  }
}

/** The EventBridge event as the SQS target received it. */
export interface ReportEvent {
  source: string;
  'detail-type': string;
  time: string;
  detail: EvaluationReport;
}

/**
 * Reads exactly `expected` report events off the queue (throws if they do not arrive); without
 * `expected`, whatever is there until one receive comes back empty.
 */
export async function readReports(world: TraceCheckWorld, expected?: number): Promise<ReportEvent[]> {
  const messages = await drainQueue(world.sqs, world.queueUrl, expected === undefined ? {} : { expected });
  return messages.map((m) => JSON.parse(m.Body ?? 'null') as ReportEvent);
}

/** `SEVn dedupKey`, sorted: the compact form the assertions compare. */
export function firing(report: EvaluationReport): string[] {
  return report.signals.map((s) => `${s.severity} ${s.dedupKey}`).sort();
}
