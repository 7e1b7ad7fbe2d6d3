import { describe, expect, it } from 'vitest';
import {
  GATEWAY_LOGS_COMMAND,
  diagnose,
  diagnosisText,
  healthzAlarmDescription,
  heartbeatAlarmDescription,
  tlsAlarmDescription,
} from '../../../lambdas/core/probe/diagnosis.ts';
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

describe('alarm descriptions', () => {
  const target = { name: 'gateway', url: URL_GW };

  it('healthz: say when the alarm fires and the first diagnosis per failure class, within 1024 chars', () => {
    const sev1 = healthzAlarmDescription(target, 'SEV1');
    const sev2 = healthzAlarmDescription(target, 'SEV2');
    expect(sev1).toContain('two consecutive probes (30 s apart) failed');
    expect(sev2).toContain('a probe failed');
    for (const text of [sev1, sev2]) {
      expect(text.length).toBeLessThanOrEqual(1024);
      expect(text).toContain(`5xx = sick app: check the app logs: ${KUBECTL}`);
      expect(text).toContain('timeout, refused, reset or DNS = ingress or network broken');
      expect(text).toContain('TLS = certificate: check expiry and chain');
      expect(text).toContain('4xx/3xx = misrouted or auth');
      expect(text).toContain(URL_GW);
    }
  });

  it('tls: expiring and expired, with the openssl command for the host', () => {
    expect(tlsAlarmDescription(target, 'expiring', 14)).toContain('expires in less than 14 days');
    const expired = tlsAlarmDescription(target, 'expired', 14);
    expect(expired).toContain('has EXPIRED');
    expect(expired).toContain('openssl s_client -connect gateway.metis.example.com:443');
    expect(expired.length).toBeLessThanOrEqual(1024);
  });

  it('heartbeat: monitoring blind, probe not running', () => {
    expect(heartbeatAlarmDescription()).toMatch(/^monitoring blind: probe not running\./);
    expect(heartbeatAlarmDescription().length).toBeLessThanOrEqual(1024);
  });
});
