// In-memory probe state with the DynamoDB store's contract, for the demo, the CLI and tests. Copies in and
// out, so a caller mutating what it read cannot change the store.
import type { ProbeState, StateItemStore } from '../core/probe/probe-state.ts';

export class MemoryProbeState<T = ProbeState> implements StateItemStore<T> {
  private state: T | undefined;

  constructor(initial?: T) {
    this.state = initial ? structuredClone(initial) : undefined;
  }

  async read(): Promise<T | undefined> {
    return this.state ? structuredClone(this.state) : undefined;
  }

  async write(state: T): Promise<void> {
    this.state = structuredClone(state);
  }
}
