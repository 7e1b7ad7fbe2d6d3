// The CLI's in-memory vantage rounds keep the DynamoDB store's contract: a report replaces its vantage's
// rounds only when newer, every vantage's rounds come back from the same call, non-voters are dropped.
import { describe, expect, it } from 'vitest';
import { MemoryVantageRounds } from '../../../lambdas/adapters/memory-vantage-rounds.ts';
import type { VantageRound } from '../../../lambdas/core/probe/vantage-round.ts';

const VOTERS = ['eu-central-1', 'us-east-1'];
const round = (vantage: string, at: string, target = 'gateway', ok = true): VantageRound => ({
  target,
  vantage,
  at,
  ok,
  consecutive: false,
  flapping: false,
  sustained: false,
  failure: ok ? null : 'timeout',
  status: ok ? 200 : null,
  latencyMs: 40,
  tlsDaysLeft: 60,
  firstMove: null,
});
const report = (vantage: string, at: string, rounds: VantageRound[], voters = VOTERS) => ({ vantage, at, rounds, voters });
const keys = (list: VantageRound[]) => list.map((r) => `${r.target}@${r.vantage} ${r.at} ${r.ok}`).sort();

describe('MemoryVantageRounds', () => {
  it("answers every vantage's latest rounds; a newer report replaces all of its vantage's rounds, a late one none", async () => {
    const store = new MemoryVantageRounds();
    await store.record(report('eu-central-1', '2026-11-20T03:00:00Z', [round('eu-central-1', '2026-11-20T03:00:00Z')]));
    const t1 = '2026-11-20T03:00:01Z';
    expect(
      keys(await store.record(report('us-east-1', t1, [round('us-east-1', t1, 'gateway', false), round('us-east-1', t1, 'server')]))),
    ).toEqual([
      'gateway@eu-central-1 2026-11-20T03:00:00Z true',
      'gateway@us-east-1 2026-11-20T03:00:01Z false',
      'server@us-east-1 2026-11-20T03:00:01Z true',
    ]);
    // Late (an offset naming an earlier instant) and retried reports change nothing.
    const late = '2026-11-20T04:00:00+01:00';
    expect(keys(await store.record(report('us-east-1', late, [round('us-east-1', late)])))).toContain(
      'gateway@us-east-1 2026-11-20T03:00:01Z false',
    );
    expect(keys(await store.record(report('us-east-1', t1, [round('us-east-1', t1)])))).toContain(
      'gateway@us-east-1 2026-11-20T03:00:01Z false',
    );
    const t2 = '2026-11-20T03:00:31Z';
    expect(keys(await store.record(report('us-east-1', t2, [round('us-east-1', t2)])))).toEqual([
      'gateway@eu-central-1 2026-11-20T03:00:00Z true',
      'gateway@us-east-1 2026-11-20T03:00:31Z true',
    ]);
  });

  it('drops a region that is no longer a voter', async () => {
    const store = new MemoryVantageRounds();
    await store.record(report('us-east-1', '2026-11-20T03:00:00Z', [round('us-east-1', '2026-11-20T03:00:00Z')]));
    const answer = await store.record(
      report('eu-central-1', '2026-11-20T03:00:01Z', [round('eu-central-1', '2026-11-20T03:00:01Z')], ['eu-central-1']),
    );
    expect(keys(answer)).toEqual(['gateway@eu-central-1 2026-11-20T03:00:01Z true']);
  });
});
