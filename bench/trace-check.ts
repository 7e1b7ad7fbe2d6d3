// trace-check on sql.js vs the native sqlite3 CLI running the same SQL on the same file (docs/architecture.md,
// Conventions): cold (from the .gz bytes, in a fresh process), warm (same open database, evaluated
// again) and peak memory vs DB size. The cold run and the native replay alternate, run by run, so a
// drift in the machine's speed moves both.
import { spawnSync } from 'node:child_process';
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURE_DAYS, FIXTURE_SEED, traceDbFixture, type TraceDbFixture } from './fixture.ts';
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
  type SummaryRow,
} from './harness.ts';
import type { TraceCheckChildReport } from './trace-check-child.ts';

const CONFIG = 'metis-alerts.config.example.json';

const METRICS = {
  cold: 'cold: .gz bytes -> read, gunzip, open, all rules',
  warm: 'warm: all rules again on the open DB',
  rssDb: 'peak RSS of the cold run / DB size',
  rssGz: 'peak RSS of the cold run / .gz size',
} as const;

function sqlite3Version(): string | undefined {
  const r = spawnSync('sqlite3', ['-version'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim().split(' ')[0] : undefined;
}

/** Read a file once so every timed run finds it in the page cache. */
async function primePageCache(path: string): Promise<void> {
  for await (const _chunk of createReadStream(path, { highWaterMark: 1 << 22 })) {
    // discard
  }
}

async function coldRun(ctx: BenchContext, fixture: TraceDbFixture, scriptPath?: string): Promise<TraceCheckChildReport> {
  const args = [
    '--import',
    'tsx',
    'bench/trace-check-child.ts',
    '--db',
    fixture.gzPath,
    '--now',
    fixture.end.toISOString(),
    '--config',
    CONFIG,
    '--warm',
    '1',
  ];
  if (scriptPath) args.push('--script', scriptPath);
  const r = await runProcess(process.execPath, args, { cwd: ctx.repoRoot });
  if (r.code !== 0) throw new Error(`trace-check child failed (exit ${r.code ?? r.signal}): ${r.stderr.trim().slice(-2000)}`);
  const line = r.stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(line) as TraceCheckChildReport;
}

async function nativeRun(ctx: BenchContext, fixture: TraceDbFixture, script: string): Promise<number> {
  const r = await runProcess('sqlite3', ['-batch', '-readonly', fixture.dbPath], { cwd: ctx.repoRoot, input: script });
  if (r.code !== 0 || r.stderr.trim())
    throw new Error(`native sqlite3 replay failed (exit ${r.code ?? r.signal}): ${r.stderr.trim().slice(-2000)}`);
  return r.wallMs;
}

function range(values: readonly number[], fmt: (n: number) => string): string {
  if (values.length === 0) return 'n/a';
  return `${fmt(Math.min(...values))} - ${fmt(Math.max(...values))}`;
}

export const traceCheck: Benchmark = {
  id: 'trace-check',
  title: 'trace-check: sql.js vs native sqlite3',
  metrics: Object.values(METRICS),

  async run(ctx: BenchContext): Promise<BenchResult> {
    const fixture = await traceDbFixture(ctx.repoRoot, ctx.workDir, ctx.events, (m) => ctx.log(m));
    await primePageCache(fixture.gzPath);
    await primePageCache(fixture.dbPath);
    const sqlite3 = sqlite3Version();
    const scriptPath = join(ctx.workDir, `trace-${ctx.events}ev.sql`);

    const children: TraceCheckChildReport[] = [];
    const native: number[] = [];
    for (let i = 0; i < ctx.runs; i++) {
      ctx.log(`trace-check run ${i + 1}/${ctx.runs}: sql.js cold + warm in a child process ...`);
      // The first run records the SQL the engine runs; the native replay runs exactly that.
      children.push(await coldRun(ctx, fixture, i === 0 ? scriptPath : undefined));
      if (sqlite3 && existsSync(scriptPath)) {
        ctx.log(`trace-check run ${i + 1}/${ctx.runs}: native sqlite3 replay ...`);
        native.push(await nativeRun(ctx, fixture, readFileSync(scriptPath, 'utf8')));
      }
    }

    const pick = (f: (c: TraceCheckChildReport) => number) => children.map(f);
    const cold = pick((c) => c.coldMs);
    const warm = pick((c) => c.warmMs[0] ?? Number.NaN);
    const evaluate = pick((c) => c.evaluateMs);
    const peakKb = pick((c) => c.peakRssKb);
    const nativeMs = median(native);
    const peak = median(peakKb) * 1024;
    const before = median(pick((c) => c.rssBeforeReadKb)) * 1024;
    const first = children[0]!;
    // Each cold run is paired with the native replay right after it: the median of the per-pair ratios
    // holds up better than a ratio of medians when other work on the machine comes and goes.
    const paired = (values: readonly number[]): number =>
      native.length === values.length ? median(values.map((v, i) => v / native[i]!)) : Number.NaN;
    const pairedRatio = (values: readonly number[]): string => {
      const r = paired(values);
      return Number.isFinite(r) ? ratio(r, 1) : 'n/a';
    };
    const nativeLabel = sqlite3
      ? `native sqlite3 ${sqlite3}, same SQL: ${seconds(nativeMs)}`
      : 'native sqlite3 not found: comparison skipped';
    const nativeNote = sqlite3 ? '' : 'install the sqlite3 CLI for the baseline';

    const rows: SummaryRow[] = [
      {
        benchmark: 'trace-check',
        metric: METRICS.cold,
        value: seconds(median(cold)),
        baseline: nativeLabel,
        ratio: pairedRatio(cold),
        note:
          nativeNote ||
          `median of ${ctx.runs}, ratio paired run by run; sql.js init (${millis(median(pick((c) => c.initMs)))}) not included`,
      },
      {
        benchmark: 'trace-check',
        metric: METRICS.warm,
        value: seconds(median(warm)),
        baseline: nativeLabel,
        ratio: pairedRatio(warm),
        note: `${nativeNote || `median of ${ctx.runs}, ratio paired run by run`}; ${first.warmStatements} of ${first.statements} statements (JSON extraction kept from the cold run)`,
      },
      {
        benchmark: 'trace-check',
        metric: METRICS.rssDb,
        value: bytes(peak),
        baseline: `DB file ${bytes(fixture.dbBytes)}`,
        ratio: ratio(peak, fixture.dbBytes),
        note: `median of ${ctx.runs}; ${bytes(before)} before reading the snapshot`,
      },
      {
        benchmark: 'trace-check',
        metric: METRICS.rssGz,
        value: bytes(peak),
        baseline: `.gz ${bytes(fixture.gzBytes)}`,
        ratio: ratio(peak, fixture.gzBytes),
        note: `median of ${ctx.runs}`,
      },
    ];

    const vsNative = (values: readonly number[]) => (sqlite3 ? pairedRatio(values) : 'n/a');
    const phases = markdownTable(
      ['measure', 'median', 'min - max', 'vs native (median of paired ratios)'],
      [
        [
          'sql.js module init (WASM compile; once per container, not in cold)',
          millis(median(pick((c) => c.initMs))),
          range(
            pick((c) => c.initMs),
            millis,
          ),
          '',
        ],
        [
          'read .gz file',
          millis(median(pick((c) => c.readMs))),
          range(
            pick((c) => c.readMs),
            millis,
          ),
          '',
        ],
        [
          'openSnapshot: gunzip + copy into the WASM heap',
          millis(median(pick((c) => c.openMs))),
          range(
            pick((c) => c.openMs),
            millis,
          ),
          '',
        ],
        ['evaluate all rules, first time on the new DB', millis(median(evaluate)), range(evaluate, millis), vsNative(evaluate)],
        ['cold total (read + open + evaluate)', millis(median(cold)), range(cold, millis), vsNative(cold)],
        ['warm: evaluate again on the open DB', millis(median(warm)), range(warm, millis), vsNative(warm)],
        [
          `native sqlite3 CLI, same ${first.statements} statements on the plain file (process wall time)`,
          sqlite3 ? millis(nativeMs) : 'skipped',
          sqlite3 ? range(native, millis) : 'n/a',
          sqlite3 ? '1.00x' : 'n/a',
        ],
      ],
    );

    const memory = markdownTable(
      ['measure', 'value', 'ratio'],
      [
        ['DB file (plain SQLite)', bytes(fixture.dbBytes), ''],
        ['snapshot .gz (level 6)', bytes(fixture.gzBytes), `${ratio(fixture.gzBytes, fixture.dbBytes)} of the DB`],
        ['RSS before reading the snapshot (node + tsx + sql.js)', bytes(before), ''],
        ['peak RSS of the cold run', bytes(peak), `${ratio(peak, fixture.dbBytes)} DB, ${ratio(peak, fixture.gzBytes)} .gz`],
        ['peak RSS added by the snapshot', bytes(peak - before), `${ratio(peak - before, fixture.dbBytes)} DB`],
      ],
    );

    const ruleIds = [...new Set(children.flatMap((c) => [...Object.keys(c.ruleMsCold), ...Object.keys(c.ruleMsWarm)]))];
    const perRule = markdownTable(
      ['rule', 'cold ms (median)', 'warm ms (median)'],
      ruleIds.map((id) => [
        id,
        millis(median(children.map((c) => c.ruleMsCold[id] ?? Number.NaN))),
        millis(median(children.map((c) => c.ruleMsWarm[id] ?? Number.NaN))),
      ]),
    );

    const allErrors = children.flatMap((c) => c.errors);
    const warmMismatch = children.some((c) => !c.warmMatchesCold);
    const details = [
      `Fixture: ${ctx.events.toLocaleString('en-US')} events over ${FIXTURE_DAYS} days ending ${fixture.end.toISOString()}, every anomaly injected ` +
        `(tools/trace-db-fixture.ts, seed ${FIXTURE_SEED}), rules from ${CONFIG}, evaluated at the fixture's end. ` +
        `${fixture.reused ? 'Reused from bench/.work/.' : `Generated with ${fixture.writer} in ${seconds(fixture.buildMs ?? Number.NaN)}.`}`,
      '',
      `Each of the ${ctx.runs} runs starts a fresh \`node --import tsx bench/trace-check-child.ts\` (a cold container), times the phases ` +
        'inside it, re-evaluates once on the open DB (warm), then the native sqlite3 CLI replays the SQL recorded in the first cold run ' +
        "(tools/trace-db-sql.ts `recordingDatabase` + `toSqliteScript`, parameters inlined, output to /dev/null). Peak RSS is the child's maxRSS " +
        'right after the cold run. The warm run reuses the temp table of extracted llm calls the cold run built on the same connection ' +
        `(lambdas/core/trace-db/calls.ts), so it runs ${first.warmStatements} statements where the cold run and the native replay run ${first.statements}.`,
      '',
      phases,
      '',
      memory,
      '',
      'Per rule (the `timer` durations the handler logs):',
      '',
      perRule,
      '',
      `Check: ${first.evaluated.length} rules evaluated, ${first.signals.length} signals firing, ${allErrors.length} rule errors` +
        `${allErrors.length ? ` (${allErrors.map((e) => `${e.rule}: ${e.message}`).join('; ')})` : ''}; ` +
        `warm runs ${warmMismatch ? 'DIFFER from' : 'match'} the cold run.`,
      '',
      `Firing: ${first.signals.length ? first.signals.map((s) => `\`${s}\``).join(', ') : 'none'}.`,
    ];
    if (!sqlite3) details.push('', 'The native `sqlite3` CLI is not on PATH: the baseline and the ratios against it are skipped.');
    return { rows, details: details.join('\n') };
  },
};
