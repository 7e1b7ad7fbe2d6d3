import { describe, expect, it } from 'vitest';
import { probeLogRecord, probeRunSummary } from '../../../../lambdas/core/probe/summary.ts';
import { URL_GW, outcome } from './support.ts';

const ok = { target: 'server', outcome: outcome({ url: 'https://agents.example.com/health' }) };
const down = {
  target: 'gateway',
  outcome: outcome({ ok: false, failure: 'http_status', status: 503, detail: 'HTTP 503 (expected 2xx)', latencyMs: 8 }),
};
const timedOut = {
  target: 'gateway',
  outcome: outcome({ ok: false, failure: 'timeout', status: null, detail: 'no answer within 5000 ms', latencyMs: 5000, tlsDaysLeft: null }),
};

describe('probeLogRecord', () => {
  it('has the result, the diagnosis kind and its explanation, nothing else', () => {
    expect(probeLogRecord(down, 2)).toEqual({
      target: 'gateway',
      url: URL_GW,
      round: 2,
      ok: false,
      failure: 'http_status',
      status: 503,
      latencyMs: 8,
      tlsDaysLeft: 60,
      detail: 'HTTP 503 (expected 2xx)',
      diagnosis: 'sick_app',
      explanation: `sick app: ${URL_GW} answered HTTP 503; first: check the app logs: kubectl logs -n metis-gateway deploy/metis-gateway --tail=100 -c gateway (or docker compose logs --tail=100 gateway)`,
    });
  });
});

describe('probeRunSummary', () => {
  it('one line over both rounds: failing targets with their classes, the rest ok', () => {
    const summary = probeRunSummary([
      [down, ok],
      [timedOut, ok],
    ]);
    expect(summary.line).toBe('2 targets probed 2x: gateway failed 2/2 (http_status 503, timeout no answer within 5000 ms); server ok');
    expect(summary.failing).toEqual({ gateway: ['http_status 503', 'timeout no answer within 5000 ms'] });
    expect(summary.targets).toBe(2);
    expect(summary.probes).toBe(4);
  });

  it('all healthy', () => {
    expect(probeRunSummary([[ok], [ok]]).line).toBe('1 target probed 2x: server ok');
    expect(probeRunSummary([[ok], [ok]]).failing).toEqual({});
  });
});
