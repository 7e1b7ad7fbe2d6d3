// The stack as the benchmarks see it: `cdk synth` of metis-alerts.config.example.json (without its relative
// $schema) into bench/.work/cdk.out, shared by bundle-size (which always synthesizes afresh: it measures
// the bundles) and cost-model (which only reads the template, so it reuses a cdk.out synthesized from the
// same inputs). Reuse is keyed by a fingerprint of everything the synth reads: the config, bin/, lib/,
// lambdas/, cdk.json and package-lock.json, written next to cdk.out after a successful synth.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { runProcess, type BenchContext } from './harness.ts';

export interface CfnResource {
  Type?: string;
  Properties?: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
}

export interface CfnTemplate {
  Resources?: Record<string, CfnResource>;
}

export interface SynthResult {
  outDir: string;
  /** The copy of the example config the stack was synthesized from (bench/.work/bench.config.json). */
  configPath: string;
  /** Whether an earlier cdk.out from the same inputs was reused instead of synthesizing. */
  reused: boolean;
}

/** Inputs of `cdk synth` (cdk.json `watch.include`, plus the lock file that pins the bundled packages). */
const INPUT_DIRS = ['bin', 'lib', 'lambdas'] as const;
const INPUT_FILES = ['cdk.json', 'package-lock.json'] as const;

/** The example config as the benchmarks synthesize it: snapshot set (so trace-check exists), no relative $schema. */
export function benchConfigText(repoRoot: string): string {
  const example = JSON.parse(readFileSync(join(repoRoot, 'metis-alerts.config.example.json'), 'utf8')) as Record<string, unknown>;
  delete example.$schema;
  return `${JSON.stringify(example, null, 2)}\n`;
}

function inputFingerprint(repoRoot: string, configText: string): string {
  const hash = createHash('sha256');
  hash.update(`config\0${configText}\0`);
  const files: string[] = [];
  const walk = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) files.push(full);
    }
  };
  for (const dir of INPUT_DIRS) walk(join(repoRoot, dir));
  for (const file of INPUT_FILES) if (existsSync(join(repoRoot, file))) files.push(join(repoRoot, file));
  for (const file of files.map((f) => relative(repoRoot, f)).sort()) {
    hash.update(`${file}\0${statSync(join(repoRoot, file)).size}\0`);
    hash.update(readFileSync(join(repoRoot, file)));
  }
  return hash.digest('hex');
}

/**
 * Synthesize the stack into `<workDir>/cdk.out`. With `reuse`, an existing cdk.out whose stamp matches the
 * current inputs is returned as is (a full `npm run bench` synthesizes once, in bundle-size).
 */
export async function synthStack(ctx: BenchContext, options: { reuse: boolean }): Promise<SynthResult> {
  const outDir = join(ctx.workDir, 'cdk.out');
  const stampPath = join(ctx.workDir, 'cdk.out.stamp');
  const configPath = join(ctx.workDir, 'bench.config.json');
  const configText = benchConfigText(ctx.repoRoot);
  const fingerprint = inputFingerprint(ctx.repoRoot, configText);

  if (
    options.reuse &&
    existsSync(join(outDir, 'manifest.json')) &&
    existsSync(stampPath) &&
    readFileSync(stampPath, 'utf8').trim() === fingerprint
  ) {
    ctx.log(`reusing ${relative(ctx.repoRoot, outDir)} (synthesized from the same config and sources)`);
    return { outDir, configPath, reused: true };
  }

  rmSync(stampPath, { force: true });
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(ctx.workDir, { recursive: true });
  writeFileSync(configPath, configText);

  const localCdk = join(ctx.repoRoot, 'node_modules', '.bin', 'cdk');
  const [command, prefix] = existsSync(localCdk) ? [localCdk, []] : ['npx', ['--no-install', 'cdk']];
  const args = [...prefix, 'synth', '--quiet', '--no-notices', '-c', `config=${configPath}`, '--output', outDir];
  ctx.log(`synthesizing the stack: cdk ${args.slice(prefix.length).join(' ')} ...`);
  const r = await runProcess(command, args, { cwd: ctx.repoRoot, env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true' } });
  if (r.code !== 0) throw new Error(`cdk synth failed (exit ${r.code ?? r.signal}): ${r.stderr.trim().slice(-3000)}`);
  ctx.log(`synthesized in ${(r.wallMs / 1000).toFixed(1)} s`);
  writeFileSync(stampPath, `${fingerprint}\n`);
  return { outDir, configPath, reused: false };
}

/** Every CloudFormation stack template in a cdk.out (the app has one stack). */
export function readTemplates(outDir: string): { stack: string; template: CfnTemplate }[] {
  const manifest = JSON.parse(readFileSync(join(outDir, 'manifest.json'), 'utf8')) as {
    artifacts?: Record<string, { type?: string; properties?: { templateFile?: string } }>;
  };
  const out: { stack: string; template: CfnTemplate }[] = [];
  for (const [stack, artifact] of Object.entries(manifest.artifacts ?? {})) {
    if (artifact.type !== 'aws:cloudformation:stack' || !artifact.properties?.templateFile) continue;
    out.push({ stack, template: JSON.parse(readFileSync(join(outDir, artifact.properties.templateFile), 'utf8')) as CfnTemplate });
  }
  return out;
}
