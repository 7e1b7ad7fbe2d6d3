// The following lines of a split traceback: the container runtime writes one CloudWatch event per line, so
// only "Traceback (most recent call last):" matched the subscription filter and the exception line is
// still in the stream. FilterLogEvents on that one stream from the first line's timestamp, bounded by
// events, log time and wall time. Never throws: a failure is `{ ok: false, reason }` and the traceback
// is still reported, with an unknown type.
import { FilterLogEventsCommand, type CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { LogEvent } from '../core/logs/decode.ts';
import type { FetchedEvents, FollowingEventsRequest, LogFetcher } from '../core/logs/ports.ts';
import { asError, errorMessage } from '../core/errors.ts';

export interface CloudWatchLogFetcherOptions {
  readonly client: CloudWatchLogsClient;
  /** Wall-clock budget of one fetch, all pages together (ms). @default 5000 */
  readonly timeoutMs?: number;
  /** FilterLogEvents pages per fetch (a page can come back empty while CloudWatch scans). @default 5 */
  readonly maxPages?: number;
}

export class CloudWatchLogFetcher implements LogFetcher {
  private readonly client: CloudWatchLogsClient;
  private readonly timeoutMs: number;
  private readonly maxPages: number;

  constructor(options: CloudWatchLogFetcherOptions) {
    this.client = options.client;
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.maxPages = options.maxPages ?? 5;
  }

  async following(request: FollowingEventsRequest): Promise<FetchedEvents> {
    const events: LogEvent[] = [];
    const abortSignal = AbortSignal.timeout(this.timeoutMs);
    let nextToken: string | undefined;
    try {
      for (let page = 0; page < this.maxPages && events.length < request.maxEvents; page++) {
        const result = await this.client.send(
          new FilterLogEventsCommand({
            logGroupName: request.logGroup,
            logStreamNames: [request.logStream],
            startTime: request.startTime,
            endTime: request.startTime + request.maxSpanMs,
            limit: request.maxEvents - events.length,
            nextToken,
          }),
          { abortSignal },
        );
        for (const event of result.events ?? []) {
          if (typeof event.timestamp !== 'number' || typeof event.message !== 'string') continue;
          events.push({ id: event.eventId ?? `${event.timestamp}:${events.length}`, timestamp: event.timestamp, message: event.message });
        }
        nextToken = result.nextToken;
        if (!nextToken) break;
      }
    } catch (error) {
      const name = asError(error).name;
      return {
        ok: false,
        reason: `FilterLogEvents on ${request.logGroup}/${request.logStream}: ${name === 'AbortError' || name === 'TimeoutError' ? `no answer within ${this.timeoutMs} ms` : `${name}: ${errorMessage(error)}`}`,
      };
    }
    events.sort((a, b) => a.timestamp - b.timestamp);
    const truncated = events.length >= request.maxEvents || nextToken !== undefined;
    return { ok: true, events: events.slice(0, request.maxEvents), truncated };
  }
}
