import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../../lambdas/core/config.ts';
import { healthzRoundReport, type HealthzRoundInput } from '../../../../lambdas/core/probe/healthz-report.ts';
import { EMPTY_PROBE_STATE, type ProbeState } from '../../../../lambdas/core/probe/probe-state.ts';
import type { Signal } from '../../../../lambdas/core/signal.ts';
import { outcome, URL_GW } from './support.ts';

const T0 = new Date('2026-11-20T03:00:00.000Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
const RULES = parseConfig({}).rules;
const TARGETS = [
  { name: 'gateway', url: URL_GW },
  { name: 'server', url: 'http://10.0.0.5/health' },
];
const down = outcome({ ok: false, failure: 'http_status', status: 503, detail: 'HTTP 503 (expected 2xx)', tlsDaysLeft: 60 });
const timeout = outcome({
  url: 'http://10.0.0.5/health',
  ok: false,
  failure: 'timeout',
  status: null,
  detail: 'no answer within 5000 ms',
  tlsDaysLeft: null,
});
const up = outcome();
const serverUp = outcome({ url: 'http://10.0.0.5/health', tlsDaysLeft: null });

function round(overrides: Partial<HealthzRoundInput>) {
  return healthzRoundReport({
    targets: TARGETS,
    probes: [
      { target: 'gateway', outcome: up },
      { target: 'server', outcome: serverUp },
    ],
    skipped: [],
    previous: EMPTY_PROBE_STATE,
    rules: RULES,
    now: T0,
    ...overrides,
  });
}

const keys = (signals: Signal[]) => signals.map((s) => `${s.severity} ${s.dedupKey}`);

/** Runs rounds in order, each reading the state the one before left. */
function sequence(steps: { seconds: number; gateway: typeof up }[]) {
  let previous: ProbeState = EMPTY_PROBE_STATE;
  return steps.map(({ seconds, gateway }) => {
    const result = round({ previous, now: at(seconds), probes: [{ target: 'gateway', outcome: gateway }] });
    previous = result.next;
    return result.report;
  });
}

describe('healthz_down', () => {
  it('a first failure fires SEV2 with the diagnosis (5xx -> app logs) and the probe fields in details', () => {
    const { report } = round({ probes: [{ target: 'gateway', outcome: down }] });
    expect(report).toMatchObject({
      source: 'probe',
      evaluatedAt: T0.toISOString(),
      evaluated: ['healthz_down', 'tls_expiry', 'monitoring_blind'],
    });
    const [signal] = report.signals;
    expect(signal).toMatchObject({
      source: 'probe',
      rule: 'healthz_down',
      subject: 'gateway',
      severity: 'SEV2',
      status: 'firing',
      dedupKey: 'healthz_down:gateway',
      runbook: 'Alert sources',
      details: {
        url: URL_GW,
        failure: 'http_status',
        status: 503,
        latencyMs: 42,
        detail: 'HTTP 503 (expected 2xx)',
        diagnosis: 'sick_app',
      },
    });
    expect(signal!.summary).toBe(
      `healthz_down SEV2: gateway failed once: sick app: ${URL_GW} answered HTTP 503; first: check the app logs: ` +
        'kubectl logs -n metis-gateway deploy/metis-gateway --tail=100 -c gateway (or docker compose logs --tail=100 gateway)',
    );
    expect(report.healthy?.healthz_down).toEqual([]);
  });

  it('a second failure 30 s later fires SEV1 with the same dedup key (an upgrade) and the run of failures since the first', () => {
    const [first, second] = sequence([
      { seconds: 0, gateway: down },
      { seconds: 30, gateway: down },
    ]);
    expect(keys(first!.signals)).toEqual(['SEV2 healthz_down:gateway']);
    expect(keys(second!.signals)).toEqual(['SEV1 healthz_down:gateway']);
    expect(second!.signals[0]!.summary).toContain('failed twice in a row within 60 s (previous failure at 2026-11-20T03:00:00.000Z)');
    expect(second!.signals[0]!.details).toMatchObject({ failingSince: '2026-11-20T03:00:00.000Z' });
  });

  it('a failure exactly 60 s after the previous failure is still SEV1; one 61 s later is SEV2 again (not consecutive within 60 s)', () => {
    const at60 = sequence([
      { seconds: 0, gateway: down },
      { seconds: 60, gateway: down },
    ]);
    expect(keys(at60[1]!.signals)).toEqual(['SEV1 healthz_down:gateway']);
    const at61 = sequence([
      { seconds: 0, gateway: down },
      { seconds: 61, gateway: down },
    ]);
    expect(keys(at61[1]!.signals)).toEqual(['SEV2 healthz_down:gateway']);
  });

  it('a failure after an ok round is SEV2, whatever failed before it', () => {
    const reports = sequence([
      { seconds: 0, gateway: down },
      { seconds: 30, gateway: up },
      { seconds: 60, gateway: down },
    ]);
    expect(reports.map((r) => keys(r.signals))).toEqual([['SEV2 healthz_down:gateway'], [], ['SEV2 healthz_down:gateway']]);
  });

  it('recovery: ok rounds reset the run of failures but resolve nothing until resolveAfterOkRounds (4) in a row', () => {
    const first = round({ probes: [{ target: 'gateway', outcome: down }] });
    const second = round({ previous: first.next, now: at(30), probes: [{ target: 'gateway', outcome: up }] });
    expect(second.report.signals).toEqual([]);
    expect(second.report.healthy?.healthz_down).toEqual([]);
    expect(second.next.targets.gateway).toEqual({
      at: at(30).toISOString(),
      ok: true,
      failingSince: null,
      okStreak: 1,
      history: [
        { at: T0.toISOString(), ok: false },
        { at: at(30).toISOString(), ok: true },
      ],
    });
  });

  it('a timeout names the ingress / network as the first move', () => {
    const { report } = round({ probes: [{ target: 'server', outcome: timeout }] });
    expect(report.signals[0]!.summary).toContain('ingress or network broken: no answer from http://10.0.0.5/health');
    expect(report.signals[0]!.details).toMatchObject({ failure: 'timeout', status: null, diagnosis: 'ingress_or_network' });
  });

  it('an unreadable previous state (null): a failure fires SEV2, never SEV1, and says the previous round is unknown', () => {
    const { report, next } = round({ previous: null, probes: [{ target: 'gateway', outcome: down }] });
    expect(keys(report.signals)).toEqual(['SEV2 healthz_down:gateway']);
    expect(report.signals[0]!.summary).toContain('previous round unknown: probe state unreadable');
    expect(report.signals[0]!.details).toMatchObject({ previousRound: 'unknown' });
    expect(next.targets.gateway).toMatchObject({ ok: false, failingSince: T0.toISOString() });
  });

  it('redacts a token that a failure detail carries, in the summary and in details', () => {
    const leaky = outcome({ ok: false, failure: 'http_status', status: 500, detail: 'HTTP 500: bad key gw_live_0123456789abcdefABCDEF' });
    const { report } = round({ probes: [{ target: 'gateway', outcome: leaky }] });
    const text = JSON.stringify(report);
    expect(text).not.toContain('gw_live_0123456789abcdefABCDEF');
    expect(report.signals[0]!.details.detail).toBe('HTTP 500: bad key [REDACTED]');
  });

  it('a URL with user info never leaves with its password', () => {
    const withSecret = outcome({ url: 'https://probe:s3cr3tpass@gw.example.com/healthz', ok: false, failure: 'timeout', status: null });
    const { report } = round({ probes: [{ target: 'gateway', outcome: withSecret }] });
    expect(JSON.stringify(report)).not.toContain('s3cr3tpass');
  });
});

describe('tls_expiry', () => {
  const tls = (tlsDaysLeft: number | null, probe = up) =>
    round({ probes: [{ target: 'gateway', outcome: { ...probe, tlsDaysLeft } }] }).report;

  it('fewer days left than warnDays (14) fires SEV3', () => {
    const report = tls(13);
    expect(keys(report.signals)).toEqual(['SEV3 tls_expiry:gateway']);
    expect(report.signals[0]!.summary).toContain('expires in 13 day(s) (warning below 14)');
    expect(report.signals[0]!.details).toEqual({ url: URL_GW, tlsDaysLeft: 13, warnDays: 14, expired: false });
  });

  it('an expired certificate (negative days) fires SEV2, also when the probe failed on TLS', () => {
    const report = tls(-2, outcome({ ok: false, failure: 'tls', status: null, detail: 'CERT_HAS_EXPIRED' }));
    expect(keys(report.signals)).toEqual(['SEV2 healthz_down:gateway', 'SEV2 tls_expiry:gateway']);
    expect(report.signals[1]!.summary).toContain('EXPIRED 2 day(s) ago');
  });

  it('14 days or more is healthy', () => {
    expect(tls(14).healthy?.tls_expiry).toEqual(['gateway']);
    expect(tls(14).signals).toEqual([]);
  });

  it('no reading this round (target down before TLS) neither fires nor resolves', () => {
    const report = tls(null, outcome({ ok: false, failure: 'connection', status: null, detail: 'ECONNREFUSED' }));
    expect(keys(report.signals)).toEqual(['SEV2 healthz_down:gateway']);
    expect(report.healthy?.tls_expiry).toEqual([]);
  });

  it('http targets are never TLS-checked', () => {
    const { report } = round({ probes: [{ target: 'server', outcome: { ...serverUp, tlsDaysLeft: 3 } }] });
    expect(report.signals).toEqual([]);
    expect(report.healthy?.tls_expiry).toEqual([]);
  });
});

describe('targets that could not be probed', () => {
  const skipped = [{ target: 'server', reason: 'SSM parameter /metis/probe/server-token not readable (ParameterNotFound)' }];

  it('fire monitoring_blind:probe SEV2 naming the target and the reason; no healthz or tls evidence either way for it', () => {
    const steady = { at: at(-30).toISOString(), ok: true, failingSince: null, okStreak: 10, history: [] };
    const previous: ProbeState = { targets: { gateway: steady, server: steady } };
    const { report } = round({ previous, probes: [{ target: 'gateway', outcome: up }], skipped });
    expect(keys(report.signals)).toEqual(['SEV2 monitoring_blind:probe']);
    expect(report.signals[0]!.summary).toMatch(
      /^Monitoring blind: the probe could not measure server \(server: SSM parameter \/metis\/probe\/server-token not readable \(ParameterNotFound\)\)/,
    );
    expect(report.healthy).toEqual({ healthz_down: ['gateway'], tls_expiry: ['gateway'], monitoring_blind: [] });
  });

  it('keep their previous state for the next round (a skipped round does not break the run of failures it cannot see)', () => {
    const first = round({ probes: [{ target: 'server', outcome: timeout }] });
    const second = round({ previous: first.next, now: at(30), probes: [], skipped });
    expect(second.next.targets.server).toEqual(first.next.targets.server);
  });

  it('the summary names the region the probe measured from, when it knows it', () => {
    const { report } = round({ probes: [{ target: 'gateway', outcome: up }], skipped, vantage: 'ap-southeast-2' });
    expect(report.signals[0]!.summary).toMatch(/^Monitoring blind: the probe in ap-southeast-2 could not measure server/);
  });

  it('every target probed lists `probe` healthy under monitoring_blind (that resolves it)', () => {
    expect(round({}).report.healthy?.monitoring_blind).toEqual(['probe']);
  });

  it('a reason with a secret in it is redacted', () => {
    const { report } = round({ probes: [], skipped: [{ target: 'gateway', reason: 'prober failed: Bearer abcdefghijklmnop0123' }] });
    expect(JSON.stringify(report)).not.toContain('abcdefghijklmnop0123');
  });
});

describe('disabled rules', () => {
  it('are not evaluated: no signal, no evidence', () => {
    const rules = parseConfig({ rules: { healthz_down: { enabled: false }, tls_expiry: { enabled: false } } }).rules;
    const { report, next } = round({ rules, probes: [{ target: 'gateway', outcome: { ...down, tlsDaysLeft: -1 } }] });
    expect(report.evaluated).toEqual(['monitoring_blind']);
    expect(report.signals).toEqual([]);
    expect(report.healthy).toEqual({ monitoring_blind: ['probe'] });
    expect(next.targets.gateway?.ok).toBe(false);
  });
});

describe('state', () => {
  it('drops targets no longer configured', () => {
    const previous: ProbeState = {
      targets: { retired: { at: T0.toISOString(), ok: false, failingSince: T0.toISOString(), okStreak: 0, history: [] } },
    };
    expect(Object.keys(round({ previous, now: at(30) }).next.targets).sort()).toEqual(['gateway', 'server']);
  });
});

describe('sustained health and flapping', () => {
  /** One round every 30 s from T0, `pattern` read left to right: F = failed, O = ok. */
  const rounds = (pattern: string) => sequence([...pattern].map((c, i) => ({ seconds: i * 30, gateway: c === 'F' ? down : up })));
  const healthyOf = (report: { healthy?: Record<string, string[]> }) => report.healthy?.healthz_down ?? [];

  it('a target that recovers stays open for 3 ok rounds (no signal, no evidence) and resolves on the 4th', () => {
    const reports = rounds('FFFOOOO');
    expect(reports.slice(3).map((r) => [keys(r.signals), healthyOf(r)])).toEqual([
      [[], []],
      [[], []],
      [[], []],
      [[], ['gateway']],
    ]);
  });

  it('resolveAfterOkRounds is configurable: 1 resolves on the first ok round', () => {
    const rules = parseConfig({ rules: { healthz_down: { resolveAfterOkRounds: 1 } } }).rules;
    const first = round({ rules, probes: [{ target: 'gateway', outcome: down }] });
    const second = round({ rules, previous: first.next, now: at(30), probes: [{ target: 'gateway', outcome: up }] });
    expect(healthyOf(second.report)).toEqual(['gateway']);
  });

  it('alternating fail / ok: from the 3rd round every round fires SEV2 saying "flapping" with the counts, and none is evidence of health', () => {
    const reports = rounds('FOFOFOFOFOFOFOFOFOFO');
    expect(reports.every((r) => healthyOf(r).length === 0)).toBe(true);
    expect(reports.slice(2).every((r) => keys(r.signals).join() === 'SEV2 healthz_down:gateway')).toBe(true);
    // Round 2 (the first ok one) is not flapping yet: one failure in two rounds, one run of failures.
    expect(reports[1]!.signals).toEqual([]);
    const okRound = reports[19]!.signals[0]!;
    expect(okRound.summary).toMatch(
      /^healthz_down SEV2: gateway flapping: failed 5 of 10 rounds in 5 min; this round ok \(HTTP 200 in 42 ms\); stays open until 4 ok rounds in a row/,
    );
    expect(okRound.details).toMatchObject({
      flapping: true,
      roundsInWindow: 10,
      failedInWindow: 5,
      flapWindowMinutes: 5,
      diagnosis: 'flapping',
    });
    const failRound = reports[18]!.signals[0]!;
    expect(failRound.summary).toMatch(
      /^healthz_down SEV2: gateway flapping: failed 5 of 10 rounds in 5 min; this round failed once: sick app/,
    );
    expect(failRound.details).toMatchObject({ flapping: true, failure: 'http_status', status: 503 });
  });

  it('a flapping target with two failures in a row is SEV1 (the consecutive-failure rule still holds)', () => {
    const reports = rounds('FOFOFF');
    expect(keys(reports[5]!.signals)).toEqual(['SEV1 healthz_down:gateway']);
    expect(reports[5]!.signals[0]!.summary).toContain('flapping: failed 4 of 6 rounds');
  });

  it('a target down the whole window is down, not flapping', () => {
    const reports = rounds('FFFFFFFFFFFF');
    expect(reports.at(-1)!.signals[0]!.summary).not.toContain('flapping');
    expect(reports.at(-1)!.signals[0]!.details).toMatchObject({ flapping: false, roundsInWindow: 10, failedInWindow: 10 });
  });

  it('4 ok rounds while the window still shows flapping keep it open; it resolves once the window says stable', () => {
    // F F O F F F then ok: after 4 ok rounds the window (10 rounds) still holds 5 failures in two runs.
    const reports = rounds('FFOFFFOOOOO');
    expect(keys(reports[9]!.signals)).toEqual(['SEV2 healthz_down:gateway']);
    expect(reports[9]!.signals[0]!.summary).toContain('flapping: failed 5 of 10 rounds');
    expect(healthyOf(reports[9]!)).toEqual([]);
    expect(reports[10]!.signals).toEqual([]);
    expect(healthyOf(reports[10]!)).toEqual(['gateway']);
  });

  it('the state keeps only the rounds of the flap window (5 min: 10 rounds at 30 s)', () => {
    let previous: ProbeState = EMPTY_PROBE_STATE;
    for (let i = 0; i < 30; i++)
      previous = round({ previous, now: at(i * 30), probes: [{ target: 'gateway', outcome: i % 2 ? up : down }] }).next;
    const history = previous.targets.gateway!.history;
    expect(history).toHaveLength(10);
    expect(history[0]!.at).toBe(at(20 * 30).toISOString());
    expect(history.at(-1)!.at).toBe(at(29 * 30).toISOString());
  });
});
