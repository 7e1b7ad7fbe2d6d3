// Bundles the CLI (cli/main.ts and what it imports) into dist/cli/ as plain JavaScript, so a call starts
// in node's time instead of compiling TypeScript first. Run by `npm ci` / `npm install` (the `prepare`
// script) and by `npm run build:cli`; the integration tests build it once before they run.
//
// - Command modules are separate chunks loaded with import() when their command runs: `--help` and
//   `--version` load neither the AWS SDK nor zod nor sql.js.
// - npm packages stay external (imported from node_modules at run time): the CLI runs in a checkout
//   after `npm ci`, and sql.js finds its .wasm file next to itself there.
// - dist/cli/manifest.json lists the source files the bundle was built from. bin/metis-alerts.mjs runs
//   the bundle only when none of them is newer than the manifest, else it runs the sources through tsx:
//   an edit to cli/ or lambdas/ never runs stale code, it only runs slower until the next build.
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const CLI_DIST = join(REPO_ROOT, 'dist', 'cli');

/** Builds into a fresh directory, then swaps it in, so a CLI starting meanwhile never sees half a bundle. */
export async function buildCli(): Promise<{ inputs: string[] }> {
  const staging = `${CLI_DIST}.${process.pid}.tmp`;
  rmSync(staging, { recursive: true, force: true });
  const result = await build({
    absWorkingDir: REPO_ROOT,
    entryPoints: { main: 'cli/main.ts' },
    outdir: staging,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    metafile: true,
    logLevel: 'warning',
  });
  const inputs = Object.keys(result.metafile.inputs)
    .filter((path) => !path.startsWith('node_modules/'))
    .sort();
  // Written last: its mtime is the build time the entry compares sources with.
  mkdirSync(staging, { recursive: true });
  writeFileSync(join(staging, 'manifest.json'), `${JSON.stringify({ inputs }, null, 1)}\n`);
  rmSync(CLI_DIST, { recursive: true, force: true });
  renameSync(staging, CLI_DIST);
  return { inputs };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const started = performance.now();
  const { inputs } = await buildCli();
  process.stderr.write(
    `built ${relative(process.cwd(), CLI_DIST) || CLI_DIST} from ${inputs.length} source files in ${Math.round(performance.now() - started)} ms\n`,
  );
}
