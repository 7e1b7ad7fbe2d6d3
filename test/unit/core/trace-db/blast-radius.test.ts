import { describe, expect, it } from 'vitest';
import { evaluateTraceDb } from '../../../../lambdas/core/trace-db/evaluate.ts';
import { byRule, call, calls, evaluateRows, MIN, NOW, only, route } from './helpers.ts';

const RULES = only(['model_error_rate', 'provider_unavailable', 'latency_p95']);

describe('details.blastRadius on SEV1/SEV2 trace-DB signals', () => {
  const rows = [
    // In the last 15 min: gk_a 30 calls (12 failing on the sick model), gk_b 5 calls, no errors.
    ...calls(30, { fromAgo: 9 * MIN, key: 'gk_a', model: 'sick-model', errors: 12 }),
    ...calls(5, { fromAgo: 14 * MIN, key: 'gk_b' }),
    // Older than 15 min: not in the blast radius.
    ...calls(50, { fromAgo: 40 * MIN, toAgo: 20 * MIN, key: 'gk_old' }),
    // Routing flagged openai:gpt-5 unavailable twice (once failed over), anthropic never.
    route(5 * MIN, [{ provider: 'openai', model: 'gpt-5', verdict: 'unavailable' }]),
    route(4 * MIN, [
      { provider: 'openai', model: 'gpt-5', verdict: 'unavailable' },
      { provider: 'anthropic', model: 'claude-haiku-4-5', verdict: 'ok' },
    ]),
    route(30 * MIN, [{ provider: 'mistral', model: 'large', verdict: 'unavailable' }]),
  ];

  it('per key calls and errors over the last 15 min and the providers marked unavailable, on each SEV2', async () => {
    const result = await evaluateRows(rows, { rules: RULES });
    const errorRate = byRule(result, 'model_error_rate');
    const provider = byRule(result, 'provider_unavailable');
    expect(errorRate.map((s) => s.severity)).toEqual(['SEV2']);
    expect(provider.map((s) => s.severity)).toEqual(['SEV2']);
    const expected = {
      window: { minutes: 15, from: new Date(NOW.getTime() - 15 * MIN).toISOString(), to: NOW.toISOString() },
      keys: [
        { gateway_key_id: 'gk_a', calls: 30, errors: 12 },
        { gateway_key_id: 'gk_b', calls: 5, errors: 0 },
      ],
      moreKeys: 0,
      totals: { keys: 2, calls: 35, errors: 12 },
      unavailableProviders: [{ provider: 'openai', model: 'gpt-5', requests: 2 }],
    };
    expect(errorRate[0]!.details.blastRadius).toEqual(expected);
    expect(provider[0]!.details.blastRadius).toEqual(expected);
  });

  it('SEV3 signals do not carry it (a failed-over provider, a latency spike)', async () => {
    const failover = [
      ...calls(5, { fromAgo: 10 * MIN }),
      route(4 * MIN, [
        { provider: 'openai', model: 'gpt-5', verdict: 'unavailable' },
        { provider: 'anthropic', model: 'claude-haiku-4-5', verdict: 'ok' },
      ]),
    ];
    const [s] = byRule(await evaluateRows(failover, { rules: RULES }), 'provider_unavailable');
    expect(s?.severity).toBe('SEV3');
    expect(s?.details).not.toHaveProperty('blastRadius');
  });

  it('lists the 20 busiest keys and counts the rest', async () => {
    const many = Array.from({ length: 25 }, (_, i) =>
      calls(25 - i, { fromAgo: 10 * MIN, key: `gk_${String(i).padStart(2, '0')}`, errors: 2 }),
    ).flat();
    const [s] = byRule(await evaluateRows([...many, call({ ago: MIN, key: 'gk_00', error: true })], { rules: RULES }), 'model_error_rate');
    const radius = s!.details.blastRadius as { keys: { gateway_key_id: string }[]; moreKeys: number; totals: unknown };
    expect(radius.keys).toHaveLength(20);
    expect(radius.keys[0]).toEqual({ gateway_key_id: 'gk_00', calls: 26, errors: 3 });
    expect(radius.moreKeys).toBe(5);
    // 24 keys x 2 errors, gk_24 has a single (failing) call, plus the extra failing call of gk_00.
    expect(radius.totals).toEqual({ keys: 25, calls: 326, errors: 50 });
  });

  it('a snapshot that cannot be opened: the SEV1 db_integrity signal says why there is no blast radius', () => {
    const result = evaluateTraceDb(
      { kind: 'open-failure', reason: 'not_sqlite', message: 'file is not a database' },
      { now: NOW, rules: only(['db_integrity']) },
    );
    expect(result.signals.map((s) => [s.severity, s.details.blastRadius])).toEqual([
      ['SEV1', { unavailable: 'the trace DB could not be read' }],
    ]);
  });
});
