// lambdas/functions/probe/index.ts as deployed: its environment from process.env, the real HTTP prober
// against local targets, header values from SSM SecureStrings in moto, the second round by a (moto) SQS
// message, each round's report on a moto bus (copied to a queue), the state item in a moto incident table.
// Two invocations (the schedule, then the queue delivery) share only that item: 503 twice = SEV2 then SEV1.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQueue, drainQueue, putSecureString, ssmClient, sqsClient } from '../../support/aws.ts';
import { answer, startTarget, type TestTarget } from '../../support/probe-targets.ts';
import { createProbeWorld, firingKeys, probeReports, storedProbeState, type ProbeWorld } from '../../support/probe-world.ts';
import { importEntry, logLines, type Entry } from '../../support/run-entry.ts';

const TOKEN_PARAMETER = '/metis-alerts/probe/gateway-token';
const TOKEN = 'health-token-0123456789';

let world: ProbeWorld;
let roundQueue: string;
let gateway: TestTarget;
let server: TestTarget;
let serverStatus = 503;
let entry: Entry;
beforeAll(async () => {
  world = await createProbeWorld();
  roundQueue = (await createQueue(sqsClient(), 'probe-second-round')).queueUrl;
  await putSecureString(ssmClient(), TOKEN_PARAMETER, TOKEN);
  // The gateway answers 200 only with the token; the agent server is down until the test says otherwise.
  gateway = await startTarget((req, res) => answer(req.headers['x-health-token'] === TOKEN ? 200 : 401)(req, res));
  server = await startTarget((req, res) => answer(serverStatus)(req, res), { path: '/health' });
  entry = await importEntry('probe', {
    PROBE_TARGETS: JSON.stringify([
      { name: 'gateway', url: gateway.url, headersFromSsm: { 'x-health-token': TOKEN_PARAMETER }, timeoutMs: 3000 },
      { name: 'server', url: server.url, timeoutMs: 3000 },
    ]),
    PROBE_SPACING_MS: '0',
    PROBE_SECOND_ROUND_QUEUE_URL: roundQueue,
    EVENT_BUS_NAME: world.bus,
    PROBE_STATE_TABLE: world.table,
    // resolveAfterOkRounds 1 (configured): one ok round is the evidence that resolves, so one run shows it.
    PROBE_RULES: JSON.stringify({ healthz_down: { enabled: true, resolveAfterOkRounds: 1 }, tls_expiry: { enabled: true, warnDays: 14 } }),
  });
});
afterAll(async () => {
  entry?.restore();
  await gateway?.close();
  await server?.close();
});

describe('the probe entry (index.ts)', () => {
  it('scheduled run: probes once with the SSM header, reports SEV2 for the 503 target, stores the state, queues round two; no EMF', async () => {
    const { value, lines } = await entry.invoke({ source: 'aws.events', 'detail-type': 'Scheduled Event' }, 'req-probe-1');

    expect(value).toEqual({ probes: 2, failing: ['server'], heartbeat: true });
    expect(gateway.requests.map((r) => r.headers['x-health-token'])).toEqual([TOKEN]);
    const [report] = await probeReports(world, 1);
    expect(report!.source).toBe('metis-alerts.probe');
    expect(firingKeys(report!.detail)).toEqual(['SEV2 healthz_down:server']);
    expect(report!.detail.healthy).toMatchObject({ healthz_down: ['gateway'], monitoring_blind: ['probe'] });
    expect(await storedProbeState(world)).toMatchObject({ targets: { gateway: { ok: true }, server: { ok: false } } });
    expect(JSON.parse((await drainQueue(sqsClient(), roundQueue, { expected: 1 }))[0]!.Body!)).toMatchObject({ round: 2 });

    expect(lines.filter((line) => '_aws' in line)).toEqual([]);
    const logs = logLines(lines);
    expect(logs.map((l) => l.message).sort()).toEqual(['probe failed', 'probe ok', 'probe run']);
    expect(logs.find((l) => l.message === 'probe failed')).toMatchObject({ target: 'server', round: 1, ok: false, status: 503 });
    for (const line of logs) expect(line).toMatchObject({ function_request_id: 'req-probe-1', cold_start: true });
    expect(JSON.stringify(lines)).not.toContain(TOKEN);
  });

  it('the queue delivery (another invocation) probes round two: the second failure within 60 s is SEV1', async () => {
    const delivery = { Records: [{ eventSource: 'aws:sqs', messageId: 'm-1', body: '{"round":2}' }] };
    const { value } = await entry.invoke(delivery, 'req-probe-2');

    expect(value).toEqual({ probes: 2, failing: ['server'], heartbeat: true });
    const [report] = await probeReports(world, 1);
    expect(firingKeys(report!.detail)).toEqual(['SEV1 healthz_down:server']);
  });

  it('after the target recovers, the next run lists it healthy (the evidence that resolves) and fires nothing', async () => {
    serverStatus = 200;
    await entry.invoke({ source: 'aws.events' }, 'req-probe-3');
    const [report] = await probeReports(world, 1);
    expect(report!.detail.signals).toEqual([]);
    expect(report!.detail.healthy).toMatchObject({ healthz_down: ['gateway', 'server'] });
    await drainQueue(sqsClient(), roundQueue, { expected: 1 });
  });
});
