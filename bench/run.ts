// `npm run bench`: runs every benchmark in BENCHMARKS, prints one Markdown report on stdout and writes
// it to bench/results.md. Every figure is a ratio against a baseline measured in the same run
// (docs/architecture.md, Conventions); nothing asserts a wall-clock limit. Progress goes to stderr.
//
//   BENCH_EVENTS=N   size of the generated trace DB (default 1000000; e.g. 50000 for a quick run)
//   BENCH_RUNS=N     timed runs per measurement, median reported (default 3)
//   BENCH_ONLY=a,b   run only these benchmark ids
//
// Generated files (trace DBs, cdk.out) live in bench/.work/ (gitignored) and are reused when their
// parameters match. Exit status 1 when a benchmark failed (its rows then read "n/a").
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleSize } from './bundle-size.ts';
import { cliStartup } from './cli-startup.ts';
import { costModel } from './cost-model.ts';
import type { BenchContext, Benchmark, SummaryRow } from './harness.ts';
import { logWatch } from './log-watch.ts';
import { mergeResults, parseResults, type BenchOutcome } from './results-file.ts';
import { longHistory } from './long-history.ts';
import { traceCheck } from './trace-check.ts';
import { vantageCost } from './vantage-cost.ts';
import { errorMessage } from '../lambdas/core/errors.ts';

/**
 * The benchmarks, in report order. To add one, write bench/<id>.ts exporting a `Benchmark`
 * (bench/harness.ts: id, title, the metric names of its summary rows, and `run(ctx)` returning those
 * rows plus a Markdown detail section) and list it here.
 */
export const BENCHMARKS: readonly Benchmark[] = [traceCheck, longHistory, logWatch, bundleSize, costModel, vantageCost, cliStartup];

const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const RESULTS = join(REPO_ROOT, 'bench', 'results.md');

function positiveInt(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, got "${text}"`);
  return n;
}

function environmentLine(): string {
  const sqlite = spawnSync('sqlite3', ['-version'], { encoding: 'utf8' });
  const sqliteVersion = sqlite.status === 0 ? sqlite.stdout.trim().split(' ')[0] : 'not found';
  let sqlJsVersion = 'unknown';
  try {
    sqlJsVersion = (JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules', 'sql.js', 'package.json'), 'utf8')) as { version: string })
      .version;
  } catch {
    // reported as unknown
  }
  const cpu = cpus();
  return (
    `${cpu[0]?.model.trim() ?? 'unknown CPU'} x ${cpu.length}, ${Math.round(totalmem() / 2 ** 30)} GiB, ${process.platform}/${process.arch}; ` +
    `Node ${process.version}; sql.js ${sqlJsVersion}; sqlite3 CLI ${sqliteVersion}`
  );
}

async function main(): Promise<number> {
  const events = positiveInt('BENCH_EVENTS', 1_000_000);
  const runs = positiveInt('BENCH_RUNS', 3);
  const only = (process.env.BENCH_ONLY ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = only.filter((id) => !BENCHMARKS.some((b) => b.id === id));
  if (unknown.length)
    throw new Error(`BENCH_ONLY: unknown benchmark ${unknown.join(', ')} (known: ${BENCHMARKS.map((b) => b.id).join(', ')})`);
  const selected = only.length ? BENCHMARKS.filter((b) => only.includes(b.id)) : BENCHMARKS;

  const ctx: BenchContext = {
    repoRoot: REPO_ROOT,
    workDir: join(REPO_ROOT, 'bench', '.work'),
    events,
    runs,
    log: (message) => process.stderr.write(`bench: ${message}\n`),
  };

  const outcomes: BenchOutcome[] = [];
  let failed = 0;
  for (const bench of selected) {
    ctx.log(`== ${bench.id}`);
    const started = performance.now();
    try {
      const result = await bench.run(ctx);
      outcomes.push({ id: bench.id, title: bench.title, rows: result.rows, section: `## ${bench.title}\n\n${result.details}` });
    } catch (error) {
      failed++;
      const message = errorMessage(error);
      ctx.log(`${bench.id} FAILED: ${message}`);
      const rows: SummaryRow[] = bench.metrics.map((metric) => ({
        benchmark: bench.id,
        metric,
        value: 'n/a',
        baseline: 'n/a',
        ratio: 'n/a',
        note: 'FAILED (see below)',
      }));
      outcomes.push({ id: bench.id, title: bench.title, rows, section: `## ${bench.title}\n\nFAILED:\n\n\`\`\`\n${message}\n\`\`\`` });
    }
    ctx.log(`${bench.id} took ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }

  const settings = `BENCH_EVENTS=${events}, BENCH_RUNS=${runs}${only.length ? `, BENCH_ONLY=${only.join(',')}` : ''}`;
  const machine = `Machine: ${environmentLine()}.`;
  // A whole run rewrites the file; a BENCH_ONLY run replaces only its own rows and sections (bench/results-file.ts)
  // and says in each of them how it was measured, since the intro then describes other runs too.
  const previous = only.length && existsSync(RESULTS) ? parseResults(readFileSync(RESULTS, 'utf8')) : undefined;
  const intro = previous
    ? previous.intro
    : [
        '# metis-alerts benchmarks',
        '',
        `Written by \`npm run bench\` (${settings}). ` +
          'Each ratio compares a measurement with a baseline taken in the same run; absolute figures depend on the machine.',
        '',
        machine,
      ].join('\n');
  const fresh = previous
    ? outcomes.map((o) => ({ ...o, section: o.section.replace('\n\n', `\n\nMeasured by \`npm run bench\` (${settings}). ${machine}\n\n`) }))
    : outcomes;
  const report = mergeResults(previous, intro, BENCHMARKS, fresh);

  process.stdout.write(report);
  writeFileSync(RESULTS, report);
  ctx.log(`wrote ${RESULTS}`);
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench: ${errorMessage(error)}\n`);
    process.exit(2);
  },
);
