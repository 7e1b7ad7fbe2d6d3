import { describe, expect, it } from 'vitest';
import { byRule, evaluateRows, MIN, only, raw, route, at, type Hop } from './helpers.ts';

const RULES = only(['provider_unavailable']);
const down = (provider: string, model: string): Hop => ({ provider, model, verdict: 'unavailable' });
const ok = (provider: string, model: string): Hop => ({ provider, model, verdict: 'ok' });

describe('provider_unavailable', () => {
  it('SEV2 when a request had no hop that was not unavailable (no failover), per provider and model', async () => {
    const rows = [
      route(3 * MIN, [down('anthropic', 'claude-sonnet-4-5')], { gateway_key_id: 'gk_pinned', pinned: true }),
      route(2 * MIN, [down('anthropic', 'claude-sonnet-4-5'), ok('openrouter', 'anthropic/claude-sonnet-4-5')]),
      route(1 * MIN, [ok('openai', 'gpt-4o-mini')]),
      route(1 * MIN, [ok('openai', 'gpt-4o-mini')]),
    ];
    const result = await evaluateRows(rows, { rules: RULES });
    const signals = byRule(result, 'provider_unavailable');
    expect(signals).toHaveLength(1);
    const [s] = signals;
    expect(s).toMatchObject({
      subject: 'anthropic:claude-sonnet-4-5',
      severity: 'SEV2',
      dedupKey: 'provider_unavailable:anthropic:claude-sonnet-4-5',
      runbook: 'Provider down',
    });
    expect(s!.details).toMatchObject({
      value: 2,
      provider: 'anthropic',
      model: 'claude-sonnet-4-5',
      requestsWithUnavailableHop: 2,
      requestsWithoutFailover: 1,
      requestsFailedOver: 1,
      firstUnavailableAt: '2026-11-20T14:57:00.000Z',
      lastUnavailableAt: '2026-11-20T14:58:00.000Z',
      healthyAlternatives: ['openai:gpt-4o-mini', 'openrouter:anthropic/claude-sonnet-4-5'],
      window: { minutes: 15 },
    });
    // The runbook's detect query rows: recent chains, newest first.
    expect(s!.details.recentChains).toEqual([
      {
        at: '2026-11-20T14:58:00.000Z',
        gateway_key_id: 'gk_route',
        pinned: false,
        requested_model: null,
        chain: [down('anthropic', 'claude-sonnet-4-5'), ok('openrouter', 'anthropic/claude-sonnet-4-5')],
      },
      {
        at: '2026-11-20T14:57:00.000Z',
        gateway_key_id: 'gk_pinned',
        pinned: true,
        requested_model: null,
        chain: [down('anthropic', 'claude-sonnet-4-5')],
      },
    ]);
    expect(s!.summary).toContain('1 of 2 requests');
    expect(s!.summary).toContain(
      "flip METIS_GATEWAY_GLOBAL_DEFAULT to a healthy provider's canonical id (routing ok in the window: openai:gpt-4o-mini",
    );
    expect(s!.summary).toContain('keys that pin anthropic:claude-sonnet-4-5 keep failing until flipped');
  });

  it('SEV3 when every request with the unavailable hop failed over', async () => {
    const rows = Array.from({ length: 5 }, (_, i) =>
      route((i + 1) * MIN, [down('google', 'gemini-2.5-flash'), ok('openrouter', 'google/gemini-2.5-flash')]),
    );
    const [s, ...rest] = byRule(await evaluateRows(rows, { rules: RULES }), 'provider_unavailable');
    expect(rest).toEqual([]);
    expect(s).toMatchObject({ subject: 'google:gemini-2.5-flash', severity: 'SEV3' });
    expect(s!.details).toMatchObject({ requestsWithUnavailableHop: 5, requestsWithoutFailover: 0, requestsFailedOver: 5 });
    expect(s!.summary).toContain('all 5 requests');
  });

  it('a chain of only unavailable hops is no failover for each provider in it', async () => {
    const result = await evaluateRows([route(MIN, [down('anthropic', 'a'), down('openai', 'b')])], { rules: RULES });
    expect(byRule(result, 'provider_unavailable').map((s) => [s.subject, s.severity])).toEqual([
      ['anthropic:a', 'SEV2'],
      ['openai:b', 'SEV2'],
    ]);
  });

  it('looks only at the last 15 minutes (configurable), as instants', async () => {
    const rows = [route(16 * MIN, [down('anthropic', 'a')]), route(20 * MIN, [down('openai', 'b')], {}, 'space')];
    expect(byRule(await evaluateRows(rows, { rules: RULES }), 'provider_unavailable')).toEqual([]);
    const wider = await evaluateRows(rows, { rules: only(['provider_unavailable'], { provider_unavailable: { windowMinutes: 30 } }) });
    expect(byRule(wider, 'provider_unavailable').map((s) => s.subject)).toEqual(['anthropic:a', 'openai:b']);
  });

  it('ignores malformed payloads, non-array chains and non-object hops; a later hop without a verdict served nobody (SEV2)', async () => {
    const rows = [
      raw('route.decided', at(MIN), '{"chain": [{"provider": "x", "verdict": "unavailable"}'),
      route(MIN, 'not-a-chain'),
      route(MIN, { provider: 'anthropic', model: 'a', verdict: 'unavailable' }),
      route(MIN, ['unavailable', 42, null]),
      route(MIN, [down('anthropic', 'a'), { provider: 'openai', model: 'b' }]),
      raw('route.decided', at(MIN), '{}'),
    ];
    const result = await evaluateRows(rows, { rules: RULES });
    expect(result.errors).toEqual([]);
    expect(byRule(result, 'provider_unavailable').map((s) => [s.subject, s.severity, s.details.requestsWithUnavailableHop])).toEqual([
      ['anthropic:a', 'SEV2', 1],
    ]);
  });

  it('failover means a later hop served the request: a later error, over_budget or silent hop is no failover (SEV2)', async () => {
    const served = (verdict: string) => [route(MIN, [down('anthropic', 'a'), { provider: 'openai', model: 'b', verdict }])];
    const severity = async (rows: ReturnType<typeof served>) =>
      byRule(await evaluateRows(rows, { rules: RULES }), 'provider_unavailable').map((s) => [
        s.subject,
        s.severity,
        s.details.requestsWithoutFailover,
      ]);
    expect(await severity(served('selected'))).toEqual([['anthropic:a', 'SEV3', 0]]);
    expect(await severity(served('ok'))).toEqual([['anthropic:a', 'SEV3', 0]]);
    expect(await severity(served('error'))).toEqual([['anthropic:a', 'SEV2', 1]]);
    expect(await severity(served('over_budget'))).toEqual([['anthropic:a', 'SEV2', 1]]);
    // A hop that served the request BEFORE the unavailable one is no failover from it either.
    expect(await severity([route(MIN, [ok('openai', 'b'), down('anthropic', 'a')])])).toEqual([['anthropic:a', 'SEV2', 1]]);
  });

  it('names the providers that routed fine as healthy (the evidence that resolves them), never the one that was down', async () => {
    const result = await evaluateRows([route(MIN, [down('anthropic', 'a'), ok('openai', 'b')]), route(2 * MIN, [ok('mistral', 'c')])], {
      rules: RULES,
    });
    expect([...(result.healthy.provider_unavailable ?? [])].sort()).toEqual(['mistral:c', 'openai:b']);
  });

  it('a hop without a model is named by its provider alone; no traffic means no signal', async () => {
    const result = await evaluateRows([route(MIN, [{ provider: 'mistral', verdict: 'unavailable' }])], { rules: RULES });
    expect(byRule(result, 'provider_unavailable').map((s) => s.dedupKey)).toEqual(['provider_unavailable:mistral']);
    const empty = await evaluateRows([], { rules: RULES });
    expect(empty.evaluated).toContain('provider_unavailable');
    expect(empty.signals).toEqual([]);
  });
});
