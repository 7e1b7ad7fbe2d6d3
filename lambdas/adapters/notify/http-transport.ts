// The HTTP transport of every HTTP sink (PagerDuty, Opsgenie, Splunk On-Call, webhooks). Substitutes the
// sink's secret (fetched per call from a provider that caches it, so a rotated key is picked up without a
// redeploy), retries what the provider says is retryable (429, 5xx, network errors, timeouts) with backoff
// and Retry-After, and never retries a 4xx rejection: the same request would be rejected again and only
// delay the other deliveries. Each retry first takes a request from storm control's per-minute budget (the
// caller's `retryBudget`), so retries count against the vendor's limit like first attempts. Every attempt goes
// to the wire tap as sent, with the secret masked.
import { maskedCall, withSecret, type HttpCall, type HttpSender, type RetryRules } from '../../core/notify/http-call.ts';
import type { SendOutcome } from '../../core/notify/ports.ts';
import { asError } from '../../core/errors.ts';
import type { WireTap } from './wire-log.ts';

export interface HttpTransportOptions {
  /** Sink name in the wire log, e.g. "pagerduty" or "webhook:keep". */
  readonly sink: string;
  /** Returns the sink's secret; undefined or a throw means "not configured". */
  readonly secret: () => Promise<string | undefined>;
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
  readonly wire?: WireTap;
}

const MAX_REASON = 500;

export class HttpTransport implements HttpSender {
  private readonly sink: string;
  private readonly secret: () => Promise<string | undefined>;
  private readonly fetch: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly maxAttempts: number;
  private readonly timeoutMs: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly wire: WireTap | undefined;

  constructor(options: HttpTransportOptions) {
    this.sink = options.sink;
    this.secret = options.secret;
    this.fetch = options.fetch ?? globalThis.fetch;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 4);
    this.timeoutMs = options.timeoutMs ?? 5_000;
    this.baseDelayMs = options.baseDelayMs ?? 500;
    this.maxDelayMs = options.maxDelayMs ?? 30_000;
    this.wire = options.wire;
  }

  async send(call: HttpCall, rules: RetryRules, retryBudget?: () => Promise<boolean>): Promise<SendOutcome> {
    const who = rules.provider;
    let key: string | undefined;
    try {
      key = (await this.secret())?.trim();
    } catch (error) {
      // The provider's error (e.g. AccessDenied on the parameter) names the parameter, never the value.
      return config(`${who} ${rules.secret} unavailable: ${errorText(error)}`);
    }
    if (!key) return config(`${who} ${rules.secret} unavailable: no key configured`);

    const real = withSecret(call, key);
    const body = JSON.stringify(real.body);
    const scrub = (text: string): string => text.split(key).join('[REDACTED]');
    const shown = maskedCall(real, key);
    let lastFailure = '';

    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      // Every retry is a request against the vendor's rate limit: storm control counts it, or it is not sent.
      if (attempt > 1 && retryBudget && !(await retryBudget()))
        return transient(`${who} retry not sent: this minute's request budget is spent (last: ${scrub(lastFailure)})`);
      let response: Response;
      let text: string;
      this.wire?.({ sink: this.sink, request: { method: shown.method, url: shown.url, headers: shown.headers, body: shown.body } });
      try {
        // One signal covers connect, headers and body: a server that stalls mid-body also times out.
        const signal = AbortSignal.timeout(this.timeoutMs);
        response = await this.fetch(real.url, { method: real.method, headers: real.headers, body, signal });
        text = await response.text();
      } catch (error) {
        lastFailure = isTimeout(error) ? `timeout after ${this.timeoutMs} ms` : `network error: ${scrub(errorText(error))}`;
        if (attempt < this.maxAttempts) await this.sleep(this.backoff(attempt));
        continue;
      }

      if (response.status >= 200 && response.status < 300) return call.readReply ? { ok: true, reply: parseReply(text) } : { ok: true };

      const detail = scrub(describeBody(text));
      if (rules.retry(response.status)) {
        lastFailure = `HTTP ${response.status}${detail ? `: ${detail}` : ''}`;
        if (attempt >= this.maxAttempts) break;
        const retryAfter = parseRetryAfter(response.headers.get('retry-after'));
        if (retryAfter !== undefined && retryAfter > this.maxDelayMs) {
          return transient(
            `${who} rate limited; Retry-After ${Math.ceil(retryAfter / 1000)} s exceeds the ${this.maxDelayMs} ms budget (${lastFailure})`,
          );
        }
        await this.sleep(retryAfter ?? this.backoff(attempt));
        continue;
      }
      if (rules.config(response.status)) {
        return config(`${who} answered HTTP ${response.status} at ${shown.url}${detail ? `: ${detail}` : ''}`);
      }
      // 400 (invalid event), 413 (too large), 422 and other 4xx: the same request would fail again.
      return {
        ok: false,
        retryable: false,
        kind: 'rejected',
        reason: cut(`${who} rejected the request (HTTP ${response.status})${detail ? `: ${detail}` : ''}`),
      };
    }
    return transient(`${who} unavailable after ${this.maxAttempts} attempts (last: ${scrub(lastFailure)})`);
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

/** The provider's `message` and `errors` from a JSON answer, else the start of the text. */
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

/** The JSON answer of a call that asked for it; undefined when the body is not JSON. */
function parseReply(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
