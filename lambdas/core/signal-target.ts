// The `target` label of a signal: which health target's traffic it is about. Inhibition rules compare it
// (Alertmanager's `equal`), so an outage of one target holds back only the symptoms from that target's
// traffic: the agent server's /health being down says nothing about the gateway's providers.
//   healthz_down and tls_expiry (from the probe or a tagged CloudWatch alarm): their subject, the target;
//   an inbound shape: the health target that gates it; gateway_down: its target (the trace DB's when derived);
//   trace-db: `snapshot.target`, default the gateway's target (see trafficTargetDefault);
//   logs: the log group's `target`, default the gateway's target; anything else: none.
import type { Config } from './config.ts';
import type { Signal } from './signal.ts';

export interface SignalTargets {
  /** The health target whose trace DB the snapshot is. */
  traceDb?: string;
  /** Log group name -> the health target whose container writes it. */
  logGroups: Record<string, string>;
  /** For a log signal whose group is not listed (a group renamed since the deploy). */
  logs?: string;
}

const PROBE_TARGET_RULES = new Set(['healthz_down', 'tls_expiry']);
/** correlate.ts's subject for gateway_down derived from traffic_stopped (not imported: correlate.ts reaches the rules). */
const TRAFFIC_OUTAGE_SUBJECT = 'traffic-stopped';

/**
 * The target the trace DB and the log groups belong to unless config says otherwise: one named like the
 * gateway, else the first; with no health target configured (healthz alarms of your own), `gateway`.
 */
export function trafficTargetDefault(healthTargets: readonly { name: string }[]): string {
  return (healthTargets.find((t) => /gateway/i.test(t.name)) ?? healthTargets[0])?.name ?? 'gateway';
}

export function signalTargetsOf(config: Pick<Config, 'healthTargets' | 'snapshot' | 'logGroups'>): SignalTargets {
  const fallback = trafficTargetDefault(config.healthTargets);
  const logGroups: Record<string, string> = {};
  for (const group of config.logGroups) logGroups[group.name] = group.target ?? fallback;
  return { traceDb: config.snapshot?.target ?? fallback, logGroups, logs: fallback };
}

/** The signal's target label, or undefined when it concerns no one target (then an `equal: ["target"]` rule never holds it). */
export function targetOf(
  signal: Pick<Signal, 'source' | 'rule' | 'subject' | 'details'>,
  targets: SignalTargets | undefined,
): string | undefined {
  if (PROBE_TARGET_RULES.has(signal.rule)) return signal.subject;
  // The total outage: from the shape run its subject is the shapes' health target; derived from traffic_stopped
  // (correlate.ts) it is about the gateway whose traffic the trace DB records.
  if (signal.rule === 'gateway_down') return signal.subject === TRAFFIC_OUTAGE_SUBJECT ? targets?.traceDb : signal.subject;
  switch (signal.source) {
    case 'probe': {
      const gate = signal.details?.healthTarget;
      return typeof gate === 'string' ? gate : undefined;
    }
    case 'trace-db':
      return targets?.traceDb;
    case 'logs': {
      const group = signal.details?.logGroup;
      return (typeof group === 'string' ? targets?.logGroups[group] : undefined) ?? targets?.logs;
    }
    default:
      return undefined;
  }
}
