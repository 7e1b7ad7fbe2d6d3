import { describe, expect, it } from 'vitest';
import { byRule, call, calls, evaluateWholeAndBounded, MIN, only } from './helpers.ts';

const rules = only(['requests_hanging']);

describe('requests_hanging', () => {
  it('fires for a model with 3 calls of 300 s or more in 10 min (exactly at both thresholds), on whole and bounded alike', async () => {
    const rows = [
      call({ ago: 2 * MIN, model: 'gpt-4.1', provider: 'openai', latency: 300_000 }),
      call({ ago: 4 * MIN, model: 'gpt-4.1', provider: 'openai', latency: 310_000 }),
      call({ ago: 9 * MIN, model: 'gpt-4.1', provider: 'openai', latency: 420_000 }),
      ...calls(20, { fromAgo: 9 * MIN, model: 'gpt-4.1', provider: 'openai', latency: 900 }),
    ];
    const { whole, bounded } = await evaluateWholeAndBounded(rows, { rules });
    expect(bounded.signals).toEqual(whole.signals);
    const [s] = byRule(whole, 'requests_hanging');
    expect(s?.dedupKey).toBe('requests_hanging:gpt-4.1');
    expect(s?.severity).toBe('SEV3');
    expect(s?.details).toMatchObject({ value: 3, threshold: 3, calls: 23, hangingCalls: 3, maxLatencyMs: 420_000, providers: ['openai'] });
    expect(s?.summary).toMatch(
      /^Requests hanging on gpt-4\.1: 3 of 23 calls in the last 10 min took 300 s or more \(longest 420 s; provider openai\)/,
    );
  });

  it('is quiet with two slow calls, a call 1 ms under 300 s, slow calls older than 10 min, or slow calls spread over models', async () => {
    const rows = [
      call({ ago: 2 * MIN, model: 'gpt-4.1', latency: 400_000 }),
      call({ ago: 3 * MIN, model: 'gpt-4.1', latency: 400_000 }),
      call({ ago: 4 * MIN, model: 'gpt-4.1', latency: 299_999 }),
      call({ ago: 11 * MIN, model: 'gpt-4.1', latency: 400_000 }),
      call({ ago: 2 * MIN, model: 'o3', latency: 400_000 }),
      call({ ago: 2 * MIN, model: 'o3', latency: 'slow' as unknown as number }),
    ];
    const { whole, bounded } = await evaluateWholeAndBounded(rows, { rules });
    expect(byRule(whole, 'requests_hanging')).toEqual([]);
    expect(bounded.signals).toEqual([]);
    expect(whole.healthy.requests_hanging?.sort()).toEqual(['gpt-4.1', 'o3']);
  });

  it('follows hangingMs and minCalls from config', async () => {
    const rows = calls(2, { fromAgo: 5 * MIN, model: 'o3', latency: 60_000 });
    const { whole } = await evaluateWholeAndBounded(rows, {
      rules: only(['requests_hanging'], { requests_hanging: { hangingMs: 60_000, minCalls: 2 } }),
    });
    expect(byRule(whole, 'requests_hanging').map((s) => s.subject)).toEqual(['o3']);
  });
});
