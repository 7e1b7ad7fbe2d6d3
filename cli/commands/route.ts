// `metis-alerts route --signals FILE [--now ISO] [--config FILE] [--wire FILE] [--json]`: the router's
// decisions in dry-run from the same core code, over a time-ordered list of signals and evaluation
// reports (dedup and evidence-based resolves apply across it).
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { MemoryDigestStore } from '../../lambdas/adapters/memory-digest-store.ts';
import { MemoryIncidentStore } from '../../lambdas/adapters/memory-incident-store.ts';
import { MemoryStormLedger } from '../../lambdas/adapters/memory-storm-ledger.ts';
import { MemoryVantageRounds } from '../../lambdas/adapters/memory-vantage-rounds.ts';
import { dryRunTransports } from '../../lambdas/adapters/notify/dry-run.ts';
import { WireLog, type WireEntry } from '../../lambdas/adapters/notify/wire-log.ts';
import type { Config } from '../../lambdas/core/config.ts';
import { correlate, needsCorrelation } from '../../lambdas/core/correlate.ts';
import { routeSignals, sweepDeadline, sweepIncidents } from '../../lambdas/core/dispatch.ts';
import { deadlineName, deadlinesOf, deliveriesWake, wakeUpAt, type Deadline } from '../../lambdas/core/deadlines.ts';
import { postDueDigests } from '../../lambdas/core/digest.ts';
import type { Delivery, Incident } from '../../lambdas/core/incident.ts';
import { buildNotifiers, dryRunSinks } from '../../lambdas/core/notify/sink-catalog.ts';
import { vantageProblem, voteSettingsOf, voteWithStore, withHomeVantage } from '../../lambdas/core/probe/vote.ts';
import { signalsFromReport } from '../../lambdas/core/report-signals.ts';
import { routerSettingsOf } from '../../lambdas/core/router-settings.ts';
import { toDelivery } from '../../lambdas/core/routing-policy.ts';
import type { EvaluationReport, Signal } from '../../lambdas/core/signal.ts';
import { sweepOptionsOf } from '../../lambdas/core/sweep-policy.ts';
import { parseReplayFile, type ReplayEntry } from './replay-input.ts';
import { webhookSecretsFromEnv } from './human-lines.ts';
import { applyHumanAction } from '../../lambdas/core/human/apply.ts';
import type { RouterSettings } from '../../lambdas/core/router-settings.ts';
import { UsageError } from '../errors.ts';
import { parseInstant, readText, resolveConfig, type Output } from '../io.ts';
import { SPECS } from '../spec.ts';

export interface RouteResult {
  deliveries: Delivery[];
  /**
   * SEV4 digest rules' daily chatops notices, as the deployed sweeper posts them: `digest#<rule>#<day>`
   * at the first sweep of the next UTC day (their signals open no incident and make no delivery).
   */
  digests: { id: string; postedAt: string }[];
  /** Every outbound request as it would be sent (the wire log). */
  wire: WireEntry[];
  /** What people did (webhook and ack lines), applied or not, in time order. */
  human: HumanOutcomeLine[];
}

export interface HumanOutcomeLine {
  at: string;
  /** The entry's position in the file (1-based). */
  entry: number;
  dedupKey?: string;
  /** The timeline line it wrote, or why it changed nothing, was ignored or refused. */
  outcome: string;
  applied: boolean;
  /** Failed verification, malformed or a replay: a deployed intake would have refused it too. */
  refused?: true;
}

/** Accepts a JSON array of signals, `{ "signals": [...] }` (a report or `check` output), or JSON Lines. */
export function parseSignalFile(text: string, origin: string): Signal[] {
  return parseReplayFile(text, origin).flatMap((entry) =>
    entry.kind === 'signal' ? [entry.signal] : entry.kind === 'report' ? entry.report.signals : [],
  );
}

export interface RouteOptions {
  /** Route every signal at this time instead of its own (no sweeps then). */
  now?: Date;
  /** Simulated sweeper period between the signals' times; 0 turns the sweeps and the deadline wake-ups off. Default 5. */
  sweepMinutes?: number;
  /**
   * Wake each incident at its deadlines (targets, comms reminders) to the minute, as the deployed one-time
   * schedules do. False replays a stack whose schedules never fire: only the sweeps keep time. Default true.
   */
  deadlines?: boolean;
}

/** Replays plain signals (see routeReplay). */
export function routeDryRun(signals: Signal[], config: Config, options: RouteOptions = {}): Promise<RouteResult> {
  return routeReplay(
    signals.map((signal): ReplayEntry => ({ kind: 'signal', at: Date.parse(signal.observedAt), signal })),
    config,
    options,
  );
}

/**
 * Replays signals and evaluation reports in time order through the router core, with the sweeper's ticks
 * in between (on the 5-minute grid of its schedule), so a file replays a whole incident: escalation,
 * reminders, inhibition release, resolve. A report resolves exactly what the deployed router would: the
 * open incidents of its source whose subject it names healthy. A backtest of the deployed behaviour, in dry-run.
 */
export async function routeReplay(entries: ReplayEntry[], config: Config, options: RouteOptions = {}): Promise<RouteResult> {
  // Stable sort by time: the file's order breaks ties.
  const ordered = entries
    .map((entry, index) => ({ entry, index }))
    .sort((a, b) => a.entry.at - b.entry.at || a.index - b.index)
    .map((item) => item.entry);
  let clock = new Date(0);
  const wire = new WireLog(() => clock);
  const settings = routerSettingsOf(config);
  const store = new MemoryIncidentStore();
  const deps = {
    store,
    storm: new MemoryStormLedger(),
    notifiers: buildNotifiers(dryRunSinks(config.sinks), dryRunTransports(wire.tap)),
    settings,
    digests: new MemoryDigestStore(),
  };
  // Probe reports from several vantages are voted on as deployed; here the home region has no name, so a
  // report without `vantage` is the home region's.
  const vote = voteSettingsOf(config.probes, undefined);
  const vantageRounds = new MemoryVantageRounds();
  const digests: RouteResult['digests'] = [];
  const sweepMs = (options.now ? 0 : (options.sweepMinutes ?? 5)) * 60_000;
  const deliveries: Delivery[] = [];
  const human: HumanOutcomeLine[] = [];
  const seen = new Set<string>();
  let nextTick: number | undefined;
  const sweepOptions = sweepOptionsOf(config);
  const woken = new Set<string>();
  /** The sweeper's wake-ups the ack intake schedules after a person's action left deliveries owed (an ack's posts). */
  const humanWakes: Deadline[] = [];
  /** The earliest deadline not woken yet (the deployed one-time schedules): open incidents', reopen checks, and the intake's wake-ups. */
  const nextDeadline = async (): Promise<Deadline | undefined> =>
    [...humanWakes, ...[...(await store.listOpen()), ...(await store.listOwed())].flatMap((incident) => deadlinesOf(incident, settings))]
      .filter((d) => !woken.has(deadlineName(d)))
      .sort((a, b) => wakeUpAt(a).getTime() - wakeUpAt(b).getTime())[0];
  /** Runs the sweeps and deadline wake-ups due up to `until`, in time order, as deployed. */
  const advance = async (until: number): Promise<void> => {
    for (;;) {
      const sweepAt = sweepMs > 0 && nextTick !== undefined ? nextTick : Number.POSITIVE_INFINITY;
      // No sweeps (--sweep-minutes 0, --now): no time-driven action at all, deadlines included.
      const deadline = sweepMs === 0 || options.deadlines === false ? undefined : await nextDeadline();
      const deadlineAt = deadline ? wakeUpAt(deadline).getTime() : Number.POSITIVE_INFINITY;
      if (Math.min(sweepAt, deadlineAt) > until) return;
      if (deadline && deadlineAt < sweepAt) {
        woken.add(deadlineName(deadline));
        const when = new Date(deadlineAt);
        clock = when;
        const result = await sweepDeadline(deadline, when, sweepOptions, { ...deps, now: () => when });
        deliveries.push(...result.attempted.map(toDelivery));
        continue;
      }
      const when = new Date(sweepAt);
      clock = when;
      const swept = await sweepIncidents(when, sweepOptions, { ...deps, now: () => when });
      deliveries.push(...swept.attempted.map(toDelivery));
      const posted = await postDueDigests(when, { digests: deps.digests, chatops: deps.notifiers.chatops, settings });
      digests.push(...posted.posted.map((id) => ({ id, postedAt: when.toISOString() })));
      nextTick = sweepAt + sweepMs;
    }
  };
  for (const entry of ordered) {
    const at = options.now ?? new Date(entry.at);
    // The deployed sweeper runs on the 5-minute grid; a tick at the entry's own time runs first.
    if (sweepMs > 0) nextTick ??= Math.floor(at.getTime() / sweepMs) * sweepMs + sweepMs;
    await advance(at.getTime());
    clock = at;
    if (entry.kind === 'human' || entry.kind === 'human-skipped') {
      const applied = await applyHumanEntry(entry, at, store, settings, seen);
      human.push(...applied.lines);
      // As the deployed intake does: a one-time wake-up of the sweeper within the minute sends what it left owed.
      for (const incident of applied.written) {
        const wake = deliveriesWake(incident, at);
        if (wake) humanWakes.push(wake);
      }
      continue;
    }
    // As the deployed router does with a report: its firing signals plus the resolves its evidence allows.
    const signals = entry.kind === 'signal' ? [entry.signal] : await reportSignals(entry.report);
    // As the deployed router does: signals whose causes span sources (correlate.ts) follow their causes.
    const derived = correlate(signals, needsCorrelation(signals) ? await store.listOpen() : [], settings.correlation);
    const routed = await routeSignals([...signals, ...derived], { ...deps, now: () => at });
    deliveries.push(...routed.attempted.map(toDelivery));
  }
  // A person's action on the last lines still gets its wake-up (and what falls due up to it), as deployed.
  const lastWake = humanWakes.map((d) => wakeUpAt(d).getTime()).sort((a, b) => b - a)[0];
  if (lastWake !== undefined) await advance(lastWake);
  return { deliveries, digests, wire: wire.entries, human };

  async function reportSignals(sent: EvaluationReport): Promise<Signal[]> {
    const problem = vantageProblem(sent, vote);
    if (problem) throw new UsageError(`${problem} (--config)`);
    const report = await voteWithStore(withHomeVantage(sent, vote), vantageRounds, vote);
    // As deployed: a person's resolve waiting for its reopen check hears the healthy verdicts too.
    return signalsFromReport(report, await store.listWatched(report.source));
  }
}

/**
 * As the deployed ack intake does: replays refused by id, then each action applied with a conditional put.
 * Returns the outcome lines and the incidents the actions changed, as written.
 */
async function applyHumanEntry(
  entry: Extract<ReplayEntry, { kind: 'human' | 'human-skipped' }>,
  at: Date,
  store: MemoryIncidentStore,
  settings: RouterSettings,
  seen: Set<string>,
): Promise<{ lines: HumanOutcomeLine[]; written: Incident[] }> {
  const base = { at: at.toISOString(), entry: entry.line };
  if (entry.kind === 'human-skipped')
    return { lines: [{ ...base, outcome: entry.why, applied: false, ...(entry.refused ? { refused: true as const } : {}) }], written: [] };
  const { actions } = entry;
  if (actions.length === 0)
    return {
      lines: [{ ...base, outcome: 'pagerduty webhook not mapped: no alert of the grouped incident to act on', applied: false }],
      written: [],
    };
  if (entry.replayIds.some((id) => seen.has(id)))
    return {
      lines: [
        {
          ...base,
          ...(actions.length === 1 ? { dedupKey: actions[0]!.dedupKey } : {}),
          outcome: `${actions[0]!.via} replay refused (event seen before)`,
          applied: false,
          refused: true,
        },
      ],
      written: [],
    };
  for (const id of entry.replayIds) seen.add(id);
  const lines: HumanOutcomeLine[] = [];
  const written: Incident[] = [];
  for (const action of actions) {
    const incident = await store.get(action.dedupKey);
    const outcome = applyHumanAction(incident, action, at, settings);
    if (!outcome.applied) {
      lines.push({ ...base, dedupKey: action.dedupKey, outcome: `${action.kind} by ${action.by}: ${outcome.reason}`, applied: false });
      continue;
    }
    const next = { ...outcome.next, version: incident!.version + 1 };
    await store.put(next, incident!.version);
    written.push(next);
    lines.push({ ...base, dedupKey: action.dedupKey, outcome: outcome.event, applied: true });
  }
  return { lines, written };
}

export function formatDeliveries(deliveries: Delivery[], digests: RouteResult['digests'] = [], human: HumanOutcomeLine[] = []): string {
  const lines = [
    ...deliveries.map((d) => `${d.severity}  ${d.sink.padEnd(13)} ${d.action.padEnd(9)} ${d.dedupKey}`),
    ...digests.map((d) => `SEV4  ${'chatops'.padEnd(13)} ${'digest'.padEnd(9)} ${d.id} (posted ${d.postedAt})`),
    ...human.map((h) => `human ${h.at} ${h.dedupKey ?? '-'}: ${h.outcome}`),
  ];
  return lines.length === 0 ? 'no deliveries\n' : `${lines.join('\n')}\n`;
}

/** The whole command, for cli/main.ts. */
export async function routeCommand(args: string[], out: Output, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const { values } = parseArgs({ args, options: SPECS.route.flags, strict: true });
  if (!values.signals) throw new UsageError('route: --signals FILE is required');
  const config = resolveConfig(values.config, out.stderr);
  const now = parseInstant(values.now, '--now');
  const text = readText(values.signals, 'the signals file');
  // An empty file is most often a failed `check ... > out.json`: "no deliveries" would read as all clear.
  if (text.trim() === '')
    throw new UsageError(`${values.signals}: empty file, no signals or reports to route (did the command that wrote it fail?)`);
  const secrets = webhookSecretsFromEnv(env, {
    opsgenie: config.ackIntake?.opsgenie?.header,
    'splunk-oncall': config.ackIntake?.splunkOnCall?.header,
  });
  const entries = parseReplayFile(text, values.signals, secrets);
  const sweepMinutes = values['sweep-minutes'] === undefined ? 5 : Number(values['sweep-minutes']);
  if (!Number.isInteger(sweepMinutes) || sweepMinutes < 0)
    throw new UsageError(`--sweep-minutes: expected a whole number of minutes (0 turns sweeps off), got "${values['sweep-minutes']}"`);
  const { deliveries, digests, wire, human } = await routeReplay(entries, config, { ...(now ? { now } : {}), sweepMinutes });
  if (values.wire) writeFileSync(values.wire, wire.map((entry) => `${JSON.stringify(entry)}\n`).join(''));
  // A refused webhook line is reported on stderr too, as the deployed intake's log would show it.
  for (const h of human.filter((line) => line.refused)) out.stderr.write(`warning: entry ${h.entry}: ${h.outcome}\n`);
  out.stdout.write(
    values.json
      ? `${JSON.stringify({ deliveries, digests, ...(human.length ? { human } : {}) }, null, 2)}\n`
      : formatDeliveries(deliveries, digests, human),
  );
}
