// lambdas/functions/probe/index.ts as deployed: its environment from process.env, the real HTTP prober
// against local targets, header values from SSM SecureStrings in moto, EMF on stdout, a Lambda context.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { putSecureString, resetMoto, ssmClient } from '../support/aws.ts';
import { answer, startTarget, type TestTarget } from '../support/probe-targets.ts';
import { importEntry, logLines, type Entry } from '../support/run-entry.ts';

const TOKEN_PARAMETER = '/metis-alerts/probe/gateway-token';
const TOKEN = 'health-token-0123456789';

let gateway: TestTarget;
let server: TestTarget;
let entry: Entry;
beforeAll(async () => {
  await resetMoto();
  await putSecureString(ssmClient(), TOKEN_PARAMETER, TOKEN);
  // The gateway answers 200 only with the token; the agent server is down.
  gateway = await startTarget((req, res) => answer(req.headers['x-health-token'] === TOKEN ? 200 : 401)(req, res));
  server = await startTarget(answer(503), { path: '/health' });
  entry = await importEntry('probe', {
    PROBE_TARGETS: JSON.stringify([
      { name: 'gateway', url: gateway.url, headersFromSsm: { 'x-health-token': TOKEN_PARAMETER }, timeoutMs: 3000 },
      { name: 'server', url: server.url, timeoutMs: 3000 },
    ]),
    PROBE_SPACING_MS: '0',
  });
});
afterAll(async () => {
  entry?.restore();
  await gateway?.close();
  await server?.close();
});

describe('the probe entry (index.ts)', () => {
  it('probes every target twice with the SSM header, emits high-resolution EMF per Target and the heartbeat, logs with the request id', async () => {
    const { value, lines } = await entry.invoke({}, 'req-probe-1');

    expect(value).toEqual({ probes: 4, failing: ['server'], heartbeat: true });
    expect(gateway.requests.map((r) => r.headers['x-health-token'])).toEqual([TOKEN, TOKEN]);
    const emf = lines.filter((line) => '_aws' in line);
    expect(emf.filter((line) => line.Target === 'server').map((line) => line.Failed)).toEqual([1, 1]);
    expect(emf.filter((line) => line.Target === 'gateway').map((line) => line.Failed)).toEqual([0, 0]);
    expect(emf.filter((line) => 'ProbeHeartbeat' in line)).toHaveLength(1);
    const logs = logLines(lines);
    expect(logs.map((l) => l.message).sort()).toEqual(['probe failed', 'probe failed', 'probe ok', 'probe ok', 'probe run']);
    for (const line of logs) expect(line).toMatchObject({ function_request_id: 'req-probe-1', cold_start: true });
  });
});
