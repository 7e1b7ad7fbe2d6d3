// lambdas/functions/trace-check/index.ts as deployed: its environment from process.env, real SDK clients (moto
// through AWS_ENDPOINT_URL; S3 path-style because the endpoint is overridden), sql.js, its real clock.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../../lambdas/core/config.ts';
import { ALL_ANOMALIES } from '../../../../tools/trace-db-fixture.ts';
import { importEntry, logLines, type Entry } from '../../support/run-entry.ts';
import {
  createTraceCheckWorld,
  fixtureDb,
  healthyMetadata,
  readReports,
  SNAPSHOT_KEY,
  uploadSnapshot,
  type TraceCheckWorld,
} from '../../support/trace-check-world.ts';

let world: TraceCheckWorld;
let entry: Entry;
beforeAll(async () => {
  world = await createTraceCheckWorld();
  entry = await importEntry('trace-check', {
    SNAPSHOT_BUCKET: world.bucket,
    SNAPSHOT_KEY,
    EVENT_BUS_NAME: world.bus,
    TRACE_RULES: JSON.stringify(parseConfig({}).rules),
  });
});
afterAll(() => entry?.restore());

describe('the trace-check entry (index.ts)', () => {
  it('reports "missing" with snapshot_stale when no snapshot was shipped yet', async () => {
    const { value, lines } = await entry.invoke({}, 'req-trace-1');

    expect(value).toMatchObject({ snapshot: 'missing' });
    const [event] = await readReports(world, 1);
    expect(event!.detail.signals.map((s) => [s.dedupKey, s.details.location, s.details.basis])).toEqual([
      ['snapshot_stale:trace-db', `s3://${world.bucket}/${SNAPSHOT_KEY}`, 'missing'],
    ]);
    for (const line of logLines(lines)) expect(line).toMatchObject({ function_request_id: 'req-trace-1', cold_start: true });
  });

  it('reads the shipped snapshot from S3, runs the SQL rules with sql.js and puts the report on the bus', async () => {
    const end = new Date();
    const fixture = await fixtureDb({ events: 3000, days: 2, end, seed: 21, anomalies: 'all' });
    await uploadSnapshot(world, SNAPSHOT_KEY, fixture.gz, healthyMetadata(end, fixture.db.length));

    const { value, lines } = await entry.invoke({}, 'req-trace-2');

    expect(value).toMatchObject({ snapshot: 'fetched' });
    const [event] = await readReports(world, 1);
    const keys = event!.detail.signals.map((s) => `${s.severity} ${s.dedupKey}`);
    expect(keys).toContain(`SEV2 model_error_rate:${ALL_ANOMALIES.errorSpike.model}`);
    expect(keys.filter((k) => k.includes('db_integrity') || k.includes('trace_db_schema'))).toEqual([]);
    const logs = logLines(lines);
    // The dashboard's per-model numbers are log lines; no EMF document (custom metric) is written at all.
    expect(lines.filter((line) => '_aws' in line)).toEqual([]);
    const spike = logs.find((l) => l.message === 'model error share' && l.model === ALL_ANOMALIES.errorSpike.model);
    expect(spike?.errorPct).toBeGreaterThan(5);
    expect(logs.map((l) => l.message)).toContain('trace check');
    for (const line of logs) expect(line).toMatchObject({ function_request_id: 'req-trace-2', cold_start: false });
  });
});
