// An in-memory CloudWatch Logs stand-in for the split-traceback fetch: whole streams held as arrays,
// answered with FilterLogEvents' semantics (events of one stream from startTime, bounded). For the demo,
// the bench and unit tests; the Lambda uses CloudWatchLogFetcher.
import type { LogEvent } from '../core/logs/decode.ts';
import type { FetchedEvents, FollowingEventsRequest, LogFetcher } from '../core/logs/ports.ts';

export class MemoryLogFetcher implements LogFetcher {
  private readonly streams = new Map<string, LogEvent[]>();
  /** Every request, for tests. */
  readonly requests: FollowingEventsRequest[] = [];
  /** When set, every fetch fails with this reason (a throttled or denied CloudWatch Logs). */
  failWith: string | undefined;

  /** Append events to a stream (kept in timestamp order, stable for equal timestamps). */
  append(logGroup: string, logStream: string, events: readonly LogEvent[]): void {
    const id = `${logGroup}\u0000${logStream}`;
    const stream = this.streams.get(id) ?? [];
    stream.push(...events);
    stream.sort((a, b) => a.timestamp - b.timestamp);
    this.streams.set(id, stream);
  }

  async following(request: FollowingEventsRequest): Promise<FetchedEvents> {
    this.requests.push(request);
    if (this.failWith !== undefined) return { ok: false, reason: this.failWith };
    const stream = this.streams.get(`${request.logGroup}\u0000${request.logStream}`);
    if (!stream) return { ok: false, reason: `ResourceNotFoundException: The specified log stream does not exist: ${request.logStream}` };
    const inRange = stream.filter((e) => e.timestamp >= request.startTime && e.timestamp <= request.startTime + request.maxSpanMs);
    return { ok: true, events: inRange.slice(0, request.maxEvents).map((e) => ({ ...e })), truncated: inRange.length > request.maxEvents };
  }
}
