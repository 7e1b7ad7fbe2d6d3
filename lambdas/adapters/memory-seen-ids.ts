// The intake's seen ids in memory, for the CLI's backtests (`route --signals` with webhook lines).
import type { SeenIds } from '../core/human/ports.ts';

export class MemorySeenIds implements SeenIds {
  private readonly ids = new Map<string, number>();

  async claim(id: string, expiresAt: number): Promise<boolean> {
    if (this.ids.has(id)) return false;
    this.ids.set(id, expiresAt);
    return true;
  }

  async release(id: string): Promise<void> {
    this.ids.delete(id);
  }
}
