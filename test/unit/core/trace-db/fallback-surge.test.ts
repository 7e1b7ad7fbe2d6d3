import { describe, expect, it } from 'vitest';
import { at, byRule, evaluateWholeAndBounded, MIN, only, raw, route, type Hop } from './helpers.ts';
import type { FixtureRow } from '../../../../tools/trace-db-fixture.ts';

const rules = only(['fallback_surge']);
const FIRST: Hop = { provider: 'anthropic', model: 'claude-sonnet-4-5', verdict: 'ok' };
const OVERLAY = { provider: 'openrouter', model: 'anthropic/claude-sonnet-4-5' };

/**
 * `total` decisions over the last 14 min with `anthropic:claude-sonnet-4-5` first; `fallbacks` of them
 * served by openrouter after the first hop was unavailable. Each has its call, joined by request id:
 * $0.01 on the first choice, $0.012 on the overlay route.
 */
function decisions(total: number, fallbacks: number, prefix = 'r'): FixtureRow[] {
  const rows: FixtureRow[] = [];
  for (let i = 0; i < total; i++) {
    const ago = 14 * MIN - (i * 13 * MIN) / total;
    const requestId = `${prefix}${i}`;
    const fell = i < fallbacks;
    const chain = fell
      ? [
          { ...FIRST, verdict: 'unavailable' },
          { ...OVERLAY, verdict: 'ok' },
        ]
      : [FIRST, { ...OVERLAY, verdict: 'skipped' }];
    rows.push(route(ago, chain, { request_id: requestId }));
    rows.push(
      raw(
        'llm.call_completed',
        at(ago - 1000),
        JSON.stringify({
          request_id: requestId,
          gateway_key_id: 'gk_route',
          model: fell ? OVERLAY.model : FIRST.model,
          provider: fell ? OVERLAY.provider : FIRST.provider,
          stop_reason: 'end_turn',
          usage: { cost_usd: fell ? 0.012 : 0.01 },
          latency_ms: 800,
        }),
        'gk_route',
      ),
    );
  }
  return rows;
}

describe('fallback_surge', () => {
  it('fires when more than 20 % of 50 decisions are served by a later hop, with the serving hops and their extra cost, on whole and bounded alike', async () => {
    const { whole, bounded } = await evaluateWholeAndBounded(decisions(50, 11), { rules });
    expect(bounded.signals).toEqual(whole.signals);
    const [s] = byRule(whole, 'fallback_surge');
    expect(s?.dedupKey).toBe('fallback_surge:anthropic:claude-sonnet-4-5');
    expect(s?.severity).toBe('SEV3');
    expect(s?.summary).toMatch(
      /^Fallback surge from anthropic:claude-sonnet-4-5: 11 of 50 routing decisions in the last 15 min \(22%, threshold 20%\) were served by a later hop, mostly openrouter:anthropic\/claude-sonnet-4-5 \(11\); the fallback calls cost \$0\.02 more than the first choice's own mean \(\$0\.01 a call\)/,
    );
    expect(s?.details).toMatchObject({
      value: 0.22,
      threshold: 0.2,
      decisions: 50,
      servedByFallback: 11,
      servedByFirstChoice: { requests: 39, calls: 39, costUsd: 0.39 },
      firstChoiceMeanCostUsd: 0.01,
      servingHops: [
        { hop: 'openrouter:anthropic/claude-sonnet-4-5', requests: 11, calls: 11, costUsd: 0.132, meanCostUsd: 0.012, extraCostUsd: 0.022 },
      ],
      extraCostUsd: 0.022,
    });
  });

  it('is quiet at exactly 20 % (10 of 50), at 2 %, and under 50 decisions (49, 20 of them fallbacks)', async () => {
    for (const [total, fallbacks] of [
      [50, 10],
      [50, 1],
      [49, 20],
    ] as const) {
      const { whole, bounded } = await evaluateWholeAndBounded(decisions(total, fallbacks), { rules });
      expect(byRule(whole, 'fallback_surge')).toEqual([]);
      expect(bounded.signals).toEqual([]);
      expect(whole.healthy.fallback_surge).toEqual(total >= 50 ? ['anthropic:claude-sonnet-4-5'] : undefined);
    }
  });

  it('counts a fallback whatever the first hop answered, ignores decisions older than 15 min, and says so when there is no first-choice call to compare', async () => {
    const rows: FixtureRow[] = [];
    for (let i = 0; i < 50; i++) {
      const first = { ...FIRST, verdict: i % 2 ? 'error' : 'over_budget' };
      rows.push(route(14 * MIN - i * 10_000, [first, { ...OVERLAY, verdict: 'selected' }], { request_id: `q${i}` }));
    }
    // Old surge, outside the window.
    rows.push(...decisions(60, 60, 'old').map((r) => ({ ...r, timestamp: at(20 * MIN) })));
    const { whole, bounded } = await evaluateWholeAndBounded(rows, { rules });
    expect(bounded.signals).toEqual(whole.signals);
    const [s] = byRule(whole, 'fallback_surge');
    expect(s?.details).toMatchObject({ decisions: 50, servedByFallback: 50, firstChoiceMeanCostUsd: null, extraCostUsd: null });
    expect(s?.details.servingHops).toEqual([
      { hop: 'openrouter:anthropic/claude-sonnet-4-5', requests: 50, calls: 0, costUsd: 0, meanCostUsd: null, extraCostUsd: null },
    ]);
    expect(s?.summary).toContain('no call served by the first choice in the window to compare costs with');
  });

  it('skips chains that are not arrays of hops and payloads that are not JSON', async () => {
    const rows = [...decisions(50, 11), route(MIN, 'not-a-chain'), route(MIN, [42]), raw('route.decided', at(MIN), '{broken')];
    const { whole } = await evaluateWholeAndBounded(rows, { rules });
    expect(byRule(whole, 'fallback_surge').map((s) => s.details.decisions)).toEqual([50]);
    expect(whole.errors).toEqual([]);
  });
});
