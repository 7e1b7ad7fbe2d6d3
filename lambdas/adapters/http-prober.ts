// One GET of a health endpoint with node:http / node:https (not fetch: the peer certificate is needed for
// days-left), under one hard deadline that covers DNS, connect, TLS, headers and the body read (capped at
// 64 KB). Whatever the endpoint does, the answer is a ProbeOutcome, never a rejection; only a malformed URL
// or an unusable header value rejects (ProbeRequestError), because that is the caller's mistake, not the target's.
import { request as httpRequest, type ClientRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { connect as tlsConnect, rootCertificates, type PeerCertificate, type TLSSocket } from 'node:tls';
import { classifyResponse, classifyTransportError, type ProbeExpectation } from '../core/probe/classify.ts';
import { displayUrl, tlsDaysLeft, type ProbeOutcome } from '../core/probe/result.ts';
import { MetisError } from '../core/errors.ts';
import { errorMessage } from '../core/errors.ts';

export const DEFAULT_PROBE_TIMEOUT_MS = 5000;
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

export interface ProbeRequest extends ProbeExpectation {
  readonly url: string;
  /** @default 5000 */
  readonly timeoutMs?: number;
  /** Extra request headers (e.g. from SSM). Sent only after the certificate verified; never logged. */
  readonly headers?: Readonly<Record<string, string>>;
}

export interface HttpProberOptions {
  /**
   * Extra trusted CA certificates (PEM), added to Node's bundled roots (tests trust their own CA this way).
   * Without it Node's default store applies, which honours NODE_EXTRA_CA_CERTS.
   * @default - Node's default trust store
   */
  readonly ca?: readonly (string | Buffer)[];
  /** Wall clock for certificate days-left. @default () => new Date() */
  readonly clock?: () => Date;
  /** Monotonic milliseconds for latency. @default performance.now */
  readonly timer?: () => number;
  /** @default 65536 */
  readonly maxBodyBytes?: number;
  /** @default 'metis-alerts-probe/1' */
  readonly userAgent?: string;
}

/** A URL the prober cannot even try (not absolute, not http/https). */
export class ProbeRequestError extends MetisError {
  override readonly name = 'ProbeRequestError';
}

const DESCRIPTIONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'DNS name not found',
  EAI_AGAIN: 'DNS lookup failed (temporary)',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connect timed out',
};

export class HttpProber {
  private readonly ca: (string | Buffer)[] | undefined;
  private readonly clock: () => Date;
  private readonly timer: () => number;
  private readonly maxBodyBytes: number;
  private readonly userAgent: string;

  constructor(options: HttpProberOptions = {}) {
    // `ca` replaces Node's store, so the bundled roots go in too: extra CAs add trust, never remove it.
    this.ca = options.ca?.length ? [...rootCertificates, ...options.ca] : undefined;
    this.clock = options.clock ?? (() => new Date());
    this.timer = options.timer ?? (() => performance.now());
    this.maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    this.userAgent = options.userAgent ?? 'metis-alerts-probe/1';
  }

  /** Rejects only with ProbeRequestError (a malformed URL, an unusable header); whatever the target does resolves to an outcome. */
  probe(request: ProbeRequest): Promise<ProbeOutcome> {
    let url: URL;
    try {
      url = parseProbeUrl(request.url);
    } catch (error) {
      return Promise.reject(error);
    }
    const timeoutMs = request.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
    const https = url.protocol === 'https:';
    const shownUrl = displayUrl(request.url);
    const started = this.timer();
    const deadline = started + timeoutMs;
    const elapsed = () => Math.max(0, Math.round(this.timer() - started));

    return new Promise<ProbeOutcome>((resolve, reject) => {
      let settled = false;
      let status: number | null = null;
      let certificate: PeerCertificate | undefined;
      let req: ClientRequest | undefined;

      const daysLeft = (): number | null => (certificate ? this.daysLeftOf(certificate) : null);
      const finish = (outcome: Omit<ProbeOutcome, 'url'>) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        req?.destroy();
        resolve({ url: shownUrl, ...outcome });
      };

      const timer = setTimeout(() => {
        finish({
          ok: false,
          failure: 'timeout',
          status,
          latencyMs: elapsed(),
          tlsDaysLeft: daysLeft(),
          detail:
            status === null ? `no answer within ${timeoutMs} ms` : `HTTP ${status} but the body did not arrive within ${timeoutMs} ms`,
        });
      }, timeoutMs);

      const options: RequestOptions & { ca?: (string | Buffer)[] } = {
        method: 'GET',
        agent: false,
        headers: { 'user-agent': this.userAgent, accept: '*/*', ...request.headers },
        ...(https && this.ca ? { ca: this.ca } : {}),
      };

      const onResponse = (res: IncomingMessage) => {
        status = res.statusCode ?? 0;
        const chunks: Buffer[] = [];
        let size = 0;
        const done = (truncated: boolean) => {
          const body = Buffer.concat(chunks).subarray(0, this.maxBodyBytes).toString('utf8');
          const verdict = classifyResponse(status!, body, request, truncated);
          finish({
            ok: verdict.ok,
            failure: verdict.ok ? null : verdict.failure,
            status,
            latencyMs: elapsed(),
            tlsDaysLeft: daysLeft(),
            detail: verdict.detail,
          });
        };
        res.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          size += chunk.length;
          // Enough to judge: a health body is small; never buffer an endless stream.
          if (size >= this.maxBodyBytes) done(true);
        });
        res.on('end', () => done(false));
        res.on('error', (error) => onError(error));
      };

      const onError = (error: Error) => {
        if (settled) return;
        const code = (error as NodeJS.ErrnoException).code;
        const failure = classifyTransportError(code);
        const latencyMs = elapsed();
        const detail = describeError(code, error.message);
        if (failure !== 'tls' || certificate) {
          finish({ ok: false, failure, status, latencyMs, tlsDaysLeft: daysLeft(), detail });
          return;
        }
        // Verification failed before any request was sent: read the certificate's expiry over a second
        // handshake that sends nothing (headers may carry secrets and go only to a verified server). It has
        // the rest of the deadline as its own budget; the verdict is already `tls`, never a late `timeout`.
        clearTimeout(timer);
        this.readCertificate(url, Math.max(0, deadline - this.timer())).then((peer) => {
          if (peer) certificate = peer;
          finish({ ok: false, failure, status, latencyMs, tlsDaysLeft: daysLeft(), detail });
        });
      };

      const send = https ? httpsRequest : httpRequest;
      try {
        req = send(url, options, onResponse);
      } catch (error) {
        // An unusable header (e.g. a line break in a value from SSM): our configuration, not the target, so
        // no outcome that would page healthz_down. Node's message names the header, never its value.
        clearTimeout(timer);
        settled = true;
        reject(
          new ProbeRequestError(`cannot build the request: ${describeError((error as NodeJS.ErrnoException).code, errorMessage(error))}`, {
            cause: error,
          }),
        );
        return;
      }
      req.on('error', onError);
      if (https) {
        req.on('socket', (socket) => {
          (socket as TLSSocket).once('secureConnect', () => {
            const peer = (socket as TLSSocket).getPeerCertificate();
            if (peer?.valid_to) certificate = peer;
          });
        });
      }
      req.end();
    });
  }

  private daysLeftOf(certificate: PeerCertificate): number | null {
    const validTo = new Date(certificate.valid_to);
    return Number.isNaN(validTo.getTime()) ? null : tlsDaysLeft(validTo, this.clock());
  }

  /** The peer certificate without verifying it, within `budgetMs`; undefined if it cannot be had. */
  private readCertificate(url: URL, budgetMs: number): Promise<PeerCertificate | undefined> {
    if (budgetMs <= 0) return Promise.resolve(undefined);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    return new Promise((resolve) => {
      let done = false;
      const end = (peer?: PeerCertificate) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        socket.destroy();
        resolve(peer?.valid_to ? peer : undefined);
      };
      const socket = tlsConnect({
        host,
        port: Number(url.port || 443),
        // SNI must be a name, never an IP (RFC 6066).
        ...(isIP(host) ? {} : { servername: host }),
        rejectUnauthorized: false,
      });
      const timer = setTimeout(() => end(), budgetMs);
      socket.once('secureConnect', () => end(socket.getPeerCertificate()));
      socket.once('error', () => end());
    });
  }
}

/** An absolute http:// or https:// URL, or ProbeRequestError. */
export function parseProbeUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ProbeRequestError(`not an absolute URL: "${text}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new ProbeRequestError(`expected an http:// or https:// URL, got "${url.protocol}"`);
  if (!url.hostname) throw new ProbeRequestError(`no host in URL "${text}"`);
  return url;
}

function describeError(code: string | undefined, message: string): string {
  const text = code && DESCRIPTIONS[code] ? `${code}: ${DESCRIPTIONS[code]}` : code ? `${code}: ${message}` : message;
  return text.replace(/\s+/g, ' ').slice(0, 300);
}
