// Storm control's counters in memory, for the CLI's dry runs and the demo.
import type { Sink } from '../core/incident.ts';
import type { StormLedger } from '../core/notify/storm.ts';

export class MemoryStormLedger implements StormLedger {
  private readonly items = new Map<string, { sent: number; held: number; notice: boolean }>();

  async take(sink: Sink, minute: number, limit: number): Promise<boolean> {
    const item = this.item(sink, minute);
    if (item.sent >= limit) return false;
    item.sent += 1;
    return true;
  }

  async hold(sink: Sink, minute: number, n: number): Promise<number> {
    const item = this.item(sink, minute);
    item.held += n;
    return item.held;
  }

  async claimNotice(sink: Sink, minute: number): Promise<boolean> {
    const item = this.item(sink, minute);
    if (item.notice) return false;
    item.notice = true;
    return true;
  }

  private item(sink: Sink, minute: number) {
    const key = `${sink}#${minute}`;
    const item = this.items.get(key) ?? { sent: 0, held: 0, notice: false };
    this.items.set(key, item);
    return item;
  }
}
