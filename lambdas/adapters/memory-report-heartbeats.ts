// In-memory report heartbeats for the CLI replay and tests.
import type { ReportHeartbeats } from '../core/ports.ts';
import type { SignalSource } from '../core/signal.ts';

export class MemoryReportHeartbeats implements ReportHeartbeats {
  private readonly last = new Map<SignalSource, string>();

  async record(source: SignalSource, reportedAt: string): Promise<void> {
    const at = new Date(reportedAt).toISOString(); // compare instants, not text with offsets
    const current = this.last.get(source);
    if (!current || current < at) this.last.set(source, at);
  }

  async lastReports(sources: SignalSource[]): Promise<Partial<Record<SignalSource, string>>> {
    return Object.fromEntries(sources.filter((s) => this.last.has(s)).map((s) => [s, this.last.get(s)!]));
  }
}
