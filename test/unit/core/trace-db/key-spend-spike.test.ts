import { describe, expect, it } from 'vitest';
import type { FixtureRow } from '../../../../tools/trace-db-fixture.ts';
import { firstMove } from '../../../../lambdas/core/notify/first-move.ts';
import { at, byRule, call, evaluateRows, HOUR, MIN, only, raw } from './helpers.ts';

const RULES = only(['key_spend_spike']);
/** One call per hour over the 7 days before the last hour, `usd` each. */
const hourly = (key: string, usd: number, hours = 168, model = 'claude-haiku-4-5'): FixtureRow[] =>
  Array.from({ length: hours }, (_, i) => call({ ago: HOUR + (i + 0.5) * HOUR, cost: usd, key, model }));
/** A zero-cost call exactly 7 days before the last hour: the data covers the whole baseline. */
const anchor = call({ ago: 169 * HOUR, cost: 0, key: 'gk_anchor' });
const lastHour = (key: string, usd: number, n = 4, model = 'claude-sonnet-4-5'): FixtureRow[] =>
  Array.from({ length: n }, (_, i) => call({ ago: 50 * MIN - i * 10 * MIN, cost: usd / n, key, model }));

describe('key_spend_spike', () => {
  it('fires SEV3 per key at >= 10x its mean hourly spend and >= $1, with the 24 h per-model rows', async () => {
    const rows = [
      anchor,
      ...hourly('gk_spike', 0.01),
      ...lastHour('gk_spike', 1),
      ...hourly('gk_steady', 0.5),
      ...lastHour('gk_steady', 0.5),
    ];
    const result = await evaluateRows(rows, { rules: RULES });
    const [s, ...rest] = byRule(result, 'key_spend_spike');
    expect(rest).toEqual([]);
    expect(s).toMatchObject({ subject: 'gk_spike', severity: 'SEV3', dedupKey: 'key_spend_spike:gk_spike', runbook: 'Runaway key spend' });
    expect(s!.details).toMatchObject({
      value: 1,
      threshold: 1,
      factor: 10,
      minUsd: 1,
      calls1h: 4,
      rank1h: 1,
      baselineMeanHourlyUsd: 0.01,
      baselineHours: 168,
      baselineFrom: '2026-11-13T14:00:00.000Z',
      window: { minutes: 60, from: '2026-11-20T14:00:00.000Z' },
      // The runbook's key-scoping query: calls and cost per model over the last 24 h.
      last24hByModel: [
        { model: 'claude-sonnet-4-5', calls: 4, cost: 1 },
        { model: 'claude-haiku-4-5', calls: 23, cost: 0.23 },
      ],
    });
    expect(s!.summary).toContain('confirm in /analytics/by_key before revoking');
    expect(s!.summary).toContain('100x its hourly mean');
  });

  it("quotes the same first move a page prints for it: one wording, the runbook's", async () => {
    const result = await evaluateRows([anchor, ...hourly('gk_spike', 0.01), ...lastHour('gk_spike', 1)], { rules: RULES });
    const [s] = byRule(result, 'key_spend_spike');
    const printed = firstMove(s!);
    expect(printed).toBe('Confirm in /analytics/by_key before revoking (it may be a legitimate CI burst; false revocations cost trust)');
    expect(s!.summary).toContain(`First move: ${printed.charAt(0).toLowerCase()}${printed.slice(1)}.`);
  });

  it('factor boundary: 9x does not fire, exactly 10x does (>=)', async () => {
    const base = [anchor, ...hourly('gk_busy', 0.5)];
    expect(byRule(await evaluateRows([...base, ...lastHour('gk_busy', 4.5)], { rules: RULES }), 'key_spend_spike')).toEqual([]);
    const ten = await evaluateRows([...base, ...lastHour('gk_busy', 5)], { rules: RULES });
    expect(byRule(ten, 'key_spend_spike')[0]?.details).toMatchObject({ value: 5, threshold: 5, baselineMeanHourlyUsd: 0.5 });
  });

  it('minUsd boundary: $0.75 in an hour never fires however quiet the key was; config overrides both', async () => {
    const rows = [anchor, ...hourly('gk_quiet', 0.001), ...lastHour('gk_quiet', 0.75)];
    expect(byRule(await evaluateRows(rows, { rules: RULES }), 'key_spend_spike')).toEqual([]);
    const lower = await evaluateRows(rows, { rules: only(['key_spend_spike'], { key_spend_spike: { minUsd: 0.5 } }) });
    expect(byRule(lower, 'key_spend_spike').map((s) => s.subject)).toEqual(['gk_quiet']);
    const higherFactor = await evaluateRows(rows, { rules: only(['key_spend_spike'], { key_spend_spike: { minUsd: 0.5, factor: 1000 } }) });
    expect(byRule(higherFactor, 'key_spend_spike')).toEqual([]); // 0.75 < 1000 x 0.001
  });

  it('a key with no history fires once it reaches minUsd', async () => {
    const result = await evaluateRows([anchor, ...hourly('gk_other', 0.01), ...lastHour('gk_new', 2)], { rules: RULES });
    const [s] = byRule(result, 'key_spend_spike');
    expect(s).toMatchObject({ subject: 'gk_new' });
    expect(s!.details).toMatchObject({ value: 2, threshold: 1, baselineMeanHourlyUsd: 0 });
    expect(s!.summary).toContain('no spend in the preceding 168 h');
  });

  it('a snapshot trimmed to 24 h averages over the 24 h it covers, not 168', async () => {
    const rows = [call({ ago: 25 * HOUR, cost: 0, key: 'gk_anchor' }), ...hourly('gk_day', 0.2, 24), ...lastHour('gk_day', 1.5)];
    expect(byRule(await evaluateRows(rows, { rules: RULES }), 'key_spend_spike')).toEqual([]); // 1.5 < 10 x 0.2
    const result = await evaluateRows(rows, { rules: only(['key_spend_spike'], { key_spend_spike: { factor: 5 } }) });
    expect(byRule(result, 'key_spend_spike')[0]?.details).toMatchObject({ baselineHours: 24, baselineMeanHourlyUsd: 0.2, threshold: 1 });
  });

  it('is not evaluated with less than an hour of history before the window', async () => {
    const result = await evaluateRows(lastHour('gk_new', 5), { rules: RULES });
    expect(result.evaluated).not.toContain('key_spend_spike');
    expect(result.signals).toEqual([]);
  });

  it('falls back to the key_id column when the payload has no gateway_key_id', async () => {
    const noKey = (ago: number, cost: number): FixtureRow =>
      raw('llm.call_completed', at(ago), JSON.stringify({ model: 'm', stop_reason: 'end_turn', usage: { cost_usd: cost } }), 'gk_column');
    const rows = [anchor, noKey(100 * HOUR, 0.01), noKey(30 * MIN, 3)];
    const withColumn = await evaluateRows(rows, { rules: RULES, keyIdColumn: true });
    expect(byRule(withColumn, 'key_spend_spike').map((s) => [s.subject, s.details.value])).toEqual([['gk_column', 3]]);
    // Without the column those calls have no key and are skipped.
    const without = await evaluateRows(rows, { rules: RULES });
    expect(without.evaluated).toContain('key_spend_spike');
    expect(byRule(without, 'key_spend_spike')).toEqual([]);
  });

  it('treats non-numeric costs as zero and never crashes on malformed payloads', async () => {
    const rows = [
      anchor,
      ...hourly('gk_x', 0.01),
      raw('llm.call_completed', at(10 * MIN), '{"gateway_key_id": "gk_x", "usage": {"cost_usd": "lots"}}'),
      raw('llm.call_completed', at(10 * MIN), '{"gateway_key_id": "gk_x", "usage": '),
      raw('llm.call_completed', at(10 * MIN), '{"gateway_key_id": "gk_x"}'),
    ];
    const result = await evaluateRows(rows, { rules: RULES });
    expect(result.errors).toEqual([]);
    expect(result.evaluated).toContain('key_spend_spike');
    expect(byRule(result, 'key_spend_spike')).toEqual([]);
  });
});
