// The one daily-cap reader (key-caps.ts): key_over_cap, key_without_cap, key_cap_projection and
// key_compromise_suspected read a key's cap from the same statements, so one key never reads as capped
// in one alert and uncapped in another.
import { describe, expect, it } from 'vitest';
import { at, call, evaluateWholeAndBounded, HOUR, MIN, only, quota, raw } from './helpers.ts';

const RULES = only(['key_over_cap', 'key_without_cap', 'key_cap_projection']);
/** `n` calls of `usd` each, one a minute, ending at NOW. */
const burst = (key: string, n: number, usd: number) =>
  Array.from({ length: n }, (_, i) => call({ ago: (n - 1 - i) * MIN, key, cost: usd }));

describe('one cap reader for every key rule', () => {
  it('a quota.alert whose kind is not the monthly cap states the daily cap for every rule: over its cap (SEV2), never "without a cap"', async () => {
    const rows = [
      // $1 calls, 8 of them: $8 today against a $5 cap stated by a quota.alert of another daily kind.
      quota(2 * HOUR, 'gk_hard', { kind: 'daily_cap_hard', cap_usd: 5 }),
      ...burst('gk_hard', 8, 1),
      // No kind at all: a daily cap too.
      quota(2 * HOUR, 'gk_plain', { cap_usd: 5 }),
      ...burst('gk_plain', 8, 1),
    ];
    const { whole, bounded } = await evaluateWholeAndBounded(rows, { rules: RULES });
    expect(bounded.signals).toEqual(whole.signals);
    expect(whole.signals.map((s) => `${s.severity} ${s.dedupKey}`).sort()).toEqual([
      'SEV2 key_over_cap:gk_hard',
      'SEV2 key_over_cap:gk_plain',
    ]);
    expect(whole.healthy.key_without_cap).toEqual(['gk_hard', 'gk_plain']);
  });

  it('a monthly quota.alert states no daily cap for any rule: without a cap (SEV4), nothing to be over', async () => {
    const rows = [quota(2 * HOUR, 'gk_month', { kind: 'monthly_cap_soft', cap_usd: 5 }), ...burst('gk_month', 8, 1)];
    const { whole } = await evaluateWholeAndBounded(rows, { rules: RULES });
    expect(whole.signals.map((s) => `${s.severity} ${s.dedupKey}`)).toEqual(['SEV4 key_without_cap:gk_month']);
    expect(whole.signals[0]!.details.capStatement).toBe('none');
  });

  it('the newest statement wins for every rule: a cap removed by key.updated (0) is no cap, even past the old cap', async () => {
    const rows = [
      raw('key.issued', at(5 * HOUR), JSON.stringify({ gateway_key_id: 'gk_removed', daily_cap_usd: 5 }), 'gk_removed'),
      raw('key.updated', at(3 * HOUR), JSON.stringify({ gateway_key_id: 'gk_removed', daily_cap_usd: 0 }), 'gk_removed'),
      ...burst('gk_removed', 8, 1),
    ];
    const { whole } = await evaluateWholeAndBounded(rows, { rules: RULES });
    expect(whole.signals.map((s) => `${s.severity} ${s.dedupKey}`)).toEqual(['SEV4 key_without_cap:gk_removed']);
    expect(whole.signals[0]!.details.capStatement).toBe('no cap');
  });
});
