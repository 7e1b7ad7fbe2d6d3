import { describe, expect, it } from 'vitest';
import type { FixtureRow } from '../../../../tools/trace-db-fixture.ts';
import { evaluateTraceDb } from '../../../../lambdas/core/trace-db/evaluate.ts';
import { recordingDatabase } from '../../../../tools/trace-db-sql.ts';
import { at, byRule, call, evaluateRows, HOUR, MIN, NOW, only, openBoundedRows, quota, raw, route } from './helpers.ts';

const RULES = only(['key_spend_spike', 'key_compromise_suspected']);
const USUAL = 'claude-haiku-4-5';
/** One call per hour over the 7 days before the last hour, `usd` each, on the key's usual model. */
const hourly = (key: string, usd: number, model = USUAL): FixtureRow[] =>
  Array.from({ length: 168 }, (_, i) => call({ ago: HOUR + (i + 0.5) * HOUR, cost: usd, key, model }));
/** A zero-cost call exactly 7 days before the last hour: the data covers the whole baseline. */
const anchor = call({ ago: 169 * HOUR, cost: 0, key: 'gk_anchor' });
const lastHour = (key: string, usd: number, model: string, n = 4): FixtureRow[] =>
  Array.from({ length: n }, (_, i) => call({ ago: 50 * MIN - i * 10 * MIN, cost: usd / n, key, model }));
const rulesOf = (result: Awaited<ReturnType<typeof evaluateRows>>) => result.signals.map((s) => `${s.severity} ${s.dedupKey}`).sort();

describe('key_compromise_suspected', () => {
  it('a CI burst at 10x on the key usual model stays a SEV3 key_spend_spike', async () => {
    const result = await evaluateRows([anchor, ...hourly('gk_ci', 0.1), ...lastHour('gk_ci', 2, USUAL)], { rules: RULES });
    expect(result.evaluated).toEqual(expect.arrayContaining(['key_spend_spike', 'key_compromise_suspected']));
    expect(rulesOf(result)).toEqual(['SEV3 key_spend_spike:gk_ci']);
    // Measured and not a suspect: evidence that resolves an open compromise incident for the key.
    expect(result.healthy.key_compromise_suspected).toContain('gk_ci');
  });

  it('10x on a model the key never called in 7 days is SEV1, with scope rows and revoke / re-issue commands', async () => {
    const rows = [
      anchor,
      ...hourly('gk_01LEAK', 0.1),
      ...lastHour('gk_01LEAK', 1.5, 'claude-opus-4'),
      ...lastHour('gk_01LEAK', 0.5, USUAL),
    ];
    const result = await evaluateRows(rows, { rules: RULES });
    // A suspect is never named healthy in the same report.
    expect(result.healthy.key_compromise_suspected ?? []).not.toContain('gk_01LEAK');
    expect(rulesOf(result)).toEqual(['SEV1 key_compromise_suspected:gk_01LEAK', 'SEV3 key_spend_spike:gk_01LEAK']);
    const [s] = byRule(result, 'key_compromise_suspected');
    expect(s).toMatchObject({ source: 'trace-db', subject: 'gk_01LEAK', runbook: 'Gateway key compromise' });
    expect(s!.details).toMatchObject({
      value: 2,
      threshold: 1,
      factor: 10,
      calls1h: 8,
      baselineMeanHourlyUsd: 0.1,
      baselineHours: 168,
      newModels: ['claude-opus-4'],
      usualModels: [USUAL],
      dailyCap: { known: false, usd: null },
      scope24hByModel: [
        { model: USUAL, calls: 27, cost: 2.8 },
        { model: 'claude-opus-4', calls: 4, cost: 1.5 },
      ],
      commands: {
        revoke: 'metis gateway revoke-key gk_01LEAK',
        // No cap known: twice the normal daily spend (0.1 x 24 x 2), a month of it.
        // The canonical id issue-key takes (provider:model), as in the runbook's `--allow-model anthropic:claude-haiku-4-5`.
        reissue: `metis gateway issue-key --name "<client>-v2" --workspace <workspace> --allow-model anthropic:${USUAL} --daily-cap-usd 4.80 --monthly-cap-usd 144.00`,
      },
    });
    expect(s!.details.scopeQuery).toContain("json_extract(payload,'$.gateway_key_id')='gk_01LEAK'");
    expect(s!.details.scopeQuery).toContain("'-24 hours'");
    expect(s!.summary).toContain('suspected compromised');
    expect(s!.summary).toContain('claude-opus-4');
    expect(s!.summary).toContain('SEV1 until scope confirmed');
  });

  it('the re-issue command names canonical ids: from the call, else from routing chains, else a placeholder; never a bare model', async () => {
    const bare = (rows: FixtureRow[]) =>
      rows.map((r) => ({ ...r, payload: JSON.stringify({ ...JSON.parse(r.payload), provider: undefined }) }));
    const spike = [anchor, ...hourly('gk_x', 0.1), ...lastHour('gk_x', 2, 'o3')];
    const reissue = async (rows: FixtureRow[]) =>
      (byRule(await evaluateRows(rows, { rules: RULES }), 'key_compromise_suspected')[0]!.details.commands as { reissue: string }).reissue;
    expect(await reissue(spike)).toContain(' --allow-model anthropic:claude-haiku-4-5 ');
    // No $.provider on the calls: a routing chain that served the model names it.
    const chain = route(2 * HOUR, [
      { provider: 'openrouter', model: USUAL, verdict: 'unavailable' },
      { provider: 'bedrock', model: USUAL, verdict: 'selected' },
    ]);
    expect(await reissue([...bare(spike), chain])).toContain(' --allow-model bedrock:claude-haiku-4-5 ');
    // Nothing names the provider: a placeholder on-call must fill in, not a bare name the gateway would refuse.
    expect(await reissue(bare(spike))).toContain(' --allow-model <provider>:claude-haiku-4-5 ');
    // A model already written canonically is kept.
    const canonical = [anchor, ...hourly('gk_y', 0.1, 'anthropic:claude-haiku-4-5'), ...lastHour('gk_y', 2, 'o3')];
    expect(await reissue(canonical)).toContain(' --allow-model anthropic:claude-haiku-4-5 ');
  });

  it('factor boundary on a new model: 9x fires nothing, exactly 10x fires SEV1', async () => {
    const base = [anchor, ...hourly('gk_b', 0.5)];
    expect(rulesOf(await evaluateRows([...base, ...lastHour('gk_b', 4.5, 'gpt-5')], { rules: RULES }))).toEqual([]);
    expect(rulesOf(await evaluateRows([...base, ...lastHour('gk_b', 5, 'gpt-5')], { rules: RULES }))).toEqual([
      'SEV1 key_compromise_suspected:gk_b',
      'SEV3 key_spend_spike:gk_b',
    ]);
  });

  it('a model called inside the 7 days is usual; one called only before them is new', async () => {
    const inside = call({ ago: 160 * HOUR, cost: 0, key: 'gk_m', model: 'gpt-5' });
    const before = call({ ago: 170 * HOUR, cost: 0, key: 'gk_m', model: 'gpt-5' });
    const spike = [anchor, ...hourly('gk_m', 0.1), ...lastHour('gk_m', 2, 'gpt-5')];
    expect(rulesOf(await evaluateRows([...spike, inside], { rules: RULES }))).toEqual(['SEV3 key_spend_spike:gk_m']);
    expect(rulesOf(await evaluateRows([...spike, before], { rules: RULES }))).toContain('SEV1 key_compromise_suspected:gk_m');
  });

  it('a spike on the usual model with daily_cap_usd: null on its events (issued without a cap) is SEV1', async () => {
    const uncapped = raw(
      'key.issued',
      at(100 * HOUR),
      JSON.stringify({ gateway_key_id: 'gk_nocap', daily_cap_usd: null, allow_model: [USUAL] }),
    );
    const result = await evaluateRows([anchor, uncapped, ...hourly('gk_nocap', 0.1), ...lastHour('gk_nocap', 2, USUAL)], { rules: RULES });
    const [s] = byRule(result, 'key_compromise_suspected');
    expect(s?.details).toMatchObject({ newModels: [], dailyCap: { known: true, usd: null } });
    expect(s?.summary).toContain('no daily_cap_usd behind it');
    expect(s?.details.afterRevoke).toContain('refund claim');
  });

  it('a spike on the usual model under a known cap (quota.alert cap_usd) or with no cap statement stays SEV3', async () => {
    const spike = [anchor, ...hourly('gk_c', 0.1), ...lastHour('gk_c', 2, USUAL)];
    expect(rulesOf(await evaluateRows([...spike, quota(30 * MIN, 'gk_c', { cap_usd: 5 })], { rules: RULES }))).toEqual([
      'SEV3 key_spend_spike:gk_c',
    ]);
    // The newest statement wins: a cap set after an uncapped issue.
    const reissued = [
      raw('key.issued', at(100 * HOUR), JSON.stringify({ gateway_key_id: 'gk_c', daily_cap_usd: null })),
      raw('key.updated', at(90 * HOUR), JSON.stringify({ gateway_key_id: 'gk_c', daily_cap_usd: 5 })),
    ];
    expect(rulesOf(await evaluateRows([...spike, ...reissued], { rules: RULES }))).toEqual(['SEV3 key_spend_spike:gk_c']);
  });

  it('re-issue caps keep a known cap; the command names the key id, never a token', async () => {
    const rows = [
      anchor,
      quota(2 * HOUR, 'gk_cap', { cap_usd: 5 }),
      ...hourly('gk_cap', 0.1),
      ...lastHour('gk_cap', 2, 'o3'),
      raw(
        'llm.call_completed',
        at(5 * MIN),
        JSON.stringify({ gateway_key_id: 'gk_cap', model: 'o3', usage: { cost_usd: 0 }, token: 'gw_live_abcdef123456' }),
      ),
    ];
    const [s] = byRule(await evaluateRows(rows, { rules: RULES }), 'key_compromise_suspected');
    expect(s?.details).toMatchObject({
      dailyCap: { known: true, usd: 5 },
      commands: { reissue: expect.stringContaining('--daily-cap-usd 5.00 --monthly-cap-usd 150.00') },
    });
    expect(JSON.stringify(s)).not.toContain('gw_live');
  });

  it('is not evaluated when disabled or with less than an hour of history; runs even with key_spend_spike off', async () => {
    const spike = [anchor, ...hourly('gk_x', 0.1), ...lastHour('gk_x', 2, 'gpt-5')];
    const off = await evaluateRows(spike, { rules: only(['key_spend_spike']) });
    expect(off.evaluated).not.toContain('key_compromise_suspected');
    const noHistory = await evaluateRows(lastHour('gk_x', 2, 'gpt-5'), { rules: RULES });
    expect(noHistory.evaluated).not.toContain('key_compromise_suspected');
    expect(noHistory.signals).toEqual([]);
    const alone = await evaluateRows(spike, { rules: only(['key_compromise_suspected']) });
    expect(rulesOf(alone)).toEqual(['SEV1 key_compromise_suspected:gk_x']);
  });

  it('on a bounded snapshot the 7-day key and model history is read from the hourly rollup once, for both rules', async () => {
    const rows = [
      anchor,
      ...hourly('gk_01LEAK', 0.1),
      ...lastHour('gk_01LEAK', 1.5, 'claude-opus-4'),
      ...lastHour('gk_01LEAK', 0.5, USUAL),
    ];
    const db = await openBoundedRows(rows);
    try {
      const recorder = recordingDatabase(db);
      const result = evaluateTraceDb(recorder, { now: NOW, rules: RULES });
      // Both fire (the spike's baseline and the suspect's usual models come from the same read).
      expect(rulesOf(result)).toEqual(['SEV1 key_compromise_suspected:gk_01LEAK', 'SEV3 key_spend_spike:gk_01LEAK']);
      expect(recorder.statements.filter((s) => s.sql.includes('FROM metis_rollup_hourly'))).toHaveLength(1);
    } finally {
      db.close();
    }
  });
});
