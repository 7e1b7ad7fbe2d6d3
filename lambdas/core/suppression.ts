// Inhibition (Alertmanager-style: while one incident is open, matching signals are its symptoms) and
// silencing (one-off silences and recurring maintenance windows). Both are decided here, as data;
// the routing policy only sees the outcome as a RoutingContext.
import { zonedTime } from './business-hours.ts';
import type { Inhibition, MaintenanceWindow, SignalMatcher } from './config.ts';
import type { Incident } from './incident.ts';
import { activeSilenceFor, type Silence } from './silence.ts';
import { isMoreSevere, type Signal } from './signal.ts';
import { targetOf, type SignalTargets } from './target-label.ts';

export interface RoutingContext {
  /** A silence or maintenance window covers the signal: record, do not notify. */
  silencedBy?: { id: string; reason: string };
  /** An open incident inhibits the signal: post to chatops as suppressed, do not page. */
  inhibitedBy?: { dedupKey: string; inhibition: string; episode: number };
}

type Labels = Pick<Signal, 'source' | 'rule' | 'subject' | 'severity'>;

export function matches(matcher: SignalMatcher, labels: Labels): boolean {
  return (
    (!matcher.source || matcher.source.includes(labels.source)) &&
    (!matcher.rule || matcher.rule.includes(labels.rule)) &&
    (!matcher.subject || matcher.subject.includes(labels.subject)) &&
    (!matcher.severity || matcher.severity.includes(labels.severity))
  );
}

/** Whether some inhibition's target matcher covers the signal (only then are open incidents worth loading). */
export function mayBeInhibited(signal: Labels, inhibitions: Inhibition[]): boolean {
  return inhibitions.some((i) => matches(i.target, signal));
}

/** A label's value for `equal`: `target` is resolved from config (signal-target.ts); it never matches when unknown. */
function labelOf(signal: Signal, label: Inhibition['equal'][number], targets: SignalTargets | undefined): string | undefined {
  return label === 'target' ? targetOf(signal, targets) : signal[label];
}

/** The open incident that inhibits this signal, if any; an incident never inhibits itself. */
export function inhibitorFor(
  signal: Signal,
  open: Incident[],
  inhibitions: Inhibition[],
  targets?: SignalTargets,
): RoutingContext['inhibitedBy'] {
  for (const inhibition of inhibitions) {
    if (!matches(inhibition.target, signal)) continue;
    const source = open.find(
      (incident) =>
        incident.status === 'open' &&
        incident.dedupKey !== signal.dedupKey &&
        matches(inhibition.source, incident) &&
        inhibition.equal.every((label) => {
          const value = labelOf(signal, label, targets);
          return value !== undefined && labelOf(incident.lastSignal, label, targets) === value;
        }) &&
        // Inhibition never hides a signal as severe as its inhibitor (unless configured to).
        (inhibition.lowerSeverityOnly === false || isMoreSevere(incident.severity, signal.severity)),
    );
    if (source) return { dedupKey: source.dedupKey, inhibition: inhibition.name, episode: source.episode };
  }
  return undefined;
}

export function windowActive(window: MaintenanceWindow, signal: Pick<Signal, 'rule' | 'subject'>, now: Date): boolean {
  if (window.rules && !window.rules.includes(signal.rule)) return false;
  if (window.subjects && !window.subjects.includes(signal.subject)) return false;
  const local = zonedTime(now, window.timezone);
  return window.days.includes(local.weekday) && local.time >= window.start && local.time < window.end;
}

export function silenceFor(signal: Signal, silences: Silence[], windows: MaintenanceWindow[], now: Date): RoutingContext['silencedBy'] {
  const silence = activeSilenceFor(silences, signal, now);
  if (silence) return { id: silence.id, reason: silence.reason };
  const window = windows.find((w) => windowActive(w, signal, now));
  return window ? { id: `window:${window.name}`, reason: `maintenance window ${window.name}` } : undefined;
}
