// Inbound shapes end to end: the shape prober against real loopback servers that speak each
// vendor's contract (and broken variants of it), the probe Lambda's shape run with the probe key read from
// SSM SecureString (moto), and its evaluation report through the real router handler (DynamoDB, SNS, the
// PagerDuty fake): one SEV2 `inbound_shape_down:<name>` per failing shape while /healthz is up, none while
// /healthz is down, a resolve once the shape answers again. The probe key never reaches a log or an alert.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpProber } from '../../../../lambdas/adapters/http-prober.ts';
import { HttpShapeProber } from '../../../../lambdas/adapters/http-shape-prober.ts';
import { DynamoDbShapeRunState } from '../../../../lambdas/adapters/dynamodb-probe-state.ts';
import { MemoryProbeState } from '../../../../lambdas/adapters/memory-probe-state.ts';
import { SsmProbeHeaders } from '../../../../lambdas/adapters/ssm-probe-headers.ts';
import { parseConfig } from '../../../../lambdas/core/config.ts';
import type { EvaluationReport } from '../../../../lambdas/core/signal.ts';
import { makeInboundShapeHandler } from '../../../../lambdas/functions/probe/shape-handler.ts';
import { putSecureString } from '../../support/aws.ts';
import { answer, closedPort, runCliAsync, startTarget, type TestTarget } from '../../support/probe-targets.ts';
import {
  TUESDAY_10,
  pdCalls,
  reportEvent,
  routerHandler,
  useRouterWorld,
  type LogEntry,
  type RouterWorld,
} from '../../support/router-fixture.ts';
import { PROBE_KEY, startShapeServer, type ShapeMode, type ShapeServer } from '../../support/shape-servers.ts';

let world: RouterWorld;
useRouterWorld((created) => (world = created));

let openai: ShapeServer;
let anthropic: ShapeServer;
let healthz: TestTarget;
let healthStatus = 200;

beforeAll(async () => {
  openai = await startShapeServer('openai-chat');
  anthropic = await startShapeServer('anthropic-messages');
  healthz = await startTarget((req, res) => answer(healthStatus)(req, res));
});
afterAll(async () => {
  await Promise.all([openai, anthropic, healthz].map((s) => s?.close()));
});

const prober = new HttpShapeProber();

describe('HttpShapeProber against servers that check the vendor contract', () => {
  const cases: { mode: ShapeMode; failure: string | null; detail: RegExp | null }[] = [
    { mode: 'ok', failure: null, detail: null },
    { mode: 'other-shape', failure: 'shape', detail: /HTTP 200 but not .*(choices|content) missing/ },
    { mode: 'html', failure: 'shape', detail: /HTTP 200 but not .*body is not JSON/ },
    { mode: 'error-object', failure: 'shape', detail: /an error object instead of (choices|content)/ },
    { mode: 'missing-field', failure: 'shape', detail: /(choices\[0\]\.message missing|content\[0\]\.type missing)/ },
    { mode: '500', failure: 'http_status', detail: /HTTP 500 \(expected 2xx\)/ },
  ];
  for (const shape of ['openai-chat', 'anthropic-messages'] as const) {
    for (const { mode, failure, detail } of cases) {
      it(`${shape}, server mode ${mode}: failure ${failure}`, async () => {
        const server = shape === 'openai-chat' ? openai : anthropic;
        server.mode = mode;
        const before = server.bodies.length;
        const outcome = await prober.probe({
          url: server.url,
          shape,
          model: 'm-1',
          timeoutMs: 3000,
          headers: { authorization: `Bearer ${PROBE_KEY}` },
        });
        server.mode = 'ok';
        expect(server.violations).toEqual([]);
        expect(server.bodies.slice(before)).toEqual([{ model: 'm-1', max_tokens: 1, messages: [{ role: 'user', content: 'ping' }] }]);
        expect(outcome).toMatchObject({ url: server.url, shape, ok: failure === null, failure, tlsDaysLeft: null });
        expect(outcome.status).toBe(mode === '500' ? 500 : 200);
        if (detail) expect(outcome.detail).toMatch(detail);
        else expect(outcome.detail).toBeNull();
        // A body is judged, never carried: the completion text "Pong" appears nowhere in the outcome.
        expect(JSON.stringify(outcome)).not.toContain('Pong');
      });
    }
  }

  it('a wrong key: the server answers 401, an http_status failure', async () => {
    const outcome = await prober.probe({ url: openai.url, shape: 'openai-chat', model: 'm', headers: { authorization: 'Bearer nope' } });
    expect(outcome).toMatchObject({ ok: false, failure: 'http_status', status: 401 });
  });

  it('headers sent but the body stalls past the deadline: timeout with the status seen', async () => {
    anthropic.mode = 'hang-body';
    const outcome = await prober.probe({
      url: anthropic.url,
      shape: 'anthropic-messages',
      model: 'm',
      timeoutMs: 300,
      headers: { authorization: `Bearer ${PROBE_KEY}` },
    });
    anthropic.mode = 'ok';
    expect(outcome).toMatchObject({
      ok: false,
      failure: 'timeout',
      status: 200,
      detail: 'HTTP 200 but the body did not arrive within 300 ms',
    });
  });

  it('nothing listening: connection, ECONNREFUSED', async () => {
    const port = await closedPort();
    const outcome = await prober.probe({ url: `http://127.0.0.1:${port}/v1/messages`, shape: 'anthropic-messages', model: 'm' });
    expect(outcome).toMatchObject({ ok: false, failure: 'connection', status: null });
    expect(outcome.detail).toMatch(/^ECONNREFUSED/);
  });
});

describe('metis-alerts probe --shape (real CLI)', () => {
  const KEYS = ['url', 'ok', 'failure', 'status', 'latencyMs', 'tlsDaysLeft', 'shape'];
  const env = { METIS_PROBE_AUTHORIZATION: `Bearer ${PROBE_KEY}` };

  it('openai-chat that answers the shape: ok, the probe JSON plus "shape"', async () => {
    const run = await runCliAsync(['probe', '--url', openai.url, '--shape', 'openai-chat', '--model', 'gpt-4o-mini', '--json'], env);
    expect(run).toMatchObject({ status: 0, stderr: '' });
    const json = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual(KEYS);
    expect(json).toMatchObject({ url: openai.url, ok: true, failure: null, status: 200, tlsDaysLeft: null, shape: 'openai-chat' });
    expect(openai.bodies.at(-1)).toMatchObject({ model: 'gpt-4o-mini', max_tokens: 1 });
  });

  it('--shape anthropic-messages against the OpenAI server: failure "shape", exit 0', async () => {
    // The OpenAI server checks its own contract and answers 200 with a chat completion: not a Messages body.
    const run = await runCliAsync(['probe', '--url', openai.url, '--shape', 'anthropic-messages', '--json'], env);
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: false, failure: 'shape', status: 200, shape: 'anthropic-messages' });
  });

  it('text output names the failure and the first move', async () => {
    anthropic.mode = '500';
    const run = await runCliAsync(['probe', '--url', anthropic.url, '--shape', 'anthropic-messages'], env);
    anthropic.mode = 'ok';
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^FAILED {2}anthropic-messages {2}http:\/\/127\.0\.0\.1:\d+\/v1\/messages {2}http_status: HTTP 500/);
    expect(run.stdout).toContain('first: check the app logs');
  });

  it('an unknown --shape: exit 2, one stderr line', async () => {
    const run = await runCliAsync(['probe', '--url', openai.url, '--shape', 'gemini', '--json']);
    expect(run).toMatchObject({ status: 2, stdout: '' });
    expect(run.stderr).toBe('metis-alerts probe: --shape: expected openai-chat or anthropic-messages, got "gemini"\n');
  });

  it('--model without --shape: exit 2', async () => {
    const run = await runCliAsync(['probe', '--url', openai.url, '--model', 'x']);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe('metis-alerts probe: --model needs --shape (openai-chat or anthropic-messages)\n');
  });
});

describe('the probe Lambda shape run -> router: inbound_shape_down', () => {
  const KEY_PARAMETER = '/metis/probe/gateway-key';
  let logs: LogEntry[];

  function shapeRun(at: string) {
    const config = parseConfig({
      healthTargets: [{ name: 'gateway', url: healthz.url, timeoutMs: 2000 }],
      inboundShapes: [
        {
          name: 'chat',
          url: openai.url,
          shape: 'openai-chat',
          model: 'gpt-4o-mini',
          timeoutMs: 2000,
          headersFromSsm: { authorization: KEY_PARAMETER },
        },
        {
          name: 'messages',
          url: anthropic.url,
          shape: 'anthropic-messages',
          model: 'claude-haiku-4-5',
          timeoutMs: 2000,
          headersFromSsm: { authorization: KEY_PARAMETER },
        },
      ],
    });
    const reports: EvaluationReport[] = [];
    const ssm = new SsmProbeHeaders({ client: world.ssm, maxAgeSeconds: 0 });
    const healthProber = new HttpProber();
    const handler = makeInboundShapeHandler({
      shapes: config.inboundShapes,
      healthTargets: config.healthTargets,
      probeShape: (request) => prober.probe(request),
      probeHealth: (call) => healthProber.probe(call),
      headers: (headersFromSsm) => ssm.headersFor(headersFromSsm),
      publisher: { publish: async (report) => void reports.push(report) },
      clock: () => new Date(at),
      // The shape run's state item in the router's table: each run counts failures from the one before.
      state: new DynamoDbShapeRunState({ client: world.dynamo, tableName: world.tableName }),
      rules: config.rules,
      logger: {
        info: (message, fields) => logs.push({ level: 'info', message, ...(fields ? { fields } : {}) }),
        warn: (message, fields) => logs.push({ level: 'warn', message, ...(fields ? { fields } : {}) }),
        error: (message, fields) => logs.push({ level: 'error', message, ...(fields ? { fields } : {}) }),
      },
    });
    return async () => {
      const result = await handler();
      const outcome = await routerHandler(world, { at })(reportEvent(reports[0], at, 'metis-alerts.probe'));
      return { result, report: reports[0]!, outcome };
    };
  }

  beforeAll(async () => {
    logs = [];
    await putSecureString(world.ssm, KEY_PARAMETER, `Bearer ${PROBE_KEY}`);
  });

  it('all shapes fine: evaluated, resolves only (nothing open), nothing paged', async () => {
    const { report } = await shapeRun(TUESDAY_10)();
    // Named, so the sweeper watches the shape run apart from the health rounds (source_stale:probe/inbound-shape).
    expect(report).toMatchObject({ source: 'probe', reporter: 'inbound-shape' });
    expect(report.evaluated).toEqual(['inbound_shape_down', 'gateway_down']);
    expect(report.healthy).toEqual({ gateway_down: ['gateway'] });
    expect(report.signals.map((s) => `${s.status} ${s.dedupKey}`)).toEqual([
      'resolved inbound_shape_down:chat',
      'resolved inbound_shape_down:messages',
    ]);
    expect(pdCalls(world)).toEqual([]);
  });

  it('the Messages shape answers an OpenAI body while /healthz is up: one SEV2 page for that shape only', async () => {
    anthropic.mode = 'other-shape';
    const { report, outcome } = await shapeRun('2026-11-24T10:05:00.000Z')();
    const firing = report.signals.filter((s) => s.status === 'firing');
    expect(firing.map((s) => [s.severity, s.dedupKey, s.source])).toEqual([['SEV2', 'inbound_shape_down:messages', 'probe']]);
    expect(firing[0]!.summary).toMatch(
      /^Inbound shape anthropic-messages \(messages\) down while \/healthz of gateway is up: POST http:\/\/127\.0\.0\.1:\d+\/v1\/messages HTTP 200 but not anthropic-messages: content missing\. First: /,
    );
    expect(firing[0]!.details).toMatchObject({
      shape: 'anthropic-messages',
      failure: 'shape',
      status: 200,
      healthTarget: 'gateway',
      healthStatus: 200,
    });
    expect(outcome).toMatchObject({ status: 'routed' });
    expect(pdCalls(world)).toEqual([{ action: 'trigger', severity: 'error', dedupKey: 'inbound_shape_down:messages', status: 202 }]);
  });

  it('the same failure again: one incident, nothing new sent', async () => {
    world.pd.reset();
    await shapeRun('2026-11-24T10:10:00.000Z')();
    expect(pdCalls(world)).toEqual([]);
  });

  it('/healthz down too: no inbound_shape_down signal, not evaluated, the open incident stays open', async () => {
    healthStatus = 503;
    openai.mode = '500';
    const { report, result } = await shapeRun('2026-11-24T10:15:00.000Z')();
    healthStatus = 200;
    openai.mode = 'ok';
    // inbound_shape_down is not judged; gateway_down is (every shape failed, chat for the first run: no page yet).
    expect(report.evaluated).toEqual(['gateway_down']);
    expect(report.healthy).toEqual({ gateway_down: [] });
    expect(report.signals).toEqual([]);
    expect(result.verdicts.map((v) => `${v.name} ${v.verdict}`)).toEqual(['chat healthz_down', 'messages healthz_down']);
    expect(pdCalls(world)).toEqual([]);
  });

  it('the shape answers again: resolved on PagerDuty with the same dedup key', async () => {
    anthropic.mode = 'ok';
    world.pd.reset();
    await shapeRun('2026-11-24T10:20:00.000Z')();
    expect(pdCalls(world)).toEqual([{ action: 'resolve', severity: undefined, dedupKey: 'inbound_shape_down:messages', status: 202 }]);
  });

  it('every shape failing two runs in a row while /healthz answers 200: SEV1 gateway_down with the evidence of each shape', async () => {
    openai.mode = '500';
    anthropic.mode = 'html';
    world.pd.reset();
    const first = await shapeRun('2026-11-24T10:25:00.000Z')();
    // One run may be a blip: the shapes page SEV2 each, no total outage yet.
    expect(first.report.signals.filter((s) => s.status === 'firing').map((s) => `${s.severity} ${s.dedupKey}`)).toEqual([
      'SEV2 inbound_shape_down:chat',
      'SEV2 inbound_shape_down:messages',
    ]);
    world.pd.reset();
    const second = await shapeRun('2026-11-24T10:30:00.000Z')();
    const down = second.report.signals.find((s) => s.rule === 'gateway_down')!;
    expect(down).toMatchObject({
      severity: 'SEV1',
      status: 'firing',
      dedupKey: 'gateway_down:gateway',
      subject: 'gateway',
      source: 'probe',
    });
    expect(down.summary).toMatch(
      /^gateway_down SEV1: total gateway outage: every inbound shape failed 2 runs in a row while \/healthz of gateway answers ok \(openai-chat \(chat\): HTTP 500 \(expected 2xx\); anthropic-messages \(messages\): HTTP 200 but not anthropic-messages: body is not JSON\)\. First: /,
    );
    expect(down.details).toMatchObject({
      shapes: [
        { name: 'chat', shape: 'openai-chat', status: 500, failure: 'http_status', failedRuns: 2 },
        { name: 'messages', shape: 'anthropic-messages', status: 200, failure: 'shape', failedRuns: 2 },
      ],
      healthz: [{ target: 'gateway', ok: true, status: 200 }],
    });
    expect((down.details.shapes as { latencyMs: unknown }[]).every((s) => typeof s.latencyMs === 'number')).toBe(true);
    expect(pdCalls(world)).toEqual([{ action: 'trigger', severity: 'critical', dedupKey: 'gateway_down:gateway', status: 202 }]);
  });

  it('one shape answers again: gateway_down resolves (the other shape stays SEV2 inbound_shape_down)', async () => {
    openai.mode = 'ok';
    world.pd.reset();
    const { report } = await shapeRun('2026-11-24T10:35:00.000Z')();
    expect(report.healthy).toEqual({ gateway_down: ['gateway'] });
    expect(pdCalls(world)).toEqual([
      { action: 'resolve', severity: undefined, dedupKey: 'inbound_shape_down:chat', status: 202 },
      { action: 'resolve', severity: undefined, dedupKey: 'gateway_down:gateway', status: 202 },
    ]);
    anthropic.mode = 'ok';
  });

  it('the probe key never appears in a log line, a report or a PagerDuty request', async () => {
    const seen = JSON.stringify({ logs, requests: world.pd.requests });
    expect(logs.filter((l) => l.message === 'inbound shape').length).toBeGreaterThan(0);
    expect(seen).not.toContain(PROBE_KEY);
  });

  it('the probe key parameter missing: that shape is not judged, nothing resolves or fires for it', async () => {
    const config = parseConfig({
      healthTargets: [{ name: 'gateway', url: healthz.url }],
      inboundShapes: [
        { name: 'chat', url: openai.url, shape: 'openai-chat', model: 'm', headersFromSsm: { authorization: '/metis/probe/absent' } },
      ],
    });
    const reports: EvaluationReport[] = [];
    const errors: string[] = [];
    const ssm = new SsmProbeHeaders({ client: world.ssm, maxAgeSeconds: 0 });
    await makeInboundShapeHandler({
      shapes: config.inboundShapes,
      healthTargets: config.healthTargets,
      probeShape: (request) => prober.probe(request),
      probeHealth: (call) => new HttpProber().probe(call),
      headers: (h) => ssm.headersFor(h),
      publisher: { publish: async (report) => void reports.push(report) },
      clock: () => new Date(TUESDAY_10),
      state: new MemoryProbeState(),
      rules: config.rules,
      logger: { info: () => {}, warn: () => {}, error: (_m, fields) => errors.push(String(fields?.reason)) },
    })();
    expect(reports[0]).toMatchObject({ evaluated: [], signals: [] });
    expect(errors).toEqual(['cannot read SSM parameter /metis/probe/absent for a probe header: parameter not found']);
  });
});
