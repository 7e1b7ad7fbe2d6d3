// PagerDuty Events API v2 sender. Adds the routing key (fetched per call from a provider that caches
// it, so a rotated key is picked up without a redeploy), retries what PagerDuty says is retryable
// (429, 5xx, network errors, timeouts) with backoff, and never retries a 400: the same event would be
// rejected again and only delay the other deliveries.
import type { PagerDutyEvent } from '../core/pagerduty.ts';
import type { PagerDutyClient, SendOutcome } from '../core/ports.ts';
import { asError } from '../core/errors.ts';

export interface PagerDutyHttpClientOptions {
  /** e.g. https://events.pagerduty.com/v2/enqueue (or https://events.eu.pagerduty.com/v2/enqueue). */
  readonly eventsUrl: string;
  /** Returns the integration's routing key; undefined or a throw means "not configured". */
  readonly routingKey: () => Promise<string | undefined>;
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** Injected so tests do not wait. @default setTimeout-based */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Jitter source in [0, 1). @default Math.random */
  readonly random?: () => number;
  /** Total attempts, first one included. @default 4 */
  readonly maxAttempts?: number;
  /** Per-attempt timeout, response body included. @default 5000 */
  readonly timeoutMs?: number;
  /** First backoff step; doubles per attempt, with jitter. @default 500 */
  readonly baseDelayMs?: number;
  /**
   * Longest single wait. A Retry-After beyond it ends the retries at once with a transient outcome
   * (retrying sooner would only earn another 429; the caller keeps the delivery pending).
   * @default 30000
   */
  readonly maxDelayMs?: number;
}

const MAX_REASON = 500;

export class PagerDutyHttpClient implements PagerDutyClient {
  private readonly eventsUrl: string;
  private readonly routingKey: () => Promise<string | undefined>;
  private readonly fetch: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly maxAttempts: number;
  private readonly timeoutMs: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;

  constructor(options: PagerDutyHttpClientOptions) {
    this.eventsUrl = options.eventsUrl;
    this.routingKey = options.routingKey;
    this.fetch = options.fetch ?? globalThis.fetch;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 4);
    this.timeoutMs = options.timeoutMs ?? 5_000;
    this.baseDelayMs = options.baseDelayMs ?? 500;
    this.maxDelayMs = options.maxDelayMs ?? 30_000;
  }

  async enqueue(event: PagerDutyEvent): Promise<SendOutcome> {
    let key: string | undefined;
    try {
      key = (await this.routingKey())?.trim();
    } catch (error) {
      // The provider's error (e.g. AccessDenied on the parameter) names the parameter, never the value.
      return config(`PagerDuty routing key unavailable: ${errorText(error)}`);
    }
    if (!key) return config('PagerDuty routing key unavailable: no key configured');

    const body = JSON.stringify({ routing_key: key, ...event });
    const scrub = (text: string): string => text.split(key).join('[REDACTED]');
    let lastFailure = '';

    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      let response: Response;
      let text: string;
      try {
        // One signal covers connect, headers and body: a server that stalls mid-body also times out.
        const signal = AbortSignal.timeout(this.timeoutMs);
        response = await this.fetch(this.eventsUrl, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
          body,
          signal,
        });
        text = await response.text();
      } catch (error) {
        lastFailure = isTimeout(error) ? `timeout after ${this.timeoutMs} ms` : `network error: ${errorText(error)}`;
        if (attempt < this.maxAttempts) await this.sleep(this.backoff(attempt));
        continue;
      }

      if (response.status >= 200 && response.status < 300) return { ok: true };

      const detail = scrub(describeBody(text));
      if (response.status === 429 || response.status === 408 || response.status >= 500) {
        lastFailure = `HTTP ${response.status}${detail ? `: ${detail}` : ''}`;
        if (attempt >= this.maxAttempts) break;
        const retryAfter = parseRetryAfter(response.headers.get('retry-after'));
        if (retryAfter !== undefined && retryAfter > this.maxDelayMs) {
          return transient(
            `PagerDuty rate limited; Retry-After ${Math.ceil(retryAfter / 1000)} s exceeds the ${this.maxDelayMs} ms budget (${lastFailure})`,
          );
        }
        await this.sleep(retryAfter ?? this.backoff(attempt));
        continue;
      }
      if (response.status === 401 || response.status === 403 || response.status === 404) {
        return config(`PagerDuty answered HTTP ${response.status} at ${this.eventsUrl}${detail ? `: ${detail}` : ''}`);
      }
      // 400 (invalid event), 413 (too large) and other 4xx: the same request would fail again.
      return {
        ok: false,
        retryable: false,
        kind: 'rejected',
        reason: cut(`PagerDuty rejected the event (HTTP ${response.status})${detail ? `: ${detail}` : ''}`),
      };
    }
    return transient(`PagerDuty unavailable after ${this.maxAttempts} attempts (last: ${scrub(lastFailure)})`);
  }

  /** Exponential backoff with "equal jitter": half fixed, half random, so retries never bunch at 0. */
  private backoff(attempt: number): number {
    const exp = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (attempt - 1));
    return Math.round(exp / 2 + this.random() * (exp / 2));
  }
}

function config(reason: string): SendOutcome {
  return { ok: false, retryable: false, kind: 'config', reason: cut(reason) };
}

function transient(reason: string): SendOutcome {
  return { ok: false, retryable: true, kind: 'transient', reason: cut(reason) };
}

function cut(text: string): string {
  return text.length <= MAX_REASON ? text : `${text.slice(0, MAX_REASON - 1)}…`;
}

function isTimeout(error: unknown): boolean {
  const name = asError(error).name;
  return name === 'TimeoutError' || name === 'AbortError';
}

function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // undici wraps the useful part (ECONNREFUSED, ENOTFOUND, ...) in `cause`.
  const cause = error.cause as { code?: string; message?: string } | undefined;
  const extra = cause?.code ?? cause?.message;
  return extra ? `${error.message} (${extra})` : error.message;
}

/** PagerDuty's `message` and `errors` from a JSON answer, else the start of the text. */
function describeBody(text: string): string {
  try {
    const parsed = JSON.parse(text) as { message?: unknown; errors?: unknown };
    const parts: string[] = [];
    if (typeof parsed.message === 'string') parts.push(parsed.message);
    if (Array.isArray(parsed.errors)) parts.push(...parsed.errors.filter((e): e is string => typeof e === 'string'));
    if (parts.length > 0) return parts.join('; ');
  } catch {
    // not JSON: fall through
  }
  return text.replace(/\s+/g, ' ').trim().slice(0, 200);
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
