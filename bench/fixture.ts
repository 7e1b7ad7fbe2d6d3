// The generated trace DB the trace-check benchmark reads, kept in bench/.work/ and reused while its
// parameters (and the generator's source) are unchanged: building 1 M events takes about 10 s with
// the sqlite3 CLI, minutes with sql.js. Both the plain file (for native sqlite3) and its .gz (what
// the shipper uploads and trace-check downloads) are kept.
import { createHash } from 'node:crypto';
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { generateTraceDb, hasSqlite3Cli, writeWithSqlite3, type FixtureOptions } from '../tools/trace-db-fixture.ts';

/** A fixed end instant keeps the DB (and so the report) the same from run to run. */
export const FIXTURE_END = '2026-11-20T12:00:00.000Z';
export const FIXTURE_DAYS = 7;
export const FIXTURE_SEED = 1;
const GZIP_LEVEL = 6;

export interface TraceDbFixture {
  /** Plain SQLite file. */
  dbPath: string;
  /** Gzipped copy (level 6, like the shipper). */
  gzPath: string;
  dbBytes: number;
  gzBytes: number;
  end: Date;
  /** True when the files came from an earlier run. */
  reused: boolean;
  /** 'sqlite3' or 'sql.js'; absent when reused. */
  writer?: string;
  buildMs?: number;
}

interface FixtureParams {
  events: number;
  days: number;
  end: string;
  seed: number;
  anomalies: 'all';
  gzipLevel: number;
  /** Hash of tools/trace-db-fixture.ts: a changed generator means a new DB. */
  generator: string;
}

export async function traceDbFixture(
  repoRoot: string,
  workDir: string,
  events: number,
  log: (m: string) => void,
  /** History length in days (the long-history benchmark uses 50). */
  days: number = FIXTURE_DAYS,
): Promise<TraceDbFixture> {
  mkdirSync(workDir, { recursive: true });
  const generator = createHash('sha256')
    .update(readFileSync(join(repoRoot, 'tools/trace-db-fixture.ts')))
    .digest('hex')
    .slice(0, 16);
  const params: FixtureParams = {
    events,
    days,
    end: FIXTURE_END,
    seed: FIXTURE_SEED,
    anomalies: 'all',
    gzipLevel: GZIP_LEVEL,
    generator,
  };
  const base = join(workDir, `trace-${events}ev-${days}d-seed${FIXTURE_SEED}`);
  const dbPath = `${base}.db`;
  const gzPath = `${base}.db.gz`;
  const paramsPath = `${base}.json`;
  const end = new Date(FIXTURE_END);

  if (existsSync(dbPath) && existsSync(gzPath) && existsSync(paramsPath)) {
    try {
      if (JSON.stringify(JSON.parse(readFileSync(paramsPath, 'utf8'))) === JSON.stringify(params)) {
        return { dbPath, gzPath, dbBytes: statSync(dbPath).size, gzBytes: statSync(gzPath).size, end, reused: true };
      }
    } catch {
      // unreadable parameters: rebuild
    }
  }

  rmSync(paramsPath, { force: true });
  const options: FixtureOptions = { events, days, end, seed: FIXTURE_SEED, anomalies: 'all' };
  const started = performance.now();
  const tmpDb = `${dbPath}.tmp`;
  const tmpGz = `${gzPath}.tmp`;
  const writer = hasSqlite3Cli() ? 'sqlite3' : 'sql.js';
  log(`generating a ${events}-event, ${days}-day trace DB with ${writer} in ${workDir} ...`);
  if (writer === 'sqlite3') await writeWithSqlite3(tmpDb, options);
  else writeFileSync(tmpDb, await generateTraceDb(options));
  await pipeline(createReadStream(tmpDb), createGzip({ level: GZIP_LEVEL }), createWriteStream(tmpGz));
  renameSync(tmpDb, dbPath);
  renameSync(tmpGz, gzPath);
  // Written last: its presence says both files are complete.
  writeFileSync(paramsPath, `${JSON.stringify(params)}\n`);
  const buildMs = performance.now() - started;
  log(`generated in ${(buildMs / 1000).toFixed(1)} s`);
  return { dbPath, gzPath, dbBytes: statSync(dbPath).size, gzBytes: statSync(gzPath).size, end, reused: false, writer, buildMs };
}
