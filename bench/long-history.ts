// Long history (docs/snapshot-format.md): a generated 50-day trace DB, shipped as a bounded snapshot.
// - shipper (shipper/ship-snapshot.sh, SNAPSHOT_FILE, quick_check of the source every run and cached)
//   vs `sqlite3 .backup` + `gzip -1` of the same file, run by run;
// - the bounded snapshot's size vs the whole file;
// - its cold check (fresh process: read, gunzip, open, all rules) vs the native sqlite3 CLI running the
//   engine's queries (recorded on the whole file) plus `PRAGMA quick_check` on the whole file;
// - its peak RSS vs the whole file's size; and whether its alerts equal the whole database's.
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { traceDbFixture } from './fixture.ts';
import {
  bytes,
  markdownTable,
  median,
  millis,
  ratio,
  runProcess,
  seconds,
  type BenchContext,
  type BenchResult,
  type Benchmark,
} from './harness.ts';
import type { TraceCheckChildReport } from './trace-check-child.ts';

export const LONG_HISTORY_DAYS = 50;

const METRICS = {
  shipper: 'shipper (bounded, quick_check cached) vs .backup + gzip -1',
  shipperCheck: 'shipper (bounded, quick_check every run) vs .backup + gzip -1',
  size: 'bounded snapshot .gz / whole DB file',
  check: 'check of the bounded snapshot vs native sqlite3 on the whole file',
  rss: 'peak RSS of that check / whole DB file',
  equal: 'alerts: bounded snapshot = whole DB',
} as const;

async function timed(ctx: BenchContext, command: string, args: string[], env?: NodeJS.ProcessEnv, input?: string): Promise<number> {
  const r = await runProcess(command, args, { cwd: ctx.repoRoot, env: env ?? process.env, ...(input === undefined ? {} : { input }) });
  if (r.code !== 0) throw new Error(`${command} ${args.join(' ')} failed (exit ${r.code ?? r.signal}): ${r.stderr.trim().slice(-1000)}`);
  return r.wallMs;
}

/** New snapshots each bounded child also checks in its warm process (what a reused Lambda container does every minute). */
const NEXT_SNAPSHOTS = 3;

async function child(
  ctx: BenchContext,
  gzPath: string,
  now: string,
  config: string,
  options: { script?: string; next?: number } = {},
): Promise<TraceCheckChildReport> {
  const { script, next = 0 } = options;
  const args = [
    '--import',
    'tsx',
    'bench/trace-check-child.ts',
    '--db',
    gzPath,
    '--now',
    now,
    '--config',
    config,
    '--warm',
    '0',
    '--next',
    String(next),
  ];
  if (script) args.push('--script', script);
  const r = await runProcess(process.execPath, args, { cwd: ctx.repoRoot });
  if (r.code !== 0) throw new Error(`trace-check child failed (exit ${r.code ?? r.signal}): ${r.stderr.trim().slice(-2000)}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as TraceCheckChildReport;
}

/** One shipper run writing locally; returns its wall time. */
function shipper(ctx: BenchContext, source: string, out: string, now: string, state: string, quickCheckEvery: string): Promise<number> {
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    METIS_DB: source,
    SNAPSHOT_FILE: out,
    SNAPSHOT_NOW: now,
    WORK_DIR: ctx.workDir,
    QUICK_CHECK_STATE: state,
    QUICK_CHECK_EVERY_MINUTES: quickCheckEvery,
  };
  return timed(ctx, 'sh', ['shipper/ship-snapshot.sh'], env);
}

/** The plain way: a consistent .backup of the whole file, then gzip -1. */
async function backupGzip(ctx: BenchContext, source: string, out: string): Promise<number> {
  const copy = `${out}.db`;
  rmSync(copy, { force: true });
  const a = await timed(ctx, 'sqlite3', ['-readonly', source, `.backup '${copy}'`]);
  const b = await timed(ctx, 'sh', ['-c', 'gzip -1 -c "$1" > "$2"', 'sh', copy, out]);
  rmSync(copy, { force: true });
  return a + b;
}

export const longHistory: Benchmark = {
  id: 'long-history',
  title: `long history: bounded snapshot of a ${LONG_HISTORY_DAYS}-day DB`,
  metrics: Object.values(METRICS),

  async run(ctx: BenchContext): Promise<BenchResult> {
    // About one llm call per two events (each request also logs route.decided): 2 x BENCH_EVENTS rows.
    const events = 2 * ctx.events;
    const fixture = await traceDbFixture(ctx.repoRoot, ctx.workDir, events, (m) => ctx.log(m), LONG_HISTORY_DAYS);
    const now = fixture.end.toISOString();
    const calls = Number(
      (
        await runProcess('sqlite3', ['-readonly', fixture.dbPath, "SELECT count(*) FROM events WHERE type = 'llm.call_completed';"], {
          cwd: ctx.repoRoot,
        })
      ).stdout.trim(),
    );
    const config = join(ctx.workDir, 'long-history.config.json');
    const example = JSON.parse(readFileSync(join(ctx.repoRoot, 'metis-alerts.config.example.json'), 'utf8')) as {
      rules?: Record<string, unknown>;
    };
    // The monthly cap too, so month to date (the rollups' longest reach) is checked.
    writeFileSync(
      config,
      JSON.stringify({
        ...example,
        $schema: undefined,
        rules: { ...example.rules, bill_threshold: { dailyHardCapUsd: 1000, monthlyHardCapUsd: 1000 } },
      }),
    );

    const out = join(ctx.workDir, 'long-history.latest.db.gz');
    const state = join(ctx.workDir, 'long-history.quick-check');
    const plain = join(ctx.workDir, 'long-history.backup.db.gz');
    const shipCached: number[] = [];
    const shipChecked: number[] = [];
    const baseline: number[] = [];
    for (let i = 0; i < ctx.runs; i++) {
      ctx.log(`long-history run ${i + 1}/${ctx.runs}: .backup + gzip -1, shipper with and without a cached quick_check ...`);
      baseline.push(await backupGzip(ctx, fixture.dbPath, plain));
      rmSync(state, { force: true });
      shipChecked.push(await shipper(ctx, fixture.dbPath, out, now, state, '0'));
      await shipper(ctx, fixture.dbPath, out, now, state, '60'); // writes the cache
      shipCached.push(await shipper(ctx, fixture.dbPath, out, now, state, '60'));
    }
    const snapshotGz = statSync(out).size;
    const plainGz = statSync(plain).size;
    const meta = JSON.parse(readFileSync(`${out}.meta.json`, 'utf8')) as { snapshotBytes: number };

    ctx.log('long-history: whole-DB check once (records the queries for the native baseline, gives the reference alerts) ...');
    const script = join(ctx.workDir, 'long-history.whole.sql');
    const whole = await child(ctx, fixture.gzPath, now, config, { script });
    const nativeScript = `${readFileSync(script, 'utf8')}\nPRAGMA quick_check;\n`;

    const bounded: TraceCheckChildReport[] = [];
    const native: number[] = [];
    for (let i = 0; i < ctx.runs; i++) {
      ctx.log(`long-history run ${i + 1}/${ctx.runs}: cold check of the bounded snapshot, native sqlite3 on the whole file ...`);
      bounded.push(await child(ctx, out, now, config, { next: NEXT_SNAPSHOTS }));
      native.push(await timed(ctx, 'sqlite3', ['-batch', '-readonly', fixture.dbPath], undefined, nativeScript));
    }
    const paired = (values: number[], base: number[]) => median(values.map((v, i) => v / base[i]!));
    const cold = bounded.map((b) => b.coldMs);
    const peak = median(bounded.map((b) => b.peakRssKb)) * 1024;
    const first = bounded[0]!;
    const same =
      JSON.stringify([first.evaluated, [...first.signals].sort()]) === JSON.stringify([whole.evaluated, [...whole.signals].sort()]);
    const allSame =
      same && bounded.every((b) => JSON.stringify(b.signals) === JSON.stringify(first.signals) && b.nextMatchesCold !== false);
    const nextCpu = bounded.flatMap((b) => b.nextCpuMs ?? []);

    const rows = [
      {
        benchmark: 'long-history',
        metric: METRICS.shipper,
        value: seconds(median(shipCached)),
        baseline: `.backup + gzip -1: ${seconds(median(baseline))}`,
        ratio: ratio(paired(shipCached, baseline), 1),
        note: `median of ${ctx.runs}, paired; target <= 1.5x`,
      },
      {
        benchmark: 'long-history',
        metric: METRICS.shipperCheck,
        value: seconds(median(shipChecked)),
        baseline: `.backup + gzip -1: ${seconds(median(baseline))}`,
        ratio: ratio(paired(shipChecked, baseline), 1),
        note: 'QUICK_CHECK_EVERY_MINUTES=0: the hourly worst case',
      },
      {
        benchmark: 'long-history',
        metric: METRICS.size,
        value: `${bytes(snapshotGz)} (.db ${bytes(meta.snapshotBytes)})`,
        baseline: `whole DB ${bytes(fixture.dbBytes)} (.gz -1 ${bytes(plainGz)})`,
        ratio: ratio(snapshotGz, fixture.dbBytes),
        note: `${calls.toLocaleString('en-US')} calls over ${LONG_HISTORY_DAYS} days`,
      },
      {
        benchmark: 'long-history',
        metric: METRICS.check,
        value: seconds(median(cold)),
        baseline: `native sqlite3, the same queries + quick_check on the whole file: ${seconds(median(native))}`,
        ratio: ratio(paired(cold, native), 1),
        note: `median of ${ctx.runs}, paired; cold = read + gunzip + open + all rules; target <= 1.5x`,
      },
      {
        benchmark: 'long-history',
        metric: METRICS.rss,
        value: bytes(peak),
        baseline: `whole DB ${bytes(fixture.dbBytes)}`,
        ratio: ratio(peak, fixture.dbBytes),
        note: `whole-DB check peaked at ${bytes(whole.peakRssKb * 1024)}; target <= 0.6x`,
      },
      {
        benchmark: 'long-history',
        metric: METRICS.equal,
        value: allSame ? 'equal' : 'DIFFERENT',
        baseline: `whole DB: ${whole.signals.length} signals, ${whole.evaluated.length} rules evaluated`,
        ratio: allSame ? '1.00x' : 'n/a',
        note: `firing: ${whole.signals.join(', ') || 'none'}`,
      },
    ];

    const details = [
      `Fixture: ${events.toLocaleString('en-US')} events (${calls.toLocaleString('en-US')} llm calls) over ${LONG_HISTORY_DAYS} days ending ${now}, ` +
        `every anomaly injected (tools/trace-db-fixture.ts), index on (type, timestamp); rules from metis-alerts.config.example.json plus a ` +
        `$1000 monthly cap. ${fixture.reused ? 'Reused from bench/.work/.' : `Generated in ${seconds(fixture.buildMs ?? Number.NaN)}.`}`,
      '',
      markdownTable(
        ['measure', 'median', 'runs'],
        [
          ['`.backup` (read-only) + `gzip -1` of the whole file', millis(median(baseline)), baseline.map(millis).join(', ')],
          ['shipper, quick_check of the source every run', millis(median(shipChecked)), shipChecked.map(millis).join(', ')],
          ['shipper, quick_check cached (the other 59 runs an hour)', millis(median(shipCached)), shipCached.map(millis).join(', ')],
          ['whole-DB check in sql.js (cold, once)', millis(whole.coldMs), `peak RSS ${bytes(whole.peakRssKb * 1024)}`],
          ['bounded check in sql.js (cold)', millis(median(cold)), cold.map(millis).join(', ')],
          // What the cost model prices for a fresh container (WORKLOAD.traceCheckColdCpuSeconds): Lambda bills a CPU-bound run by its CPU share.
          [
            'bounded check in sql.js (cold), CPU time (user + system)',
            millis(median(bounded.map((b) => b.coldCpuMs))),
            bounded.map((b) => millis(b.coldCpuMs)).join(', '),
          ],
          // What the cost model prices for almost every run (WORKLOAD.traceCheckNextCpuSeconds): a reused container, a new snapshot.
          [
            `bounded check in sql.js, a new snapshot in the warm process (${NEXT_SNAPSHOTS} per child), CPU time (user + system)`,
            millis(median(nextCpu)),
            nextCpu.map(millis).join(', '),
          ],
          ['native sqlite3: engine queries + quick_check, whole file', millis(median(native)), native.map(millis).join(', ')],
        ],
      ),
      '',
      `Bounded snapshot: ${bytes(meta.snapshotBytes)} database, ${bytes(snapshotGz)} gzipped, against ${bytes(fixture.dbBytes)} for the whole file. ` +
        `Alerts ${allSame ? 'equal' : 'DIFFER'}: bounded ${first.signals.join(', ') || 'none'}; whole ${whole.signals.join(', ') || 'none'}.`,
    ];
    return { rows, details: details.join('\n') };
  },
};
