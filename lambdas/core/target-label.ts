// A signal's `target` label (see signal-target.ts for how config assigns it): kept apart from the config so
// renderers (the status page's components) can read it without depending on the config.
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
