// Interfaces log-watch's core owns and its adapters implement (docs/architecture.md, Parts): the per-minute
// counters (DynamoDB in the Lambda, in memory in the CLI, demo and bench) and the fetcher of a split
// traceback's following lines (CloudWatch Logs). Nothing here does I/O.
import type { LogEvent } from './decode.ts';

export const COUNTER_KINDS = ['traceback', 'quota_exceeded', 'key_revoked', 'trace_db_error'] as const;
export type CounterKind = (typeof COUNTER_KINDS)[number];

export interface CounterIncrement {
  kind: CounterKind;
  /** Gateway key id, a traceback fingerprint, or a trace-DB error kind. */
  key: string;
  /** Epoch minute (floor(ms / 60 000)) of the events counted. */
  minute: number;
  n: number;
}

/** key -> epoch minute -> count; minutes without events are absent. */
export type MinuteCounts = Map<string, Map<number, number>>;

export interface LogCounters {
  /**
   * Add the increments of one batch atomically per counter, at most once per `batchId`: a retried
   * invocation (Lambda retries failed async invocations) adds nothing twice. Throws when the store is
   * unavailable.
   */
  add(batchId: string, increments: readonly CounterIncrement[]): Promise<void>;
  /** Every key with a count of `kind` in [fromMinute, toMinute], across all invocations. */
  keys(kind: CounterKind, fromMinute: number, toMinute: number): Promise<string[]>;
  /** The counts of `keys` in [fromMinute, toMinute]. */
  read(kind: CounterKind, keys: readonly string[], fromMinute: number, toMinute: number): Promise<MinuteCounts>;
}

export interface FollowingEventsRequest {
  logGroup: string;
  logStream: string;
  /** The split traceback's first line's timestamp (ms); events from this instant on are returned. */
  startTime: number;
  /** At most this many events. */
  maxEvents: number;
  /** At most this much log time after `startTime` (ms). */
  maxSpanMs: number;
}

export type FetchedEvents =
  /** Events of the stream from startTime, in order; `truncated` when maxEvents cut the list. */
  { ok: true; events: LogEvent[]; truncated: boolean } | { ok: false; reason: string };

export interface LogFetcher {
  /** Never throws: a failure comes back as `{ ok: false, reason }` and the traceback is reported with an unknown type. */
  following(request: FollowingEventsRequest): Promise<FetchedEvents>;
}
