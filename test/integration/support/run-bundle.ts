// Runs a bundled Lambda asset in-process as the Lambda runtime would load it: the runtime's AWS SDK v3
// beside the asset, a scoped process.env (the function's variables plus the SDK pointed at moto),
// index.mjs imported with Node's own loader, its handler called once with stdout captured.
import { mkdirSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { vi } from 'vitest';
import { REPO_ROOT } from '../../cdk/synth-helpers.ts';
import { awsEnv } from './aws.ts';

/** The handler's return value, or what it threw (asserted in the tests, so a failure names the cause). */
export type Invocation = { ok: true; value: unknown } | { ok: false; error: unknown };

/** Sets these variables (undefined = unset) and returns a function that puts every one back as it was. */
function overrideEnv(vars: Record<string, string | undefined>): () => void {
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
 * What the Lambda nodejs22.x runtime provides besides the asset: the AWS SDK for JavaScript v3
 * (`@aws-sdk/*`), which NodejsFunction leaves out of the bundle. Links only that scope into a
 * node_modules beside the asset directory, so any other non-bundled import would still fail to resolve.
 */
function provideRuntimeSdk(assetDir: string): void {
  const modules = join(dirname(assetDir), 'node_modules');
  mkdirSync(modules, { recursive: true });
  symlinkSync(join(REPO_ROOT, 'node_modules', '@aws-sdk'), join(modules, '@aws-sdk'), 'dir');
}

/**
 * The environment the function gets besides its own variables: the Powertools names as synthesized
 * (`synthesized` is the function's environment), no Powertools dev mode, and the SDK pointed at moto
 * with test credentials and no shared config or credentials file (paths under `outdir` that do not exist).
 */
export function runtimeEnv(synthesized: Record<string, unknown>, outdir: string): Record<string, string | undefined> {
  return {
    POWERTOOLS_SERVICE_NAME: synthesized.POWERTOOLS_SERVICE_NAME as string,
    POWERTOOLS_METRICS_NAMESPACE: synthesized.POWERTOOLS_METRICS_NAMESPACE as string,
    POWERTOOLS_DEV: undefined,
    ...awsEnv(),
    AWS_PROFILE: undefined,
    AWS_CONFIG_FILE: join(outdir, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(outdir, 'no-aws-credentials'),
  };
}

/**
 * Node's own loader, not vitest's module runner: the bundle runs as the Lambda runtime would load it (its
 * import.meta.url is the asset file, no transform in between). vitest gives `new Function('return import(u)')`
 * no dynamic-import callback, so this goes through require(), which loads an ES module without top-level
 * await on Node >= 20.19; older Node falls back to vitest's own import().
 */
async function nativeImport(url: string): Promise<Record<string, unknown>> {
  try {
    return createRequire(import.meta.url)(fileURLToPath(url)) as Record<string, unknown>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ERR_REQUIRE_ESM') throw error;
    return (await import(/* @vite-ignore */ url)) as Record<string, unknown>;
  }
}

/**
 * Provides the runtime SDK beside `assetDir`, then with `env` set and stdout captured into `stdout`, imports
 * the asset's index.mjs and calls its handler with `args`; the environment and stdout are restored after.
 */
export async function invokeBundledHandler(
  assetDir: string,
  env: Record<string, string | undefined>,
  args: unknown[],
  stdout: string[],
): Promise<Invocation> {
  provideRuntimeSdk(assetDir);
  const restore = overrideEnv(env);
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  });
  try {
    const bundle = await nativeImport(pathToFileURL(join(assetDir, 'index.mjs')).href);
    if (typeof bundle.handler !== 'function')
      throw new Error(`the bundle exports no handler function (exports: ${Object.keys(bundle).join(', ')})`);
    return { ok: true, value: await (bundle.handler as (...handlerArgs: unknown[]) => Promise<unknown>)(...args) };
  } catch (error) {
    return { ok: false, error };
  } finally {
    write.mockRestore();
    restore();
  }
}
