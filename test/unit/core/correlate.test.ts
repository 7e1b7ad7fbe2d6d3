import { describe, expect, it } from 'vitest';
import { correlate, needsCorrelation } from '../../../lambdas/core/correlate.ts';
import type { Incident } from '../../../lambdas/core/incident.ts';
import type { Signal } from '../../../lambdas/core/signal.ts';

const T = '2026-11-24T10:05:00.000Z';

function sig(rule: string, subject: string, overrides: Partial<Signal> = {}): Signal {
  return {
    source: rule === 'traffic_stopped' ? 'trace-db' : 'probe',
    rule,
    subject,
    severity: rule === 'gateway_down' ? 'SEV1' : 'SEV2',
    status: 'firing',
    dedupKey: `${rule}:${subject}`,
    summary: `${rule} ${subject}`,
    observedAt: T,
    details:
      rule === 'inbound_shape_down' ? { shape: 'openai-chat', status: 502, failure: 'http_status', latencyMs: 80, secretish: 'x' } : {},
    ...overrides,
  };
}
function open(signal: Signal): Incident {
  return {
    dedupKey: signal.dedupKey,
    episode: 1,
    version: 1,
    source: signal.source,
    rule: signal.rule,
    subject: signal.subject,
    severity: signal.severity,
    status: 'open',
    openedAt: T,
    updatedAt: T,
    lastSignal: signal,
    deliveries: [],
    timeline: [],
  };
}
const traffic = sig('traffic_stopped', 'gateway');
const chat = sig('inbound_shape_down', 'chat');
const messages = sig('inbound_shape_down', 'messages');
const derivedOpen = open(sig('gateway_down', 'traffic-stopped'));
const resolvedOf = (s: Signal) => ({ ...s, status: 'resolved' as const });

describe('correlate: gateway_down from traffic_stopped while an inbound shape fails', () => {
  it('traffic_stopped firing while a shape incident is open: one SEV1 gateway_down:traffic-stopped with both causes', () => {
    const [derived, ...rest] = correlate([traffic], [open(chat)]);
    expect(rest).toEqual([]);
    expect(derived).toMatchObject({
      source: 'probe',
      rule: 'gateway_down',
      subject: 'traffic-stopped',
      dedupKey: 'gateway_down:traffic-stopped',
      severity: 'SEV1',
      status: 'firing',
      observedAt: T,
      runbook: 'Severity',
    });
    expect(derived!.summary).toContain('no traffic reaches the trace DB (traffic_stopped:gateway) while inbound shape chat fails');
    expect(derived!.details).toEqual({
      cause: 'traffic_stopped while an inbound shape fails',
      causes: ['traffic_stopped:gateway', 'inbound_shape_down:chat'],
      traffic: [{ dedupKey: 'traffic_stopped:gateway', observedAt: T }],
      // Only the evidence fields travel, not whatever else the shape's details hold.
      shapes: [
        { dedupKey: 'inbound_shape_down:chat', observedAt: T, shape: 'openai-chat', status: 502, failure: 'http_status', latencyMs: 80 },
      ],
    });
  });

  it('a shape firing while traffic_stopped is open derives it too', () => {
    expect(correlate([chat], [open(traffic)]).map((s) => `${s.status} ${s.dedupKey}`)).toEqual(['firing gateway_down:traffic-stopped']);
  });

  it('only one cause: nothing', () => {
    expect(correlate([traffic], [])).toEqual([]);
    expect(correlate([chat], [open(messages)])).toEqual([]);
  });

  it('rules.gateway_down off: nothing derived', () => {
    expect(correlate([traffic], [open(chat)], { gatewayDown: false })).toEqual([]);
  });

  it('traffic_stopped resolves: the open derived incident resolves naming it', () => {
    const [resolved] = correlate([resolvedOf(traffic)], [open(traffic), open(chat), derivedOpen]);
    expect(resolved).toMatchObject({
      status: 'resolved',
      dedupKey: 'gateway_down:traffic-stopped',
      details: { resolvedBy: ['traffic_stopped:gateway'] },
    });
    expect(resolved!.summary).toBe('gateway_down resolved: its cause traffic_stopped:gateway resolved');
  });

  it('one of two failing shapes resolves: still open; the last one resolves it', () => {
    expect(correlate([resolvedOf(chat)], [open(traffic), open(chat), open(messages), derivedOpen])).toEqual([]);
    expect(correlate([resolvedOf(messages)], [open(traffic), open(messages), derivedOpen]).map((s) => s.status)).toEqual(['resolved']);
  });

  it("the shape run's routine resolves of shapes that were never down change nothing", () => {
    expect(correlate([resolvedOf(chat)], [open(traffic), open(messages), derivedOpen])).toEqual([]);
  });

  it('no derived incident open: a resolving cause derives nothing', () => {
    expect(correlate([resolvedOf(traffic)], [open(traffic), open(chat)])).toEqual([]);
  });

  it('signals of other rules: no correlation, no reads needed', () => {
    const other = sig('model_error_rate', 'gpt-4o');
    expect(needsCorrelation([other])).toBe(false);
    expect(correlate([other], [open(traffic), open(chat)])).toEqual([]);
  });
});
