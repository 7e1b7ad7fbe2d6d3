// The router's vote across probe vantages (docs/vantages.md, "The vote"). A failure seen from one region
// may be that region's path, not the gateway: healthz_down fires only when a quorum of the vantages still
// reporting sees it (SEV1 when each of them failed twice in a row, SEV2 on one failure); a vantage failing
// alone is SEV3 vantage_unreachable for its region, never a page. A vantage whose latest round is older
// than three probe intervals has stopped reporting (source_stale says so) and leaves the vote; the quorum
// is taken over the rest, never fewer than one. Pure: the stored rounds and the report in, a report out.
import { redactText, redactValue } from '../redact.ts';
import { makeDedupKey, oneLine, type EvaluationReport, type Severity, type Signal } from '../signal.ts';
import { firstMoveFor, PROBE_RUNBOOK_SECTION } from './diagnosis.ts';
import { HEALTHZ_RULE, HEARTBEAT_RULE, HEARTBEAT_SUBJECT, VANTAGE_RULE } from './rule-ids.ts';
import { vantageRoundsOf, type VantageRound, type VantageRoundStore } from './vantage-round.ts';

/** The probe reports every minute; like source_stale, three missed reports take a vantage out of the vote. */
export const VANTAGE_STALE_MS = 3 * 60_000;

export interface VoteSettings {
  /** The region of the home stack: a report without `vantage` was measured there. */
  home: string;
  /** `probes.vantages`: the other regions (the home region may be listed too). */
  vantages: readonly string[];
  /** `probes.quorum`; absent: a majority of the vantages still reporting. */
  quorum?: number | undefined;
}

/** Every region that votes: the home region first. */
export function votersOf(settings: VoteSettings): string[] {
  return [...new Set([settings.home, ...settings.vantages])];
}

/** One vantage is today's behaviour exactly: no vote. */
export function voteIsOn(settings: VoteSettings): boolean {
  return votersOf(settings).length > 1;
}

/** Where a report was measured from: its `vantage`, else the home region. */
export function vantageOf(report: Pick<EvaluationReport, 'vantage'>, settings: VoteSettings): string {
  return report.vantage ?? settings.home;
}

/** Why a report cannot vote (a region not configured as a vantage), or undefined. With one vantage nothing votes. */
export function vantageProblem(report: Pick<EvaluationReport, 'source' | 'vantage'>, settings: VoteSettings): string | undefined {
  const vantage = vantageOf(report, settings);
  if (!voteIsOn(settings) || votersOf(settings).includes(vantage)) return undefined;
  return `a ${report.source} report from vantage "${vantage}", which is not in probes.vantages (${votersOf(settings).join(', ')}): add it there or remove that probe stack`;
}

/** The home region's name when the router does not know it (the CLI): reports without `vantage`. */
export const HOME_VANTAGE = 'home';

/** The vote's settings from the router's: `probes` from the config, the home region from where it runs. */
export function voteSettingsOf(
  probes: { vantages: readonly string[]; quorum?: number | undefined },
  home: string | undefined,
): VoteSettings {
  return { home: home ?? HOME_VANTAGE, vantages: probes.vantages, quorum: probes.quorum };
}

/**
 * A report that names the home region as its vantage is the home region's: one heartbeat, one voter. With
 * one vantage every report is (today's behaviour: one `probe` heartbeat, whatever region a report names).
 * Another region's report keeps its vantage, and its monitoring_blind is its own (blindSubjectOf).
 */
export function withHomeVantage(report: EvaluationReport, settings: VoteSettings): EvaluationReport {
  if (report.vantage === undefined) return report;
  if (voteIsOn(settings) && report.vantage !== settings.home) return withVantageBlindKey(report, report.vantage);
  const { vantage: _home, ...rest } = report;
  return rest;
}

/**
 * The subject of a probe's monitoring_blind: `probe` for the home region (the key open incidents already
 * have), `probe@<region>` for another vantage, as its source_stale is keyed: one region's healthy report
 * never resolves another region's blindness.
 */
export function blindSubjectOf(vantage: string | undefined): string {
  return vantage ? `${HEARTBEAT_SUBJECT}@${vantage}` : HEARTBEAT_SUBJECT;
}

function withVantageBlindKey(report: EvaluationReport, vantage: string): EvaluationReport {
  if (!report.evaluated.includes(HEARTBEAT_RULE)) return report;
  const subject = blindSubjectOf(vantage);
  const rekey = (s: string) => (s === HEARTBEAT_SUBJECT ? subject : s);
  const healthy = report.healthy?.[HEARTBEAT_RULE];
  return {
    ...report,
    ...(healthy ? { healthy: { ...report.healthy, [HEARTBEAT_RULE]: healthy.map(rekey) } } : {}),
    signals: report.signals.map((s) =>
      s.rule === HEARTBEAT_RULE && s.subject === HEARTBEAT_SUBJECT ? { ...s, subject, dedupKey: makeDedupKey(HEARTBEAT_RULE, subject) } : s,
    ),
  };
}

/**
 * What the router does with a probe report while more than one vantage votes: keep its rounds as the
 * vantage's latest and, from the same store call, every vantage's latest rounds; vote over them. Otherwise
 * the report as is.
 */
export async function voteWithStore(report: EvaluationReport, store: VantageRoundStore, settings: VoteSettings): Promise<EvaluationReport> {
  if (!voteIsOn(settings) || report.source !== 'probe' || !report.evaluated.includes(HEALTHZ_RULE)) return report;
  const vantage = vantageOf(report, settings);
  const own = vantageRoundsOf(report, vantage);
  const voters = votersOf(settings);
  const stored = own.length ? await store.record({ vantage, at: report.evaluatedAt, rounds: own, voters }) : [];
  return voteOnReport(
    report,
    stored.filter((r) => voters.includes(r.vantage)),
    settings,
  );
}

/** The quorum over `live` voters: the configured one or a majority, never more than the voters, never below one. */
export function quorumOf(live: number, configured: number | undefined): number {
  return Math.max(1, Math.min(configured ?? Math.floor(live / 2) + 1, live));
}

/**
 * The report as the router applies it: the vantage's own healthz_down verdicts replaced by the vote over
 * `rounds` (the latest stored round of each vantage and target, this report's included), plus
 * vantage_unreachable for each region failing alone and the regions found fine.
 */
export function voteOnReport(report: EvaluationReport, stored: readonly VantageRound[], settings: VoteSettings): EvaluationReport {
  if (!report.evaluated.includes(HEALTHZ_RULE)) return report;
  const vantage = vantageOf(report, settings);
  const now = Date.parse(report.evaluatedAt);
  const own = vantageRoundsOf(report, vantage);
  const targets = own.map((r) => r.target);
  // In the configured order (home region first), so alerts read the same every time.
  const order = votersOf(settings);
  const rank = (r: VantageRound) => (order.includes(r.vantage) ? order.indexOf(r.vantage) : order.length);
  const rounds = newest([...stored, ...own]).sort((a, b) => rank(a) - rank(b));
  const signals: Signal[] = report.signals.filter((s) => s.rule !== HEALTHZ_RULE);
  const healthzHealthy: string[] = [];
  const alone = new Map<string, Alone[]>();
  const liveByVantage = new Map<string, VantageRound[]>();
  /** Failed rounds that are part of a quorum's failure: the gateway's, not the region's path. */
  const explained = new Set<VantageRound>();

  for (const target of targets) {
    const ofTarget = rounds.filter((r) => r.target === target);
    const live = ofTarget.filter((r) => now - Date.parse(r.at) <= VANTAGE_STALE_MS);
    const lost = ofTarget.filter((r) => !live.includes(r));
    for (const r of live) liveByVantage.set(r.vantage, [...(liveByVantage.get(r.vantage) ?? []), r]);
    const quorum = quorumOf(live.length, settings.quorum);
    const failing = live.filter(isFailing);
    if (failing.length >= quorum) {
      signals.push(healthzVote(target, live, lost, quorum, report, settings));
      for (const r of failing) explained.add(r);
      continue;
    }
    const up = live.filter((r) => !isFailing(r));
    for (const r of failing) alone.set(r.vantage, [...(alone.get(r.vantage) ?? []), { round: r, up }]);
    // Resolving needs this vantage's own sustained health (the stored round may be a newer one of it).
    if (rounds.find((r) => r.target === target && r.vantage === vantage)?.sustained) healthzHealthy.push(target);
  }

  const unreachableHealthy: string[] = [];
  for (const [region, regionRounds] of liveByVantage) {
    const cases = alone.get(region);
    if (cases) signals.push(unreachableSignal(region, cases, report.evaluatedAt));
    // Fine again: every target reached with sustained health, or failing with a quorum (a lone failure at an
    // outage's onset, before the other vantages' rounds came in, was the gateway's after all).
    else if (regionRounds.length === targets.length && regionRounds.every((r) => explained.has(r) || (r.ok && r.sustained && !r.flapping)))
      unreachableHealthy.push(region);
  }

  return {
    ...report,
    evaluated: [...report.evaluated, VANTAGE_RULE],
    healthy: { ...report.healthy, [HEALTHZ_RULE]: healthzHealthy, [VANTAGE_RULE]: unreachableHealthy },
    signals,
  };
}

/** The newest round per target and vantage (the store may lag this report, or hold a newer one). */
function newest(rounds: readonly VantageRound[]): VantageRound[] {
  const latest = new Map<string, VantageRound>();
  for (const round of rounds) {
    const key = `${round.target}\u0000${round.vantage}`;
    const kept = latest.get(key);
    if (!kept || Date.parse(kept.at) < Date.parse(round.at)) latest.set(key, round);
  }
  return [...latest.values()];
}

interface Alone {
  round: VantageRound;
  /** The vantages that reach the target this round. */
  up: VantageRound[];
}

/** A failed round, or a flapping target even on its good round. */
function isFailing(round: VantageRound): boolean {
  return !round.ok || round.flapping;
}

function healthzVote(
  target: string,
  live: VantageRound[],
  lost: VantageRound[],
  quorum: number,
  report: EvaluationReport,
  settings: VoteSettings,
): Signal {
  const failing = live.filter(isFailing);
  const twice = live.filter((r) => !r.ok && r.consecutive);
  const severity: Extract<Severity, 'SEV1' | 'SEV2'> = twice.length >= quorum ? 'SEV1' : 'SEV2';
  const how = severity === 'SEV1' ? 'failed twice in a row' : failing.every((r) => r.ok) ? 'is flapping' : 'failed';
  const voters = votersOf(settings).length;
  const downToOne = live.length === 1 && voters > 1;
  const firstMove = failing.find((r) => r.firstMove)?.firstMove ?? firstMoveFor('ingress_or_network');
  const ownDetails = report.signals.find((s) => s.rule === HEALTHZ_RULE && s.subject === target && s.status === 'firing')?.details ?? {};
  const summary =
    `healthz_down ${severity}: ${target} ${how} from ${failing.length} of ${live.length} vantages (quorum ${quorum}): ` +
    `${live.map(describeRound).join(', ')}` +
    (lost.length ? `; not reporting: ${lost.map((r) => `${r.vantage} (last round ${r.at})`).join(', ')}` : '') +
    (downToOne ? `; the vote is down to one: only ${live[0]!.vantage} still reports` : '') +
    `. First: ${firstMove}`;
  return {
    source: 'probe',
    rule: HEALTHZ_RULE,
    subject: target,
    severity,
    status: 'firing',
    dedupKey: makeDedupKey(HEALTHZ_RULE, target),
    summary: oneLine(redactText(summary)),
    observedAt: report.evaluatedAt,
    details: redactValue({
      ...ownDetails,
      firstMove,
      vote: {
        voters: live.length,
        quorum,
        failing: failing.map((r) => r.vantage),
        failedTwice: twice.map((r) => r.vantage),
        notReporting: lost.map((r) => r.vantage),
        downToOne,
      },
      vantages: [...live, ...lost].map((r) => vantageDetail(r, !live.includes(r))),
    }),
    runbook: PROBE_RUNBOOK_SECTION,
  };
}

function unreachableSignal(region: string, cases: Alone[], at: string): Signal {
  const firstMove = unreachableFirstMove(region);
  const what = cases
    .map(
      ({ round, up }) =>
        `${round.target} is up from ${up.length} other region${up.length === 1 ? '' : 's'} (${up.map(describeRound).join(', ')}) ` +
        `but ${describeRound(round)}`,
    )
    .join('; ');
  return {
    source: 'probe',
    rule: VANTAGE_RULE,
    subject: region,
    severity: 'SEV3',
    status: 'firing',
    dedupKey: makeDedupKey(VANTAGE_RULE, region),
    summary: oneLine(redactText(`vantage_unreachable SEV3: ${what}: check the path from ${region}. First: ${firstMove}`)),
    observedAt: at,
    details: redactValue({
      region,
      firstMove,
      targets: cases.map(({ round, up }) => ({
        target: round.target,
        ...vantageDetail(round, false),
        upFrom: up.map((r) => ({ vantage: r.vantage, latencyMs: r.latencyMs })),
      })),
    }),
    runbook: PROBE_RUNBOOK_SECTION,
    vantage: region,
  };
}

/** The path from one region, not the gateway: where to look before anyone touches the gateway. */
export function unreachableFirstMove(region: string): string {
  return (
    `the gateway answers from the other regions, so look at the path from ${region}: that region's egress (NAT gateway, ` +
    'VPC routes), DNS answers there, and firewall, WAF or geo rules in front of the gateway; do not restart the gateway for it'
  );
}

/** `us-east-1 HTTP 503 in 41 ms (twice)`, `eu-central-1 ok in 95 ms`. */
function describeRound(round: VantageRound): string {
  const latency = round.latencyMs === null ? '' : ` in ${round.latencyMs} ms`;
  if (round.ok) return `${round.vantage} ok${latency}${round.flapping ? ' (flapping)' : ''}`;
  const what = round.failure === 'http_status' && round.status !== null ? `HTTP ${round.status}` : (round.failure ?? 'failed');
  return `${round.vantage} ${what}${latency}${round.consecutive ? ' (twice)' : ''}`;
}

function vantageDetail(round: VantageRound, stale: boolean): Record<string, unknown> {
  return {
    vantage: round.vantage,
    at: round.at,
    ok: round.ok,
    failure: round.failure,
    status: round.status,
    latencyMs: round.latencyMs,
    tlsDaysLeft: round.tlsDaysLeft,
    flapping: round.flapping,
    ...(stale ? { notReporting: true } : {}),
  };
}
