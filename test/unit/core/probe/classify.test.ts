import { describe, expect, it } from 'vitest';
import { classifyResponse, classifyTransportError, isExpectedStatus } from '../../../../lambdas/core/probe/classify.ts';

describe('classifyResponse', () => {
  it('accepts any 2xx by default and rejects everything else as http_status', () => {
    for (const status of [200, 204, 299]) expect(classifyResponse(status, '', {})).toEqual({ ok: true, detail: null });
    expect(classifyResponse(503, '', {})).toEqual({ ok: false, failure: 'http_status', detail: 'HTTP 503 (expected 2xx)' });
    expect(classifyResponse(404, '', {})).toEqual({ ok: false, failure: 'http_status', detail: 'HTTP 404 (expected 2xx)' });
    expect(classifyResponse(301, '', {})).toEqual({ ok: false, failure: 'http_status', detail: 'HTTP 301 (expected 2xx)' });
    expect(classifyResponse(199, '', {})).toMatchObject({ ok: false, failure: 'http_status' });
  });

  it("uses the target's expectStatus instead of 2xx when given", () => {
    expect(classifyResponse(204, '', { expectStatus: [200] })).toEqual({
      ok: false,
      failure: 'http_status',
      detail: 'HTTP 204 (expected 200)',
    });
    expect(classifyResponse(401, '', { expectStatus: [200, 401] })).toEqual({ ok: true, detail: null });
    expect(isExpectedStatus(418, [418])).toBe(true);
    expect(isExpectedStatus(200, [])).toBe(true);
  });

  it('with bodyContains, a right status and a wrong body is an http_status failure naming the text', () => {
    expect(classifyResponse(200, '{"status":"ok"}', { bodyContains: '"ok"' })).toEqual({ ok: true, detail: null });
    expect(classifyResponse(200, '{"status":"degraded"}', { bodyContains: '"ok"' })).toEqual({
      ok: false,
      failure: 'http_status',
      detail: 'HTTP 200 but the body does not contain "\\"ok\\""',
    });
    expect(classifyResponse(200, 'x'.repeat(10), { bodyContains: 'ok' }, true).ok).toBe(false);
    expect((classifyResponse(200, 'x', { bodyContains: 'ok' }, true) as { detail: string }).detail).toContain('in the first bytes read');
    // The status is judged first.
    expect(classifyResponse(500, 'ok', { bodyContains: 'ok' })).toMatchObject({ ok: false, detail: 'HTTP 500 (expected 2xx)' });
  });
});

describe('classifyTransportError', () => {
  it.each([
    ['ECONNREFUSED', 'connection'],
    ['ECONNRESET', 'connection'],
    ['ENOTFOUND', 'connection'],
    ['EAI_AGAIN', 'connection'],
    ['EHOSTUNREACH', 'connection'],
    ['ENETUNREACH', 'connection'],
    ['HPE_INVALID_CONSTANT', 'connection'],
    [undefined, 'connection'],
    ['PROBE_TIMEOUT', 'timeout'],
    ['ETIMEDOUT', 'timeout'],
    ['CERT_HAS_EXPIRED', 'tls'],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'tls'],
    ['SELF_SIGNED_CERT_IN_CHAIN', 'tls'],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'tls'],
    ['UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'tls'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'tls'],
    ['ERR_SSL_WRONG_VERSION_NUMBER', 'tls'],
    ['CERT_NOT_YET_VALID', 'tls'],
    ['EPROTO', 'tls'],
  ] as const)('%s -> %s', (code, expected) => {
    expect(classifyTransportError(code)).toBe(expected);
  });
});
