// inbound_shape_down: the one-token request per shape, what counts as "that shape", the health
// gate, and the report's evaluated/resolve semantics at each boundary.
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../../../lambdas/core/config.ts';
import { inboundShapeReport, type ShapeCheck } from '../../../../lambdas/core/probe/inbound-shape-report.ts';
import {
  classifyShapeResponse,
  shapeHealthTarget,
  shapeProblem,
  shapeRequest,
  toShapeJson,
  type InboundShapeTarget,
  type ShapeOutcome,
} from '../../../../lambdas/core/probe/inbound-shape.ts';
import { outcome } from './support.ts';

const NOW = new Date('2026-11-24T10:00:00Z');

describe('shapeRequest', () => {
  it('openai-chat: one user message, max_tokens 1, JSON, no anthropic-version', () => {
    const r = shapeRequest('openai-chat', 'gpt-4o-mini');
    expect(JSON.parse(r.body)).toEqual({ model: 'gpt-4o-mini', max_tokens: 1, messages: [{ role: 'user', content: 'ping' }] });
    expect(r.headers).toEqual({ 'content-type': 'application/json', accept: 'application/json' });
  });
  it('anthropic-messages: the same body plus the anthropic-version header the API requires', () => {
    expect(shapeRequest('anthropic-messages', 'claude-haiku-4-5').headers['anthropic-version']).toBe('2023-06-01');
  });
});

describe('shapeProblem', () => {
  const chat = (body: unknown) => shapeProblem('openai-chat', JSON.stringify(body));
  const messages = (body: unknown) => shapeProblem('anthropic-messages', JSON.stringify(body));

  it('openai-chat: choices[0].message present is the shape, even with null content', () => {
    expect(chat({ choices: [{ message: { role: 'assistant', content: null } }] })).toBeNull();
  });
  it('openai-chat: each missing piece is named', () => {
    expect(chat({})).toBe('choices missing');
    expect(chat({ choices: [] })).toBe('choices is empty');
    expect(chat({ choices: [{ text: 'legacy completion' }] })).toBe('choices[0].message missing');
    expect(chat({ choices: [{ message: 'a string' }] })).toBe('choices[0].message missing');
    expect(chat({ error: { message: 'x' } })).toBe('an error object instead of choices');
  });
  it('anthropic-messages: content blocks each with a type; an empty content array is still the shape', () => {
    expect(messages({ content: [{ type: 'text', text: 'x' }, { type: 'tool_use' }] })).toBeNull();
    expect(messages({ content: [] })).toBeNull();
  });
  it('anthropic-messages: missing content or a block without type is named by index', () => {
    expect(messages({ choices: [{ message: {} }] })).toBe('content missing');
    expect(messages({ content: [{ type: 'text' }, { text: 'x' }] })).toBe('content[1].type missing');
    expect(messages({ content: [{ type: 7 }] })).toBe('content[0].type missing');
    expect(messages({ type: 'error', error: { type: 'overloaded_error' } })).toBe('an error object instead of content');
  });
  it('non-JSON, empty, and non-object bodies', () => {
    expect(shapeProblem('openai-chat', '<html>')).toBe('body is not JSON');
    expect(shapeProblem('openai-chat', '  ')).toBe('empty body');
    expect(shapeProblem('anthropic-messages', '[1,2]')).toBe('body is not a JSON object');
    expect(shapeProblem('anthropic-messages', 'null')).toBe('body is not a JSON object');
  });
});

describe('classifyShapeResponse: status boundaries', () => {
  const body = JSON.stringify({ choices: [{ message: {} }] });
  it('199 and 300 are http_status, 200 and 299 are judged by the body', () => {
    expect(classifyShapeResponse('openai-chat', 199, body)).toMatchObject({
      ok: false,
      failure: 'http_status',
      detail: 'HTTP 199 (expected 2xx)',
    });
    expect(classifyShapeResponse('openai-chat', 200, body)).toEqual({ ok: true, failure: null, detail: null });
    expect(classifyShapeResponse('openai-chat', 299, body)).toEqual({ ok: true, failure: null, detail: null });
    expect(classifyShapeResponse('openai-chat', 300, body)).toMatchObject({ ok: false, failure: 'http_status' });
  });
  it('a 2xx that is not the shape is failure "shape" naming the problem, not quoting the body', () => {
    const verdict = classifyShapeResponse(
      'anthropic-messages',
      200,
      JSON.stringify({ choices: [{ message: { content: 'SECRET PROMPT' } }] }),
    );
    expect(verdict).toEqual({ ok: false, failure: 'shape', detail: 'HTTP 200 but not anthropic-messages: content missing' });
  });
  it('a body cut at the read limit says so', () => {
    expect(classifyShapeResponse('openai-chat', 200, '{"choices":[', true).detail).toBe(
      'HTTP 200 but not openai-chat: body is not JSON (cut at the read limit)',
    );
  });
});

const chat: InboundShapeTarget = {
  name: 'chat',
  url: 'https://gw.example.com/v1/chat/completions',
  shape: 'openai-chat',
  model: 'm',
  timeoutMs: 15000,
};

function shapeOutcome(overrides: Partial<ShapeOutcome> = {}): ShapeOutcome {
  return {
    url: chat.url,
    ok: true,
    failure: null,
    status: 200,
    latencyMs: 300,
    tlsDaysLeft: null,
    shape: 'openai-chat',
    detail: null,
    ...overrides,
  };
}
const down = shapeOutcome({ ok: false, failure: 'http_status', status: 502, detail: 'HTTP 502 (expected 2xx)' });

function check(overrides: Partial<ShapeCheck> = {}): ShapeCheck {
  return { target: chat, healthTarget: 'gateway', health: outcome(), outcome: shapeOutcome(), ...overrides };
}

describe('toShapeJson', () => {
  it('the probe JSON fields in order, plus shape; detail stays out', () => {
    expect(Object.keys(toShapeJson(down))).toEqual(['url', 'ok', 'failure', 'status', 'latencyMs', 'tlsDaysLeft', 'shape']);
  });
});

describe('shapeHealthTarget', () => {
  const targets = [
    { name: 'server', url: 'https://agents.example.com/health' },
    { name: 'gateway', url: 'https://gw.example.com/healthz' },
  ];
  it('the named target wins', () => expect(shapeHealthTarget({ ...chat, healthTarget: 'server' }, targets)?.name).toBe('server'));
  it('else the target on the same origin', () => expect(shapeHealthTarget(chat, targets)?.name).toBe('gateway'));
  it('else the first target', () =>
    expect(shapeHealthTarget({ ...chat, url: 'https://other.example.com/v1/messages' }, targets)?.name).toBe('server'));
  it('a different port is a different origin', () =>
    expect(shapeHealthTarget({ ...chat, url: 'https://gw.example.com:8443/v1/x' }, targets)?.name).toBe('server'));
});

describe('inboundShapeReport', () => {
  it('a shape failing while /healthz is up: one firing SEV2 inbound_shape_down:<name>, rule evaluated', () => {
    const { report, verdicts } = inboundShapeReport([check({ outcome: down })], NOW);
    expect(report.evaluated).toEqual(['inbound_shape_down']);
    expect(report.signals).toHaveLength(1);
    expect(report.signals[0]).toMatchObject({
      source: 'probe',
      rule: 'inbound_shape_down',
      subject: 'chat',
      severity: 'SEV2',
      status: 'firing',
      dedupKey: 'inbound_shape_down:chat',
      observedAt: '2026-11-24T10:00:00.000Z',
      runbook: 'Severity',
      details: { shape: 'openai-chat', failure: 'http_status', status: 502, healthTarget: 'gateway', healthStatus: 200 },
    });
    expect(report.signals[0]!.summary).toContain('check the app logs');
    expect(verdicts).toEqual([
      {
        name: 'chat',
        shape: 'openai-chat',
        verdict: 'shape_down',
        failure: 'http_status',
        status: 502,
        latencyMs: 300,
        reason: 'HTTP 502 (expected 2xx)',
      },
    ]);
  });

  it('the same failure while /healthz fails: no signal at all and the rule is not evaluated (healthz_down owns it)', () => {
    const { report, verdicts } = inboundShapeReport(
      [check({ outcome: down, health: outcome({ ok: false, failure: 'http_status', status: 503 }) })],
      NOW,
    );
    expect(report).toMatchObject({ evaluated: [], signals: [] });
    expect(verdicts[0]!.verdict).toBe('healthz_down');
  });

  it('a failure with /healthz not measured: not judged, nothing fires or resolves', () => {
    const { report, verdicts } = inboundShapeReport([check({ outcome: down, health: null })], NOW);
    expect(report).toMatchObject({ evaluated: [], signals: [] });
    expect(verdicts[0]).toMatchObject({ verdict: 'not_judged', reason: '/healthz of gateway not measured' });
  });

  it('without a gating health target the shape is judged alone', () => {
    const { report } = inboundShapeReport([check({ outcome: down, healthTarget: null, health: null })], NOW);
    expect(report.signals.map((s) => s.status)).toEqual(['firing']);
    expect(report.signals[0]!.summary).not.toContain('/healthz');
  });

  it('a fine shape resolves explicitly; a skipped one keeps the rule out of evaluated so its incident cannot resolve', () => {
    const messages: InboundShapeTarget = { ...chat, name: 'messages', shape: 'anthropic-messages' };
    const { report } = inboundShapeReport(
      [check(), check({ target: messages, outcome: { skipped: 'cannot read SSM parameter /p' } })],
      NOW,
    );
    expect(report.evaluated).toEqual([]);
    expect(report.signals.map((s) => `${s.status} ${s.dedupKey}`)).toEqual(['resolved inbound_shape_down:chat']);
  });

  it('no shapes: nothing evaluated', () => {
    expect(inboundShapeReport([], NOW).report).toEqual({
      source: 'probe',
      reporter: 'inbound-shape',
      evaluatedAt: NOW.toISOString(),
      evaluated: [],
      signals: [],
    });
  });

  it('a key in the URL or detail is redacted in the summary and details', () => {
    const leaky = shapeOutcome({
      ok: false,
      failure: 'shape',
      status: 200,
      detail: 'HTTP 200 but not openai-chat: sk-ant-abcdefghijklmnopqrstuvwxyz0123',
    });
    const { report } = inboundShapeReport([check({ outcome: leaky })], NOW);
    expect(JSON.stringify(report)).not.toContain('sk-ant-abcdefghijklmnopqrstuvwxyz0123');
  });
});

describe('config: inboundShapes', () => {
  const target = { name: 'gateway', url: 'https://gw.example.com/healthz' };
  const shape = { name: 'chat', url: 'https://gw.example.com/v1/chat/completions', shape: 'openai-chat', model: 'm' };
  it('defaults: timeout 15 s, rule on every 5 minutes', () => {
    const config = parseConfig({ healthTargets: [target], inboundShapes: [shape] });
    expect(config.inboundShapes[0]!.timeoutMs).toBe(15000);
    expect(config.rules.inbound_shape_down).toEqual({ enabled: true, scheduleMinutes: 5 });
  });
  it('refuses shapes without a health target, duplicate names, an unknown healthTarget and an unknown shape', () => {
    expect(() => parseConfig({ inboundShapes: [shape] })).toThrow(ConfigError);
    expect(() => parseConfig({ inboundShapes: [shape] })).toThrow('config: inboundShapes: needs at least one healthTargets entry');
    expect(() => parseConfig({ healthTargets: [target], inboundShapes: [shape, shape] })).toThrow(
      'inboundShapes: duplicate shape name "chat"',
    );
    expect(() => parseConfig({ healthTargets: [target], inboundShapes: [{ ...shape, healthTarget: 'nope' }] })).toThrow(
      'config: inboundShapes.0.healthTarget: no healthTargets entry named "nope"',
    );
    expect(() => parseConfig({ healthTargets: [target], inboundShapes: [{ ...shape, shape: 'gemini' }] })).toThrow(
      /inboundShapes\.0\.shape/,
    );
  });
  it('scheduleMinutes 1..60', () => {
    expect(() => parseConfig({ rules: { inbound_shape_down: { scheduleMinutes: 0 } } })).toThrow(
      /rules\.inbound_shape_down\.scheduleMinutes/,
    );
    expect(parseConfig({ rules: { inbound_shape_down: { scheduleMinutes: 60 } } }).rules.inbound_shape_down.scheduleMinutes).toBe(60);
  });
});
