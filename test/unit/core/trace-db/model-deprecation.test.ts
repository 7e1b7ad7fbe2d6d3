import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../../lambdas/core/config.ts';
import { byRule, call, calls, evaluateWholeAndBounded, HOUR, MIN, only } from './helpers.ts';

// NOW is 2026-11-20T15:00Z.
const listed = (retiresOn: string, extra: Record<string, unknown> = {}) =>
  only(['model_deprecation'], {
    model_deprecation: {
      models: [
        { model: 'claude-3-haiku', retiresOn, successor: 'claude-haiku-4-5' },
        { model: 'openai:gpt-4o', retiresOn },
      ],
      ...extra,
    },
  });

const traffic = [
  ...calls(5, { fromAgo: 20 * HOUR, model: 'claude-3-haiku', key: 'gk_a' }),
  ...calls(2, { fromAgo: 3 * HOUR, model: 'claude-3-haiku', key: 'gk_b' }),
  call({ ago: 30 * MIN, model: 'gpt-4o', provider: 'openai', key: 'gk_c' }),
  // The same model name from another provider is not the listed provider:model.
  call({ ago: 30 * MIN, model: 'gpt-4o', provider: 'azure', key: 'gk_d' }),
  // Over 24 h ago: not counted.
  call({ ago: 25 * HOUR, model: 'claude-3-haiku', key: 'gk_old' }),
  call({ ago: MIN, model: 'claude-haiku-4-5', key: 'gk_new' }),
];

describe('model_deprecation', () => {
  it('a listed model called in 24 h is SEV4 (digest) before the last 7 days, with its calls, top keys and successor; matched by model and by provider:model', async () => {
    // 8 days before retirement: one day before the warning period.
    const { whole, bounded } = await evaluateWholeAndBounded(traffic, { rules: listed('2026-11-28') });
    expect(bounded.signals).toEqual(whole.signals);
    const signals = byRule(whole, 'model_deprecation');
    expect(signals.map((s) => `${s.severity} ${s.dedupKey}`)).toEqual([
      'SEV4 model_deprecation:claude-3-haiku',
      'SEV4 model_deprecation:openai:gpt-4o',
    ]);
    expect(signals[0]?.details).toMatchObject({
      calls24h: 7,
      topKeys: [
        { gateway_key_id: 'gk_a', calls: 5 },
        { gateway_key_id: 'gk_b', calls: 2 },
      ],
      successor: 'claude-haiku-4-5',
      retiresOn: '2026-11-28',
      daysLeft: 8,
    });
    expect(signals[0]?.summary).toContain("tell those keys' owners to move to claude-haiku-4-5");
    expect(signals[1]?.details).toMatchObject({ calls24h: 1, topKeys: [{ gateway_key_id: 'gk_c', calls: 1 }], successor: null });
  });

  it('is SEV3 from 7 days before retiresOn on (exactly 7 days) and after the date', async () => {
    for (const day of ['2026-11-27', '2026-11-20', '2026-11-01']) {
      const { whole } = await evaluateWholeAndBounded(traffic, { rules: listed(day) });
      expect(byRule(whole, 'model_deprecation').map((s) => s.severity)).toEqual(['SEV3', 'SEV3']);
    }
    const { whole } = await evaluateWholeAndBounded(traffic, { rules: listed('2026-11-01') });
    expect(byRule(whole, 'model_deprecation')[0]?.summary).toMatch(
      /^Model claude-3-haiku was retired on 2026-11-01 and was called 7 times/,
    );
  });

  it('is quiet for an unlisted model and not evaluated while no model is listed', async () => {
    const quiet = await evaluateWholeAndBounded(traffic, {
      rules: only(['model_deprecation'], { model_deprecation: { models: [{ model: 'gemini-1.5-pro', retiresOn: '2026-11-21' }] } }),
    });
    expect(quiet.whole.signals).toEqual([]);
    expect(quiet.bounded.signals).toEqual([]);
    expect(quiet.whole.evaluated).toContain('model_deprecation');
    const none = await evaluateWholeAndBounded(traffic, { rules: only(['model_deprecation']) });
    expect(none.whole.evaluated).not.toContain('model_deprecation');
  });

  it('refuses a retiresOn that is not a calendar day', () => {
    expect(() => parseConfig({ rules: { model_deprecation: { models: [{ model: 'm', retiresOn: '2026-02-30' }] } } })).toThrow(
      /real calendar date/,
    );
    expect(() => parseConfig({ rules: { model_deprecation: { models: [{ model: 'm', retiresOn: '30.11.2026' }] } } })).toThrow(
      /YYYY-MM-DD/,
    );
  });
});
