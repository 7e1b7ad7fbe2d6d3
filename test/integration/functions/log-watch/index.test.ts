// lambdas/functions/log-watch/index.ts as deployed: its environment from process.env, real SDK clients (moto
// through AWS_ENDPOINT_URL), called with a real subscription event and a Lambda context.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../../lambdas/core/config.ts';
import { dataMessage, splitEvents, STDLIB_TRACEBACK, subscriptionEvent, UVICORN_ACCESS_401 } from '../../../unit/core/logs/fixtures.ts';
import { BUS, COUNTERS_TABLE, createLogWatchWorld, putStream, readReports, type LogWatchWorld } from '../../support/log-watch-world.ts';
import { importEntry, logLines, type Entry } from '../../support/run-entry.ts';

let world: LogWatchWorld;
let entry: Entry;
beforeAll(async () => {
  world = await createLogWatchWorld();
  entry = await importEntry('log-watch', {
    EVENT_BUS_NAME: BUS,
    COUNTERS_TABLE,
    LOG_RULES: JSON.stringify(parseConfig({}).rules),
  });
});
afterAll(() => entry?.restore());

describe('the log-watch entry (index.ts)', () => {
  it('completes a split traceback from CloudWatch Logs, puts the report on the bus, writes EMF, logs with the request id', async () => {
    const stream = 'gateway/metis-gateway-7d9f8b6c4-x2k8p/entry';
    const lines = splitEvents([UVICORN_ACCESS_401, STDLIB_TRACEBACK].join('\n'), Date.now() - 60_000);
    await putStream(world, stream, lines);
    const event = subscriptionEvent(
      dataMessage(
        lines.filter((e) => e.message.includes('Traceback')),
        { logStream: stream },
      ),
    );

    const { value, lines: output } = await entry.invoke(event, 'req-logs-1');

    expect(value).toEqual({ outcome: 'scanned', events: 1, firing: 1 });
    const [report] = await readReports(world, 1);
    expect(report!.detail.signals.map((s) => [s.dedupKey, s.details.completedFrom])).toEqual([
      ['traceback:sqlite3.OperationalError@/app/metis/gateway/db.py:insert_event', 'fetched'],
    ]);
    const emf = output.find((line) => '_aws' in line);
    // Only what happened and something reads: the per-class counts are fields of the batch log line, not metrics.
    expect(emf).toMatchObject({ SplitTracebacksFetched: 1, service: 'metis-alerts-log-watch' });
    expect(emf).not.toHaveProperty('Tracebacks');
    expect(JSON.stringify(emf)).toContain('"Namespace":"MetisAlerts"');
    const logs = logLines(output);
    expect(logs.map((l) => l.message)).toContain('log batch scanned');
    for (const line of logs) expect(line).toMatchObject({ function_request_id: 'req-logs-1', cold_start: true });
  });

  it('counts a batch that is not a subscription event as rejected and returns normally (no retry of a poison batch)', async () => {
    const { value, lines } = await entry.invoke({ awslogs: { data: 'bm90IGd6aXA=' } }, 'req-logs-2');

    expect(value).toEqual({ outcome: 'rejected', events: 0, firing: 0 });
    expect(lines.find((line) => '_aws' in line)).toMatchObject({ RejectedBatches: 1 });
    expect(logLines(lines)).toEqual([
      expect.objectContaining({ level: 'ERROR', message: 'log batch rejected', reason: 'not_gzip', function_request_id: 'req-logs-2' }),
    ]);
  });
});
