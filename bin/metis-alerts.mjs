#!/usr/bin/env node
// CLI entry. Runs the bundled JavaScript in dist/cli/ (built by `npm ci` through the `prepare` script, or
// `npm run build:cli`) when it is current: no source file it was built from (dist/cli/manifest.json) is
// newer than the bundle. Otherwise, e.g. right after editing cli/ or lambdas/, it runs the TypeScript
// sources through tsx: slower (a few seconds), never stale. METIS_ALERTS_FROM_SOURCE=1 forces the sources.
import { readFileSync, statSync } from 'node:fs';

const root = new URL('../', import.meta.url);
const manifest = new URL('dist/cli/manifest.json', root);

function bundleIsCurrent() {
  if (process.env.METIS_ALERTS_FROM_SOURCE === '1') return false;
  try {
    const builtAt = statSync(manifest).mtimeMs;
    const { inputs } = JSON.parse(readFileSync(manifest, 'utf8'));
    return inputs.every((path) => statSync(new URL(path, root)).mtimeMs <= builtAt);
  } catch {
    return false; // no bundle, or a source it was built from is gone
  }
}

let main;
if (bundleIsCurrent()) {
  ({ main } = await import('../dist/cli/main.mjs'));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../cli/main.ts'));
}
process.exitCode = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
