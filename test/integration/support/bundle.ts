// A Lambda function's bundled asset as `cdk deploy` would zip and upload it: synthesize an app into its
// outdir (NodejsFunction bundles with the local esbuild, as `cdk synth` does), find the function's asset
// directory through the cloud assembly's asset manifests, and list what the bundle imports from outside.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { App, Stack } from 'aws-cdk-lib';

interface CfnFunction {
  Type: string;
  Properties: { Code?: { S3Key?: unknown }; Environment?: { Variables?: Record<string, unknown> }; Handler?: string; Runtime?: string };
}

interface FileAsset {
  displayName?: string;
  source: { path: string; packaging?: string };
}

export interface FunctionAsset {
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

/** Synthesizes `app` and locates the asset of the one function in `stack` whose logical id starts with `logicalIdPrefix`. */
export function synthFunctionAsset(app: App, stack: Stack, logicalIdPrefix: string): FunctionAsset {
  const assembly = app.synth();
  const template = assembly.getStackArtifact(stack.artifactId).template as { Resources: Record<string, CfnFunction> };
  const functions = Object.entries(template.Resources).filter(
    ([id, r]) => r.Type === 'AWS::Lambda::Function' && id.startsWith(logicalIdPrefix),
  );
  if (functions.length !== 1) throw new Error(`expected one ${logicalIdPrefix}* function in the template, found ${functions.length}`);
  const fn = functions[0]![1];
  const s3Key = fn.Properties.Code?.S3Key;
  if (typeof s3Key !== 'string' || !s3Key.endsWith('.zip'))
    throw new Error(`${logicalIdPrefix} code is not a zip asset: ${JSON.stringify(fn.Properties.Code)}`);
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

/**
 * The modules a bundle loads from outside itself: static `import ... from "x"`, `import "x"` and
 * `import("x")` specifiers (esbuild writes them with double quotes).
 */
export function externalImports(source: string): string[] {
  const found = new Set<string>();
  // A specifier starts with a letter, `@`, `.` or `/` and holds no blank, comma or parenthesis: minified
  // code has `from"` inside ordinary strings too (e.g. `fromParam:...default("from")`).
  const spec = `[@./A-Za-z][^"'\\s,()]*`;
  const patterns = [
    `\\bfrom\\s*"(${spec})"`,
    `\\bimport\\s*"(${spec})"`,
    `\\bimport\\s*\\(\\s*"(${spec})"\\s*\\)`,
    `\\bfrom\\s*'(${spec})'`,
  ];
  for (const re of patterns.map((p) => new RegExp(p, 'g'))) {
    for (const m of source.matchAll(re)) found.add(m[1]!);
  }
  return [...found].sort();
}
