// The one thing the trace-DB rules need from a database: run a read-only query and get rows back.
// sql.js implements it in the Lambda and the CLI (lambdas/adapters/sqljs-database.ts); tests may use
// any other SQLite binding. Rules stay pure functions of (db, now, rules config, snapshot meta).

export type SqlParams = Record<string, unknown> | unknown[];

export interface SqlDatabase {
  /**
   * Run one statement and return every row as a plain object keyed by column name.
   * Named parameters are written `:name` in the SQL and passed as `{ name: value }`.
   * Throws when SQLite reports an error (malformed page, bad SQL).
   */
  all(sql: string, params?: SqlParams): Record<string, unknown>[];
  /** What the reader knows of the file it opened (tells transfer damage from corruption). */
  readonly file?: SnapshotFile;
}

/** The decoded snapshot file: its size, and the size its SQLite header declares (page size x page count). */
export interface SnapshotFile {
  readonly bytes: number;
  readonly declaredBytes?: number;
}

/** Why a snapshot could not be opened as a database at all. */
export type OpenFailureReason =
  /** Zero bytes: the shipper uploaded nothing. */
  | 'empty'
  /** A gzip stream that ends early (interrupted upload or copy). */
  | 'truncated_gzip'
  /** A gzip stream with bad data or a bad checksum. */
  | 'corrupt_gzip'
  /** Bytes that SQLite does not recognise as a database file. */
  | 'not_sqlite'
  /** SQLite opened the file but cannot read even its schema (damaged first pages). */
  | 'unreadable'
  /** Bigger than the reader accepts (the sql.js heap is limited to 2 GB). */
  | 'too_large';

/**
 * A snapshot that could not be opened. The engine turns it into a `db_integrity` signal instead of
 * throwing, so a bad upload pages someone rather than silently stopping the trace checks.
 */
export interface OpenFailure {
  readonly kind: 'open-failure';
  readonly reason: OpenFailureReason;
  /** One line, safe to show (no payload content). */
  readonly message: string;
  /** Present when the bytes were decoded (gunzipped) before opening failed. */
  readonly file?: SnapshotFile;
}

export function openFailure(reason: OpenFailureReason, message: string): OpenFailure {
  return { kind: 'open-failure', reason, message };
}

export function isOpenFailure(value: SqlDatabase | OpenFailure): value is OpenFailure {
  return (value as Partial<OpenFailure>).kind === 'open-failure';
}
