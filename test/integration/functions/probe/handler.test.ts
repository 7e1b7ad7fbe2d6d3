// The probe Lambda's handler in-process with its real adapters: the HTTP prober against local servers
// (one HTTPS target that needs a header from an SSM SecureString in moto, one HTTP target answering 503),
// the EventBridge publisher onto a moto bus whose rule copies each report to an SQS queue, the probe state
// item in a moto incident table, an injected clock and sleep. Two rounds 30 s apart, one report per round
// (SEV2 then SEV1 for the 503 target), no custom metric, no secret in any output.
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbProbeState } from '../../../../lambdas/adapters/dynamodb-probe-state.ts';
import { EventBridgeReportPublisher } from '../../../../lambdas/adapters/eventbridge-report-publisher.ts';
import { HttpProber } from '../../../../lambdas/adapters/http-prober.ts';
import { SsmProbeHeaders } from '../../../../lambdas/adapters/ssm-probe-headers.ts';
import { parseConfig } from '../../../../lambdas/core/config.ts';
import type { ProbeOutcome } from '../../../../lambdas/core/probe/result.ts';
import { makeProbeHandler, type ProbeHandlerDeps } from '../../../../lambdas/functions/probe/handler.ts';
import { dynamoClient, eventBridgeClient, putSecureString, ssmClient } from '../../support/aws.ts';
import { answer, startTarget, type TestTarget } from '../../support/probe-targets.ts';
import { createProbeWorld, firingKeys, probeReports, storedProbeState, type ProbeWorld } from '../../support/probe-world.ts';
import { selfSignedCertificate, type TestCertificate } from '../../support/test-certs.ts';

const DAY = 86_400_000;
const TOKEN_PARAMETER = '/metis-alerts/probe/gateway-token';
const TOKEN = 'probe-token-8f3a1c2d9e';

let world: ProbeWorld;
let cert: TestCertificate;
let gateway: TestTarget;
let server: TestTarget;
const START = Math.floor(Date.now() / 1000) * 1000;

beforeAll(async () => {
  world = await createProbeWorld();
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
function harness(rawTargets: unknown[], overrides: Partial<ProbeHandlerDeps> = {}) {
  let now = START;
  const sleeps: number[] = [];
  const logs: { level: string; message: string; fields: Record<string, unknown> }[] = [];
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
    publisher: new EventBridgeReportPublisher({ client: eventBridgeClient(), eventBusName: world.bus }),
    state: new DynamoDbProbeState({ client: dynamoClient(), tableName: world.table }),
    rules: parseConfig({}).rules,
    logger: { info: log('info'), warn: log('warn'), error: log('error') },
    ...overrides,
  });
  return { run, sleeps, logs, advance: (ms: number) => (now += ms) };
}

describe('probe handler', () => {
  it('probes every target twice 30 s apart, reports each round (SEV2 then SEV1 for the failing target) and stores the state', async () => {
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

    // One report per round on the bus: the 503 target SEV2 at round 1, SEV1 at round 2 (30 s later).
    const [round1, round2] = await probeReports(world, 2);
    expect(round1!.source).toBe('metis-alerts.probe');
    expect(round1!.detail).toMatchObject({
      source: 'probe',
      evaluatedAt: new Date(START).toISOString(),
      evaluated: ['healthz_down', 'tls_expiry', 'monitoring_blind'],
      // One ok round is not yet sustained health (resolveAfterOkRounds, 4): nothing is listed healthy.
      healthy: { healthz_down: [], monitoring_blind: ['probe'] },
    });
    expect(firingKeys(round1!.detail)).toEqual(['SEV2 healthz_down:server', 'SEV3 tls_expiry:gateway']);
    expect(firingKeys(round2!.detail)).toEqual(['SEV1 healthz_down:server', 'SEV3 tls_expiry:gateway']);
    const sev1 = round2!.detail.signals.find((s) => s.rule === 'healthz_down')!;
    expect(sev1.summary).toContain(`healthz_down SEV1: server failed twice in a row within 60 s`);
    expect(sev1.details).toMatchObject({ url: server.url, failure: 'http_status', status: 503, diagnosis: 'sick_app' });
    const tls = round1!.detail.signals.find((s) => s.rule === 'tls_expiry')!;
    expect(tls.details).toMatchObject({ tlsDaysLeft: 5, warnDays: 14, expired: false });

    // The state item the next round reads: the last round of each target, its ok streak and the flap window's rounds.
    const r1 = new Date(START).toISOString();
    const r2 = new Date(START + 30_000).toISOString();
    expect(await storedProbeState(world)).toEqual({
      dedupKey: 'probe-state#health',
      kind: 'probe-state',
      targets: {
        gateway: {
          at: r2,
          ok: true,
          failingSince: null,
          okStreak: 2,
          history: [
            { at: r1, ok: true },
            { at: r2, ok: true },
          ],
        },
        server: {
          at: r2,
          ok: false,
          failingSince: r1,
          okStreak: 0,
          history: [
            { at: r1, ok: false },
            { at: r2, ok: false },
          ],
        },
      },
    });

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

    // The header value is a secret: it is in no report and no log record.
    expect(JSON.stringify([round1, round2])).not.toContain(TOKEN);
    expect(JSON.stringify(h.logs)).not.toContain(TOKEN);
  });

  it('a header parameter that cannot be read: that target is skipped (monitoring_blind, neither down nor healthy), the others probed', async () => {
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
    // Each round: monitoring_blind for the skipped gateway, no healthz evidence either way for it.
    const reports = await probeReports(world, 2);
    for (const { detail } of reports) {
      expect(firingKeys(detail)).toContain('SEV2 monitoring_blind:probe');
      expect(detail.signals.some((s) => s.subject === 'gateway' && s.rule === 'healthz_down')).toBe(false);
      expect(detail.healthy).toMatchObject({ healthz_down: [], monitoring_blind: [] });
    }
    const blind = reports[0]!.detail.signals.find((s) => s.rule === 'monitoring_blind')!;
    expect(blind.summary).toContain('could not measure gateway (gateway: cannot read SSM parameter /metis-alerts/probe/missing');
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
    const reports = await probeReports(world, 2);
    expect(reports.map((r) => firingKeys(r.detail))).toEqual([['SEV2 monitoring_blind:probe'], ['SEV2 monitoring_blind:probe']]);
    expect(JSON.stringify(h.logs)).not.toContain('line-two-secret');
    expect(JSON.stringify(reports)).not.toContain('line-two-secret');
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
    const { reports } = await slow.run();
    expect(slow.sleeps).toEqual([26_000]);
    expect(reports.map((r) => Date.parse(r.evaluatedAt) - START)).toEqual([0, 30_000]);
    await probeReports(world, 2);

    const slower = harness([{ name: 'gateway', url: 'http://x/healthz' }], {
      probe: async () => {
        slower.advance(31_000);
        return ok;
      },
    });
    await slower.run();
    expect(slower.sleeps).toEqual([]);
    await probeReports(world, 2);
  });

  it('a state that cannot be read (no such table): the round still reports, the failure as SEV2 not SEV1, and logs why', async () => {
    const targets = [{ name: 'server', url: server.url, timeoutMs: 3000 }];
    const h = harness(targets, { state: new DynamoDbProbeState({ client: dynamoClient(), tableName: 'no-such-table' }) });
    const result = await h.run();

    expect(result.reports.map((r) => firingKeys(r))).toEqual([['SEV2 healthz_down:server'], ['SEV2 healthz_down:server']]);
    expect((await probeReports(world, 2)).map((r) => firingKeys(r.detail))).toEqual([
      ['SEV2 healthz_down:server'],
      ['SEV2 healthz_down:server'],
    ]);
    expect(result.reports[1]!.signals[0]!.summary).toContain('previous round unknown: probe state unreadable');
    const errors = h.logs.filter((l) => l.level === 'error').map((l) => l.message);
    expect(errors).toContain('probe state unreadable: failures this round page SEV2, not SEV1');
    expect(errors).toContain('probe state not written: the next round may page a second failure as SEV2');
  });

  it('a corrupt state item: read as unreadable (SEV2, logged), then overwritten with a good one', async () => {
    const documents = DynamoDBDocumentClient.from(dynamoClient());
    await documents.send(new PutCommand({ TableName: world.table, Item: { dedupKey: 'probe-state#health', targets: 'garbage' } }));
    const h = harness([{ name: 'server', url: server.url, timeoutMs: 3000 }], { rounds: 1 });
    const { reports } = await h.run();

    expect(reports.map((r) => firingKeys(r))).toEqual([['SEV2 healthz_down:server']]);
    await probeReports(world, 1);
    const error = h.logs.find((l) => l.level === 'error');
    expect(error).toMatchObject({ message: 'probe state unreadable: failures this round page SEV2, not SEV1' });
    expect(String(error!.fields.reason)).toMatch(/^probe state: targets: /);
    expect(await storedProbeState(world)).toMatchObject({ targets: { server: { ok: false } } });
  });

  it('upgrade: a state item written before streaks and history (previous round only) is read as is: no error, SEV1 on the second failure', async () => {
    const documents = DynamoDBDocumentClient.from(dynamoClient());
    const before = new Date(START - 30_000).toISOString();
    await documents.send(
      new PutCommand({
        TableName: world.table,
        Item: { dedupKey: 'probe-state#health', kind: 'probe-state', targets: { server: { at: before, ok: false, failingSince: before } } },
      }),
    );
    const h = harness([{ name: 'server', url: server.url, timeoutMs: 3000 }], { rounds: 1 });
    const { reports } = await h.run();

    expect(reports.map((r) => firingKeys(r))).toEqual([['SEV1 healthz_down:server']]);
    expect(reports[0]!.signals[0]!.summary).toContain(`failed twice in a row within 60 s (previous failure at ${before})`);
    await probeReports(world, 1);
    expect(h.logs.filter((l) => l.level === 'error')).toEqual([]);
    // Written back in the new shape: the old round counts in the flap window.
    const now = new Date(START).toISOString();
    expect(await storedProbeState(world)).toMatchObject({
      targets: {
        server: {
          at: now,
          ok: false,
          failingSince: before,
          okStreak: 0,
          history: [
            { at: before, ok: false },
            { at: now, ok: false },
          ],
        },
      },
    });
  });

  it('a failed PutEvents (no such bus) throws out of the handler: the invocation fails, the alert is not swallowed', async () => {
    const h = harness([{ name: 'server', url: server.url, timeoutMs: 3000 }], {
      publisher: new EventBridgeReportPublisher({ client: eventBridgeClient(), eventBusName: 'no-such-bus' }),
    });
    await expect(h.run()).rejects.toThrow(/no-such-bus/);
  });
});
