// Synthesizes the stack into a temporary cloud assembly and finds the trace-check function's bundled
// asset directory (what `cdk deploy` zips and uploads), plus a scoped process.env override for importing
// that bundle in-process.
import { mkdirSync, readFileSync, readdirSync, statSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { App } from 'aws-cdk-lib';
import type { Config } from '../../../lambdas/core/config.ts';
import { MetisAlertsStack } from '../../../lib/metis-alerts-stack.ts';
import { REPO_ROOT, cdkJsonContext } from '../../cdk/synth-helpers.ts';

interface CfnFunction {
  Type: string;
  Properties: { Code?: { S3Key?: unknown }; Environment?: { Variables?: Record<string, unknown> }; Handler?: string; Runtime?: string };
}

interface FileAsset {
  displayName?: string;
  source: { path: string; packaging?: string };
}

export interface TraceCheckAsset {
  /** Absolute path of the asset directory in the cloud assembly. */
  readonly dir: string;
  /** File name -> size in bytes. */
  readonly files: Record<string, number>;
  /** `index.handler` */
  readonly handler: string;
  readonly runtime: string;
  /** The function's environment as synthesized (intrinsics left as they are). */
  readonly environment: Record<string, unknown>;
  readonly s3Key: string;
}

/** Synthesizes `config` into `outdir` (bundling with the local esbuild, as `cdk synth` does) and locates the asset. */
export function synthTraceCheckAsset(config: Config, outdir: string): TraceCheckAsset {
  const app = new App({ outdir, context: cdkJsonContext() });
  const stack = new MetisAlertsStack(app, config.name, { config });
  const assembly = app.synth();
  const template = assembly.getStackArtifact(stack.artifactId).template as { Resources: Record<string, CfnFunction> };
  const functions = Object.entries(template.Resources).filter(([id, r]) => r.Type === 'AWS::Lambda::Function' && id.startsWith('TraceChecksLambdaFunction'));
  if (functions.length !== 1) throw new Error(`expected one TraceChecks function in the template, found ${functions.length}`);
  const fn = functions[0]![1];
  const s3Key = fn.Properties.Code?.S3Key;
  if (typeof s3Key !== 'string' || !s3Key.endsWith('.zip')) throw new Error(`TraceChecks function code is not a zip asset: ${JSON.stringify(fn.Properties.Code)}`);
  const hash = s3Key.slice(0, -'.zip'.length);

  // The asset manifest(s) of the assembly say where each file asset's source lies.
  const manifests = Object.values(assembly.manifest.artifacts ?? {}).filter((a) => a.type === 'cdk:asset-manifest');
  let asset: FileAsset | undefined;
  for (const m of manifests) {
    const file = (m.properties as { file: string }).file;
    const contents = JSON.parse(readFileSync(join(assembly.directory, file), 'utf8')) as { files?: Record<string, FileAsset> };
    asset ??= contents.files?.[hash];
  }
  if (!asset) throw new Error(`asset ${hash} is in no asset manifest of ${assembly.directory}`);
  if (asset.source.packaging !== 'zip') throw new Error(`asset ${hash} is not a directory packaged as zip`);
  const dir = join(assembly.directory, asset.source.path);
  const files: Record<string, number> = {};
  for (const name of readdirSync(dir)) files[name] = statSync(join(dir, name)).size;
  return {
    dir,
    files,
    handler: String(fn.Properties.Handler),
    runtime: String(fn.Properties.Runtime),
    environment: fn.Properties.Environment?.Variables ?? {},
    s3Key,
  };
}

/** Sets these variables (undefined = unset) and returns a function that puts every one back as it was. */
export function overrideEnv(vars: Record<string, string | undefined>): () => void {
  const saved = new Map<string, string | undefined>();
  for (const [name, value] of Object.entries(vars)) {
    saved.set(name, process.env[name]);
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  return () => {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}

/**
 * The modules a bundle loads from outside itself: static `import ... from "x"`, `import "x"` and
 * `import("x")` specifiers (esbuild writes them with double quotes).
 */
export function externalImports(source: string): string[] {
  const found = new Set<string>();
  for (const re of [/\bfrom\s*"([^"]+)"/g, /\bimport\s*"([^"]+)"/g, /\bimport\s*\(\s*"([^"]+)"\s*\)/g, /\bfrom\s*'([^']+)'/g]) {
    for (const m of source.matchAll(re)) found.add(m[1]!);
  }
  return [...found].sort();
}

/**
 * What the Lambda nodejs22.x runtime provides besides the asset: the AWS SDK for JavaScript v3
 * (`@aws-sdk/*`), which NodejsFunction leaves out of the bundle. Links only that scope into a
 * node_modules beside the asset directory, so any other non-bundled import would still fail to resolve.
 */
export function provideRuntimeSdk(assetDir: string): void {
  const modules = join(dirname(assetDir), 'node_modules');
  mkdirSync(modules, { recursive: true });
  symlinkSync(join(REPO_ROOT, 'node_modules', '@aws-sdk'), join(modules, '@aws-sdk'), 'dir');
}
