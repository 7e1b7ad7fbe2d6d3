import { describe, expect, it } from 'vitest';
import { buildTraceDb } from '../../../../tools/trace-db-fixture.ts';
import { openSqlJs } from '../../../../lambdas/adapters/sqljs-database.ts';
import { redactText } from '../../../../lambdas/core/redact.ts';
import { byRule, call, calls, evaluateRows, MIN, HOUR, only, raw, at, NOW } from './helpers.ts';

const RULES = only(['model_error_rate']);

describe('model_error_rate', () => {
  it('fires SEV2 per model when the error share is above 5 % with at least 20 calls, with the runbook rows in details', async () => {
    const result = await evaluateRows(
      [
        ...calls(60, { fromAgo: 9 * MIN, model: 'gpt-4.1', provider: 'openai', errors: 6 }),
        ...calls(40, { fromAgo: 9 * MIN, model: 'claude-haiku-4-5', errors: 1 }),
      ],
      { rules: RULES },
    );
    expect(result.evaluated).toEqual(['trace_db_schema', 'model_error_rate', 'trace_db_clock_skew']);
    const [signal, ...rest] = byRule(result, 'model_error_rate');
    expect(rest).toHaveLength(0);
    expect(signal).toMatchObject({
      source: 'trace-db',
      rule: 'model_error_rate',
      subject: 'gpt-4.1',
      severity: 'SEV2',
      status: 'firing',
      dedupKey: 'model_error_rate:gpt-4.1',
      observedAt: NOW.toISOString(),
      runbook: 'Provider down',
    });
    expect(signal!.details).toMatchObject({
      value: 0.1,
      threshold: 0.05,
      minCalls: 20,
      calls: 60,
      errors: 6,
      errorPct: 10,
      byProvider: [{ provider: 'openai', calls: 60, errors: 6, errorPct: 10 }],
      malformedPayloadsInWindow: 0,
      window: { minutes: 10, from: '2026-11-20T14:50:00.000Z', to: '2026-11-20T15:00:00.000Z' },
    });
    expect(signal!.summary).toContain('6 of 60 calls (10%)');
    expect(signal!.summary).toContain('METIS_GATEWAY_GLOBAL_DEFAULT');
    expect(signal!.summary).not.toMatch(/\n/);
    expect(result.metrics.errorShareByModel).toEqual({
      'claude-haiku-4-5': { calls: 40, errors: 1, share: 0.025 },
      'gpt-4.1': { calls: 60, errors: 6, share: 0.1 },
    });
  });

  it('does not fire at exactly 5 % (strictly greater) and fires just above', async () => {
    const exactly = await evaluateRows(
      [...calls(20, { fromAgo: 9 * MIN, errors: 1 }), ...calls(60, { fromAgo: 9 * MIN, model: 'm2', errors: 3 })],
      { rules: RULES },
    );
    expect(byRule(exactly, 'model_error_rate')).toEqual([]);
    expect(exactly.metrics.errorShareByModel?.m2).toEqual({ calls: 60, errors: 3, share: 0.05 });
    const above = await evaluateRows(calls(59, { fromAgo: 9 * MIN, errors: 3 }), { rules: RULES });
    expect(byRule(above, 'model_error_rate').map((s) => s.subject)).toEqual(['claude-haiku-4-5']);
  });

  it('needs minCalls: 19 calls with 9 errors never fire (47 %), 20 calls do', async () => {
    const nineteen = await evaluateRows(calls(19, { fromAgo: 9 * MIN, errors: 9 }), { rules: RULES });
    expect(byRule(nineteen, 'model_error_rate')).toEqual([]);
    expect(nineteen.evaluated).toContain('model_error_rate');
    // Neither firing nor healthy: an open incident stays open on too small a sample.
    expect(nineteen.healthy.model_error_rate).toBeUndefined();
    const twenty = await evaluateRows(calls(20, { fromAgo: 9 * MIN, errors: 10 }), { rules: RULES });
    expect(byRule(twenty, 'model_error_rate')[0]?.details).toMatchObject({ calls: 20, errors: 10, value: 0.5 });
  });

  describe('minErrors: a quiet model failing every call pages', () => {
    it('9 of 9 calls failing stay quiet (below both minCalls and minErrors)', async () => {
      const result = await evaluateRows(calls(9, { fromAgo: 9 * MIN, errors: 9 }), { rules: RULES });
      expect(byRule(result, 'model_error_rate')).toEqual([]);
      expect(result.healthy.model_error_rate).toBeUndefined();
    });

    it('10 of 10 calls failing fire SEV2, and the summary says which guard let it through', async () => {
      const result = await evaluateRows(calls(10, { fromAgo: 9 * MIN, errors: 10 }), { rules: RULES });
      const [signal, ...rest] = byRule(result, 'model_error_rate');
      expect(rest).toEqual([]);
      expect(signal).toMatchObject({ severity: 'SEV2', subject: 'claude-haiku-4-5' });
      expect(signal!.details).toMatchObject({ calls: 10, errors: 10, value: 1, minCalls: 20, minErrors: 10 });
      expect(signal!.summary).toContain('10 of 10 calls (100%)');
      expect(signal!.summary).toContain('below 20 calls but at least 10 errors');
    });

    it('15 of 15 calls failing in 10 min fire (the case the 20-call minimum used to hide)', async () => {
      const result = await evaluateRows(calls(15, { fromAgo: 9 * MIN, errors: 15 }), { rules: RULES });
      expect(byRule(result, 'model_error_rate').map((s) => [s.subject, s.details.errors, s.details.calls])).toEqual([
        ['claude-haiku-4-5', 15, 15],
      ]);
    });

    it('10 errors in 300 calls (3.3 %) stay quiet: minErrors never lowers the percentage threshold', async () => {
      const result = await evaluateRows(calls(300, { fromAgo: 9 * MIN, errors: 10 }), { rules: RULES });
      expect(byRule(result, 'model_error_rate')).toEqual([]);
      expect(result.healthy.model_error_rate).toEqual(['claude-haiku-4-5']);
    });

    it('takes minErrors from config', async () => {
      const rules = only(['model_error_rate'], { model_error_rate: { minErrors: 5 } });
      const four = await evaluateRows(calls(4, { fromAgo: 9 * MIN, errors: 4 }), { rules });
      expect(byRule(four, 'model_error_rate')).toEqual([]);
      const five = await evaluateRows(calls(5, { fromAgo: 9 * MIN, errors: 5 }), { rules });
      expect(byRule(five, 'model_error_rate').map((s) => s.details.minErrors)).toEqual([5]);
    });
  });

  it('takes threshold, minCalls and windowMinutes from config', async () => {
    const rows = [...calls(10, { fromAgo: 25 * MIN, toAgo: 11 * MIN, errors: 2 }), ...calls(10, { fromAgo: 9 * MIN })];
    expect(byRule(await evaluateRows(rows, { rules: RULES }), 'model_error_rate')).toEqual([]);
    const wide = await evaluateRows(rows, {
      rules: only(['model_error_rate'], { model_error_rate: { windowMinutes: 30, minCalls: 20, threshold: 0.09 } }),
    });
    expect(byRule(wide, 'model_error_rate')[0]?.details).toMatchObject({
      calls: 20,
      errors: 2,
      value: 0.1,
      threshold: 0.09,
      window: { minutes: 30 },
    });
    const strict = await evaluateRows(rows, {
      rules: only(['model_error_rate'], { model_error_rate: { windowMinutes: 30, threshold: 0.1 } }),
    });
    expect(byRule(strict, 'model_error_rate')).toEqual([]);
  });

  it('is not evaluated when disabled', async () => {
    const result = await evaluateRows(calls(40, { fromAgo: 9 * MIN, errors: 20 }), { rules: only([]) });
    expect(result.evaluated).not.toContain('model_error_rate');
    expect(result.signals).toEqual([]);
  });

  it('compares instants, not strings: the runbook trap of ISO "T...Z" text against datetime() text', async () => {
    // 30 failed calls three hours ago written as '2026-11-20T12:00:00Z' and 30 good calls five minutes
    // ago written as '2026-11-20 14:55:00'. As text, 'T' sorts after ' ', so the old failures compare
    // greater than datetime('now', '-10 minutes') = '2026-11-20 14:50:00' and a string comparison
    // counts them: 50 % errors, a false SEV2 page.
    const rows = [
      ...Array.from({ length: 30 }, () => call({ ago: 3 * HOUR, error: true, style: 'iso-z' })),
      ...Array.from({ length: 30 }, (_, i) => call({ ago: 5 * MIN + i * 1000, style: 'space' })),
    ];
    const db = await openSqlJs(await buildTraceDb(rows));
    const naive = db.all(
      `SELECT COUNT(*) AS calls, SUM(json_extract(payload, '$.stop_reason') = 'error') AS errors FROM events
       WHERE type = 'llm.call_completed' AND timestamp > :bound`,
      { bound: '2026-11-20 14:50:00' },
    );
    expect(naive).toEqual([{ calls: 60, errors: 30 }]); // the trap is real on this data
    db.close();

    const result = await evaluateRows(rows, { rules: RULES });
    expect(byRule(result, 'model_error_rate')).toEqual([]);
    expect(result.metrics.errorShareByModel).toEqual({ 'claude-haiku-4-5': { calls: 30, errors: 0, share: 0 } });
  });

  it('accepts T or space, fractional seconds, Z and +00:00 or other offsets as the same instants', async () => {
    const styles = ['iso-z', 'space', 'python', 'offset'] as const;
    const rows = styles.flatMap((style) => [
      call({ ago: 5 * MIN, style, error: true }),
      call({ ago: 11 * MIN, style, error: true }),
      ...Array.from({ length: 5 }, () => call({ ago: 4 * MIN, style })),
    ]);
    const result = await evaluateRows(rows, { rules: only(['model_error_rate'], { model_error_rate: { minCalls: 24 } }) });
    // Per style: 1 error + 5 good in the window, the 11-minute-old error outside it.
    expect(byRule(result, 'model_error_rate')[0]?.details).toMatchObject({ calls: 24, errors: 4 });
    expect(raw('x', at(0, 'offset'), '{}').timestamp).toBe('2026-11-20T17:00:00+02:00');
  });

  it('survives payloads that are not JSON or lack fields, and counts the malformed ones', async () => {
    const rows = [
      ...calls(20, { fromAgo: 9 * MIN, errors: 2 }),
      raw('llm.call_completed', at(MIN), '{"model": "claude-haiku-4-5", "stop_reason": "error", truncated'),
      raw('llm.call_completed', at(MIN), 'not json at all'),
      raw('llm.call_completed', at(MIN), '{}'),
      raw('llm.call_completed', at(MIN), '"a string"'),
      raw('llm.call_completed', at(MIN), '[1, 2]'),
      raw('llm.call_completed', 'yesterday-ish', '{"model": "claude-haiku-4-5", "stop_reason": "error"}'),
      raw('llm.call_completed', at(MIN), '{"model": 42, "stop_reason": ["error"]}'),
    ];
    const result = await evaluateRows(rows, { rules: RULES });
    expect(result.errors).toEqual([]);
    const signal = byRule(result, 'model_error_rate')[0];
    expect(signal?.details).toMatchObject({ calls: 20, errors: 2, value: 0.1, malformedPayloadsInWindow: 2 });
    expect(result.metrics.errorShareByModel).toMatchObject({ '(unknown)': { calls: 3, errors: 0 }, '42': { calls: 1, errors: 0 } });
  });

  it('ignores events stamped in the future (clock-skewed snapshot) and reports the skew', async () => {
    const rows = [
      ...calls(20, { fromAgo: 9 * MIN }),
      ...Array.from({ length: 20 }, (_, i) => call({ ago: -(30 * MIN + i * 1000), error: true })),
    ];
    const result = await evaluateRows(rows, { rules: RULES });
    expect(byRule(result, 'model_error_rate')).toEqual([]);
    expect(result.metrics.errorShareByModel).toEqual({ 'claude-haiku-4-5': { calls: 20, errors: 0, share: 0 } });
    const [skew] = byRule(result, 'trace_db_clock_skew');
    expect(skew).toMatchObject({ severity: 'SEV4', subject: 'trace-db', dedupKey: 'trace_db_clock_skew:trace-db' });
    expect(skew!.details).toMatchObject({ value: 20, maxAheadSeconds: 30 * 60 + 19, latestFutureAt: '2026-11-20T15:30:19.000Z' });
    expect(result.metrics.futureEvents).toBe(20);
  });

  it('a window with no traffic gives no signal and no division by zero', async () => {
    const result = await evaluateRows(calls(50, { fromAgo: 3 * HOUR, toAgo: 2 * HOUR, errors: 50 }), { rules: RULES });
    expect(result.evaluated).toContain('model_error_rate');
    expect(byRule(result, 'model_error_rate')).toEqual([]);
    expect(result.metrics.errorShareByModel).toEqual({});
  });

  it('redacts secrets that end up in a model name', async () => {
    const model = 'leak-sk-ant-api03-abcdefghijklmnop';
    const result = await evaluateRows(calls(20, { fromAgo: 9 * MIN, errors: 5, model }), { rules: RULES });
    const [signal] = byRule(result, 'model_error_rate');
    expect(signal!.summary).not.toContain('sk-ant-api03');
    expect(signal!.summary).toContain('[REDACTED]');
    expect(signal!.subject).toBe(redactText(model));
    expect(signal!.subject).not.toContain('sk-ant-api03');
    expect(signal!.dedupKey).toBe(`model_error_rate:${redactText(model)}`);
    expect(JSON.stringify(signal!.details)).not.toContain('sk-ant-api03');
  });
});
