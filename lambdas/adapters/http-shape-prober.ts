// One inbound-shape request: POST the shape's one-token body with fetch under one deadline
// (connect, TLS, headers and body), read at most 64 KB, and judge it with core/probe/inbound-shape.ts.
// Whatever the endpoint does resolves to a ShapeOutcome; only a malformed URL rejects (ProbeRequestError).
// The body is judged and dropped: never logged or returned (it is a completion). Header values (the probe
// key from SSM) never appear in an outcome or an error.
import { classifyTransportError } from '../core/probe/classify.ts';
import { classifyShapeResponse, shapeRequest, type InboundShape, type ShapeOutcome } from '../core/probe/inbound-shape.ts';
import { displayUrl } from '../core/probe/result.ts';
import { parseProbeUrl } from './http-prober.ts';

export const DEFAULT_SHAPE_TIMEOUT_MS = 15_000;
const MAX_BODY_BYTES = 64 * 1024;

export interface ShapeProbeRequest {
  readonly url: string;
  readonly shape: InboundShape;
  readonly model: string;
  /** @default 15000 */
  readonly timeoutMs?: number;
  /** The probe key and any other header from SSM; sent, never logged. */
  readonly headers?: Readonly<Record<string, string>>;
}

export interface HttpShapeProberOptions {
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** Monotonic milliseconds for latency. @default performance.now */
  readonly timer?: () => number;
  /** @default 'metis-alerts-probe/1' */
  readonly userAgent?: string;
}

export class HttpShapeProber {
  private readonly fetch: typeof fetch;
  private readonly timer: () => number;
  private readonly userAgent: string;

  constructor(options: HttpShapeProberOptions = {}) {
    this.fetch = options.fetch ?? globalThis.fetch;
    this.timer = options.timer ?? (() => performance.now());
    this.userAgent = options.userAgent ?? 'metis-alerts-probe/1';
  }

  async probe(request: ShapeProbeRequest): Promise<ShapeOutcome> {
    const url = parseProbeUrl(request.url);
    const timeoutMs = request.timeoutMs ?? DEFAULT_SHAPE_TIMEOUT_MS;
    const base = { url: displayUrl(request.url), shape: request.shape, tlsDaysLeft: null };
    const started = this.timer();
    const elapsed = () => Math.max(0, Math.round(this.timer() - started));
    const spec = shapeRequest(request.shape, request.model);
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), timeoutMs);
    let status: number | null = null;
    try {
      const response = await this.fetch(url, {
        method: spec.method,
        headers: { 'user-agent': this.userAgent, ...spec.headers, ...request.headers },
        body: spec.body,
        signal: abort.signal,
        redirect: 'manual',
      });
      status = response.status;
      const { text, truncated } = await readCapped(response);
      const verdict = classifyShapeResponse(request.shape, status, text, truncated);
      return { ...base, ok: verdict.ok, failure: verdict.failure, status, latencyMs: elapsed(), detail: verdict.detail };
    } catch (error) {
      if (abort.signal.aborted) {
        const detail =
          status === null ? `no answer within ${timeoutMs} ms` : `HTTP ${status} but the body did not arrive within ${timeoutMs} ms`;
        return { ...base, ok: false, failure: 'timeout', status, latencyMs: elapsed(), detail };
      }
      const code = errorCode(error);
      const failure = classifyTransportError(code);
      const detail = (code ? `${code}: ${causeMessage(error)}` : causeMessage(error)).replace(/\s+/g, ' ').slice(0, 300);
      return { ...base, ok: false, failure, status, latencyMs: elapsed(), detail };
    } finally {
      clearTimeout(timer);
    }
  }
}

async function readCapped(response: Response): Promise<{ text: string; truncated: boolean }> {
  if (!response.body) return { text: '', truncated: false };
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let truncated = false;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.length;
    if (size >= MAX_BODY_BYTES) {
      truncated = true;
      await reader.cancel().catch(() => undefined);
      break;
    }
  }
  return { text: Buffer.concat(chunks).subarray(0, MAX_BODY_BYTES).toString('utf8'), truncated };
}

/** undici puts the socket's code on `cause` (fetch failed -> cause: ECONNREFUSED / CERT_HAS_EXPIRED ...). */
function errorCode(error: unknown): string | undefined {
  const cause = (error as { cause?: { code?: unknown } })?.cause;
  if (typeof cause?.code === 'string') return cause.code;
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' ? code : undefined;
}

function causeMessage(error: unknown): string {
  const cause = (error as { cause?: { message?: unknown } })?.cause;
  return typeof cause?.message === 'string' ? cause.message : error instanceof Error ? error.message : String(error);
}
