import { describe, expect, it } from 'vitest';
import { at, byRule, call, calls, evaluateWholeAndBounded, HOUR, MIN, only, raw } from './helpers.ts';

const rules = only(['key_cap_projection']);

/** A key issued with a daily cap 2 h ago, $2 spent this morning and `lastHourUsd` over the last hour (4 calls). */
function capped(key: string, capUsd: number, lastHourUsd: number) {
  return [
    raw('key.issued', at(2 * HOUR), JSON.stringify({ gateway_key_id: key, daily_cap_usd: capUsd }), key),
    call({ ago: 5 * HOUR, key, cost: 1 }),
    call({ ago: 4 * HOUR, key, cost: 1 }),
    ...calls(4, { fromAgo: 50 * MIN, key, cost: lastHourUsd / 4 }),
  ];
}

describe('key_cap_projection', () => {
  it('fires when today + last hour x 9 h left exceeds the cap, naming the projected refusal time, on whole and bounded alike', async () => {
    // $3.25 today, $1.25 in the last hour: 3.25 + 1.25 x 9 = 14.5 > 12; the cap's $8.75 left lasts 7 h.
    const { whole, bounded } = await evaluateWholeAndBounded(capped('gk_fast', 12, 1.25), { rules });
    expect(bounded.signals).toEqual(whole.signals);
    const [s] = byRule(whole, 'key_cap_projection');
    expect(s?.severity).toBe('SEV3');
    expect(s?.dedupKey).toBe('key_cap_projection:gk_fast 2026-11-20');
    expect(s?.summary).toContain('the breaker will refuse gk_fast at about 22:00 UTC');
    expect(s?.details).toMatchObject({
      value: 14.5,
      threshold: 12,
      callsToday: 6,
      spendTodayUsd: 3.25,
      spendLastHourUsd: 1.25,
      projectedRefusalAt: '2026-11-20T22:00:00.000Z',
    });
  });

  it('is quiet exactly at the cap (2 + 1 + 1 x 9 = 12) and for a key far from its cap', async () => {
    const { whole, bounded } = await evaluateWholeAndBounded([...capped('gk_at', 12, 1), ...capped('gk_far', 100, 1.25)], { rules });
    expect(byRule(whole, 'key_cap_projection')).toEqual([]);
    expect(byRule(bounded, 'key_cap_projection')).toEqual([]);
    expect(whole.evaluated).toContain('key_cap_projection');
  });

  it('ignores keys without a known cap, a cap already reached (the breaker has it), a cap stated over 24 h ago and a null cap', async () => {
    const rows = [
      ...calls(4, { fromAgo: 50 * MIN, key: 'gk_nocap', cost: 5 }),
      ...capped('gk_over', 2, 1.25),
      raw('key.issued', at(30 * HOUR), JSON.stringify({ gateway_key_id: 'gk_old', daily_cap_usd: 5 }), 'gk_old'),
      ...calls(4, { fromAgo: 50 * MIN, key: 'gk_old', cost: 1 }),
      raw('key.issued', at(1 * HOUR), JSON.stringify({ gateway_key_id: 'gk_null', daily_cap_usd: null }), 'gk_null'),
      ...calls(4, { fromAgo: 50 * MIN, key: 'gk_null', cost: 5 }),
    ];
    const { whole, bounded } = await evaluateWholeAndBounded(rows, { rules });
    expect(byRule(whole, 'key_cap_projection')).toEqual([]);
    expect(bounded.signals).toEqual(whole.signals);
  });

  it("takes the cap of a daily_cap_soft quota.alert and the newest statement; names yesterday's subjects healthy (once per key and day)", async () => {
    const rows = [
      raw('key.issued', at(3 * HOUR), JSON.stringify({ gateway_key_id: 'gk_q', daily_cap_usd: 100 }), 'gk_q'),
      raw('quota.alert', at(90 * MIN), JSON.stringify({ gateway_key_id: 'gk_q', kind: 'daily_cap_soft', cap_usd: 12 }), 'gk_q'),
      call({ ago: 5 * HOUR, key: 'gk_q', cost: 2 }),
      ...calls(4, { fromAgo: 50 * MIN, key: 'gk_q', cost: 1.25 / 4 }),
    ];
    const { whole } = await evaluateWholeAndBounded(rows, { rules });
    expect(byRule(whole, 'key_cap_projection').map((s) => s.subject)).toEqual(['gk_q 2026-11-20']);
    expect(whole.healthy.key_cap_projection).toEqual(['gk_q 2026-11-19']);
  });

  it('also fires while the day has little left, and the refusal time never passes midnight', async () => {
    const late = new Date('2026-11-20T23:30:00.000Z');
    const rows = [
      raw('key.issued', at(2 * HOUR), JSON.stringify({ gateway_key_id: 'gk_late', daily_cap_usd: 5 }), 'gk_late'),
      call({ ago: -8 * HOUR, key: 'gk_late', cost: 4.5 }),
      call({ ago: -8.4 * HOUR, key: 'gk_late', cost: 2 }),
    ];
    // At 23:30 UTC: $6.50 today > $5: reached, not projected. A bigger cap: $6.50 + $6.50 x 0.5 h > $9.
    const reached = await evaluateWholeAndBounded(rows, { rules, now: late });
    expect(byRule(reached.whole, 'key_cap_projection')).toEqual([]);
    rows[0] = raw('key.issued', at(2 * HOUR), JSON.stringify({ gateway_key_id: 'gk_late', daily_cap_usd: 9 }), 'gk_late');
    const { whole } = await evaluateWholeAndBounded(rows, { rules, now: late });
    const [s] = byRule(whole, 'key_cap_projection');
    expect(s?.details.projectedRefusalAt).toBe('2026-11-20T23:53:00.000Z');
    expect(s?.summary).toContain('at about 23:53 UTC');
  });
});
