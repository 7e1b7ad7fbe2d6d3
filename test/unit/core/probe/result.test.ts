import { describe, expect, it } from 'vitest';
import { displayUrl, PROBE_FAILURES, tlsDaysLeft, toProbeJson } from '../../../../lambdas/core/probe/result.ts';
import { outcome } from './support.ts';

const NOW = new Date('2026-11-20T12:00:00.000Z');
const days = (n: number) => new Date(NOW.getTime() + n * 86_400_000);

describe('tlsDaysLeft', () => {
  it('floors whole days, so "< warnDays" means "expires in under warnDays days"', () => {
    expect(tlsDaysLeft(days(30), NOW)).toBe(30);
    expect(tlsDaysLeft(days(14), NOW)).toBe(14);
    expect(tlsDaysLeft(days(13.9), NOW)).toBe(13);
    expect(tlsDaysLeft(days(5 + 1 / 24), NOW)).toBe(5);
  });

  it('is 0 on the last day and negative from the moment the certificate expired', () => {
    expect(tlsDaysLeft(days(0.5), NOW)).toBe(0);
    expect(tlsDaysLeft(NOW, NOW)).toBe(0);
    expect(tlsDaysLeft(new Date(NOW.getTime() - 1000), NOW)).toBe(-1);
    expect(tlsDaysLeft(days(-2 - 1 / 24), NOW)).toBe(-3);
  });
});

describe('toProbeJson', () => {
  it('is exactly the CLI contract of docs/architecture.md (CLI), in its order, without the detail', () => {
    const json = toProbeJson(outcome({ ok: false, failure: 'http_status', status: 503, detail: 'HTTP 503 (expected 2xx)' }));
    expect(Object.keys(json)).toEqual(['url', 'ok', 'failure', 'status', 'latencyMs', 'tlsDaysLeft']);
    expect(json).toEqual({
      url: 'https://gateway.metis.example.com/healthz',
      ok: false,
      failure: 'http_status',
      status: 503,
      latencyMs: 42,
      tlsDaysLeft: 60,
    });
  });

  it('names the four failure classes', () => {
    expect(PROBE_FAILURES).toEqual(['http_status', 'timeout', 'connection', 'tls']);
  });
});

describe('displayUrl', () => {
  it('hides user info and leaves other URLs alone', () => {
    expect(displayUrl('https://probe:s3cret@gw.example.com/healthz')).toBe('https://***@gw.example.com/healthz');
    expect(displayUrl('https://gw.example.com:8443/healthz?x=1')).toBe('https://gw.example.com:8443/healthz?x=1');
  });
});
