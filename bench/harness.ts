// What every benchmark module shares: the context run.ts hands it, the rows it hands back, and the
// few helpers that keep the report's numbers in one format. Benchmarks report ratios against a
// baseline measured in the same run (docs/architecture.md, Conventions); nothing here asserts a time limit.
import { spawn } from 'node:child_process';

export interface BenchContext {
  /** Repository root (cwd of every child process). */
  readonly repoRoot: string;
  /** bench/.work: generated files, reused between runs, gitignored. */
  readonly workDir: string;
  /** Size of the generated trace DB (BENCH_EVENTS, default 1 000 000). */
  readonly events: number;
  /** Timed runs per measurement; the median is reported (BENCH_RUNS, default 3). */
  readonly runs: number;
  /** Progress on stderr (stdout carries only the report). */
  log(message: string): void;
}

/** One row of the summary table. Every benchmark returns the same rows whatever the outcome. */
export interface SummaryRow {
  benchmark: string;
  metric: string;
  value: string;
  baseline: string;
  ratio: string;
  note: string;
}

export interface BenchResult {
  rows: SummaryRow[];
  /** Markdown under the benchmark's own heading: detail tables and notes. */
  details: string;
}

export interface Benchmark {
  /** Short id, used by BENCH_ONLY=id,id. */
  readonly id: string;
  /** Heading of its detail section. */
  readonly title: string;
  /** Rows to show (with "n/a") when the benchmark throws, so the table keeps its shape. */
  readonly metrics: readonly string[];
  run(ctx: BenchContext): Promise<BenchResult>;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function seconds(ms: number): string {
  return Number.isFinite(ms) ? `${(ms / 1000).toFixed(2)} s` : 'n/a';
}

export function millis(ms: number): string {
  return Number.isFinite(ms) ? `${Math.round(ms)} ms` : 'n/a';
}

/** Decimal units (MB = 10^6 bytes), as AWS quotes Lambda package sizes. */
export function bytes(n: number): string {
  if (!Number.isFinite(n)) return 'n/a';
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} GB`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} MB`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} kB`;
  return `${n} B`;
}

export function ratio(a: number, b: number): string {
  if (!Number.isFinite(a) || !Number.isFinite(b) || b <= 0) return 'n/a';
  const r = a / b;
  const text = r < 0.1 ? r.toFixed(3) : r.toFixed(2);
  return `${Number(text) >= 10 ? r.toFixed(1) : text}x`;
}

export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  return [
    `| ${header.map(cell).join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ].join('\n');
}

export interface ProcessResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Wall time from spawn to exit, ms. */
  wallMs: number;
}

/** Run a command to completion (no shell), feeding `input` on stdin; never throws on a non-zero exit. */
export function runProcess(
  command: string,
  args: readonly string[],
  options: { cwd: string; input?: string; env?: NodeJS.ProcessEnv },
): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      resolve({
        code,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        wallMs: performance.now() - started,
      });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
  });
}
