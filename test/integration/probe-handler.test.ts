// The probe Lambda's handler in-process with its real adapters: the HTTP prober against local servers
// (one HTTPS target that needs a header from an SSM SecureString in moto, one HTTP target answering 503),
// Powertools Metrics writing EMF (captured from its console), an injected clock and sleep. Two rounds 30 s
// apart, high-resolution points per Target at each round's start, one heartbeat, no secret in any output.
import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { HttpProber } from '../../lambdas/adapters/http-prober.ts';
import { emfPublisher } from '../../lambdas/adapters/emf-publisher.ts';
import { SsmProbeHeaders } from '../../lambdas/adapters/ssm-probe-headers.ts';
import { parseConfig } from '../../lambdas/core/config.ts';
import { PROBE_SERVICE } from '../../lambdas/core/probe/metric-points.ts';
import type { ProbeOutcome } from '../../lambdas/core/probe/result.ts';
import { makeProbeHandler, type ProbeHandlerDeps } from '../../lambdas/functions/probe/handler.ts';
import { putSecureString, resetMoto, ssmClient } from './support/aws.ts';
import { answer, startTarget, type TestTarget } from './support/probe-targets.ts';
import { selfSignedCertificate, type TestCertificate } from './support/test-certs.ts';

const DAY = 86_400_000;
const TOKEN_PARAMETER = '/metis-alerts/probe/gateway-token';
const TOKEN = 'probe-token-8f3a1c2d9e';

interface Emf {
  _aws: {
    Timestamp: number;
    CloudWatchMetrics: {
      Namespace: string;
      Dimensions: string[][];
      Metrics: { Name: string; Unit: string; StorageResolution?: number }[];
    }[];
  };
  [key: string]: unknown;
}

let cert: TestCertificate;
let gateway: TestTarget;
let server: TestTarget;
const START = Math.floor(Date.now() / 1000) * 1000;

beforeAll(async () => {
  await resetMoto();
  await putSecureString(ssmClient(), TOKEN_PARAMETER, TOKEN);
  cert = selfSignedCertificate({ notBefore: new Date(START - DAY), notAfter: new Date(START + 5 * DAY + 3_600_000) });
  // The gateway answers 200 only with the right token (401 otherwise), so the header must come from SSM.
  gateway = await startTarget(
    (req, res) => {
      const authorised = req.headers['x-health-token'] === TOKEN;
      res.writeHead(authorised ? 200 : 401).end(authorised ? '{"status":"ok"}' : 'unauthorised');
    },
    { tls: cert },
  );
  server = await startTarget(answer(503), { path: '/health' });
});
afterAll(async () => {
  await gateway.close();
  await server.close();
  cert.cleanup();
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

/** Powertools Metrics as the Lambda builds it, with its EMF lines captured (dev mode prints through console.log). */
function capturedMetrics(): { metrics: Metrics; lines: () => Emf[] } {
  vi.stubEnv('POWERTOOLS_DEV', 'true');
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
  const raw: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((line: unknown) => {
    raw.push(String(line));
  });
  const metrics = new Metrics({ namespace: 'MetisAlerts', serviceName: PROBE_SERVICE });
  return { metrics, lines: () => raw.map((line) => JSON.parse(line) as Emf) };
}

function harness(rawTargets: unknown[], overrides: Partial<ProbeHandlerDeps> = {}) {
  let now = START;
  const sleeps: number[] = [];
  const logs: { level: string; message: string; fields: Record<string, unknown> }[] = [];
  const { metrics, lines } = capturedMetrics();
  const clock = () => new Date(now);
  const prober = new HttpProber({ ca: [cert.cert], clock });
  const headers = new SsmProbeHeaders({ client: ssmClient() });
  const log =
    (level: string) =>
    (message: string, fields: Record<string, unknown> = {}) =>
      logs.push({ level, message, fields });
  const run = makeProbeHandler({
    targets: parseConfig({ healthTargets: rawTargets }).healthTargets,
    probe: (call) => prober.probe(call),
    headers: (headersFromSsm) => headers.headersFor(headersFromSsm),
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
    clock,
    metrics: emfPublisher(metrics),
    logger: { info: log('info'), warn: log('warn'), error: log('error') },
    ...overrides,
  });
  return { run, sleeps, logs, lines, advance: (ms: number) => (now += ms) };
}

describe('probe handler', () => {
  it('probes every target twice 30 s apart and emits high-resolution EMF per Target, then one heartbeat', async () => {
    const h = harness([
      { name: 'gateway', url: gateway.url, headersFromSsm: { 'x-health-token': TOKEN_PARAMETER }, timeoutMs: 3000 },
      { name: 'server', url: server.url, timeoutMs: 3000 },
    ]);
    const result = await h.run();

    expect(h.sleeps).toEqual([30_000]);
    expect(gateway.requests.map((r) => r.headers['x-health-token'])).toEqual([TOKEN, TOKEN]);
    expect(server.requests).toHaveLength(2);
    expect(result.heartbeat).toBe(true);
    expect(result.skipped).toEqual([]);
    expect(result.summary.line).toBe('2 targets probed 2x: gateway ok; server failed 2/2 (http_status 503, http_status 503)');

    const lines = h.lines();
    const byTarget = (name: string) => lines.filter((l) => l.Target === name);
    for (const name of ['gateway', 'server']) {
      const points = byTarget(name);
      expect(points.map((l) => l._aws.Timestamp)).toEqual([START, START + 30_000]);
      for (const line of points) {
        const [directive] = line._aws.CloudWatchMetrics;
        expect(directive!.Namespace).toBe('MetisAlerts');
        expect(directive!.Dimensions).toEqual([['service', 'Target']]);
        expect(line.service).toBe(PROBE_SERVICE);
        expect(directive!.Metrics.every((m) => m.StorageResolution === 1)).toBe(true);
      }
    }
    const gw = byTarget('gateway');
    expect(gw.map((l) => [l.Failed, l.TlsDaysLeft])).toEqual([
      [0, 5],
      [0, 5],
    ]);
    // No LatencyMs metric (no alarm reads it): the latency is a field of each probe log line.
    expect(gw.every((l) => !('LatencyMs' in l))).toBe(true);
    expect(gw[0]!._aws.CloudWatchMetrics[0]!.Metrics.map((m) => [m.Name, m.Unit])).toEqual([
      ['Failed', 'Count'],
      ['TlsDaysLeft', 'None'],
    ]);
    const sv = byTarget('server');
    expect(sv.map((l) => [l.Failed, 'TlsDaysLeft' in l])).toEqual([
      [1, false],
      [1, false],
    ]);

    const heartbeats = lines.filter((l) => 'ProbeHeartbeat' in l);
    expect(heartbeats).toHaveLength(1);
    expect(heartbeats[0]!.ProbeHeartbeat).toBe(1);
    expect(heartbeats[0]!._aws.CloudWatchMetrics[0]!.Dimensions).toEqual([['service']]);
    expect(heartbeats[0]!._aws.CloudWatchMetrics[0]!.Metrics).toEqual([{ Name: 'ProbeHeartbeat', Unit: 'Count' }]);
    expect(lines).toHaveLength(5);

    const failed = h.logs.filter((l) => l.message === 'probe failed');
    expect(failed.map((l) => [l.level, l.fields.target, l.fields.round, l.fields.failure, l.fields.status, l.fields.diagnosis])).toEqual([
      ['warn', 'server', 1, 'http_status', 503, 'sick_app'],
      ['warn', 'server', 2, 'http_status', 503, 'sick_app'],
    ]);
    expect(failed[0]!.fields.explanation).toContain('kubectl logs -n metis-gateway deploy/metis-gateway --tail=100 -c gateway');
    expect(h.logs.filter((l) => l.message === 'probe ok').map((l) => [l.fields.target, l.fields.tlsDaysLeft])).toEqual([
      ['gateway', 5],
      ['gateway', 5],
    ]);
    const run = h.logs.find((l) => l.message === 'probe run');
    expect(run?.fields).toMatchObject({ heartbeat: true, skipped: 0, failing: { server: ['http_status 503', 'http_status 503'] } });

    // The header value is a secret: it is in no metric and no log record.
    expect(JSON.stringify(lines)).not.toContain(TOKEN);
    expect(JSON.stringify(h.logs)).not.toContain(TOKEN);
  });

  it('a header parameter that cannot be read: that target is skipped (no Failed datapoint), the others probed, no heartbeat', async () => {
    const h = harness([
      { name: 'gateway', url: gateway.url, headersFromSsm: { 'x-health-token': '/metis-alerts/probe/missing' }, timeoutMs: 3000 },
      { name: 'server', url: server.url, timeoutMs: 3000 },
    ]);
    const before = gateway.requests.length;
    const result = await h.run();

    expect(gateway.requests.length).toBe(before);
    expect(result.heartbeat).toBe(false);
    expect(result.skipped.map((s) => [s.target, s.round])).toEqual([
      ['gateway', 1],
      ['gateway', 2],
    ]);
    expect(result.skipped[0]!.reason).toBe('cannot read SSM parameter /metis-alerts/probe/missing for a probe header: parameter not found');
    const lines = h.lines();
    expect(lines.filter((l) => l.Target === 'gateway')).toEqual([]);
    expect(lines.filter((l) => l.Target === 'server').map((l) => l.Failed)).toEqual([1, 1]);
    expect(lines.filter((l) => 'ProbeHeartbeat' in l)).toEqual([]);
    expect(h.logs.filter((l) => l.level === 'error').map((l) => [l.message, l.fields.target])).toEqual([
      ['probe skipped: headers unavailable', 'gateway'],
      ['probe skipped: headers unavailable', 'gateway'],
    ]);
  });

  it('a header value the prober cannot send: that target is skipped with the reason, nothing of the value logged', async () => {
    await putSecureString(ssmClient(), '/metis-alerts/probe/broken', 'line-one\nline-two-secret');
    const h = harness([
      { name: 'gateway', url: gateway.url, headersFromSsm: { 'x-health-token': '/metis-alerts/probe/broken' }, timeoutMs: 3000 },
    ]);
    const result = await h.run();
    expect(result.heartbeat).toBe(false);
    expect(result.rounds).toEqual([[], []]);
    expect(result.skipped.map((s) => s.reason)).toEqual([
      expect.stringMatching(/^prober failed: cannot build the request: ERR_INVALID_CHAR/),
      expect.any(String),
    ]);
    expect(h.lines()).toEqual([]);
    expect(JSON.stringify(h.logs)).not.toContain('line-two-secret');
  });

  it('keeps the rounds 30 s apart start to start: a slow first round shortens the wait, a round over 30 s skips it', async () => {
    const ok: ProbeOutcome = {
      url: 'http://x/healthz',
      ok: true,
      failure: null,
      status: 200,
      latencyMs: 4000,
      tlsDaysLeft: null,
      detail: null,
    };
    const slow = harness([{ name: 'gateway', url: 'http://x/healthz' }], {
      probe: async () => {
        slow.advance(4000);
        return ok;
      },
    });
    await slow.run();
    expect(slow.sleeps).toEqual([26_000]);
    expect(
      slow
        .lines()
        .filter((l) => l.Target === 'gateway')
        .map((l) => l._aws.Timestamp - START),
    ).toEqual([0, 30_000]);

    const slower = harness([{ name: 'gateway', url: 'http://x/healthz' }], {
      probe: async () => {
        slower.advance(31_000);
        return ok;
      },
    });
    await slower.run();
    expect(slower.sleeps).toEqual([]);
  });
});
