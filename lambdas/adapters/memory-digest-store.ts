// In-memory DigestStore with the DynamoDB store's conditional-write contract, for the CLI, the demo and tests.
import type { Digest, DigestStore } from '../core/digest.ts';

export class MemoryDigestStore implements DigestStore {
  private readonly items = new Map<string, Digest>();

  async get(id: string): Promise<Digest | undefined> {
    const item = this.items.get(id);
    return item === undefined ? undefined : structuredClone(item);
  }

  async put(digest: Digest, expectedVersion: number | undefined): Promise<boolean> {
    const current = this.items.get(digest.id);
    if (expectedVersion === undefined ? current !== undefined : current?.version !== expectedVersion) return false;
    this.items.set(digest.id, JSON.parse(JSON.stringify(digest)) as Digest);
    return true;
  }

  async listUnposted(): Promise<Digest[]> {
    return [...this.items.values()].filter((d) => !d.postedAt).map((d) => structuredClone(d));
  }

  all(): Digest[] {
    return [...this.items.values()].map((d) => structuredClone(d));
  }
}
