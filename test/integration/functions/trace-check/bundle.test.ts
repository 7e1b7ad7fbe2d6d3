// The shipped trace-check asset, not the TypeScript source: synthesize the stack from the example config
// (NodejsFunction bundles with the local esbuild, as `cdk synth` does), check the asset holds exactly
// index.mjs + sql-wasm.wasm under 1.5 MB, then import that index.mjs in-process with the environment the
// stack gives the function (the AWS endpoint pointed at moto) and invoke its handler: it must find its
// .wasm next to itself, read the snapshot from S3, evaluate and put the report on the bus.
//
// How the bundle's SDK clients reach moto: the bundle builds `new S3Client({})` / `new EventBridgeClient({})`,
// and SDK v3 reads the endpoint from AWS_ENDPOINT_URL. It has no environment variable for S3 path-style
// addressing (forcePathStyle is code-only config), but the S3 endpoint rules use path-style by themselves
// when the custom endpoint's host is an IP address, and moto listens on 127.0.0.1: so the request goes to
// http://127.0.0.1:PORT/<bucket>/<key>. The test asserts the object was read (snapshot 'fetched', rules
// evaluated from its rows), which would fail if the SDK tried a virtual-hosted <bucket>.127.0.0.1 host.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../../../lambdas/adapters/config-file.ts';
import { rulesSchema, type Config } from '../../../../lambdas/core/config.ts';
import { ALL_ANOMALIES } from '../../../../tools/trace-db-fixture.ts';
import { EXAMPLE_CONFIG_PATH, REPO_ROOT } from '../../../cdk/synth-helpers.ts';
import { externalImports } from '../../support/bundle.ts';
import { lambdaContext } from '../../support/lambda-context.ts';
import { invokeBundledHandler, runtimeEnv, type Invocation } from '../../support/run-bundle.ts';
import { synthTraceCheckAsset, type TraceCheckAsset } from '../../support/trace-check-bundle.ts';
import {
  createTraceCheckWorld,
  fixtureDb,
  healthyMetadata,
  readReports,
  uploadSnapshot,
  type TraceCheckWorld,
} from '../../support/trace-check-world.ts';

/** docs/architecture.md, Conventions: the sql.js asset ships only its JS (bundled) and sql-wasm.wasm; 1.5 MB, counted in decimal. */
const MAX_ASSET_BYTES = 1_500_000;

let outdir: string;
let config: Config;
let asset: TraceCheckAsset;
let world: TraceCheckWorld;

beforeAll(async () => {
  outdir = mkdtempSync(join(tmpdir(), 'metis-trace-check-asset-'));
  config = loadConfigFile(EXAMPLE_CONFIG_PATH);
  if (!config.snapshot) throw new Error(`${EXAMPLE_CONFIG_PATH} has no "snapshot" section: the stack would have no trace-check function`);
  asset = synthTraceCheckAsset(config, outdir);
  world = await createTraceCheckWorld();
});

afterAll(() => {
  rmSync(outdir, { recursive: true, force: true });
});

describe('the synthesized trace-check asset', () => {
  it('holds exactly index.mjs and sql-wasm.wasm, under 1.5 MB in total', () => {
    expect(Object.keys(asset.files).sort()).toEqual(['index.mjs', 'sql-wasm.wasm']);
    const total = Object.values(asset.files).reduce((a, b) => a + b, 0);
    expect(total).toBeLessThan(MAX_ASSET_BYTES);
    // The .wasm is sql.js's own, byte for byte (the bundled JS and the binary must be the same release).
    const shipped = readFileSync(join(asset.dir, 'sql-wasm.wasm'));
    expect(shipped.equals(readFileSync(join(REPO_ROOT, 'node_modules/sql.js/dist/sql-wasm.wasm')))).toBe(true);
    expect(asset.handler).toBe('index.handler');
    expect(asset.runtime).toBe('nodejs22.x');
  });

  it('imports nothing from outside itself but Node built-ins and the AWS SDK v3 the Lambda runtime provides', () => {
    const imports = externalImports(readFileSync(join(asset.dir, 'index.mjs'), 'utf8'));
    expect(imports.filter((m) => !m.startsWith('node:') && !m.startsWith('@aws-sdk/'))).toEqual([]);
    expect(imports).toEqual(expect.arrayContaining(['@aws-sdk/client-eventbridge', '@aws-sdk/client-s3']));
  });
});

describe('the bundled handler, imported and invoked in-process against moto', () => {
  /** The handler's return value, or what it threw (asserted in the tests, so a failure names the cause). */
  let invocation: Invocation | undefined;
  const result = (): unknown => {
    if (!invocation) throw new Error('the bundled handler was not invoked');
    if (!invocation.ok) throw invocation.error;
    return invocation.value;
  };
  const stdout: string[] = [];
  let fixtureEnd: Date;

  beforeAll(async () => {
    const env = asset.environment;
    // Literal values as synthesized; the two references (bucket and bus names) resolve to moto's.
    expect(typeof env.SNAPSHOT_KEY).toBe('string');
    expect(typeof env.TRACE_RULES).toBe('string');
    const key = env.SNAPSHOT_KEY as string;
    expect(key).toBe(`${config.snapshot!.prefix}/latest.db.gz`);

    // The handler's clock is the real one: the fixture ends now, the shipper's snapshot was taken now.
    fixtureEnd = new Date();
    const fixture = await fixtureDb({ events: 3000, days: 2, end: fixtureEnd, seed: 21, anomalies: 'all' });
    await uploadSnapshot(world, key, fixture.gz, healthyMetadata(fixtureEnd, fixture.db.length));

    // NodejsFunction leaves @aws-sdk/* out of the bundle: the runtime has it, so invokeBundledHandler supplies it too.
    const vars = { SNAPSHOT_BUCKET: world.bucket, SNAPSHOT_KEY: key, EVENT_BUS_NAME: world.bus, TRACE_RULES: env.TRACE_RULES as string };
    invocation = await invokeBundledHandler(
      asset.dir,
      { ...vars, ...runtimeEnv(env, outdir) },
      [{}, lambdaContext('bundle-trace-check', 'req-bundle-trace-check')],
      stdout,
    );
  });

  it('returns { snapshot: fetched, evaluated > 0, firing > 0 }', () => {
    expect(result()).toEqual({ snapshot: 'fetched', evaluated: expect.any(Number), firing: expect.any(Number) });
    const { evaluated, firing } = result() as { evaluated: number; firing: number };
    expect(evaluated).toBeGreaterThan(0);
    expect(firing).toBeGreaterThan(0);
  });

  it('puts the evaluation report on the bus: the SQL rules ran on the snapshot (sql.js found its .wasm)', async () => {
    const { evaluated, firing } = result() as { evaluated: number; firing: number };
    const [event] = await readReports(world, 1);
    const report = event!.detail;
    expect(event!.source).toBe('metis-alerts.trace-db');
    expect(report.source).toBe('trace-db');
    expect(report.evaluated).toHaveLength(evaluated);
    expect(report.signals).toHaveLength(firing);
    expect(report.evaluated).toEqual(
      expect.arrayContaining(['trace_db_schema', 'db_integrity', 'model_error_rate', 'provider_unavailable', 'disk_usage']),
    );
    const keys = report.signals.map((s) => `${s.severity} ${s.dedupKey}`);
    expect(keys).toEqual(expect.arrayContaining([`SEV2 model_error_rate:${ALL_ANOMALIES.errorSpike.model}`]));
    // A readable snapshot: no integrity alarm, nothing from a failed open.
    expect(keys.filter((k) => k.includes('db_integrity') || k.includes('trace_db_schema'))).toEqual([]);
    expect(new Date(report.evaluatedAt).getTime()).toBeGreaterThanOrEqual(fixtureEnd.getTime());
  });

  it('uses the rules the stack synthesized into TRACE_RULES (the example config)', () => {
    const rules = rulesSchema.parse(JSON.parse(asset.environment.TRACE_RULES as string));
    expect(rules).toEqual(config.rules);
  });

  it("logs the dashboard's per-model error share as JSON lines and writes no EMF (custom metric) document", () => {
    result();
    const lines = stdout
      .flatMap((chunk) => chunk.split('\n'))
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.filter((line) => '_aws' in line)).toEqual([]);
    const spike = lines.find((line) => line.message === 'model error share' && line.model === ALL_ANOMALIES.errorSpike.model);
    expect(spike?.errorPct).toBeGreaterThan(5);
    expect(spike?.service).toBe('metis-alerts-trace-check');
  });
});
