// Classification of one probe: an HTTP answer against the target's expectations, and a transport error
// code into the failure classes the runbook diagnoses differently (docs/runbook-mapping.md).
import type { ProbeFailure } from './result.ts';

export interface ProbeExpectation {
  /** Accepted statuses; default any 2xx. */
  readonly expectStatus?: readonly number[] | undefined;
  /** The (first 64 KB of the) body must contain this text. */
  readonly bodyContains?: string | undefined;
}

export type HttpVerdict = { ok: true; detail: null } | { ok: false; failure: 'http_status'; detail: string };

export function isExpectedStatus(status: number, expectStatus?: readonly number[]): boolean {
  return expectStatus && expectStatus.length > 0 ? expectStatus.includes(status) : status >= 200 && status <= 299;
}

/**
 * An answer is healthy when its status is expected (2xx unless `expectStatus`) and, with `bodyContains`,
 * the body read contains the text. A wrong body is an `http_status` failure too: the app answered, wrongly.
 * `bodyTruncated` only sharpens the message (the text may sit beyond the bytes read).
 */
export function classifyResponse(status: number, body: string, expect: ProbeExpectation, bodyTruncated = false): HttpVerdict {
  if (!isExpectedStatus(status, expect.expectStatus)) {
    const wanted = expect.expectStatus?.length ? `expected ${expect.expectStatus.join('/')}` : 'expected 2xx';
    return { ok: false, failure: 'http_status', detail: `HTTP ${status} (${wanted})` };
  }
  if (expect.bodyContains !== undefined && !body.includes(expect.bodyContains)) {
    const where = bodyTruncated ? ' in the first bytes read' : '';
    return {
      ok: false,
      failure: 'http_status',
      detail: `HTTP ${status} but the body does not contain ${JSON.stringify(expect.bodyContains)}${where}`,
    };
  }
  return { ok: true, detail: null };
}

/** Codes of an unreachable endpoint: refused, reset, DNS, no route. */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_FAIL',
  'EAI_NONAME',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'EADDRNOTAVAIL',
]);

/** OpenSSL verification results and Node's TLS errors: the certificate or the handshake is the problem. */
const TLS_CODES = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
  'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY',
  'INVALID_CA',
  'PATH_LENGTH_EXCEEDED',
  'INVALID_PURPOSE',
  'HOSTNAME_MISMATCH',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_TLS_HANDSHAKE_TIMEOUT',
  'EPROTO',
]);

/**
 * The failure class of a transport error (`error.code`). Timeouts (ours or the OS's ETIMEDOUT) are
 * `timeout`; refused/reset/DNS/unreachable are `connection`; certificate and handshake errors are `tls`.
 * Anything else (an HTTP parse error, an unknown code) counts as `connection`: the endpoint could not be
 * talked to, and the detail carries the code.
 */
export function classifyTransportError(code: string | undefined): Exclude<ProbeFailure, 'http_status'> {
  if (!code) return 'connection';
  if (code === 'ETIMEDOUT' || code === 'ESOCKETTIMEDOUT' || code === 'PROBE_TIMEOUT') return 'timeout';
  if (CONNECTION_CODES.has(code)) return 'connection';
  if (TLS_CODES.has(code) || code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_') || code.includes('CERT')) return 'tls';
  return 'connection';
}
