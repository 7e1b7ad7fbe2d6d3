// In-memory log counters with the DynamoDB adapter's contract (atomic per batch, at most once per batch
// id), for the CLI (counts within one file), the demo, the bench and unit tests.
import type { CounterIncrement, CounterKind, LogCounters, MinuteCounts } from '../core/logs/ports.ts';

export class MemoryLogCounters implements LogCounters {
  /** `${kind}#${key}` -> minute -> count */
  private readonly counts = new Map<string, Map<number, number>>();
  private readonly batches = new Set<string>();
  /** Calls per method, for tests that check what a run read. */
  readonly calls = { add: 0, keys: 0, read: 0 };

  async add(batchId: string, increments: readonly CounterIncrement[]): Promise<void> {
    this.calls.add++;
    if (this.batches.has(batchId)) return;
    this.batches.add(batchId);
    for (const { kind, key, minute, n } of increments) {
      const id = `${kind}#${key}`;
      const minutes = this.counts.get(id) ?? new Map<number, number>();
      minutes.set(minute, (minutes.get(minute) ?? 0) + n);
      this.counts.set(id, minutes);
    }
  }

  async keys(kind: CounterKind, fromMinute: number, toMinute: number): Promise<string[]> {
    this.calls.keys++;
    const prefix = `${kind}#`;
    const keys: string[] = [];
    for (const [id, minutes] of this.counts) {
      if (!id.startsWith(prefix)) continue;
      for (const m of minutes.keys()) {
        if (m >= fromMinute && m <= toMinute) {
          keys.push(id.slice(prefix.length));
          break;
        }
      }
    }
    return keys.sort();
  }

  async read(kind: CounterKind, keys: readonly string[], fromMinute: number, toMinute: number): Promise<MinuteCounts> {
    this.calls.read++;
    const out: MinuteCounts = new Map();
    for (const key of keys) {
      const minutes = this.counts.get(`${kind}#${key}`);
      if (!minutes) continue;
      const inRange = new Map<number, number>();
      for (const [m, n] of minutes) if (m >= fromMinute && m <= toMinute) inRange.set(m, n);
      if (inRange.size) out.set(key, inRange);
    }
    return out;
  }
}
