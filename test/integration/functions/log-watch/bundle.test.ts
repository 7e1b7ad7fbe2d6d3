// The shipped log-watch asset, not the TypeScript source: synthesize LogWatch (NodejsFunction bundles with
// the local esbuild, as `cdk synth` does), then import that index.mjs in-process with the environment the
// construct gives the function (the AWS endpoint pointed at moto) and invoke its handler with a real
// subscription event: it must decode it, fetch the split traceback's rest from CloudWatch Logs, count in
// DynamoDB, put the report on the bus and write EMF metrics to stdout.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../../lambdas/core/config.ts';
import { LogWatch } from '../../../../lib/log-watch.ts';
import { cdkJsonContext } from '../../../cdk/synth-helpers.ts';
import { dataMessage, splitEvents, STDLIB_TRACEBACK, subscriptionEvent, UVICORN_ACCESS_401 } from '../../../unit/core/logs/fixtures.ts';
import { externalImports, synthFunctionAsset, type FunctionAsset } from '../../support/bundle.ts';
import {
  COUNTERS_TABLE,
  BUS,
  createLogWatchWorld,
  LOG_GROUP,
  putStream,
  readReports,
  type LogWatchWorld,
} from '../../support/log-watch-world.ts';
import { lambdaContext } from '../../support/lambda-context.ts';
import { invokeBundledHandler, runtimeEnv, type Invocation } from '../../support/run-bundle.ts';

/** Synthesizes a stack holding only LogWatch and finds its function's asset directory in the cloud assembly. */
function synthLogWatchAsset(outdir: string): FunctionAsset {
  const app = new App({ outdir, context: cdkJsonContext() });
  const stack = new Stack(app, 'LogWatchBundle');
  const config = parseConfig({ logGroups: [{ name: LOG_GROUP }] });
  new LogWatch(stack, 'LogWatch', {
    namePrefix: 'bundle',
    bus: new EventBus(stack, 'Bus'),
    logGroups: config.logGroups,
    rules: config.rules,
  });
  return synthFunctionAsset(app, stack, 'LogWatchLambdaFunction');
}

let outdir: string;
let asset: FunctionAsset;
let world: LogWatchWorld;

beforeAll(async () => {
  outdir = mkdtempSync(join(tmpdir(), 'metis-log-watch-asset-'));
  asset = synthLogWatchAsset(outdir);
  world = await createLogWatchWorld();
});

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('the synthesized log-watch asset', () => {
  it('is one ESM file (plus its source map) importing only Node built-ins and the runtime AWS SDK v3', () => {
    expect(Object.keys(asset.files).sort()).toEqual(['index.mjs', 'index.mjs.map']);
    const imports = externalImports(readFileSync(join(asset.dir, 'index.mjs'), 'utf8'));
    expect(imports.filter((m) => !m.startsWith('node:') && !m.startsWith('@aws-sdk/'))).toEqual([]);
    expect(imports).toEqual(
      expect.arrayContaining(['@aws-sdk/client-cloudwatch-logs', '@aws-sdk/client-dynamodb', '@aws-sdk/client-eventbridge']),
    );
  });
});

describe('the bundled handler against moto', () => {
  let invocation: Invocation | undefined;
  const stdout: string[] = [];
  const start = Date.now() - 60_000;
  const stream = 'gateway/metis-gateway-7d9f8b6c4-x2k8p/bundle';

  beforeAll(async () => {
    const lines = splitEvents([UVICORN_ACCESS_401, STDLIB_TRACEBACK].join('\n'), start);
    await putStream(world, stream, lines);
    const event = subscriptionEvent(
      dataMessage(
        lines.filter((e) => e.message.includes('Traceback')),
        { logStream: stream },
      ),
    );
    const vars = { EVENT_BUS_NAME: BUS, COUNTERS_TABLE, LOG_RULES: asset.environment.LOG_RULES as string };
    invocation = await invokeBundledHandler(
      asset.dir,
      { ...vars, ...runtimeEnv(asset.environment, outdir) },
      [event, lambdaContext('bundle-log-watch', 'req-bundle-log-watch')],
      stdout,
    );
  });

  it('returns what it scanned', () => {
    if (!invocation?.ok) throw invocation?.error ?? new Error('not invoked');
    expect(invocation.value).toEqual({ outcome: 'scanned', events: 1, firing: 1 });
  });

  it('put the traceback, completed from CloudWatch Logs, on the bus', async () => {
    const [report] = await readReports(world, 1);
    expect(report!.detail.signals.map((s) => [s.dedupKey, s.details.completedFrom])).toEqual([
      ['traceback:sqlite3.OperationalError@/app/metis/gateway/db.py:insert_event', 'fetched'],
    ]);
  });

  it('wrote EMF metrics under the MetisAlerts namespace', () => {
    const emf = stdout
      .map((line) => {
        try {
          return JSON.parse(line) as Record<string, unknown>;
        } catch {
          return undefined;
        }
      })
      .find((o) => o && '_aws' in o);
    expect(emf).toMatchObject({ SplitTracebacksFetched: 1, service: 'metis-alerts-log-watch' });
    // The volume per class is no custom metric (no alarm or dashboard reads it): it is in the scan's log line.
    expect(emf).not.toHaveProperty('LogEvents');
    const scanned = stdout.find((line) => line.includes('"log batch scanned"'));
    expect(JSON.parse(scanned!)).toMatchObject({ events: 1, tracebacks: 1 });
    expect(JSON.stringify(emf)).toContain('"Namespace":"MetisAlerts"');
  });
});
