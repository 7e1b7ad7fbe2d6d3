// The shipped log-watch asset, not the TypeScript source: synthesize LogWatch (NodejsFunction bundles with
// the local esbuild, as `cdk synth` does), then import that index.mjs in-process with the environment the
// construct gives the function (the AWS endpoint pointed at moto) and invoke its handler with a real
// subscription event: it must decode it, fetch the split traceback's rest from CloudWatch Logs, count in
// DynamoDB, put the report on the bus and write EMF metrics to stdout.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { App, Stack } from 'aws-cdk-lib';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseConfig } from '../../lambdas/core/config.ts';
import { LogWatch } from '../../lib/log-watch.ts';
import { cdkJsonContext } from '../cdk/synth-helpers.ts';
import { dataMessage, splitEvents, STDLIB_TRACEBACK, subscriptionEvent, UVICORN_ACCESS_401 } from '../unit/logs/fixtures.ts';
import { motoEndpoint, REGION } from './support/aws.ts';
import { COUNTERS_TABLE, BUS, createLogWatchWorld, LOG_GROUP, putStream, readReports, type LogWatchWorld } from './support/log-watch-world.ts';
import { externalImports, overrideEnv, provideRuntimeSdk } from './support/trace-check-bundle.ts';

interface Asset {
  dir: string;
  files: string[];
  environment: Record<string, unknown>;
}

/** Synthesizes a stack holding only LogWatch and finds its function's asset directory in the cloud assembly. */
function synthLogWatchAsset(outdir: string): Asset {
  const app = new App({ outdir, context: cdkJsonContext() });
  const stack = new Stack(app, 'LogWatchBundle');
  const config = parseConfig({ logGroups: [{ name: LOG_GROUP }] });
  new LogWatch(stack, 'LogWatch', { namePrefix: 'bundle', bus: new EventBus(stack, 'Bus'), logGroups: config.logGroups, rules: config.rules });
  const assembly = app.synth();
  const template = assembly.getStackArtifact(stack.artifactId).template as { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };
  const [fn] = Object.entries(template.Resources).filter(([id, r]) => r.Type === 'AWS::Lambda::Function' && id.startsWith('LogWatchLambdaFunction'));
  if (!fn) throw new Error('no LogWatch function in the template');
  const hash = String((fn[1].Properties.Code as { S3Key: string }).S3Key).replace(/\.zip$/, '');
  const dir = join(assembly.directory, `asset.${hash}`);
  return { dir, files: readdirSync(dir).sort(), environment: (fn[1].Properties.Environment as { Variables: Record<string, unknown> }).Variables };
}

async function nativeImport(url: string): Promise<Record<string, unknown>> {
  try {
    return createRequire(import.meta.url)(fileURLToPath(url)) as Record<string, unknown>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ERR_REQUIRE_ESM') throw error;
    return (await import(/* @vite-ignore */ url)) as Record<string, unknown>;
  }
}

let outdir: string;
let asset: Asset;
let world: LogWatchWorld;

beforeAll(async () => {
  outdir = mkdtempSync(join(tmpdir(), 'metis-log-watch-asset-'));
  asset = synthLogWatchAsset(outdir);
  world = await createLogWatchWorld();
});

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('the synthesized log-watch asset', () => {
  it('is one ESM file (plus its source map) importing only Node built-ins and the runtime AWS SDK v3', () => {
    expect(asset.files).toEqual(['index.mjs', 'index.mjs.map']);
    const imports = externalImports(readFileSync(join(asset.dir, 'index.mjs'), 'utf8'));
    expect(imports.filter((m) => !m.startsWith('node:') && !m.startsWith('@aws-sdk/'))).toEqual([]);
    expect(imports).toEqual(expect.arrayContaining(['@aws-sdk/client-cloudwatch-logs', '@aws-sdk/client-dynamodb', '@aws-sdk/client-eventbridge']));
  });
});

describe('the bundled handler against moto', () => {
  let invocation: { ok: true; value: unknown } | { ok: false; error: unknown } | undefined;
  const stdout: string[] = [];
  const start = Date.now() - 60_000;
  const stream = 'gateway/metis-gateway-7d9f8b6c4-x2k8p/bundle';

  beforeAll(async () => {
    const lines = splitEvents([UVICORN_ACCESS_401, STDLIB_TRACEBACK].join('\n'), start);
    await putStream(world, stream, lines);
    const event = subscriptionEvent(dataMessage(lines.filter((e) => e.message.includes('Traceback')), { logStream: stream }));
    provideRuntimeSdk(asset.dir);
    const restore = overrideEnv({
      EVENT_BUS_NAME: BUS,
      COUNTERS_TABLE,
      LOG_RULES: asset.environment.LOG_RULES as string,
      POWERTOOLS_SERVICE_NAME: asset.environment.POWERTOOLS_SERVICE_NAME as string,
      POWERTOOLS_METRICS_NAMESPACE: asset.environment.POWERTOOLS_METRICS_NAMESPACE as string,
      POWERTOOLS_DEV: undefined,
      AWS_ENDPOINT_URL: motoEndpoint(),
      AWS_REGION: REGION,
      AWS_DEFAULT_REGION: REGION,
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_SESSION_TOKEN: undefined,
      AWS_PROFILE: undefined,
      AWS_CONFIG_FILE: join(outdir, 'no-aws-config'),
      AWS_SHARED_CREDENTIALS_FILE: join(outdir, 'no-aws-credentials'),
    });
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stdout.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return true;
    });
    try {
      const bundle = await nativeImport(pathToFileURL(join(asset.dir, 'index.mjs')).href);
      invocation = { ok: true, value: await (bundle.handler as (e: unknown) => Promise<unknown>)(event) };
    } catch (error) {
      invocation = { ok: false, error };
    } finally {
      write.mockRestore();
      restore();
    }
  });

  it('returns what it scanned', () => {
    if (!invocation?.ok) throw invocation?.error ?? new Error('not invoked');
    expect(invocation.value).toEqual({ outcome: 'scanned', events: 1, firing: 1 });
  });

  it('put the traceback, completed from CloudWatch Logs, on the bus', async () => {
    const [report] = await readReports(world, 1);
    expect(report!.detail.signals.map((s) => [s.dedupKey, s.details.completedFrom])).toEqual([['traceback:sqlite3.OperationalError@/app/metis/gateway/db.py:insert_event', 'fetched']]);
  });

  it('wrote EMF metrics under the MetisAlerts namespace', () => {
    const emf = stdout.map((line) => { try { return JSON.parse(line) as Record<string, unknown>; } catch { return undefined; } }).find((o) => o && '_aws' in o);
    expect(emf).toMatchObject({ LogEvents: 1, Tracebacks: 1, SplitTracebacksFetched: 1, service: 'metis-alerts-log-watch' });
    expect(JSON.stringify(emf)).toContain('"Namespace":"MetisAlerts"');
  });
});
