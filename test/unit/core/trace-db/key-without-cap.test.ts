import { describe, expect, it } from 'vitest';
import { at, byRule, call, calls, evaluateWholeAndBounded, HOUR, MIN, only, quota, raw } from './helpers.ts';

const rules = only(['key_without_cap']);

describe('key_without_cap', () => {
  it('lists each key that called in 24 h with no daily cap as one SEV4 entry, on whole and bounded alike', async () => {
    const rows = [
      ...calls(3, { fromAgo: 5 * HOUR, key: 'gk_plain', cost: 0.5 }),
      raw('key.issued', at(10 * HOUR), JSON.stringify({ gateway_key_id: 'gk_null', daily_cap_usd: null }), 'gk_null'),
      call({ ago: 1 * HOUR, key: 'gk_null' }),
      // A cap stated 30 h ago is outside the window on both shapes.
      raw('key.issued', at(30 * HOUR), JSON.stringify({ gateway_key_id: 'gk_old', daily_cap_usd: 5 }), 'gk_old'),
      call({ ago: 23 * HOUR + 59 * MIN, key: 'gk_old' }),
    ];
    const { whole, bounded } = await evaluateWholeAndBounded(rows, { rules });
    expect(bounded.signals).toEqual(whole.signals);
    const signals = byRule(whole, 'key_without_cap');
    expect(signals.map((s) => `${s.severity} ${s.dedupKey}`)).toEqual([
      'SEV4 key_without_cap:gk_null',
      'SEV4 key_without_cap:gk_old',
      'SEV4 key_without_cap:gk_plain',
    ]);
    const plain = signals.find((s) => s.subject === 'gk_plain');
    expect(plain?.details).toMatchObject({ calls24h: 3, spend24hUsd: 1.5, capStatement: 'none' });
    expect(plain?.summary).toContain('--daily-cap-usd');
    expect(signals.find((s) => s.subject === 'gk_null')?.details.capStatement).toBe('no cap');
  });

  it('is quiet for a capped key (daily_cap_usd on any event, or a daily_cap_soft quota.alert) and a key that last called over 24 h ago', async () => {
    const rows = [
      call({ ago: 2 * HOUR, key: 'gk_capped' }),
      raw(
        'llm.call_completed',
        at(3 * HOUR),
        JSON.stringify({ gateway_key_id: 'gk_capped', model: 'm', daily_cap_usd: 5, usage: { cost_usd: 0.1 } }),
        'gk_capped',
      ),
      call({ ago: 2 * HOUR, key: 'gk_soft' }),
      quota(4 * HOUR, 'gk_soft', { kind: 'daily_cap_soft', cap_usd: 5 }),
      call({ ago: 24 * HOUR + MIN, key: 'gk_gone' }),
    ];
    const { whole, bounded } = await evaluateWholeAndBounded(rows, { rules });
    expect(byRule(whole, 'key_without_cap')).toEqual([]);
    expect(bounded.signals).toEqual([]);
    expect(whole.healthy.key_without_cap).toEqual(['gk_capped', 'gk_soft']);
  });

  it('takes the newest statement across calls and other events; a text daily_cap_usd states nothing', async () => {
    const rows = [
      // Issued without a cap, then a call that carries a cap: capped.
      raw('key.issued', at(5 * HOUR), JSON.stringify({ gateway_key_id: 'gk_later', daily_cap_usd: null }), 'gk_later'),
      raw('llm.call_completed', at(HOUR), JSON.stringify({ gateway_key_id: 'gk_later', model: 'm', daily_cap_usd: 5 }), 'gk_later'),
      // A cap on its calls, then key.updated removes it: uncapped.
      raw('llm.call_completed', at(5 * HOUR), JSON.stringify({ gateway_key_id: 'gk_removed', model: 'm', daily_cap_usd: 5 }), 'gk_removed'),
      raw('key.updated', at(HOUR), JSON.stringify({ gateway_key_id: 'gk_removed', daily_cap_usd: 0 }), 'gk_removed'),
      raw('llm.call_completed', at(HOUR), JSON.stringify({ gateway_key_id: 'gk_text', model: 'm', daily_cap_usd: '5' }), 'gk_text'),
    ];
    const { whole, bounded } = await evaluateWholeAndBounded(rows, { rules });
    expect(bounded.signals).toEqual(whole.signals);
    expect(byRule(whole, 'key_without_cap').map((s) => [s.subject, s.details.capStatement])).toEqual([
      ['gk_removed', 'no cap'],
      ['gk_text', 'none'],
    ]);
  });
});
