// GET the gateway's /analytics/by_key for one window (analytics_drift): the window goes out as
// two ISO-8601 query parameters (names from config), the answer comes back as parsed JSON or as the reason
// there is none (HTTP status, timeout, connection, not JSON, too large). Never throws for what the endpoint
// does: a down endpoint is a finding (analytics_unavailable), not a crash. Header values (the key from SSM)
// never appear in a reason; the URL is shown without user info.
import type { AnalyticsFetch, AnalyticsWindow } from '../core/trace-db/analytics-drift.ts';
import { displayUrl } from '../core/probe/result.ts';

/** A by-key table for thousands of keys fits easily; an endless stream does not get buffered. */
export const MAX_ANALYTICS_BYTES = 8 * 1024 * 1024;

export interface AnalyticsRequest {
  readonly url: string;
  readonly window: AnalyticsWindow;
  readonly fromParam: string;
  readonly toParam: string;
  readonly timeoutMs: number;
  readonly headers?: Readonly<Record<string, string>>;
}

export class HttpAnalyticsSource {
  private readonly fetch: typeof fetch;

  constructor(options: { fetch?: typeof fetch } = {}) {
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  /** The URL actually requested (window parameters added), for messages: no credentials. */
  static requestUrl(request: Pick<AnalyticsRequest, 'url' | 'window' | 'fromParam' | 'toParam'>): string {
    const url = new URL(request.url);
    url.searchParams.set(request.fromParam, new Date(request.window.fromMs).toISOString());
    url.searchParams.set(request.toParam, new Date(request.window.toMs).toISOString());
    return url.toString();
  }

  async byKey(request: AnalyticsRequest): Promise<AnalyticsFetch> {
    let url: string;
    try {
      url = HttpAnalyticsSource.requestUrl(request);
    } catch {
      return { kind: 'unavailable', reason: `not an absolute URL: ${displayUrl(request.url)}` };
    }
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), request.timeoutMs);
    try {
      const response = await this.fetch(url, {
        headers: { accept: 'application/json', 'user-agent': 'metis-alerts-trace-check/1', ...request.headers },
        signal: abort.signal,
        redirect: 'manual',
      });
      if (response.status < 200 || response.status > 299) {
        await response.body?.cancel().catch(() => undefined);
        return { kind: 'unavailable', reason: `HTTP ${response.status}` };
      }
      const text = await readCapped(response);
      if (text === undefined) return { kind: 'unavailable', reason: `answer larger than ${MAX_ANALYTICS_BYTES} bytes` };
      try {
        return { kind: 'body', body: JSON.parse(text) as unknown };
      } catch {
        return { kind: 'unavailable', reason: `HTTP ${response.status} but the body is not JSON` };
      }
    } catch (error) {
      if (abort.signal.aborted) return { kind: 'unavailable', reason: `no complete answer within ${request.timeoutMs} ms` };
      const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
      const code = typeof cause?.code === 'string' ? cause.code : undefined;
      return { kind: 'unavailable', reason: `cannot connect${code ? ` (${code})` : ''}` };
    } finally {
      clearTimeout(timer);
    }
  }
}

async function readCapped(response: Response): Promise<string | undefined> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > MAX_ANALYTICS_BYTES) {
      await reader.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
