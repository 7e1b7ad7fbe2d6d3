// Bundle size of every Lambda asset (docs/architecture.md, Conventions): synthesize the stack once with the CDK CLI
// into bench/.work/cdk.out (bench/synth.ts), list each asset directory's files and bytes, and name the
// function that uses it (the template's Code.S3Key / `aws:asset:path` metadata -> `aws:cdk:path`). The
// baseline is the whole sql.js package: what shipping it as a node module would cost instead of bundling.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { bytes, markdownTable, ratio, type BenchContext, type BenchResult, type Benchmark, type SummaryRow } from './harness.ts';
import { readTemplates, synthStack, type CfnResource } from './synth.ts';

/** docs/architecture.md, Conventions / lib/trace-checks.ts: the trace-check asset stays under 1.5 MB (decimal). */
export const TRACE_CHECK_LIMIT_BYTES = 1_500_000;
export const TRACE_CHECK_FILES = ['index.mjs', 'sql-wasm.wasm'] as const;

const METRICS = {
  traceCheck: 'trace-check asset (bundled JS + sql-wasm.wasm)',
  all: 'all Lambda assets',
} as const;

interface FileEntry {
  path: string;
  bytes: number;
}

interface AssetEntry {
  hash: string;
  dir: string;
  files: FileEntry[];
  bytes: number;
  /** Construct paths of the resources that use it (functions first). */
  users: string[];
  isFunction: boolean;
  isTraceCheck: boolean;
}

export function listFiles(root: string): FileEntry[] {
  const out: FileEntry[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) out.push({ path: relative(root, full), bytes: statSync(full).size });
    }
  };
  walk(root);
  return out.sort((a, b) => a.path.localeCompare(b.path));
}

/** `Stack/TraceChecks/Lambda/Function/Resource` -> `TraceChecks/Lambda/Function`. */
function shortPath(cdkPath: string): string {
  return cdkPath.replace(/^[^/]+\//, '').replace(/\/Resource$/, '');
}

function assetHashOf(resource: CfnResource): string | undefined {
  const fromMeta = resource.Metadata?.['aws:asset:path'];
  if (typeof fromMeta === 'string') return fromMeta.replace(/^asset\./, '');
  const code = resource.Properties?.Code as { S3Key?: unknown } | undefined;
  if (typeof code?.S3Key === 'string') return code.S3Key.replace(/\.zip$/, '');
  return undefined;
}

export function readAssets(outDir: string): AssetEntry[] {
  const users = new Map<string, { path: string; isFunction: boolean; isTraceCheck: boolean }[]>();
  for (const { template } of readTemplates(outDir)) {
    for (const [logicalId, resource] of Object.entries(template.Resources ?? {})) {
      const hash = assetHashOf(resource);
      if (!hash) continue;
      const cdkPath = typeof resource.Metadata?.['aws:cdk:path'] === 'string' ? shortPath(resource.Metadata['aws:cdk:path']) : logicalId;
      const isFunction = resource.Type === 'AWS::Lambda::Function';
      const description = String(resource.Properties?.Description ?? '');
      const isTraceCheck = isFunction && (/trace-?check/i.test(cdkPath) || /trace-check/.test(description));
      const list = users.get(hash) ?? [];
      list.push({ path: cdkPath, isFunction, isTraceCheck });
      users.set(hash, list);
    }
  }

  const assets: AssetEntry[] = [];
  for (const entry of readdirSync(outDir, { withFileTypes: true })) {
    if (!entry.isDirectory() || !entry.name.startsWith('asset.')) continue;
    const hash = entry.name.slice('asset.'.length);
    const dir = join(outDir, entry.name);
    const files = listFiles(dir);
    const who = (users.get(hash) ?? []).sort((a, b) => Number(b.isFunction) - Number(a.isFunction) || a.path.localeCompare(b.path));
    assets.push({
      hash,
      dir,
      files,
      bytes: files.reduce((sum, f) => sum + f.bytes, 0),
      users: who.map((u) => u.path),
      isFunction: who.some((u) => u.isFunction),
      isTraceCheck: who.some((u) => u.isTraceCheck),
    });
  }
  return assets.sort((a, b) => (a.users[0] ?? `~${a.hash}`).localeCompare(b.users[0] ?? `~${b.hash}`));
}

/** What is wrong with the trace-check asset, if anything. */
export function traceCheckFlags(asset: AssetEntry): string[] {
  const flags: string[] = [];
  if (asset.bytes > TRACE_CHECK_LIMIT_BYTES) flags.push(`FLAG: ${bytes(asset.bytes)} is over ${bytes(TRACE_CHECK_LIMIT_BYTES)}`);
  const extra = asset.files.map((f) => f.path).filter((p) => !(TRACE_CHECK_FILES as readonly string[]).includes(p));
  if (extra.length) flags.push(`FLAG: unexpected files ${extra.join(', ')}`);
  if (!asset.files.some((f) => f.path === 'sql-wasm.wasm'))
    flags.push('note: no sql-wasm.wasm (fine only if the .wasm is bundled as bytes)');
  return flags;
}

export const bundleSize: Benchmark = {
  id: 'bundle-size',
  title: 'Lambda bundle sizes',
  metrics: Object.values(METRICS),

  async run(ctx: BenchContext): Promise<BenchResult> {
    // Always afresh: the bundles are what is measured (cost-model then reuses this cdk.out).
    const { outDir } = await synthStack(ctx, { reuse: false });
    const assets = readAssets(outDir);
    const lambdaAssets = assets.filter((a) => a.isFunction);
    const traceCheck = assets.filter((a) => a.isTraceCheck);
    const sqlJsDir = join(ctx.repoRoot, 'node_modules', 'sql.js');
    const sqlJsBytes = existsSync(sqlJsDir) ? listFiles(sqlJsDir).reduce((sum, f) => sum + f.bytes, 0) : Number.NaN;
    const totalLambda = lambdaAssets.reduce((sum, a) => sum + a.bytes, 0);

    const tc = traceCheck[0];
    const tcFlags = tc ? traceCheckFlags(tc) : [];
    if (traceCheck.length !== 1) tcFlags.unshift(`FLAG: ${traceCheck.length} trace-check assets found (expected 1)`);
    const rows: SummaryRow[] = [
      {
        benchmark: 'bundle-size',
        metric: METRICS.traceCheck,
        value: tc ? bytes(tc.bytes) : 'n/a',
        baseline: `whole sql.js package ${bytes(sqlJsBytes)}`,
        ratio: tc ? ratio(tc.bytes, sqlJsBytes) : 'n/a',
        note: tcFlags.length ? tcFlags.join('; ') : `ok: only ${TRACE_CHECK_FILES.join(' + ')}, under ${bytes(TRACE_CHECK_LIMIT_BYTES)}`,
      },
      {
        benchmark: 'bundle-size',
        metric: METRICS.all,
        value: bytes(totalLambda),
        baseline: '',
        ratio: '',
        note: `${lambdaAssets.length} functions, ${assets.length - lambdaAssets.length} other assets`,
      },
    ];

    const table = markdownTable(
      ['used by', 'asset', 'files', 'total', 'flags'],
      assets.map((a) => [
        a.users.length ? a.users.join(', ') : '(not referenced by a template)',
        a.hash.slice(0, 12),
        a.files.map((f) => `${f.path} ${bytes(f.bytes)}`).join(', '),
        `${bytes(a.bytes)} (${a.bytes} B)`,
        a.isTraceCheck ? traceCheckFlags(a).join('; ') || 'ok' : '',
      ]),
    );
    const details = [
      `\`cdk synth --quiet -c config=<copy of metis-alerts.config.example.json> --output bench/.work/cdk.out\`; every \`asset.*\` directory, ` +
        'named by the template resources that use it. Sizes are of the unzipped files (decimal units).',
      '',
      table,
      '',
      `Baseline: node_modules/sql.js holds ${bytes(sqlJsBytes)}; the trace-check asset is ${tc ? bytes(tc.bytes) : 'n/a'} ` +
        `(${tc ? ratio(tc.bytes, sqlJsBytes) : 'n/a'}), so bundling saves ${tc ? bytes(sqlJsBytes - tc.bytes) : 'n/a'} over shipping the package.`,
    ].join('\n');
    return { rows, details };
  },
};
