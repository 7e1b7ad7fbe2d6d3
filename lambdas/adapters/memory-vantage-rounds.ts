// In-memory latest rounds per target and vantage with the DynamoDB store's contract (only a newer round
// replaces the stored one), for the CLI's replays and the tests.
import type { VantageRound, VantageRoundStore } from '../core/probe/vantage-round.ts';

export class MemoryVantageRounds implements VantageRoundStore {
  private readonly rounds = new Map<string, VantageRound>();

  async record(round: VantageRound): Promise<void> {
    const key = `${round.target}\u0000${round.vantage}`;
    const kept = this.rounds.get(key);
    if (!kept || Date.parse(kept.at) < Date.parse(round.at)) this.rounds.set(key, structuredClone(round));
  }

  async latest(targets: readonly string[], vantages: readonly string[]): Promise<VantageRound[]> {
    return [...this.rounds.values()]
      .filter((r) => targets.includes(r.target) && vantages.includes(r.vantage))
      .map((r) => structuredClone(r));
  }
}
