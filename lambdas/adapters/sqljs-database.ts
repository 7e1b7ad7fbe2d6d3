// The trace-DB query port on sql.js (SQLite compiled to WebAssembly): the Lambda cannot load native
// modules portably, and the CLI should run the very same engine. The whole database lives in the
// WASM heap, so open one snapshot at a time and close it when the ETag changes.
import initSqlJs from 'sql.js';
import type { Database, SqlJsStatic, SqlValue } from 'sql.js';
import type { OpenFailure, SnapshotFile, SqlDatabase, SqlParams } from '../core/trace-db/sql-port.ts';
import { snapshotFile } from '../core/trace-db/sqlite-header.ts';
import { snapshotFailure, SnapshotError, type DecodeOptions } from './snapshot-bytes.ts';
import { inflateSnapshot } from './snapshot-inflate.ts';
import { errorMessage } from '../core/errors.ts';

export interface SqlJsLoadOptions {
  /** The bytes of `sql-wasm.wasm`, e.g. bundled with esbuild's `binary` loader (no file next to the bundle needed). */
  wasmBinary?: Uint8Array | ArrayBuffer;
  /** Where to find `sql-wasm.wasm` when it ships as a file, e.g. `(f) => join(__dirname, f)`. */
  locateFile?: (file: string) => string;
}

let loading: Promise<SqlJsStatic> | undefined;

/**
 * Load the sql.js module once per process (a Lambda container keeps it between invocations).
 * The options of the first call win; a failed load is forgotten so the next call retries.
 */
export function loadSqlJs(options: SqlJsLoadOptions = {}): Promise<SqlJsStatic> {
  if (!loading) {
    const config: Record<string, unknown> = { useOldExtensionFunctions: false };
    if (options.wasmBinary) config.wasmBinary = options.wasmBinary;
    if (options.locateFile) config.locateFile = options.locateFile;
    loading = initSqlJs(config as Parameters<typeof initSqlJs>[0]).catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
  }
  return loading;
}

/** One open snapshot. Implements the core's SqlDatabase port. */
export class SqlJsDatabase implements SqlDatabase {
  private closed = false;
  /** Size and declared size of the opened file (set by openSnapshot). */
  file?: SnapshotFile;

  constructor(
    private readonly db: Database,
    /** Size of the SQLite file that was opened. */
    readonly sizeBytes: number,
  ) {}

  all(sql: string, params?: SqlParams): Record<string, unknown>[] {
    if (this.closed) throw new Error('the trace-DB snapshot is closed');
    const stmt = this.db.prepare(sql);
    try {
      if (params !== undefined) stmt.bind(toBindParams(params));
      const columns = stmt.getColumnNames();
      const rows: Record<string, unknown>[] = [];
      while (stmt.step()) {
        const values = stmt.get();
        const row: Record<string, unknown> = {};
        for (let i = 0; i < columns.length; i++) row[columns[i]!] = values[i];
        rows.push(row);
      }
      return rows;
    } finally {
      stmt.free();
    }
  }

  /** Free the WASM memory of the database. Safe to call twice. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }
}

/**
 * Open the bytes of a SQLite file (already gunzipped). Throws SnapshotError('not_sqlite') when SQLite
 * does not recognise them: sql.js accepts any bytes and only fails on the first read, so read once here.
 */
export async function openSqlJs(
  bytes: Uint8Array,
  options: SqlJsLoadOptions & { transferOwnership?: boolean } = {},
): Promise<SqlJsDatabase> {
  const SQL = await loadSqlJs(options);
  if (bytes.length === 0) throw new SnapshotError('snapshot is empty (0 bytes)', 'empty');
  const db = new SQL.Database(options.transferOwnership ? handOver(bytes) : bytes);
  try {
    db.exec('SELECT count(*) FROM sqlite_master');
  } catch (error) {
    db.close();
    throw new SnapshotError(`snapshot is not a SQLite database (${errorMessage(error)})`, 'not_sqlite', { cause: error });
  }
  return new SqlJsDatabase(db, bytes.length);
}

/**
 * Gunzip if needed and open: a bad snapshot (empty, truncated or corrupt gzip, not SQLite, too large)
 * comes back as an OpenFailure for the engine to report as `db_integrity`; other errors are thrown.
 */
export async function openSnapshot(
  bytes: Uint8Array,
  options: SqlJsLoadOptions & DecodeOptions = {},
): Promise<SqlJsDatabase | OpenFailure> {
  let decoded: Uint8Array;
  try {
    decoded = await inflateSnapshot(bytes, options);
  } catch (error) {
    return snapshotFailure(error);
  }
  // The file's own size facts travel with the result, so the engine can tell a copy cut short from corruption.
  const file = snapshotFile(decoded);
  try {
    // The inflated buffer is ours alone: sql.js's in-memory file takes it over instead of copying it.
    const db = await openSqlJs(decoded, { ...options, transferOwnership: true });
    db.file = file;
    return db;
  } catch (error) {
    return { ...snapshotFailure(error), file };
  }
}

/**
 * sql.js writes the bytes into its in-memory file system, whose first write keeps `buffer.slice(0, n)`:
 * a full copy. A view whose whole-range slice is itself lets the file own the buffer (one database in
 * memory, not two). Only for a buffer nobody else uses afterwards.
 */
function handOver(bytes: Uint8Array): Uint8Array {
  const view: Uint8Array = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
  const slice = view.slice.bind(view);
  (view as { slice: (start?: number, end?: number) => Uint8Array }).slice = (start?: number, end?: number) =>
    (start ?? 0) === 0 && (end ?? view.length) >= view.length ? view : slice(start, end);
  return view;
}

function toBindParams(params: SqlParams): SqlValue[] | Record<string, SqlValue> {
  if (Array.isArray(params)) return params.map(toSqlValue);
  const out: Record<string, SqlValue> = {};
  for (const [name, value] of Object.entries(params)) {
    out[/^[:@$]/.test(name) ? name : `:${name}`] = toSqlValue(value);
  }
  return out;
}

function toSqlValue(value: unknown): SqlValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number' || typeof value === 'string' || value instanceof Uint8Array) return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Date) return value.toISOString();
  return JSON.stringify(value);
}
