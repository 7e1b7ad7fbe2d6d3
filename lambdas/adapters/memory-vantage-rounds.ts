// In-memory latest rounds of every vantage with the DynamoDB store's contract (a report replaces its
// vantage's rounds only when newer; every vantage's rounds come back from the same call), for the CLI's
// replays and the tests.
import type { VantageReportRounds, VantageRound, VantageRoundStore } from '../core/probe/vantage-round.ts';

export class MemoryVantageRounds implements VantageRoundStore {
  private readonly byVantage = new Map<string, { at: number; rounds: VantageRound[] }>();

  async record({ vantage, at, rounds, voters }: VantageReportRounds): Promise<VantageRound[]> {
    const kept = this.byVantage.get(vantage);
    if (!kept || kept.at < Date.parse(at)) this.byVantage.set(vantage, { at: Date.parse(at), rounds: structuredClone([...rounds]) });
    for (const region of this.byVantage.keys()) if (!voters.includes(region)) this.byVantage.delete(region);
    return [...this.byVantage.values()].flatMap((v) => structuredClone(v.rounds));
  }
}
