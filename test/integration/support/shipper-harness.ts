// Harness for shipper/ship-snapshot.sh: runs the real script as a child process (under dash when the
// machine has it), builds SQLite fixtures with the sqlite3 CLI, runs a concurrent writer process, and
// reads what landed in moto S3.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { awsEnv, clientConfig } from './aws.ts';

export const SHIPPER_SCRIPT = fileURLToPath(new URL('../../../shipper/ship-snapshot.sh', import.meta.url));

/** `dash` when installed (the strictest common POSIX sh), else the system `sh`. */
export function posixShell(): string {
  const found = spawnSync('sh', ['-c', 'command -v dash'], { encoding: 'utf8' });
  const path = found.stdout.trim();
  return found.status === 0 && path ? path : 'sh';
}

export const s3Client = (): S3Client => new S3Client({ ...clientConfig(), forcePathStyle: true });

export interface ShipperRun {
  status: number | null;
  stdout: string;
  stderr: string;
  startedAt: number;
  endedAt: number;
}

/**
 * Runs the script with a clean environment: only PATH, dummy credentials and the moto endpoint, so the
 * machine's own AWS config or profile can never leak into a test. `env` values of `undefined` are dropped.
 */
export function runShipper(
  env: Record<string, string | undefined>,
  options: { shell?: string; timeoutMs?: number; onSpawn?: (child: ChildProcess) => void } = {},
): Promise<ShipperRun> {
  const scratch = mkdtempSync(join(tmpdir(), 'shipper-aws-'));
  const base: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: scratch,
    ...awsEnv(),
    AWS_CONFIG_FILE: join(scratch, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(scratch, 'credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  const merged: Record<string, string> = { ...base };
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) delete merged[name];
    else merged[name] = value;
  }
  const startedAt = Date.now();
  return new Promise((resolve, reject) => {
    // cwd is the run's scratch dir: a relative path the script resolves can never land in the repository.
    const child = spawn(options.shell ?? posixShell(), [SHIPPER_SCRIPT], { cwd: scratch, env: merged, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 45_000);
    options.onSpawn?.(child);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (status) => {
      clearTimeout(timer);
      rmSync(scratch, { recursive: true, force: true });
      resolve({ status, stdout, stderr, startedAt, endedAt: Date.now() });
    });
  });
}

/**
 * Runs SQL (or dot-commands) on a database with the sqlite3 CLI; returns trimmed stdout. sqlite3 creates
 * an empty file for a path that does not exist (how an empty crashcopy.db once got into the repository),
 * so `db` must be absolute and the CLI runs in the temp dir.
 */
export function sqlite(db: string, ...commands: string[]): string {
  if (!isAbsolute(db)) throw new Error(`sqlite(): give an absolute path under a temp dir, not "${db}"`);
  return execFileSync('sqlite3', ['-bail', '-cmd', '.timeout 10000', db, ...commands], { cwd: tmpdir(), encoding: 'utf8' }).trim();
}

export const EVENTS_DDL = 'CREATE TABLE events (type TEXT NOT NULL, timestamp TEXT NOT NULL, payload TEXT NOT NULL)';

/**
 * A WAL-mode trace DB with `rows` recent llm.call_completed events. `pageSize` 512 (SQLite's smallest)
 * gives many pages per MB; zero padding keeps the gzipped snapshot small.
 */
export function createTraceDb(path: string, rows: number, options: { pageSize?: number } = {}): void {
  sqlite(
    path,
    `PRAGMA page_size=${options.pageSize ?? 4096};`,
    'PRAGMA journal_mode=WAL;',
    `${EVENTS_DDL}; CREATE INDEX events_type_ts ON events(type, timestamp);`,
    `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${rows})
     INSERT INTO events SELECT 'llm.call_completed', strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-' || (i % 3600) || ' seconds'),
       json_object('seq', i, 'model', 'anthropic:claude-haiku-4-5', 'stop_reason', 'end_turn', 'pad', hex(zeroblob(100)))
     FROM n;`,
  );
}

/**
 * Another process writing to the DB: `sh` feeding INSERTs, each its own transaction, as fast as a
 * `sqlite3` process in WAL mode commits them (thousands per second here). It stops by itself after
 * `seconds` (checked every 200 rows); `stop()` kills its process group.
 */
export interface Writer {
  child: ChildProcess;
  running: () => boolean;
  exited: Promise<void>;
  stop: () => Promise<void>;
}

export function startWriter(db: string, dir: string, seconds: number): Writer {
  const script = join(dir, 'shipper-writer.sh');
  writeFileSync(
    script,
    [
      'set -eu',
      'db=$1; secs=$2',
      '{',
      "  printf '%s\\n' '.timeout 10000' 'PRAGMA journal_mode=WAL;'",
      '  end=$(( $(date +%s) + secs )); i=0',
      '  while :; do',
      '    i=$((i + 1))',
      "    printf \"INSERT INTO events VALUES ('llm.call_completed', strftime('%%Y-%%m-%%dT%%H:%%M:%%fZ', 'now'), json_object('writer', %d, 'pad', hex(randomblob(120))));\\n\" \"$i\"",
      '    if [ $((i % 200)) -eq 0 ] && [ "$(date +%s)" -ge "$end" ]; then break; fi',
      '  done',
      '} | sqlite3 "$db" >/dev/null',
      '',
    ].join('\n'),
  );
  // detached: own process group, so stop() reaches sh, the loop's subshell and sqlite3 at once.
  const child = spawn('sh', [script, db, String(seconds)], { cwd: dir, detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  let done = false;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      done = true;
      if (code !== 0 && signal === null) process.stderr.write(`shipper writer exited ${code}: ${stderr}\n`);
      resolve();
    });
  });
  return {
    child,
    running: () => !done,
    exited,
    stop: async () => {
      if (!done && child.pid !== undefined) {
        try {
          process.kill(-child.pid, 'SIGTERM');
        } catch {
          // already gone
        }
      }
      await exited;
    },
  };
}

/** Every key in the bucket under `prefix`. */
export async function listKeys(s3: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  return (listed.Contents ?? []).map((object) => object.Key ?? '');
}

export interface ShippedObject {
  gzipped: Buffer;
  body: Buffer;
  metadata: Record<string, string>;
  contentType: string | undefined;
}

export async function getShipped(s3: S3Client, bucket: string, key: string): Promise<ShippedObject> {
  const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const gzipped = Buffer.from(await got.Body!.transformToByteArray());
  return { gzipped, body: gunzipSync(gzipped), metadata: got.Metadata ?? {}, contentType: got.ContentType };
}

/** `df -P` use percentage of the volume holding `path`, as the script computes it. */
export function dfPercent(path: string): number {
  const out = execFileSync('df', ['-P', path], { encoding: 'utf8' }).trim().split('\n')[1] ?? '';
  return Number((out.split(/\s+/)[4] ?? '').replace('%', ''));
}

export function tempDir(label: string): string {
  return mkdtempSync(join(tmpdir(), `shipper-${label}-`));
}

export function isEmptyDir(path: string): boolean {
  return readdirSync(path).length === 0;
}
