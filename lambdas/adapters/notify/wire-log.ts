// The wire log (`route --wire`, `test-page --wire`, `npm run demo`): one JSON line per outbound request,
// exactly as sent, secrets masked. Transports call the tap; WireLog stamps and keeps the entries.

export interface WireRequest {
  sink: string;
  /** HTTP: `{ method, url, headers, body }` with secrets masked; SNS: the Publish input. */
  request: Record<string, unknown>;
}

export type WireTap = (entry: WireRequest) => void;

export interface WireEntry extends WireRequest {
  at: string;
}

export class WireLog {
  readonly entries: WireEntry[] = [];

  /** `clock` gives the routing time (the replayed signal's time in the CLI). */
  constructor(private readonly clock: () => Date) {}

  readonly tap: WireTap = (entry) => {
    this.entries.push({ at: this.clock().toISOString(), sink: entry.sink, request: structuredClone(entry.request) });
  };

  /** JSON Lines, one request per line. */
  toJsonLines(): string {
    return this.entries.map((entry) => JSON.stringify(entry)).join('\n') + (this.entries.length ? '\n' : '');
  }
}
