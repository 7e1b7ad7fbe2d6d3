// The HTTP prober against real servers on 127.0.0.1: each failure class from a real cause. Certificates are
// self-signed with chosen dates by `openssl ca -selfsign` (support/test-certs.ts). The prober's clock is the
// same instant the certificate dates were computed from, so days-left is exact.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpProber, ProbeRequestError } from '../../../lambdas/adapters/http-prober.ts';
import { diagnose } from '../../../lambdas/core/probe/diagnosis.ts';
import { answer, answerAfter, closedPort, resettingServer, startTarget, type TestTarget } from '../support/probe-targets.ts';
import { selfSignedCertificate, type TestCertificate } from '../support/test-certs.ts';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const NOW = new Date();
const clock = () => NOW;

let expiresIn5Days: TestCertificate;
let expired: TestCertificate;
const targets: TestTarget[] = [];
const cleanups: (() => void)[] = [];

async function target(...args: Parameters<typeof startTarget>): Promise<TestTarget> {
  const t = await startTarget(...args);
  targets.push(t);
  return t;
}

beforeAll(() => {
  // 5 days and 1 hour left: 5 whole days, inside the 14-day warning.
  expiresIn5Days = selfSignedCertificate({ notBefore: new Date(NOW.getTime() - DAY), notAfter: new Date(NOW.getTime() + 5 * DAY + HOUR) });
  // Expired 2 days and 1 hour ago: -3 whole days (floored).
  expired = selfSignedCertificate({ notBefore: new Date(NOW.getTime() - 30 * DAY), notAfter: new Date(NOW.getTime() - 2 * DAY - HOUR) });
  cleanups.push(expiresIn5Days.cleanup, expired.cleanup);
});
afterAll(async () => {
  await Promise.all(targets.map((t) => t.close()));
  for (const cleanup of cleanups) cleanup();
});

describe('HttpProber over http', () => {
  it('200: ok, the status, a latency, no certificate; sends the extra headers and its user agent', async () => {
    const t = await target(answer(200));
    const outcome = await new HttpProber({ clock }).probe({ url: t.url, timeoutMs: 2000, headers: { 'x-probe-token': 'tok-123' } });
    expect(outcome).toMatchObject({ url: t.url, ok: true, failure: null, status: 200, tlsDaysLeft: null, detail: null });
    expect(outcome.latencyMs).toBeGreaterThanOrEqual(0);
    expect(outcome.latencyMs).toBeLessThan(2000);
    expect(t.requests).toHaveLength(1);
    expect(t.requests[0]!.path).toBe('/healthz');
    expect(t.requests[0]!.headers['x-probe-token']).toBe('tok-123');
    expect(t.requests[0]!.headers['user-agent']).toBe('metis-alerts-probe/1');
  });

  it('503: http_status with the status (sick app)', async () => {
    const t = await target(answer(503));
    const outcome = await new HttpProber({ clock }).probe({ url: t.url, timeoutMs: 2000 });
    expect(outcome).toMatchObject({ ok: false, failure: 'http_status', status: 503, tlsDaysLeft: null, detail: 'HTTP 503 (expected 2xx)' });
    expect(diagnose(outcome).kind).toBe('sick_app');
  });

  it('404: http_status (misrouted or auth); expectStatus can accept it', async () => {
    const t = await target(answer(404, 'not here'));
    const prober = new HttpProber({ clock });
    const outcome = await prober.probe({ url: t.url, timeoutMs: 2000 });
    expect(outcome).toMatchObject({ ok: false, failure: 'http_status', status: 404 });
    expect(diagnose(outcome).kind).toBe('misrouted_or_auth');
    expect(await prober.probe({ url: t.url, timeoutMs: 2000, expectStatus: [404] })).toMatchObject({ ok: true, status: 404 });
  });

  it('bodyContains: found is ok, missing is http_status naming the text', async () => {
    const t = await target(answer(200, '{"status":"degraded"}'));
    const prober = new HttpProber({ clock });
    expect(await prober.probe({ url: t.url, bodyContains: 'degraded' })).toMatchObject({ ok: true, status: 200 });
    expect(await prober.probe({ url: t.url, bodyContains: '"status":"ok"' })).toMatchObject({
      ok: false,
      failure: 'http_status',
      status: 200,
      detail: 'HTTP 200 but the body does not contain "\\"status\\":\\"ok\\""',
    });
  });

  it('reads at most maxBodyBytes of an endless body and judges on that, well before the timeout', async () => {
    const t = await target((_req, res) => {
      res.writeHead(200);
      const chunk = Buffer.alloc(16 * 1024, 'a');
      const pump = () => {
        while (res.write(chunk)) {
          /* fill the buffer */
        }
      };
      res.on('drain', pump);
      pump();
    });
    const started = Date.now();
    const outcome = await new HttpProber({ clock, maxBodyBytes: 64 * 1024 }).probe({ url: t.url, timeoutMs: 5000, bodyContains: 'aaaa' });
    expect(outcome).toMatchObject({ ok: true, status: 200 });
    expect(Date.now() - started).toBeLessThan(4000);
  });

  it('a server slower than the timeout: timeout, no status, the time waited', async () => {
    const t = await target(answerAfter(3000));
    const started = Date.now();
    const outcome = await new HttpProber({ clock }).probe({ url: t.url, timeoutMs: 300 });
    expect(outcome).toMatchObject({ ok: false, failure: 'timeout', status: null, tlsDaysLeft: null, detail: 'no answer within 300 ms' });
    expect(outcome.latencyMs).toBeGreaterThanOrEqual(290);
    expect(outcome.latencyMs).toBeLessThan(1500);
    expect(Date.now() - started).toBeLessThan(1500);
    expect(diagnose(outcome).kind).toBe('ingress_or_network');
  });

  it('headers sent but the body stalls: still timeout (the deadline covers the body), with the status seen', async () => {
    const t = await target((_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('{"status":');
    });
    const outcome = await new HttpProber({ clock }).probe({ url: t.url, timeoutMs: 300 });
    expect(outcome).toMatchObject({
      ok: false,
      failure: 'timeout',
      status: 200,
      detail: 'HTTP 200 but the body did not arrive within 300 ms',
    });
  });

  it('a closed port: connection (ECONNREFUSED)', async () => {
    const port = await closedPort();
    const outcome = await new HttpProber({ clock }).probe({ url: `http://127.0.0.1:${port}/healthz`, timeoutMs: 2000 });
    expect(outcome).toMatchObject({
      ok: false,
      failure: 'connection',
      status: null,
      tlsDaysLeft: null,
      detail: 'ECONNREFUSED: connection refused',
    });
    expect(diagnose(outcome).kind).toBe('ingress_or_network');
  });

  it('a server that resets the connection: connection (ECONNRESET)', async () => {
    const server = await resettingServer();
    try {
      const outcome = await new HttpProber({ clock }).probe({ url: server.url, timeoutMs: 2000 });
      expect(outcome).toMatchObject({ ok: false, failure: 'connection', status: null, detail: 'ECONNRESET: connection reset' });
    } finally {
      await server.close();
    }
  });

  it('a malformed URL is the caller’s mistake: ProbeRequestError, not an outcome', async () => {
    const prober = new HttpProber({ clock });
    await expect(prober.probe({ url: 'not a url' })).rejects.toThrow(ProbeRequestError);
    await expect(prober.probe({ url: 'ftp://127.0.0.1/x' })).rejects.toThrow('expected an http:// or https:// URL');
  });

  it('a header value that cannot be sent (line break) rejects naming the header, not the value, and sends nothing', async () => {
    const t = await target(answer(200));
    const failure = new HttpProber({ clock }).probe({ url: t.url, headers: { 'x-probe-token': 'tok\nen-value' } });
    await expect(failure).rejects.toThrow(ProbeRequestError);
    const message = await failure.catch((error: Error) => error.message);
    expect(message).toMatch(/^cannot build the request: ERR_INVALID_CHAR: .*"x-probe-token"/);
    expect(message).not.toContain('en-value');
    expect(t.requests).toEqual([]);
  });
});

describe('HttpProber over https', () => {
  it('certificate expiring in 5 days, trusted through `ca`: ok with tlsDaysLeft 5', async () => {
    const t = await target(answer(200), { tls: expiresIn5Days });
    const outcome = await new HttpProber({ clock, ca: [expiresIn5Days.cert] }).probe({ url: t.url, timeoutMs: 3000 });
    expect(outcome).toMatchObject({ ok: true, failure: null, status: 200, tlsDaysLeft: 5 });
  });

  it('the same certificate untrusted: tls (self-signed), days-left still read, and no request (no header) reached the server', async () => {
    const t = await target(answer(200), { tls: expiresIn5Days });
    const outcome = await new HttpProber({ clock }).probe({
      url: t.url,
      timeoutMs: 3000,
      headers: { authorization: 'Bearer secret-header' },
    });
    expect(outcome).toMatchObject({
      ok: false,
      failure: 'tls',
      status: null,
      tlsDaysLeft: 5,
      detail: 'DEPTH_ZERO_SELF_SIGNED_CERT: self-signed certificate',
    });
    expect(t.requests).toEqual([]);
    expect(diagnose(outcome).kind).toBe('certificate');
  });

  it('an expired certificate, even trusted: tls (CERT_HAS_EXPIRED) with negative tlsDaysLeft', async () => {
    const t = await target(answer(200), { tls: expired });
    const trusted = await new HttpProber({ clock, ca: [expired.cert] }).probe({ url: t.url, timeoutMs: 3000 });
    expect(trusted).toMatchObject({
      ok: false,
      failure: 'tls',
      status: null,
      tlsDaysLeft: -3,
      detail: 'CERT_HAS_EXPIRED: certificate has expired',
    });
    const untrusted = await new HttpProber({ clock }).probe({ url: t.url, timeoutMs: 3000 });
    expect(untrusted).toMatchObject({ ok: false, failure: 'tls', tlsDaysLeft: -3 });
    expect(t.requests).toEqual([]);
  });

  it('a trusted certificate for another name: tls (ERR_TLS_CERT_ALTNAME_INVALID)', async () => {
    // The certificate names 127.0.0.1 and localhost; this server listens on 127.0.0.2.
    const t = await target(answer(200), { tls: expiresIn5Days, host: '127.0.0.2' });
    const outcome = await new HttpProber({ clock, ca: [expiresIn5Days.cert] }).probe({ url: t.url, timeoutMs: 3000 });
    expect(outcome).toMatchObject({ ok: false, failure: 'tls', status: null, tlsDaysLeft: 5 });
    expect(outcome.detail).toMatch(/^ERR_TLS_CERT_ALTNAME_INVALID: /);
  });

  it('https to a plain-http port: tls (the handshake fails), not a hang', async () => {
    const t = await target(answer(200));
    const outcome = await new HttpProber({ clock }).probe({ url: t.url.replace('http://', 'https://'), timeoutMs: 3000 });
    expect(outcome).toMatchObject({ ok: false, failure: 'tls', status: null, tlsDaysLeft: null });
    expect(outcome.detail).toMatch(/^(ERR_SSL_WRONG_VERSION_NUMBER|EPROTO)/);
  });

  it('a 503 behind a valid certificate: http_status, and the certificate days still reported', async () => {
    const t = await target(answer(503), { tls: expiresIn5Days });
    const outcome = await new HttpProber({ clock, ca: [expiresIn5Days.cert] }).probe({ url: t.url, timeoutMs: 3000 });
    expect(outcome).toMatchObject({ ok: false, failure: 'http_status', status: 503, tlsDaysLeft: 5 });
  });
});
