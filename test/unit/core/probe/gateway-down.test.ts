// gateway_down from the inbound-shape run: every shape failing two runs in a row is SEV1 whatever /healthz
// says; one shape down is not; a shape that was not measured neither counts nor resolves.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../../lambdas/core/config.ts';
import { gatewayDown, gatewaySubject, withGatewayDown } from '../../../../lambdas/core/probe/gateway-down.ts';
import type { ShapeCheck } from '../../../../lambdas/core/probe/inbound-shape-report.ts';
import type { InboundShapeTarget, ShapeOutcome } from '../../../../lambdas/core/probe/inbound-shape.ts';
import { EMPTY_SHAPE_RUN_STATE, type ShapeRunState } from '../../../../lambdas/core/probe/shape-run-state.ts';
import { outcome } from './support.ts';

const T0 = new Date('2026-11-24T10:00:00.000Z');
const T5 = new Date('2026-11-24T10:05:00.000Z');
const RULES = parseConfig({}).rules;

const target = (name: string, shape: InboundShapeTarget['shape']): InboundShapeTarget => ({
  name,
  url: `https://gw.example.com/v1/${name}`,
  shape,
  model: 'm',
  timeoutMs: 15000,
});
const CHAT = target('chat', 'openai-chat');
const MESSAGES = target('messages', 'anthropic-messages');

function shapeOutcome(t: InboundShapeTarget, overrides: Partial<ShapeOutcome> = {}): ShapeOutcome {
  return {
    url: t.url,
    ok: true,
    failure: null,
    status: 200,
    latencyMs: 300,
    tlsDaysLeft: null,
    shape: t.shape,
    detail: null,
    ...overrides,
  };
}
const failing = (t: InboundShapeTarget) =>
  shapeOutcome(t, { ok: false, failure: 'http_status', status: 502, detail: 'HTTP 502 (expected 2xx)' });
const timedOut = (t: InboundShapeTarget) =>
  shapeOutcome(t, { ok: false, failure: 'timeout', status: null, latencyMs: 15000, detail: 'no answer within 15000 ms' });

function check(t: InboundShapeTarget, result: ShapeCheck['outcome'], overrides: Partial<ShapeCheck> = {}): ShapeCheck {
  return { target: t, healthTarget: 'gateway', health: outcome(), outcome: result, ...overrides };
}

/** Two runs 5 min apart, the second reading the first's state. */
function twoRuns(first: ShapeCheck[], second: ShapeCheck[], rules = RULES) {
  const one = gatewayDown(first, EMPTY_SHAPE_RUN_STATE, rules, T0);
  return { one, two: gatewayDown(second, one.next, rules, T5) };
}

describe('gatewayDown', () => {
  it("every shape failing two runs in a row while /healthz is green: SEV1 gateway_down:<health target> with each shape's evidence", () => {
    const run = [check(CHAT, failing(CHAT)), check(MESSAGES, timedOut(MESSAGES))];
    const { one, two } = twoRuns(run, run);
    expect(one.signals).toEqual([]);
    expect(one.evaluated).toEqual(['gateway_down']);
    expect(one.healthy).toEqual({ gateway_down: [] });
    expect(two.signals).toHaveLength(1);
    const signal = two.signals[0]!;
    expect(signal).toMatchObject({
      source: 'probe',
      rule: 'gateway_down',
      subject: 'gateway',
      severity: 'SEV1',
      status: 'firing',
      dedupKey: 'gateway_down:gateway',
      observedAt: T5.toISOString(),
    });
    expect(signal.summary).toMatch(
      /^gateway_down SEV1: total gateway outage: every inbound shape failed 2 runs in a row while \/healthz of gateway answers ok \(openai-chat \(chat\): HTTP 502 \(expected 2xx\); anthropic-messages \(messages\): no answer within 15000 ms\)/,
    );
    expect(signal.details).toEqual({
      cause: 'every inbound shape failing',
      shapes: [
        {
          name: 'chat',
          shape: 'openai-chat',
          url: CHAT.url,
          status: 502,
          failure: 'http_status',
          latencyMs: 300,
          detail: 'HTTP 502 (expected 2xx)',
          failedRuns: 2,
        },
        {
          name: 'messages',
          shape: 'anthropic-messages',
          url: MESSAGES.url,
          status: null,
          failure: 'timeout',
          latencyMs: 15000,
          detail: 'no answer within 15000 ms',
          failedRuns: 2,
        },
      ],
      healthz: [{ target: 'gateway', ok: true, status: 200 }],
    });
    expect(two.next).toEqual({
      shapes: { chat: { at: T5.toISOString(), failedRuns: 2 }, messages: { at: T5.toISOString(), failedRuns: 2 } },
    });
  });

  it('fires also when /healthz is down (the evidence says so)', () => {
    const red = outcome({ ok: false, failure: 'http_status', status: 503 });
    const run = [check(CHAT, failing(CHAT), { health: red }), check(MESSAGES, failing(MESSAGES), { health: red })];
    const signal = twoRuns(run, run).two.signals[0]!;
    expect(signal.severity).toBe('SEV1');
    expect(signal.summary).not.toContain('answers ok');
    expect(signal.details.healthz).toEqual([{ target: 'gateway', ok: false, status: 503 }]);
  });

  it('one shape down is not a total outage: no gateway_down, and the rule is evidence of health', () => {
    const run = [check(CHAT, failing(CHAT)), check(MESSAGES, shapeOutcome(MESSAGES))];
    const { two } = twoRuns(run, run);
    expect(two.signals).toEqual([]);
    expect(two.evaluated).toEqual(['gateway_down']);
    expect(two.healthy).toEqual({ gateway_down: ['gateway'] });
  });

  it('failures must be in a row: fail, ok, fail is not two runs', () => {
    const down = [check(CHAT, failing(CHAT))];
    const first = gatewayDown(down, EMPTY_SHAPE_RUN_STATE, RULES, T0);
    const second = gatewayDown([check(CHAT, shapeOutcome(CHAT))], first.next, RULES, T5);
    const third = gatewayDown(down, second.next, RULES, new Date('2026-11-24T10:10:00Z'));
    expect(third.signals).toEqual([]);
  });

  it('a shape not measured (probe key unreadable): not evaluated, nothing fires or resolves, its count carries over', () => {
    const previous: ShapeRunState = {
      shapes: { chat: { at: T0.toISOString(), failedRuns: 1 }, messages: { at: T0.toISOString(), failedRuns: 1 } },
    };
    const result = gatewayDown(
      [check(CHAT, failing(CHAT)), check(MESSAGES, { skipped: 'cannot read SSM parameter /p' })],
      previous,
      RULES,
      T5,
    );
    expect(result).toMatchObject({ signals: [], evaluated: [], healthy: {} });
    expect(result.next.shapes.messages).toEqual(previous.shapes.messages);
    expect(result.next.shapes.chat).toEqual({ at: T5.toISOString(), failedRuns: 2 });
  });

  it('an unreadable previous state (null): every failure counts as a first one, never an early page', () => {
    const run = [check(CHAT, failing(CHAT))];
    expect(gatewayDown(run, null, RULES, T5).signals).toEqual([]);
  });

  it('disabled: not evaluated and never fires, the counts are still kept', () => {
    const rules = parseConfig({ rules: { gateway_down: { enabled: false } } }).rules;
    const run = [check(CHAT, failing(CHAT))];
    const { two } = twoRuns(run, run, rules);
    expect(two).toMatchObject({ signals: [], evaluated: [], healthy: {} });
    expect(two.next.shapes.chat?.failedRuns).toBe(2);
  });

  it('no shapes configured: nothing', () => {
    expect(gatewayDown([], EMPTY_SHAPE_RUN_STATE, RULES, T0)).toEqual({ signals: [], evaluated: [], healthy: {}, next: { shapes: {} } });
  });
});

describe('gatewaySubject', () => {
  it('the one health target all shapes share, else `gateway`', () => {
    expect(gatewaySubject([{ healthTarget: 'edge' }, { healthTarget: 'edge' }])).toBe('edge');
    expect(gatewaySubject([{ healthTarget: 'edge' }, { healthTarget: 'server' }])).toBe('gateway');
    expect(gatewaySubject([{ healthTarget: null }])).toBe('gateway');
  });
});

describe('withGatewayDown', () => {
  it('adds the verdict to the shape report: evaluated, healthy and signals', () => {
    const report = { source: 'probe' as const, evaluatedAt: T0.toISOString(), evaluated: ['inbound_shape_down'], signals: [] };
    const verdict = gatewayDown([check(CHAT, shapeOutcome(CHAT))], EMPTY_SHAPE_RUN_STATE, RULES, T0);
    expect(withGatewayDown(report, verdict)).toEqual({
      ...report,
      evaluated: ['inbound_shape_down', 'gateway_down'],
      healthy: { gateway_down: ['gateway'] },
    });
  });
});
