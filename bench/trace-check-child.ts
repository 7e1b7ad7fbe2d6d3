// One cold trace-check in a fresh process, as a new Lambda container does it: load sql.js, read the
// gzipped snapshot, gunzip + open it (openSnapshot), run every trace-DB rule; then re-evaluate the
// same open database `--warm` times (a warm container while the ETag is unchanged). Prints one JSON
// object on stdout. Peak RSS is the kernel's high-water mark for this process (maxRSS, KB), read
// right after the cold run, so the warm runs do not count towards it. `--next N` then opens the same
// bytes N more times as new snapshots in this process, as a warm container does with each minute's upload
// (sql.js loaded, the JIT and WebAssembly tiers already compiled): what almost every run costs.
//
//   node --import tsx bench/trace-check-child.ts --db FILE.gz --now ISO --config FILE [--warm N] [--next N] [--script OUT.sql]
//
// --script writes the SQL of the cold run with parameters inlined, for `sqlite3 FILE < OUT.sql`.
import { readFileSync, writeFileSync } from 'node:fs';
import { loadConfigFile } from '../lambdas/adapters/config-file.ts';
import { loadSqlJs, openSnapshot } from '../lambdas/adapters/sqljs-database.ts';
import { evaluateTraceDb, type TraceDbEvaluation } from '../lambdas/core/trace-db/evaluate.ts';
import { isOpenFailure } from '../lambdas/core/trace-db/sql-port.ts';
import { recordingDatabase, toSqliteScript } from '../tools/trace-db-sql.ts';
import { asError } from '../lambdas/core/errors.ts';

export interface TraceCheckChildReport {
  /** sql.js module load (WASM compile), ms: once per container, before the first snapshot. */
  initMs: number;
  readMs: number;
  /** openSnapshot: gunzip + copy into the WASM heap + first read. */
  openMs: number;
  /** All rules on the freshly opened database. */
  evaluateMs: number;
  /** read + open + evaluate. */
  coldMs: number;
  /**
   * CPU time (user + system) of read + open + evaluate: what a Lambda below one vCPU (1,769 MB) is billed
   * for, since its CPU share shrinks with memory; on a loaded machine wall time overstates it.
   */
  coldCpuMs: number;
  warmMs: number[];
  /**
   * CPU time (user + system) of each `--next` run: read + gunzip + open + all rules on a new snapshot in
   * this already-warm process (the previous snapshot closed first), as a reused Lambda container runs it.
   */
  nextCpuMs: number[];
  /** The `--next` runs fired the same signals as the cold one. */
  nextMatchesCold: boolean;
  gzBytes: number;
  dbBytes: number;
  /** maxRSS after sql.js init, before the snapshot is read (runtime + tsx + sql.js), KB. */
  rssBeforeReadKb: number;
  /** maxRSS at the end of the cold run, KB. */
  peakRssKb: number;
  statements: number;
  /** Statements of the first warm run (the engine keeps its temp table of extracted calls on the connection). */
  warmStatements: number;
  evaluated: string[];
  signals: string[];
  errors: { rule: string; message: string }[];
  /** Rule id -> ms, cold run and first warm run. */
  ruleMsCold: Record<string, number>;
  ruleMsWarm: Record<string, number>;
  /** The warm runs fired the same signals as the cold one. */
  warmMatchesCold: boolean;
}

function arg(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
}

function signature(e: TraceDbEvaluation): string {
  return JSON.stringify([e.evaluated, e.signals.map((s) => s.dedupKey), e.errors]);
}

async function main(argv: string[]): Promise<void> {
  const dbPath = arg(argv, 'db');
  const nowText = arg(argv, 'now');
  const configPath = arg(argv, 'config');
  if (!dbPath || !nowText || !configPath)
    throw new Error('usage: trace-check-child.ts --db FILE --now ISO --config FILE [--warm N] [--next N] [--script OUT.sql]');
  const now = new Date(nowText);
  const warmRuns = Number(arg(argv, 'warm') ?? '1');
  const rules = loadConfigFile(configPath).rules;
  const timer = () => performance.now();

  const t0 = performance.now();
  await loadSqlJs();
  const t1 = performance.now();
  const rssBeforeReadKb = process.resourceUsage().maxRSS;
  const cpu1 = process.cpuUsage();

  const gz = readFileSync(dbPath);
  const t2 = performance.now();
  const opened = await openSnapshot(gz);
  const t3 = performance.now();
  if (isOpenFailure(opened)) throw new Error(`cannot open ${dbPath}: ${opened.message}`);
  // What the shipper would attach as object metadata: a fresh, healthy snapshot.
  const meta = {
    takenAt: new Date(now.getTime() - 30_000).toISOString(),
    volumeUsedPct: 40,
    sourceBytes: opened.sizeBytes,
    walBytes: 0,
    integrity: 'ok',
  };
  const recorder = recordingDatabase(opened);
  const cold = evaluateTraceDb(recorder, { now, rules, meta, timer });
  const t4 = performance.now();
  const coldCpu = process.cpuUsage(cpu1);
  const peakRssKb = process.resourceUsage().maxRSS;

  const warmMs: number[] = [];
  let ruleMsWarm: Record<string, number> = {};
  let warmMatchesCold = true;
  let warmStatements = 0;
  for (let i = 0; i < warmRuns; i++) {
    const warmRecorder = recordingDatabase(opened);
    const started = performance.now();
    const warm = evaluateTraceDb(warmRecorder, { now, rules, meta, timer });
    warmMs.push(performance.now() - started);
    if (i === 0) {
      ruleMsWarm = warm.metrics.ruleDurationsMs ?? {};
      warmStatements = warmRecorder.statements.length;
    }
    if (signature(warm) !== signature(cold)) warmMatchesCold = false;
  }

  opened.close();
  // New snapshots in this warm process: the previous database is closed first, as the handler does on a new ETag.
  const nextCpuMs: number[] = [];
  let nextMatchesCold = true;
  for (let i = 0; i < Number(arg(argv, 'next') ?? '0'); i++) {
    const cpu = process.cpuUsage();
    const next = await openSnapshot(readFileSync(dbPath));
    if (isOpenFailure(next)) throw new Error(`cannot open ${dbPath} again: ${next.message}`);
    const evaluation = evaluateTraceDb(next, { now, rules, meta, timer });
    const used = process.cpuUsage(cpu);
    next.close();
    nextCpuMs.push((used.user + used.system) / 1_000);
    if (signature(evaluation) !== signature(cold)) nextMatchesCold = false;
  }

  const scriptPath = arg(argv, 'script');
  if (scriptPath) writeFileSync(scriptPath, toSqliteScript(recorder.statements));

  const report: TraceCheckChildReport = {
    initMs: t1 - t0,
    readMs: t2 - t1,
    openMs: t3 - t2,
    evaluateMs: t4 - t3,
    coldMs: t4 - t1,
    coldCpuMs: (coldCpu.user + coldCpu.system) / 1_000,
    warmMs,
    nextCpuMs,
    nextMatchesCold,
    gzBytes: gz.length,
    dbBytes: opened.sizeBytes,
    rssBeforeReadKb,
    peakRssKb,
    statements: recorder.statements.length,
    warmStatements,
    evaluated: cold.evaluated,
    signals: cold.signals.map((s) => `${s.severity} ${s.dedupKey}`),
    errors: cold.errors,
    ruleMsCold: cold.metrics.ruleDurationsMs ?? {},
    ruleMsWarm,
    warmMatchesCold,
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`trace-check-child: ${asError(error).stack ?? String(error)}\n`);
  process.exit(2);
});
