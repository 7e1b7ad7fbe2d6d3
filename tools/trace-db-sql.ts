// Records the SQL the trace-DB engine runs and replays it with the native sqlite3 CLI: the baseline
// of the benchmark (docs/architecture.md, Conventions: "versus the native sqlite3 CLI running the same SQL").
//
//   npx tsx tools/trace-db-sql.ts --db FILE [--now ISO] [--config FILE] [--script OUT.sql] [--native]
//
// Prints the sql.js timings (cold run, warm re-run on the open snapshot) and, with --native, the
// wall time of `sqlite3 FILE < script` for the same statements with parameters inlined.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadConfigFile } from '../lambdas/adapters/config-file.ts';
import { decodeSnapshotBytes, isGzip } from '../lambdas/adapters/snapshot-bytes.ts';
import { openSnapshot } from '../lambdas/adapters/sqljs-database.ts';
import { defaultConfig } from '../lambdas/core/config.ts';
import { evaluateTraceDb } from '../lambdas/core/trace-db/evaluate.ts';
import { isOpenFailure, type SqlDatabase, type SqlParams } from '../lambdas/core/trace-db/sql-port.ts';
import { errorMessage } from '../lambdas/core/errors.ts';

export interface RecordedStatement {
  sql: string;
  params?: SqlParams;
  ms: number;
  rows: number;
}

/** Wraps a database so every statement, its parameters, time and row count are kept. */
export function recordingDatabase(
  inner: SqlDatabase,
  clock: () => number = () => performance.now(),
): SqlDatabase & { statements: RecordedStatement[] } {
  const statements: RecordedStatement[] = [];
  return {
    statements,
    all(sql, params) {
      const started = clock();
      const rows = inner.all(sql, params);
      statements.push({ sql, ...(params === undefined ? {} : { params }), ms: clock() - started, rows: rows.length });
      return rows;
    },
  };
}

function literal(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'NULL';
  if (typeof value === 'boolean') return value ? '1' : '0';
  return `'${String(value).replace(/'/g, "''")}'`;
}

/** One statement with its named (`:name`) or positional (`?`) parameters inlined. */
export function inlineParams(sql: string, params?: SqlParams): string {
  if (params === undefined) return sql;
  if (Array.isArray(params)) {
    let i = 0;
    return sql.replace(/\?/g, () => literal(params[i++]));
  }
  return sql.replace(/[:@$]([A-Za-z_][A-Za-z0-9_]*)/g, (match, name: string) => (name in params ? literal(params[name]) : match));
}

/** A script for `sqlite3 FILE < script.sql` running the same statements (output to /dev/null). */
export function toSqliteScript(statements: readonly RecordedStatement[]): string {
  return ['.output /dev/null', ...statements.map((s) => `${inlineParams(s.sql.trim(), s.params).replace(/;\s*$/, '')};`), ''].join('\n');
}

async function main(argv: string[]): Promise<void> {
  const arg = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const dbPath = arg('db');
  if (!dbPath) throw new Error('--db FILE is required');
  const now = new Date(arg('now') ?? new Date().toISOString());
  if (Number.isNaN(now.getTime())) throw new Error('--now must be an ISO date');
  const configPath = arg('config');
  const rules = (configPath ? loadConfigFile(configPath) : defaultConfig()).rules;

  const t0 = performance.now();
  const opened = await openSnapshot(readFileSync(dbPath));
  const t1 = performance.now();
  if (isOpenFailure(opened)) throw new Error(`cannot open ${dbPath}: ${opened.message}`);
  const db = recordingDatabase(opened);
  const cold = evaluateTraceDb(db, { now, rules });
  const t2 = performance.now();
  const coldStatements = db.statements.splice(0);
  evaluateTraceDb(db, { now, rules });
  const t3 = performance.now();
  opened.close();

  const script = toSqliteScript(coldStatements);
  const scriptPath = arg('script');
  if (scriptPath) writeFileSync(scriptPath, script);
  const report: Record<string, unknown> = {
    db: dbPath,
    now: now.toISOString(),
    openMs: Math.round(t1 - t0),
    sqljsColdMs: Math.round(t2 - t1),
    sqljsWarmMs: Math.round(t3 - t2),
    statements: coldStatements.length,
    evaluated: cold.evaluated,
    signals: cold.signals.map((s) => s.dedupKey),
    slowest: [...coldStatements]
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 5)
      .map((s) => ({ ms: Math.round(s.ms), sql: s.sql.replace(/\s+/g, ' ').trim().slice(0, 100) })),
  };
  if (argv.includes('--native')) {
    // The CLI cannot read gzip: inflate to a temp file first (not timed).
    let nativePath = resolve(dbPath);
    let tmp: string | undefined;
    const raw = readFileSync(dbPath);
    if (isGzip(raw)) {
      tmp = mkdtempSync(join(tmpdir(), 'trace-db-sql-'));
      nativePath = join(tmp, 'snapshot.db');
      writeFileSync(nativePath, decodeSnapshotBytes(raw));
    }
    const started = performance.now();
    const r = spawnSync('sqlite3', ['-readonly', nativePath], { input: script, encoding: 'utf8', maxBuffer: 1 << 26 });
    if (tmp) rmSync(tmp, { recursive: true, force: true });
    report.nativeMs = Math.round(performance.now() - started);
    if (r.status !== 0 || r.stderr.trim()) report.nativeError = r.stderr.trim() || `exit ${r.status}`;
    report.ratio = Math.round(((t2 - t1) / (report.nativeMs as number)) * 100) / 100;
  }
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`trace-db-sql: ${errorMessage(error)}\n`);
    process.exit(2);
  });
}
