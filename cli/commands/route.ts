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
import { routeSignals, sweepIncidents } from '../../lambdas/core/dispatch.ts';
import { postDueDigests } from '../../lambdas/core/digest.ts';
import type { Delivery } from '../../lambdas/core/incident.ts';
import { DEFAULT_EVENTS_URL } from '../../lambdas/core/notify/pagerduty/notifier.ts';
import { buildNotifiers } from '../../lambdas/core/notify/registry.ts';
import { vantageProblem, voteSettingsOf, voteWithStore, withHomeVantage } from '../../lambdas/core/probe/vote.ts';
import { signalsFromReport } from '../../lambdas/core/report-signals.ts';
import { routerSettingsOf } from '../../lambdas/core/router-settings.ts';
import { toDelivery } from '../../lambdas/core/routing-policy.ts';
import type { EvaluationReport, Signal } from '../../lambdas/core/signal.ts';
import { sweepOptionsOf } from '../../lambdas/core/sweep-policy.ts';
import { parseReplayFile, type ReplayEntry } from './replay-input.ts';
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
}

/** Accepts a JSON array of signals, `{ "signals": [...] }` (a report or `check` output), or JSON Lines. */
export function parseSignalFile(text: string, origin: string): Signal[] {
  return parseReplayFile(text, origin).flatMap((entry) => (entry.kind === 'signal' ? [entry.signal] : entry.report.signals));
}

/**
 * The sinks a dry run delivers to: the configured ones, and PagerDuty when no HTTP paging provider is
 * configured, so the policy's paging decisions stay visible before any integration exists.
 */
export function dryRunSinks(config: Config): Config['sinks'] {
  const { sinks } = config;
  if (sinks.pagerduty || sinks.opsgenie || sinks.splunkOnCall) return sinks;
  return { ...sinks, pagerduty: { routingKeyParameter: '/metis-alerts/dry-run/pagerduty', eventsUrl: DEFAULT_EVENTS_URL } };
}

export interface RouteOptions {
  /** Route every signal at this time instead of its own (no sweeps then). */
  now?: Date;
  /** Simulated sweeper period between the signals' times; 0 turns the sweeps off. Default 5. */
  sweepMinutes?: number;
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
    notifiers: buildNotifiers(dryRunSinks(config), dryRunTransports(wire.tap)),
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
  let nextTick: number | undefined;
  const sweepOptions = { ...sweepOptionsOf(config), sweepMinutes: sweepMs / 60_000 };
  for (const entry of ordered) {
    const at = options.now ?? new Date(entry.at);
    if (sweepMs > 0) {
      // The deployed sweeper runs on the 5-minute grid; a tick at the signal's own time runs first.
      nextTick ??= Math.floor(at.getTime() / sweepMs) * sweepMs + sweepMs;
      for (; nextTick <= at.getTime(); nextTick += sweepMs) {
        const when = new Date(nextTick);
        clock = when;
        const swept = await sweepIncidents(when, sweepOptions, { ...deps, now: () => when });
        deliveries.push(...swept.attempted.map(toDelivery));
        const posted = await postDueDigests(when, { digests: deps.digests, chatops: deps.notifiers.chatops, settings });
        digests.push(...posted.posted.map((id) => ({ id, postedAt: when.toISOString() })));
      }
    }
    clock = at;
    // As the deployed router does with a report: its firing signals plus the resolves its evidence allows.
    const signals = entry.kind === 'signal' ? [entry.signal] : await reportSignals(entry.report);
    // As the deployed router does: signals whose causes span sources (correlate.ts) follow their causes.
    const derived = correlate(signals, needsCorrelation(signals) ? await store.listOpen() : [], {
      gatewayDown: config.rules.gateway_down.enabled,
    });
    const routed = await routeSignals([...signals, ...derived], { ...deps, now: () => at });
    deliveries.push(...routed.attempted.map(toDelivery));
  }
  return { deliveries, digests, wire: wire.entries };

  async function reportSignals(sent: EvaluationReport): Promise<Signal[]> {
    const problem = vantageProblem(sent, vote);
    if (problem) throw new UsageError(`${problem} (--config)`);
    const report = await voteWithStore(withHomeVantage(sent, vote), vantageRounds, vote);
    return signalsFromReport(report, await store.listOpen(report.source));
  }
}

export function formatDeliveries(deliveries: Delivery[], digests: RouteResult['digests'] = []): string {
  const lines = [
    ...deliveries.map((d) => `${d.severity}  ${d.sink.padEnd(13)} ${d.action.padEnd(9)} ${d.dedupKey}`),
    ...digests.map((d) => `SEV4  ${'chatops'.padEnd(13)} ${'digest'.padEnd(9)} ${d.id} (posted ${d.postedAt})`),
  ];
  return lines.length === 0 ? 'no deliveries\n' : `${lines.join('\n')}\n`;
}

/** The whole command, for cli/main.ts. */
export async function routeCommand(args: string[], out: Output): Promise<void> {
  const { values } = parseArgs({ args, options: SPECS.route.flags, strict: true });
  if (!values.signals) throw new UsageError('route: --signals FILE is required');
  const config = resolveConfig(values.config);
  const now = parseInstant(values.now, '--now');
  const text = readText(values.signals, 'the signals file');
  // An empty file is most often a failed `check ... > out.json`: "no deliveries" would read as all clear.
  if (text.trim() === '')
    throw new UsageError(`${values.signals}: empty file, no signals or reports to route (did the command that wrote it fail?)`);
  const entries = parseReplayFile(text, values.signals);
  const sweepMinutes = values['sweep-minutes'] === undefined ? 5 : Number(values['sweep-minutes']);
  if (!Number.isInteger(sweepMinutes) || sweepMinutes < 0)
    throw new UsageError(`--sweep-minutes: expected a whole number of minutes (0 turns sweeps off), got "${values['sweep-minutes']}"`);
  const { deliveries, digests, wire } = await routeReplay(entries, config, { ...(now ? { now } : {}), sweepMinutes });
  if (values.wire) writeFileSync(values.wire, wire.map((entry) => `${JSON.stringify(entry)}\n`).join(''));
  out.stdout.write(values.json ? `${JSON.stringify({ deliveries, digests }, null, 2)}\n` : formatDeliveries(deliveries, digests));
}
