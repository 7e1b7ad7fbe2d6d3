import { describe, expect, it } from 'vitest';
import type { FixtureRow } from '../../../../tools/trace-db-fixture.ts';
import { at, byRule, call, evaluateRows, HOUR, MIN, only, quota, raw } from './helpers.ts';

// NOW is 2026-11-20T15:00Z: "today" (UTC) started 15 hours ago.
const RULES = only(['key_over_cap']);
const USUAL = 'claude-haiku-4-5';
/** The gateway's soft alert at 80 % of the daily cap: states the cap. */
const capAlert = (key: string, capUsd: number, ago = 3 * HOUR) =>
  quota(ago, key, { kind: 'daily_cap_soft', spent_usd: capUsd * 0.8, cap_usd: capUsd });
/** `n` calls of `usd` each, 1 minute apart, ending `endAgo` before NOW; the first `errors` fail. */
const burst = (key: string, n: number, usd: number, options: { endAgo?: number; errors?: number; model?: string } = {}): FixtureRow[] =>
  Array.from({ length: n }, (_, i) =>
    call({
      ago: (options.endAgo ?? MIN) + (n - 1 - i) * MIN,
      key,
      cost: usd,
      model: options.model ?? USUAL,
      error: i < (options.errors ?? 0),
    }),
  );
const rulesOf = (result: Awaited<ReturnType<typeof evaluateRows>>) => result.signals.map((s) => `${s.severity} ${s.dedupKey}`).sort();

describe('key_over_cap', () => {
  it('a stolen key calling its usual model at 50x its rate past its cap is SEV2 key_over_cap, not only a SEV3 spike to chatops', async () => {
    // 7 days of $0.10 an hour on its usual model, a $5 daily cap; in the last hour 20 calls of $0.25 ($5/h, 50x).
    const history = Array.from({ length: 168 }, (_, i) => call({ ago: HOUR + (i + 0.5) * HOUR, cost: 0.1, key: 'gk_stolen' }));
    const lastHour = Array.from({ length: 20 }, (_, i) => call({ ago: 57 * MIN - i * 3 * MIN, cost: 0.25, key: 'gk_stolen' }));
    const rows = [call({ ago: 169 * HOUR, cost: 0, key: 'gk_anchor' }), ...history, ...lastHour, capAlert('gk_stolen', 5, 30 * MIN)];
    const result = await evaluateRows(rows, { rules: only(['key_spend_spike', 'key_compromise_suspected', 'key_over_cap']) });
    expect(rulesOf(result)).toEqual(['SEV2 key_over_cap:gk_stolen', 'SEV3 key_spend_spike:gk_stolen']);
    const [s] = byRule(result, 'key_over_cap');
    expect(s).toMatchObject({ source: 'trace-db', subject: 'gk_stolen', runbook: 'Gateway key compromise', status: 'firing' });
    // Today: 14 hourly calls ($1.40) then the burst; the 15th burst call crosses $5 at 14:45, five more succeed after it.
    expect(s!.details).toMatchObject({
      value: 6.4,
      threshold: 5,
      dailyCapUsd: 5,
      spendTodayUsd: 6.4,
      callsToday: 34,
      crossedAt: '2026-11-20T14:45:00.000Z',
      callsSucceededAfterCap: 5,
      callsFailedAfterCap: 0,
      spendAfterCapUsd: 1.25,
      lastSuccessAfterCapAt: '2026-11-20T15:00:00.000Z',
      scope24hByModel: [{ model: USUAL, calls: 43, cost: 7.3 }],
      commands: {
        revoke: 'metis gateway revoke-key gk_stolen',
        reissue: `metis gateway issue-key --name "<client>-v2" --workspace <workspace> --allow-model anthropic:${USUAL} --daily-cap-usd 5.00 --monthly-cap-usd 150.00`,
      },
    });
    expect(s!.details.scopeQuery).toContain("json_extract(payload,'$.gateway_key_id')='gk_stolen'");
    expect(s!.summary).toContain('over its daily cap of $5.00 since 14:45 UTC');
    expect(s!.summary).toContain('5 calls still succeeded after the cap');
    expect(s!.summary).toContain('metis gateway revoke-key gk_stolen');
    // A SEV2 trace-DB signal carries who is hurt.
    expect(s!.details.blastRadius).toBeDefined();
  });

  it('boundary on calls after the cap: 2 successes are the breaker holding (healthy), 3 fire', async () => {
    // $4 before, then $1.50 crosses $5; then n more calls of $0.10.
    const rows = (n: number) => [
      ...burst('gk_b', 4, 1, { endAgo: 2 * HOUR }),
      ...burst('gk_b', 1, 1.5, { endAgo: HOUR }),
      ...burst('gk_b', n, 0.1),
      capAlert('gk_b', 5),
    ];
    const two = await evaluateRows(rows(2), { rules: RULES });
    expect(two.signals).toEqual([]);
    expect(two.evaluated).toContain('key_over_cap');
    expect(two.healthy.key_over_cap).toEqual(['gk_b']);
    const three = await evaluateRows(rows(3), { rules: RULES });
    expect(rulesOf(three)).toEqual(['SEV2 key_over_cap:gk_b']);
    expect(byRule(three, 'key_over_cap')[0]!.details).toMatchObject({ callsSucceededAfterCap: 3, spendTodayUsd: 5.8 });
    expect(three.healthy.key_over_cap ?? []).not.toContain('gk_b');
  });

  it('failed calls after the cap are not the key being served; minCallsAfterCap comes from config', async () => {
    const rows = [...burst('gk_e', 5, 1.2, { endAgo: HOUR }), ...burst('gk_e', 5, 0.1, { errors: 3 }), capAlert('gk_e', 5)];
    const result = await evaluateRows(rows, { rules: RULES });
    // Two successes and three errors past the cap: the breaker holds for all that matters.
    expect(result.signals).toEqual([]);
    const strict = await evaluateRows(rows, { rules: only(['key_over_cap'], { key_over_cap: { minCallsAfterCap: 1 } }) });
    expect(byRule(strict, 'key_over_cap')[0]!.details).toMatchObject({
      callsSucceededAfterCap: 2,
      callsFailedAfterCap: 3,
      minCallsAfterCap: 1,
    });
  });

  it('spend at exactly the cap is not over it; under the cap the key is healthy evidence', async () => {
    const exactly = await evaluateRows([...burst('gk_x', 5, 1), capAlert('gk_x', 5)], { rules: RULES });
    expect(exactly.signals).toEqual([]);
    expect(exactly.healthy.key_over_cap).toEqual(['gk_x']);
    const under = await evaluateRows([...burst('gk_u', 3, 1), capAlert('gk_u', 5), ...burst('gk_v', 2, 0.5), capAlert('gk_v', 10)], {
      rules: RULES,
    });
    expect(under.healthy.key_over_cap).toEqual(['gk_u', 'gk_v']);
  });

  it('only today counts: $9 yesterday evening and $1 today is under a $5 cap', async () => {
    const rows = [...burst('gk_d', 9, 1, { endAgo: 16 * HOUR }), ...burst('gk_d', 4, 0.25), capAlert('gk_d', 5, 14 * HOUR)];
    const result = await evaluateRows(rows, { rules: RULES });
    expect(result.signals).toEqual([]);
    expect(result.healthy.key_over_cap).toEqual(['gk_d']);
  });

  it('a key without a stated cap is not judged: neither firing nor healthy (nothing to hold its spend against)', async () => {
    const result = await evaluateRows(burst('gk_n', 20, 1), { rules: RULES });
    expect(result.signals).toEqual([]);
    expect(result.evaluated).toContain('key_over_cap');
    expect(result.healthy.key_over_cap).toBeUndefined();
    // Issued explicitly without a cap: no daily cap to exceed either.
    const uncapped = await evaluateRows(
      [...burst('gk_n', 20, 1), raw('key.issued', at(2 * HOUR), JSON.stringify({ gateway_key_id: 'gk_n', daily_cap_usd: null }))],
      {
        rules: RULES,
      },
    );
    expect(uncapped.signals).toEqual([]);
  });

  it('reads the cap from $.daily_cap_usd on any event of the key, the newest statement winning; a monthly soft alert is no daily cap', async () => {
    const spend = [...burst('gk_c', 8, 1, { endAgo: HOUR }), ...burst('gk_c', 4, 0.1)];
    const issued = (cap: number, ago: number) =>
      raw('key.updated', at(ago), JSON.stringify({ gateway_key_id: 'gk_c', daily_cap_usd: cap }));
    expect(rulesOf(await evaluateRows([...spend, issued(5, 20 * HOUR)], { rules: RULES }))).toEqual(['SEV2 key_over_cap:gk_c']);
    // Raised to $20 since: under it.
    const raised = await evaluateRows([...spend, issued(5, 20 * HOUR), issued(20, 5 * HOUR)], { rules: RULES });
    expect(raised.signals).toEqual([]);
    expect(raised.healthy.key_over_cap).toEqual(['gk_c']);
    const monthly = quota(2 * HOUR, 'gk_c', { kind: 'monthly_cap_soft', cap_usd: 5 });
    expect((await evaluateRows([...spend, monthly], { rules: RULES })).healthy.key_over_cap).toBeUndefined();
  });

  it('re-issues for the models the key called before it went over, as canonical ids', async () => {
    const rows = [
      ...burst('gk_m', 5, 1, { endAgo: 2 * HOUR, model: 'gpt-4.1' }).map((r) => ({
        ...r,
        payload: r.payload.replace('"anthropic"', '"openai"'),
      })),
      ...burst('gk_m', 6, 0.5, { model: 'claude-opus-4' }),
      capAlert('gk_m', 5),
    ];
    const [s] = byRule(await evaluateRows(rows, { rules: RULES }), 'key_over_cap');
    expect((s!.details.commands as { reissue: string }).reissue).toContain(' --allow-model openai:gpt-4.1 --daily-cap-usd 5.00 ');
    expect(s!.details.scope24hByModel).toEqual([
      { model: 'gpt-4.1', calls: 5, cost: 5 },
      { model: 'claude-opus-4', calls: 6, cost: 3 },
    ]);
  });

  it('the same instant for several calls never changes the answer (ties count as one step); off is not evaluated', async () => {
    const same = Array.from({ length: 8 }, () => call({ ago: 10 * MIN, key: 'gk_t', cost: 1 }));
    const result = await evaluateRows([...same, ...burst('gk_t', 3, 0.1), capAlert('gk_t', 5)], { rules: RULES });
    expect(byRule(result, 'key_over_cap')[0]!.details).toMatchObject({ callsSucceededAfterCap: 3, crossedAt: '2026-11-20T14:50:00.000Z' });
    const off = await evaluateRows([...same, capAlert('gk_t', 5)], { rules: only([]) });
    expect(off.evaluated).not.toContain('key_over_cap');
  });
});
