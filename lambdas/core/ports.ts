// Interfaces the core owns and the adapters implement (docs/architecture.md, Parts). Nothing here does I/O.
import type { Incident } from './incident.ts';
import type { EvaluationReport, SignalSource } from './signal.ts';
import type { Silence } from './silence.ts';
import type { SnapshotMeta } from './trace-db/context.ts';

export interface IncidentStore {
  get(dedupKey: string): Promise<Incident | undefined>;
  /** Open incidents, optionally only those of one source. */
  listOpen(source?: SignalSource): Promise<Incident[]>;
  /**
   * Resolved incidents that still owe a delivery (owed.ts: a resolve that failed and may be retried, one
   * never attempted) or a reopen check after a person's resolve, for the sweeper. From an index, never a
   * scan of every incident.
   */
  listOwed(): Promise<Incident[]>;
  /**
   * What a report of one source speaks to: its open incidents and the resolved ones waiting for their reopen
   * check after a person's resolve (reopen-check.ts), whose healthy verdicts must reach them too. One read.
   */
  listWatched(source: SignalSource): Promise<Incident[]>;
  /**
   * Conditional write: succeeds only if the stored version equals `expectedVersion`
   * (`undefined` = the item must not exist yet). Returns false on a lost race, never overwrites.
   */
  put(incident: Incident, expectedVersion: number | undefined): Promise<boolean>;
}

export interface DeadLetterSink {
  /** Park an event the router cannot process, with the reason, so nothing is lost and nothing loops. */
  send(event: unknown, reason: string): Promise<void>;
}

export interface ReportPublisher {
  publish(report: EvaluationReport): Promise<void>;
}

export interface AlarmTagReader {
  /** All tags of a CloudWatch alarm; throws when they cannot be read (the event must be retried, not dropped). */
  tagsOf(alarmArn: string): Promise<Record<string, string>>;
}

export type SnapshotFetch =
  | { kind: 'object'; bytes: Uint8Array; etag: string | undefined; meta: SnapshotMeta; lastModified?: string }
  | { kind: 'unchanged'; etag: string; meta: SnapshotMeta }
  | { kind: 'missing'; message: string };

export interface SnapshotSource {
  /** Where the snapshot lives, for messages (e.g. s3://bucket/metis/latest.db.gz). */
  readonly location: string;
  /** The snapshot, or `unchanged` (with fresh metadata) while its ETag equals `knownEtag`, or `missing`. Other errors throw. */
  fetch(knownEtag?: string): Promise<SnapshotFetch>;
}

export interface ReportHeartbeats {
  /**
   * Remember that `key` reported at `at`: the router calls it for every evaluation report, keyed by
   * source-health.ts heartbeatKey (`trace-db`, `probe`, `probe/inbound-shape`); the sweeper keeps its own marks.
   */
  record(key: string, at: string): Promise<void>;
  /** The last time of each of these keys, where known. */
  lastReports(keys: readonly string[]): Promise<Partial<Record<string, string>>>;
}

export interface SilenceStore {
  put(silence: Silence): Promise<void>;
  /** Every silence not yet announced as ended (active, future, or ended but not posted yet). */
  listCurrent(): Promise<Silence[]>;
  /** All silences, for `silence list --all`. */
  listAll(): Promise<Silence[]>;
  get(id: string): Promise<Silence | undefined>;
  /** Conditionally set `endAnnouncedAt` (only if not set yet): true for the one caller that may post the end notice. */
  markEndAnnounced(id: string, at: string): Promise<boolean>;
}
