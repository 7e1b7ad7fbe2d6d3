// In-memory probe state with the DynamoDB store's contract, for the demo, the CLI and tests. Copies in and
// out, so a caller mutating what it read cannot change the store.
import type { ProbeState, ProbeStateStore } from '../core/probe/probe-state.ts';

export class MemoryProbeState implements ProbeStateStore {
  private state: ProbeState | undefined;

  constructor(initial?: ProbeState) {
    this.state = initial ? structuredClone(initial) : undefined;
  }

  async read(): Promise<ProbeState | undefined> {
    return this.state ? structuredClone(this.state) : undefined;
  }

  async write(state: ProbeState): Promise<void> {
    this.state = structuredClone(state);
  }
}
