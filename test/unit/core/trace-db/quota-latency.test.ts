import { describe, expect, it } from 'vitest';
import type { FixtureRow } from '../../../../tools/trace-db-fixture.ts';
import { at, byRule, call, evaluateRows, HOUR, MIN, only, quota, raw } from './helpers.ts';

describe('quota_alert', () => {
  const RULES = only(['quota_alert']);

  it('fires SEV3 per key with quota.alert events in the last 15 min, with count, times and the facts of the latest payload (never the payload)', async () => {
    const rows = [
      quota(14 * MIN, 'gk_tenant', { spent_usd: 4.0, prompt: 'customer text must not leak' }),
      quota(5 * MIN, 'gk_tenant', { spent_usd: 4.2 }),
      quota(2 * MIN, 'gk_tenant', { spent_usd: 4.4, content: 'also secret' }),
      quota(20 * MIN, 'gk_old'),
      quota(1 * MIN, 'gk_other'),
    ];
    const result = await evaluateRows(rows, { rules: RULES });
    const signals = byRule(result, 'quota_alert');
    expect(signals.map((s) => [s.subject, s.severity, s.details.alerts])).toEqual([
      ['gk_tenant', 'SEV3', 3],
      ['gk_other', 'SEV3', 1],
    ]);
    const [tenant] = signals;
    expect(tenant!.dedupKey).toBe('quota_alert:gk_tenant');
    expect(tenant!.details).toMatchObject({
      value: 3,
      firstAt: '2026-11-20T14:46:00.000Z',
      lastAt: '2026-11-20T14:58:00.000Z',
      latest: { kind: null, thresholdPct: 80, spentUsd: 4.4, capUsd: null, otherFields: 1 },
      window: { minutes: 15 },
    });
    expect(tenant!.details).not.toHaveProperty('latestPayload');
    expect(JSON.stringify(result.signals)).not.toContain('also secret');
    expect(JSON.stringify(result.signals)).not.toContain('content');
    expect(tenant!.summary).toContain('3 quota.alert events in the last 15 min');
  });

  it('honours lookbackMinutes and stays quiet without alerts', async () => {
    const rows = [quota(20 * MIN, 'gk_old')];
    expect(byRule(await evaluateRows(rows, { rules: RULES }), 'quota_alert')).toEqual([]);
    const longer = await evaluateRows(rows, { rules: only(['quota_alert'], { quota_alert: { lookbackMinutes: 30 } }) });
    expect(byRule(longer, 'quota_alert').map((s) => s.subject)).toEqual(['gk_old']);
  });

  it('reads a malformed quota.alert without crashing (subject unknown, payload flagged)', async () => {
    const result = await evaluateRows([raw('quota.alert', at(MIN), 'not json')], { rules: RULES });
    expect(byRule(result, 'quota_alert').map((s) => [s.subject, s.details.latest, s.details.payloadProblem])).toEqual([
      ['(unknown)', null, 'payload is not JSON'],
    ]);
  });

  it('ships only known fields of known types: a request body, a prompt or a long kind in the payload never leaves', async () => {
    const payload = {
      gateway_key_id: 'gk_tenant',
      kind: 'daily_cap_soft',
      threshold_pct: 80,
      spent_usd: 4.05,
      daily_cap_usd: 5,
      request: { messages: [{ role: 'user', content: 'PATIENT RECORD 4711' }] },
      note: 'owner alice@example.com',
    };
    const result = await evaluateRows([quota(MIN, 'gk_tenant', payload)], { rules: RULES });
    const [signal] = byRule(result, 'quota_alert');
    expect(signal!.details.latest).toEqual({ kind: 'daily_cap_soft', thresholdPct: 80, spentUsd: 4.05, capUsd: 5, otherFields: 2 });
    const weird = await evaluateRows([quota(MIN, 'gk_tenant', { kind: 'the user asked: summarise my medical record', spent_usd: '4' })], {
      rules: RULES,
    });
    expect(byRule(weird, 'quota_alert')[0]!.details.latest).toEqual({
      kind: null,
      thresholdPct: 80,
      spentUsd: null,
      capUsd: null,
      otherFields: 0,
    });
    expect(JSON.stringify([result.signals, weird.signals])).not.toMatch(/PATIENT|alice|medical/);
  });
});

describe('latency_p95', () => {
  const RULES = only(['latency_p95']);
  /** 100 baseline calls over the 7 days before the window, latencies 10, 20, ... 1000 ms: p95 = 950. */
  const baseline: FixtureRow[] = Array.from({ length: 100 }, (_, i) => call({ ago: 11 * MIN + i * HOUR, latency: 10 * (i + 1) }));
  const recent = (n: number, latency: number, model = 'claude-haiku-4-5') =>
    Array.from({ length: n }, (_, i) => call({ ago: 9 * MIN - i * 5000, latency, model }));

  it('fires SEV3 when the 10-minute p95 is above 2x the 7-day p95 with at least 50 calls', async () => {
    const result = await evaluateRows([...baseline, ...recent(40, 1901), ...recent(10, 3000, 'gpt-4.1')], { rules: RULES });
    const [s] = byRule(result, 'latency_p95');
    expect(s).toMatchObject({ subject: 'gateway', severity: 'SEV3', dedupKey: 'latency_p95:gateway' });
    expect(s!.details).toMatchObject({
      value: 3000,
      threshold: 1900,
      calls: 50,
      baselineP95Ms: 950,
      baselineCalls: 100,
      byModel: [
        { model: 'gpt-4.1', calls: 10, p95Ms: 3000 },
        { model: 'claude-haiku-4-5', calls: 40, p95Ms: 1901 },
      ],
    });
    expect(s!.summary).toContain('Slowest model: gpt-4.1');
    expect(result.metrics).toMatchObject({ latencyP95Ms: 3000, latencyBaselineP95Ms: 950, latencyWindowCalls: 50 });
  });

  it('does not fire at exactly 2x (strict) nor with 49 calls', async () => {
    expect(byRule(await evaluateRows([...baseline, ...recent(50, 1900)], { rules: RULES }), 'latency_p95')).toEqual([]);
    const few = await evaluateRows([...baseline, ...recent(49, 5000)], { rules: RULES });
    expect(byRule(few, 'latency_p95')).toEqual([]);
    expect(few.metrics).toMatchObject({ latencyP95Ms: 5000, latencyWindowCalls: 49 });
    const configured = await evaluateRows([...baseline, ...recent(49, 5000)], {
      rules: only(['latency_p95'], { latency_p95: { minCalls: 49 } }),
    });
    expect(byRule(configured, 'latency_p95')).toHaveLength(1);
  });

  it('ignores non-numeric and negative latencies, and has no baseline on an empty history', async () => {
    const junk = [
      raw('llm.call_completed', at(MIN), '{"latency_ms": "slow"}'),
      raw('llm.call_completed', at(MIN), '{"latency_ms": -5}'),
      raw('llm.call_completed', at(MIN), '{"latency_ms": null}'),
    ];
    const result = await evaluateRows([...recent(60, 9000), ...junk], { rules: RULES });
    expect(result.evaluated).toContain('latency_p95');
    expect(byRule(result, 'latency_p95')).toEqual([]);
    expect(result.metrics).toMatchObject({ latencyP95Ms: 9000, latencyBaselineP95Ms: null, latencyWindowCalls: 60 });
  });
});
