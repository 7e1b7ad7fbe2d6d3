import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../../lambdas/core/config.ts';
import { healthzRoundReport } from '../../../../lambdas/core/probe/healthz-report.ts';
import { EMPTY_PROBE_STATE, type ProbeState } from '../../../../lambdas/core/probe/probe-state.ts';
import type { ProbeOutcome } from '../../../../lambdas/core/probe/result.ts';
import {
  vantageRoundsOf,
  type VantageReportRounds,
  type VantageRound,
  type VantageRoundStore,
} from '../../../../lambdas/core/probe/vantage-round.ts';
import {
  blindSubjectOf,
  quorumOf,
  vantageProblem,
  voteIsOn,
  voteOnReport,
  votersOf,
  voteWithStore,
  withHomeVantage,
  type VoteSettings,
} from '../../../../lambdas/core/probe/vote.ts';
import type { EvaluationReport, Signal } from '../../../../lambdas/core/signal.ts';
import { outcome, URL_GW } from './support.ts';

const T0 = Date.parse('2026-11-20T03:00:00.000Z');
const RULES = parseConfig({}).rules;
const TARGETS = [{ name: 'gateway', url: URL_GW }];
const THREE: VoteSettings = { home: 'eu-central-1', vantages: ['us-east-1', 'ap-southeast-2'] };
const up = (latencyMs = 40) => outcome({ latencyMs });
const down503 = outcome({ ok: false, failure: 'http_status', status: 503, latencyMs: 31, detail: 'HTTP 503 (expected 2xx)' });
const timeout = outcome({ ok: false, failure: 'timeout', status: null, latencyMs: 5000, detail: 'no answer within 5000 ms' });

/**
 * Probes from several regions as the probe Lambda does (each vantage keeps its own state), and the
 * router's side: every report's rounds are stored, then the report is voted on over the latest ones.
 */
function world(settings: VoteSettings = THREE) {
  const states = new Map<string, ProbeState>();
  let stored: VantageRound[] = [];
  return {
    /** One round at `seconds` from the vantage; returns the report as the router applies it. */
    round(vantage: string, seconds: number, result: ProbeOutcome): EvaluationReport {
      const { report, next } = healthzRoundReport({
        targets: TARGETS,
        probes: [{ target: 'gateway', outcome: result }],
        skipped: [],
        previous: states.get(vantage) ?? EMPTY_PROBE_STATE,
        rules: RULES,
        now: new Date(T0 + seconds * 1000),
      });
      states.set(vantage, next);
      const sent: EvaluationReport = vantage === settings.home ? report : { ...report, vantage };
      const own = vantageRoundsOf(sent, vantage);
      stored = [...stored.filter((r) => !own.some((o) => o.vantage === r.vantage && o.target === r.target)), ...own];
      return voteOnReport(sent, stored, settings);
    },
  };
}

const fired = (report: EvaluationReport) => report.signals.map((s) => `${s.severity} ${s.dedupKey}`);
const healthz = (report: EvaluationReport): Signal | undefined => report.signals.find((s) => s.rule === 'healthz_down');

describe('the vote across vantages', () => {
  it('1 of 3 failing: SEV3 vantage_unreachable for that region only, also on its second failure in a row, never healthz_down', () => {
    const w = world();
    w.round('eu-central-1', 0, up(40));
    w.round('ap-southeast-2', 0, up(180));
    const first = w.round('us-east-1', 1, timeout);
    expect(fired(first)).toEqual(['SEV3 vantage_unreachable:us-east-1']);
    const second = w.round('us-east-1', 31, timeout);
    expect(fired(second)).toEqual(['SEV3 vantage_unreachable:us-east-1']);
    const signal = second.signals[0]!;
    expect(signal.summary).toBe(
      'vantage_unreachable SEV3: gateway is up from 2 other regions (eu-central-1 ok in 40 ms, ap-southeast-2 ok in 180 ms) ' +
        'but us-east-1 timeout in 5000 ms (twice): check the path from us-east-1. First: the gateway answers from the other ' +
        "regions, so look at the path from us-east-1: that region's egress (NAT gateway, VPC routes), DNS answers there, and " +
        'firewall, WAF or geo rules in front of the gateway; do not restart the gateway for it',
    );
    expect(signal).toMatchObject({ source: 'probe', rule: 'vantage_unreachable', subject: 'us-east-1', vantage: 'us-east-1' });
    expect(signal.details.targets).toEqual([
      expect.objectContaining({
        target: 'gateway',
        vantage: 'us-east-1',
        ok: false,
        failure: 'timeout',
        latencyMs: 5000,
        upFrom: [
          { vantage: 'eu-central-1', latencyMs: 40 },
          { vantage: 'ap-southeast-2', latencyMs: 180 },
        ],
      }),
    ]);
    // The ok vantages' reports keep the SEV3 open (same dedup key) and never add healthz_down.
    expect(fired(w.round('eu-central-1', 32, up(41)))).toEqual(['SEV3 vantage_unreachable:us-east-1']);
  });

  it('2 of 3 failing twice in a row: SEV1 naming which vantages saw what, with their latency', () => {
    const w = world();
    w.round('ap-southeast-2', 0, up(180));
    w.round('eu-central-1', 0, down503);
    expect(fired(w.round('us-east-1', 1, down503))).toEqual(['SEV2 healthz_down:gateway']);
    w.round('eu-central-1', 30, down503);
    const voted = w.round('us-east-1', 31, down503);
    expect(fired(voted)).toEqual(['SEV1 healthz_down:gateway']);
    const signal = healthz(voted)!;
    expect(signal.summary).toMatch(
      /^healthz_down SEV1: gateway failed twice in a row from 2 of 3 vantages \(quorum 2\): eu-central-1 HTTP 503 in 31 ms \(twice\), us-east-1 HTTP 503 in 31 ms \(twice\), ap-southeast-2 ok in 180 ms\. First: check the app logs: kubectl logs/,
    );
    expect(signal.details.vote).toEqual({
      voters: 3,
      quorum: 2,
      failing: ['eu-central-1', 'us-east-1'],
      failedTwice: ['eu-central-1', 'us-east-1'],
      notReporting: [],
      downToOne: false,
    });
    expect(signal.details.vantages).toEqual([
      expect.objectContaining({ vantage: 'eu-central-1', ok: false, status: 503, latencyMs: 31 }),
      expect.objectContaining({ vantage: 'us-east-1', ok: false, status: 503, latencyMs: 31 }),
      expect.objectContaining({ vantage: 'ap-southeast-2', ok: true, status: 200, latencyMs: 180 }),
    ]);
    // The lone region is not blamed while the gateway itself is down.
    expect(voted.signals.some((s) => s.rule === 'vantage_unreachable')).toBe(false);
  });

  it("a lone failure at an outage's onset is SEV3 until a second vantage fails too; then it is the gateway's and the SEV3 region is fine", () => {
    const w = world();
    w.round('eu-central-1', 0, up());
    w.round('ap-southeast-2', 0, up());
    expect(fired(w.round('us-east-1', 1, down503))).toEqual(['SEV3 vantage_unreachable:us-east-1']);
    const quorum = w.round('ap-southeast-2', 2, down503);
    expect(fired(quorum)).toEqual(['SEV2 healthz_down:gateway']);
    expect(quorum.healthy?.vantage_unreachable).toEqual(expect.arrayContaining(['us-east-1', 'ap-southeast-2']));
  });

  it('2 of 3 failing once: SEV2; the ok vantage still reports the vote (no resolve while a quorum fails)', () => {
    const w = world();
    w.round('ap-southeast-2', 0, up());
    w.round('eu-central-1', 0, timeout);
    const voted = w.round('us-east-1', 1, timeout);
    expect(fired(voted)).toEqual(['SEV2 healthz_down:gateway']);
    expect(healthz(voted)!.summary).toMatch(/^healthz_down SEV2: gateway failed from 2 of 3 vantages \(quorum 2\)/);
    const fromOk = w.round('ap-southeast-2', 2, up());
    expect(fired(fromOk)).toEqual(['SEV2 healthz_down:gateway']);
    expect(fromOk.healthy?.healthz_down).toEqual([]);
  });

  it('one failure twice in a row and one once is SEV2: SEV1 needs two in a row at a quorum', () => {
    const w = world();
    w.round('ap-southeast-2', 0, up());
    w.round('eu-central-1', 0, down503);
    w.round('eu-central-1', 30, down503);
    expect(fired(w.round('us-east-1', 31, down503))).toEqual(['SEV2 healthz_down:gateway']);
  });

  it('a silent vantage leaves the vote: the quorum is taken over the two still reporting', () => {
    const w = world();
    w.round('ap-southeast-2', 0, up());
    // Four minutes later ap-southeast-2 has not reported again (more than three probe intervals).
    w.round('eu-central-1', 240, up(40));
    const alone = w.round('us-east-1', 241, timeout);
    // Of two voters the quorum is two: us-east-1 alone is its path.
    expect(fired(alone)).toEqual(['SEV3 vantage_unreachable:us-east-1']);
    w.round('eu-central-1', 270, down503);
    w.round('us-east-1', 271, down503);
    w.round('eu-central-1', 300, down503);
    const voted = w.round('us-east-1', 301, down503);
    expect(fired(voted)).toEqual(['SEV1 healthz_down:gateway']);
    expect(healthz(voted)!.summary).toContain('from 2 of 2 vantages (quorum 2)');
    expect(healthz(voted)!.summary).toContain('; not reporting: ap-southeast-2 (last round 2026-11-20T03:00:00.000Z)');
    expect(healthz(voted)!.details.vote).toMatchObject({ voters: 2, notReporting: ['ap-southeast-2'], downToOne: false });
    expect(healthz(voted)!.details.vantages).toContainEqual(expect.objectContaining({ vantage: 'ap-southeast-2', notReporting: true }));
  });

  it('down to one voter: its two failures in a row are SEV1 and the summary says the vote is down to one', () => {
    const w = world();
    w.round('ap-southeast-2', 0, up());
    w.round('us-east-1', 0, up());
    w.round('eu-central-1', 200, timeout);
    const voted = w.round('eu-central-1', 230, timeout);
    expect(fired(voted)).toEqual(['SEV1 healthz_down:gateway']);
    expect(healthz(voted)!.summary).toContain('from 1 of 1 vantages (quorum 1)');
    expect(healthz(voted)!.summary).toContain('; the vote is down to one: only eu-central-1 still reports');
    expect(healthz(voted)!.details.vote).toMatchObject({ voters: 1, quorum: 1, downToOne: true });
  });

  it('resolves on the reporting vantage sustained health below quorum, and names a region fine again for vantage_unreachable', () => {
    const w = world();
    w.round('eu-central-1', 0, up());
    w.round('ap-southeast-2', 0, up());
    expect(fired(w.round('us-east-1', 1, timeout))).toEqual(['SEV3 vantage_unreachable:us-east-1']);
    // us-east-1 recovers; the vote names it fine only once its own health is sustained (4 ok rounds in a row).
    let last: EvaluationReport | undefined;
    for (let i = 1; i <= 4; i++) {
      last = w.round('us-east-1', 1 + 30 * i, up());
      if (i < 4) expect(last.healthy?.vantage_unreachable).not.toContain('us-east-1');
    }
    expect(fired(last!)).toEqual([]);
    expect(last!.healthy?.healthz_down).toEqual(['gateway']);
    expect(last!.healthy?.vantage_unreachable).toContain('us-east-1');
    expect(last!.evaluated).toContain('vantage_unreachable');
  });

  it('a configured quorum of 1 pages on any vantage (no SEV3), as with one vantage', () => {
    const w = world({ ...THREE, quorum: 1 });
    w.round('eu-central-1', 0, up());
    w.round('ap-southeast-2', 0, up());
    expect(fired(w.round('us-east-1', 1, timeout))).toEqual(['SEV2 healthz_down:gateway']);
  });

  it('a report without `measurements` (an older probe) votes from its signals; an ok round then counts from the healthy list only', () => {
    const settings: VoteSettings = { home: 'eu-central-1', vantages: ['us-east-1'] };
    const report: EvaluationReport = {
      source: 'probe',
      vantage: 'us-east-1',
      evaluatedAt: '2026-11-20T03:00:00.000Z',
      evaluated: ['healthz_down'],
      healthy: { healthz_down: [] },
      signals: [
        {
          source: 'probe',
          rule: 'healthz_down',
          subject: 'gateway',
          severity: 'SEV1',
          status: 'firing',
          dedupKey: 'healthz_down:gateway',
          summary: 'healthz_down SEV1: gateway failed twice',
          observedAt: '2026-11-20T03:00:00.000Z',
          details: { failure: 'timeout', status: null, latencyMs: 5000 },
        },
      ],
    };
    const rounds = vantageRoundsOf(report, 'us-east-1');
    expect(rounds).toEqual([expect.objectContaining({ target: 'gateway', ok: false, consecutive: true, latencyMs: 5000 })]);
    // Alone of two voters (quorum 2), with the home region's ok round stored.
    const home: VantageRound = { ...rounds[0]!, vantage: 'eu-central-1', ok: true, consecutive: false, latencyMs: 40, failure: null };
    expect(fired(voteOnReport(report, [home], settings))).toEqual(['SEV3 vantage_unreachable:us-east-1']);
  });

  it('leaves a report without healthz_down (an inbound-shape run) untouched', () => {
    const report: EvaluationReport = {
      source: 'probe',
      evaluatedAt: '2026-11-20T03:00:00.000Z',
      evaluated: ['inbound_shape_down'],
      signals: [],
    };
    expect(voteOnReport(report, [], THREE)).toBe(report);
  });
});

describe('the vote over its store', () => {
  /** A store that answers what it is told to, and keeps what it was asked to record. */
  function storeAnswering(answer: VantageRound[]): VantageRoundStore & { calls: VantageReportRounds[] } {
    const calls: VantageReportRounds[] = [];
    return {
      calls,
      record: async (report) => {
        calls.push(report);
        return answer;
      },
    };
  }
  const roundOf = (vantage: string, ok: boolean, at = '2026-11-20T03:00:00.000Z'): VantageRound => ({
    target: 'gateway',
    vantage,
    at,
    ok,
    consecutive: false,
    flapping: false,
    sustained: false,
    failure: ok ? null : 'timeout',
    status: ok ? 200 : null,
    latencyMs: ok ? 40 : 5000,
    tlsDaysLeft: ok ? 60 : null,
    firstMove: null,
  });
  const probeReport = (vantage: string | undefined, result: ProbeOutcome): EvaluationReport => {
    const { report } = healthzRoundReport({
      targets: TARGETS,
      probes: [{ target: 'gateway', outcome: result }],
      skipped: [],
      previous: EMPTY_PROBE_STATE,
      rules: RULES,
      now: new Date(T0),
    });
    return vantage ? { ...report, vantage } : report;
  };

  it("records the report's rounds in one call (its vantage, time and the voters) and votes over every vantage's rounds it answers", async () => {
    // us-east-1 failed a second ago; this report from ap-southeast-2 fails too: with the store's answer, a quorum.
    const store = storeAnswering([roundOf('us-east-1', false), roundOf('eu-central-1', true)]);
    const voted = await voteWithStore(probeReport('ap-southeast-2', timeout), store, THREE);
    expect(store.calls).toEqual([
      {
        vantage: 'ap-southeast-2',
        at: '2026-11-20T03:00:00.000Z',
        rounds: [expect.objectContaining({ target: 'gateway', vantage: 'ap-southeast-2', ok: false, failure: 'timeout' })],
        voters: ['eu-central-1', 'us-east-1', 'ap-southeast-2'],
      },
    ]);
    expect(fired(voted)).toEqual(['SEV2 healthz_down:gateway']);
    expect(healthz(voted)!.details.vote).toMatchObject({ voters: 3, failing: ['us-east-1', 'ap-southeast-2'] });
  });

  it("a report without vantage is recorded as the home region's", async () => {
    const store = storeAnswering([]);
    await voteWithStore(probeReport(undefined, up()), store, THREE);
    expect(store.calls.map((c) => c.vantage)).toEqual(['eu-central-1']);
  });

  it('rounds the store answers for a region that is not a voter do not vote', async () => {
    const store = storeAnswering([roundOf('sa-east-1', false)]);
    const voted = await voteWithStore(probeReport('us-east-1', timeout), store, { home: 'eu-central-1', vantages: ['us-east-1'] });
    // Alone of the voters that reported (us-east-1 is the only one): quorum 1 of 1, not 2 of 2 with sa-east-1.
    expect(healthz(voted)!.details.vote).toMatchObject({ voters: 1, failing: ['us-east-1'] });
  });

  it('one vantage, another source or no healthz_down: nothing is recorded, the report is unchanged', async () => {
    const store = storeAnswering([]);
    const one = probeReport(undefined, timeout);
    expect(await voteWithStore(one, store, { home: 'eu-central-1', vantages: [] })).toBe(one);
    const shapes: EvaluationReport = { source: 'probe', evaluatedAt: one.evaluatedAt, evaluated: ['inbound_shape_down'], signals: [] };
    expect(await voteWithStore(shapes, store, THREE)).toBe(shapes);
    expect(store.calls).toEqual([]);
  });
});

describe('vote settings', () => {
  it('one vantage (the default config) is no vote: the probe decides as it always did', () => {
    expect(voteIsOn({ home: 'eu-central-1', vantages: [] })).toBe(false);
    expect(voteIsOn({ home: 'eu-central-1', vantages: ['eu-central-1'] })).toBe(false);
    expect(voteIsOn(THREE)).toBe(true);
    expect(votersOf({ home: 'eu-central-1', vantages: ['eu-central-1', 'us-east-1'] })).toEqual(['eu-central-1', 'us-east-1']);
  });

  it('quorum: a majority of the live voters, the configured one capped by them, never below one', () => {
    expect([1, 2, 3, 4, 5].map((n) => quorumOf(n, undefined))).toEqual([1, 2, 2, 3, 3]);
    expect(quorumOf(3, 3)).toBe(3);
    expect(quorumOf(2, 3)).toBe(2);
    expect(quorumOf(1, 3)).toBe(1);
    expect(quorumOf(0, undefined)).toBe(1);
  });

  it("a report naming the home region is the home region's (one heartbeat `probe`); with one vantage every report is", () => {
    const report: EvaluationReport = { source: 'probe', evaluatedAt: '2026-11-20T03:00:00.000Z', evaluated: [], signals: [] };
    expect(withHomeVantage({ ...report, vantage: 'eu-central-1' }, THREE)).toEqual(report);
    expect(withHomeVantage({ ...report, vantage: 'us-east-1' }, THREE)).toEqual({ ...report, vantage: 'us-east-1' });
    expect(withHomeVantage({ ...report, vantage: 'us-east-1' }, { home: 'home', vantages: [] })).toEqual(report);
  });

  it("another vantage's monitoring_blind is keyed by its region, firing and healthy; the home region's keeps `probe`", () => {
    const blind: Signal = {
      source: 'probe',
      rule: 'monitoring_blind',
      subject: 'probe',
      severity: 'SEV2',
      status: 'firing',
      dedupKey: 'monitoring_blind:probe',
      summary: 'Monitoring blind: the probe in us-east-1 could not measure gateway',
      observedAt: '2026-11-20T03:00:00.000Z',
      details: {},
    };
    const report: EvaluationReport = {
      source: 'probe',
      evaluatedAt: '2026-11-20T03:00:00.000Z',
      evaluated: ['healthz_down', 'monitoring_blind'],
      healthy: { healthz_down: ['gateway'], monitoring_blind: [] },
      signals: [blind],
    };
    const fromUs = withHomeVantage({ ...report, vantage: 'us-east-1' }, THREE);
    expect(fromUs.signals.map((s) => [s.subject, s.dedupKey])).toEqual([['probe@us-east-1', 'monitoring_blind:probe@us-east-1']]);
    const healthyUs = withHomeVantage({ ...report, signals: [], healthy: { monitoring_blind: ['probe'] }, vantage: 'us-east-1' }, THREE);
    expect(healthyUs.healthy).toEqual({ monitoring_blind: ['probe@us-east-1'] });
    // The home region, and any region while one vantage probes: the key open incidents already have.
    expect(withHomeVantage({ ...report, vantage: 'eu-central-1' }, THREE).signals[0]!.dedupKey).toBe('monitoring_blind:probe');
    expect(withHomeVantage({ ...report, vantage: 'us-east-1' }, { home: 'home', vantages: [] }).signals[0]!.dedupKey).toBe(
      'monitoring_blind:probe',
    );
    expect(blindSubjectOf(undefined)).toBe('probe');
    expect(blindSubjectOf('ap-southeast-2')).toBe('probe@ap-southeast-2');
  });

  it('a report from a region that is not a configured vantage is named with what to do', () => {
    expect(vantageProblem({ source: 'probe', vantage: 'sa-east-1' }, THREE)).toBe(
      'a probe report from vantage "sa-east-1", which is not in probes.vantages (eu-central-1, us-east-1, ap-southeast-2): add it there or remove that probe stack',
    );
    expect(vantageProblem({ source: 'probe' }, THREE)).toBeUndefined();
    expect(vantageProblem({ source: 'probe', vantage: 'us-east-1' }, THREE)).toBeUndefined();
    // With one vantage nothing votes: such a report is routed as the home region's, as before.
    expect(vantageProblem({ source: 'probe', vantage: 'sa-east-1' }, { home: 'eu-central-1', vantages: [] })).toBeUndefined();
  });
});
