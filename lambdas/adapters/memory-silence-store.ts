// In-memory silences with the DynamoDB store's contract, for the CLI's dry runs and tests. Values are
// deep-copied in and out so a caller mutating a silence it read cannot change the store.
import type { SilenceStore } from '../core/ports.ts';
import type { Silence } from '../core/silence.ts';
import { bySilenceStart } from './silence-order.ts';

export class MemorySilenceStore implements SilenceStore {
  private readonly items = new Map<string, Silence>();

  constructor(initial: readonly Silence[] = []) {
    for (const silence of initial) this.items.set(silence.id, withoutUndefined(silence));
  }

  async put(silence: Silence): Promise<void> {
    this.items.set(silence.id, withoutUndefined(silence));
  }

  async listCurrent(): Promise<Silence[]> {
    return [...this.items.values()]
      .filter((s) => s.endAnnouncedAt === undefined)
      .map((s) => structuredClone(s))
      .sort(bySilenceStart);
  }

  async listAll(): Promise<Silence[]> {
    return [...this.items.values()].map((s) => structuredClone(s)).sort(bySilenceStart);
  }

  async get(id: string): Promise<Silence | undefined> {
    const item = this.items.get(id);
    return item === undefined ? undefined : structuredClone(item);
  }

  async markEndAnnounced(id: string, at: string): Promise<boolean> {
    const item = this.items.get(id);
    if (item === undefined || item.endAnnouncedAt !== undefined) return false;
    this.items.set(id, { ...item, endAnnouncedAt: at });
    return true;
  }
}

/** As DynamoDB stores it (removeUndefinedValues): a field set to undefined reads back absent. */
function withoutUndefined(silence: Silence): Silence {
  return Object.fromEntries(Object.entries(structuredClone(silence)).filter(([, value]) => value !== undefined)) as unknown as Silence;
}
