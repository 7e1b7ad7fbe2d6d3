// One outbound HTTP request of a sink, as the core renders it. The secret (routing key, API key, or a
// URL that is itself the secret) is never known to the core: it renders SECRET where the secret goes,
// and the transport substitutes the SSM value just before sending and masks it in the wire log.
import type { SendOutcome } from './ports.ts';

/** Placeholder for the sink's secret in `url`, a header value or a body string. */
export const SECRET = '{{secret}}';
export const MASK = '[MASKED]';

export interface HttpCall {
  method: 'POST' | 'PATCH';
  url: string;
  headers: Record<string, string>;
  /** The JSON body as an object (sent with JSON.stringify). */
  body: Record<string, unknown>;
  /** The sink keeps something of the answer (the id of what it created): the outcome carries the parsed JSON. */
  readReply?: true;
}

/** Which statuses a provider says to retry; everything else 4xx is final (the same request fails again). */
export interface RetryRules {
  /** Name in messages, e.g. "PagerDuty". */
  provider: string;
  /** What the secret is, in messages, e.g. "routing key". */
  secret: string;
  retry: (status: number) => boolean;
  /** Statuses that mean a wrong key or URL: an operator fix, reported as `config`. */
  config: (status: number) => boolean;
}

/** 429, 408 and 5xx retry; 401/403/404 are configuration; other 4xx are a rejected request. Every provider here documents this. */
export function standardRetryRules(provider: string, secret = 'secret'): RetryRules {
  return {
    provider,
    secret,
    retry: (status) => status === 429 || status === 408 || status >= 500,
    config: (status) => status === 401 || status === 403 || status === 404,
  };
}

/**
 * The port the HTTP sinks use; the adapter adds the secret, retries per `rules` and never throws. Before
 * each retry it asks `retryBudget` (storm control's per-minute count of requests) and stops when refused.
 */
export interface HttpSender {
  send(call: HttpCall, rules: RetryRules, retryBudget?: () => Promise<boolean>): Promise<SendOutcome>;
}

/** The call with SECRET replaced by `secret` everywhere (URL, header values, body strings). */
export function withSecret(call: HttpCall, secret: string): HttpCall {
  return substitute(call, (text) => text.split(SECRET).join(secret));
}

/**
 * The call as the wire log shows it: the secret replaced by MASK wherever it appears, and a URL that
 * was the secret itself reduced to its origin plus masked token-like path segments and query values.
 */
export function maskedCall(call: HttpCall, secret: string): HttpCall {
  const scrub = (text: string): string => (secret ? text.split(secret).join(MASK) : text);
  const masked = substitute(call, scrub);
  if (secret && call.url.includes(secret) && /^https?:\/\//.test(secret)) masked.url = maskUrl(call.url);
  return masked;
}

/** Keeps scheme, host and plain words of the path; masks credentials, token-like segments and query values. */
export function maskUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return MASK;
  }
  const path = url.pathname
    .split('/')
    .map((segment) => (segment === '' || /^[A-Za-z][A-Za-z_.-]{0,23}$/.test(segment) || /^\d{1,8}$/.test(segment) ? segment : MASK))
    .join('/');
  const query = [...url.searchParams.keys()].map((key) => `${key}=${MASK}`).join('&');
  const auth = url.username || url.password ? `${MASK}@` : '';
  return `${url.protocol}//${auth}${url.host}${path}${query ? `?${query}` : ''}`;
}

function substitute(call: HttpCall, replace: (text: string) => string): HttpCall {
  return {
    method: call.method,
    url: replace(call.url),
    headers: Object.fromEntries(Object.entries(call.headers).map(([name, value]) => [name, replace(value)])),
    body: mapStrings(call.body, replace) as Record<string, unknown>,
    ...(call.readReply ? { readReply: call.readReply } : {}),
  };
}

function mapStrings(value: unknown, replace: (text: string) => string): unknown {
  if (typeof value === 'string') return replace(value);
  if (Array.isArray(value)) return value.map((item) => mapStrings(item, replace));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, mapStrings(item, replace)]));
  return value;
}
