import { describe, expect, it } from 'vitest';
import { GATEWAY_LOGS_COMMAND, diagnose, diagnosisText, firstMoveFor } from '../../../../lambdas/core/probe/diagnosis.ts';
import { URL_GW, outcome } from './support.ts';

const KUBECTL = 'kubectl logs -n metis-gateway deploy/metis-gateway --tail=100 -c gateway';

describe('diagnose: the runbook first move per failure class', () => {
  it('5xx = sick app: read the app logs with the runbook command', () => {
    const d = diagnose(outcome({ ok: false, failure: 'http_status', status: 503, detail: 'HTTP 503 (expected 2xx)' }));
    expect(d.kind).toBe('sick_app');
    expect(d.headline).toBe(`sick app: ${URL_GW} answered HTTP 503`);
    expect(d.firstMove).toBe(`check the app logs: ${KUBECTL} (or docker compose logs --tail=100 gateway)`);
    expect(GATEWAY_LOGS_COMMAND).toBe(KUBECTL);
  });

  it('a 2xx with the wrong body is a sick app too, and says which text is missing', () => {
    const d = diagnose(outcome({ ok: false, failure: 'http_status', status: 200, detail: 'HTTP 200 but the body does not contain "ok"' }));
    expect(d.kind).toBe('sick_app');
    expect(d.headline).toBe(`sick app: ${URL_GW} answered HTTP 200 but the body does not contain "ok"`);
  });

  it('timeout = ingress or network broken', () => {
    const d = diagnose(
      outcome({ ok: false, failure: 'timeout', status: null, latencyMs: 5000, detail: 'no answer within 5000 ms', tlsDaysLeft: null }),
    );
    expect(d.kind).toBe('ingress_or_network');
    expect(d.headline).toBe(`ingress or network broken: no answer from ${URL_GW} (no answer within 5000 ms)`);
    expect(d.firstMove).toBe(
      `check the ingress / load balancer, DNS and the network path from a known-good vantage point (curl -v ${URL_GW}); the app is not being reached`,
    );
  });

  it('refused, reset or DNS = ingress or network broken, with the error code', () => {
    for (const detail of ['ECONNREFUSED: connection refused', 'ECONNRESET: connection reset', 'ENOTFOUND: DNS name not found']) {
      const d = diagnose(outcome({ ok: false, failure: 'connection', status: null, detail, tlsDaysLeft: null }));
      expect(d.kind).toBe('ingress_or_network');
      expect(d.headline).toBe(`ingress or network broken: cannot connect to ${URL_GW} (${detail})`);
    }
  });

  it('TLS = certificate: check expiry and chain, with an openssl command for this host', () => {
    const d = diagnose(
      outcome({ ok: false, failure: 'tls', status: null, detail: 'CERT_HAS_EXPIRED: certificate has expired', tlsDaysLeft: -3 }),
    );
    expect(d.kind).toBe('certificate');
    expect(d.headline).toBe(
      `certificate problem on ${URL_GW} (CERT_HAS_EXPIRED: certificate has expired), certificate expired 3 day(s) ago`,
    );
    expect(d.firstMove).toBe(
      "check the certificate's expiry and chain: openssl s_client -connect gateway.metis.example.com:443 -servername gateway.metis.example.com </dev/null " +
        '| openssl x509 -noout -dates -issuer -subject; renew or fix the ingress TLS secret',
    );
    const untrusted = diagnose(
      outcome({
        ok: false,
        failure: 'tls',
        status: null,
        url: 'https://127.0.0.1:8443/h',
        detail: 'DEPTH_ZERO_SELF_SIGNED_CERT',
        tlsDaysLeft: 5,
      }),
    );
    expect(untrusted.headline).toBe(
      'certificate problem on https://127.0.0.1:8443/h (DEPTH_ZERO_SELF_SIGNED_CERT), certificate expires in 5 day(s)',
    );
    expect(untrusted.firstMove).toContain('openssl s_client -connect 127.0.0.1:8443 -servername 127.0.0.1');
  });

  it('other non-2xx (4xx, 3xx) = misrouted or auth', () => {
    for (const status of [401, 403, 404, 302]) {
      const d = diagnose(outcome({ ok: false, failure: 'http_status', status, detail: `HTTP ${status} (expected 2xx)` }));
      expect(d.kind).toBe('misrouted_or_auth');
      expect(d.headline).toBe(`misrouted or auth: ${URL_GW} answered HTTP ${status}`);
      expect(d.firstMove).toContain('ingress route');
      expect(d.firstMove).toContain('headersFromSsm');
    }
  });

  it('an ok probe is "up" and its text has no first move', () => {
    expect(diagnose(outcome()).kind).toBe('up');
    expect(diagnosisText(outcome())).toBe(`up: ${URL_GW} answered HTTP 200 in 42 ms`);
    expect(diagnosisText(outcome({ ok: false, failure: 'http_status', status: 502, detail: 'HTTP 502 (expected 2xx)' }))).toBe(
      `sick app: ${URL_GW} answered HTTP 502; first: check the app logs: ${KUBECTL} (or docker compose logs --tail=100 gateway)`,
    );
  });
});

describe('firstMoveFor', () => {
  it("certificate: the openssl command for the URL's host and port (443 by default)", () => {
    expect(firstMoveFor('certificate', URL_GW)).toContain(
      'openssl s_client -connect gateway.metis.example.com:443 -servername gateway.metis.example.com',
    );
    expect(firstMoveFor('certificate', 'https://gw.example.com:8443/healthz')).toContain('-connect gw.example.com:8443');
  });

  it('ingress or network: curl from a known-good vantage point against the URL', () => {
    expect(firstMoveFor('ingress_or_network', URL_GW)).toContain(`curl -v ${URL_GW}`);
  });
});
