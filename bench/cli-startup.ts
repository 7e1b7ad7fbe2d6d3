// CLI start-up: `metis-alerts --help` and `--version` through bin/metis-alerts.mjs (the bundled CLI in
// dist/cli) against `node -e 0`, the least any Node CLI costs. Runs are interleaved (node, --help,
// --version, node, ...) so a load spike on a shared machine hits all three alike; the ratio is paired
// run by run and the median reported. Target: at most 2x. For scale, also the TypeScript sources run
// through tsx (METIS_ALERTS_FROM_SOURCE=1), what every call cost before the CLI was bundled.
import { join } from 'node:path';
import { buildCli } from '../scripts/build-cli.ts';
import { markdownTable, median, millis, ratio, runProcess, type BenchContext, type BenchResult, type Benchmark } from './harness.ts';

const MIN_RUNS = 11;
const SOURCE_RUNS = 3;
const TARGET = 2;

async function wallMs(ctx: BenchContext, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const run = await runProcess(process.execPath, args, { cwd: ctx.repoRoot, env });
  if (run.code !== 0) throw new Error(`node ${args.join(' ')} exited ${run.code}: ${run.stderr.trim().split('\n')[0]}`);
  return run.wallMs;
}

async function run(ctx: BenchContext): Promise<BenchResult> {
  await buildCli();
  const bin = join(ctx.repoRoot, 'bin', 'metis-alerts.mjs');
  const runs = Math.max(ctx.runs, MIN_RUNS);
  const node: number[] = [];
  const help: number[] = [];
  const version: number[] = [];
  await wallMs(ctx, [bin, '--help']); // warm the file cache
  for (let i = 0; i < runs; i++) {
    node.push(await wallMs(ctx, ['-e', '0']));
    help.push(await wallMs(ctx, [bin, '--help']));
    version.push(await wallMs(ctx, [bin, '--version']));
  }
  const source: number[] = [];
  for (let i = 0; i < SOURCE_RUNS; i++) source.push(await wallMs(ctx, [bin, '--help'], { ...process.env, METIS_ALERTS_FROM_SOURCE: '1' }));

  const paired = (times: number[]) => median(times.map((t, i) => t / node[i]!));
  const verdict = (r: number) => (r <= TARGET ? `ok: target <= ${TARGET}x` : `OVER the ${TARGET}x target`);
  const base = `node -e 0: ${millis(median(node))}`;
  const rows = [
    { command: 'metis-alerts --help', times: help },
    { command: 'metis-alerts --version', times: version },
  ].map(({ command, times }) => ({
    benchmark: 'cli-startup',
    metric: `${command} (bundled)`,
    value: millis(median(times)),
    baseline: base,
    ratio: `${paired(times).toFixed(2)}x`,
    note: `median of ${runs}, ratio paired run by run; ${verdict(paired(times))}`,
  }));
  rows.push({
    benchmark: 'cli-startup',
    metric: 'metis-alerts --help from the TypeScript sources (tsx)',
    value: millis(median(source)),
    baseline: base,
    ratio: ratio(median(source), median(node)),
    note: `median of ${SOURCE_RUNS}; what a call costs when a source is newer than the bundle`,
  });
  const details = [
    `Each figure is the wall time of a child process, spawned from the benchmark, to exit. ${runs} interleaved runs.`,
    '',
    markdownTable(
      ['run', 'node -e 0', '--help', '--version'],
      node.map((t, i) => [String(i + 1), millis(t), millis(help[i]!), millis(version[i]!)]),
    ),
  ].join('\n');
  return { rows, details };
}

export const cliStartup: Benchmark = {
  id: 'cli-startup',
  title: 'CLI start-up: bundled CLI vs node -e 0',
  metrics: ['metis-alerts --help (bundled)', 'metis-alerts --version (bundled)', 'metis-alerts --help from the TypeScript sources (tsx)'],
  run,
};
