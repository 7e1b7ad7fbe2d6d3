// A person resolved the incident (in PagerDuty, Opsgenie, Splunk On-Call, the ack link or the CLI) while
// its detector still fires: the condition must not go silent forever, nor page again a minute later. It
// reopens as a new episode once it has kept firing for `routing.reopenAfterMinutes`, and says why. This
// file is what a detector's report does meanwhile; reopen-check.ts is the check at the minute the wait ends.
import { VIA_LABEL } from './human/action.ts';
import type { Incident } from './incident.ts';
import type { RouterSettings } from './router-settings.ts';
import type { Signal } from './signal.ts';

export type HumanResolveVerdict =
  /** Not a human-resolved incident, or the wait is over without the detector firing through it: route as usual. */
  | { kind: 'route' }
  /** Inside the wait: record the detector's evidence, page nobody. */
  | { kind: 'hold'; next: Incident; changed: boolean }
  /** The detector fired through the whole wait: reopen, saying so. */
  | { kind: 'reopen'; because: string };

/** When the wait after a person's resolve ends. */
export function reopensAt(human: NonNullable<Incident['humanResolved']>, settings: Pick<RouterSettings, 'routing'>): number {
  return Date.parse(human.at) + settings.routing.reopenAfterMinutes * 60_000;
}

/** "reopened: still firing 30 min after ana resolved it in PagerDuty": the new episode's posts start so. */
export function stillFiringBecause(human: NonNullable<Incident['humanResolved']>, settings: Pick<RouterSettings, 'routing'>): string {
  return `reopened: still firing ${settings.routing.reopenAfterMinutes} min after ${human.by} resolved it in ${VIA_LABEL[human.via]}`;
}

/**
 * Whether the detector's latest word on a human-resolved incident is "firing": its last firing signal
 * (kept as `lastSignal` through the wait) is newer than any healthy verdict since the person's resolve.
 */
export function latestEvidenceFiring(incident: Pick<Incident, 'lastSignal' | 'healthySinceHumanResolve'>): boolean {
  const healthy = incident.healthySinceHumanResolve;
  return healthy === undefined || Date.parse(healthy) < Date.parse(incident.lastSignal.observedAt);
}

/** What a signal does to an incident a person resolved. */
export function afterHumanResolve(
  resolved: Incident | undefined,
  signal: Signal,
  now: Date,
  settings: RouterSettings,
): HumanResolveVerdict {
  const human = resolved?.status === 'resolved' ? resolved.humanResolved : undefined;
  // A late copy of a report from before the person resolved it is the stale check's business.
  if (!resolved || !human || Date.parse(signal.observedAt) < Date.parse(human.at)) return { kind: 'route' };
  const ends = reopensAt(human, settings);
  const at = now.toISOString();
  if (signal.status === 'resolved') {
    // Healthy again inside the wait: the person was right so far; the reopen check (or a later report) sees it.
    if (resolved.healthySinceHumanResolve && Date.parse(resolved.healthySinceHumanResolve) >= Date.parse(signal.observedAt))
      return { kind: 'hold', next: resolved, changed: false };
    const next = structuredClone(resolved);
    next.healthySinceHumanResolve = signal.observedAt;
    const wasFiring = next.firingSinceHumanResolve !== undefined || (next.reopenCheckAt !== undefined && latestEvidenceFiring(resolved));
    delete next.firingSinceHumanResolve;
    if (wasFiring) next.timeline.push({ at, event: `healthy again after ${human.by} resolved it: not reopened` });
    return { kind: 'hold', next, changed: true };
  }
  if (now.getTime() >= ends) {
    // The wait is over and the detector's word before this report was "firing" (since the resolve, or through
    // a wake-up that never came): reopen. Healthy in between, or already decided: a new firing opens as usual.
    const held = resolved.firingSinceHumanResolve !== undefined || resolved.reopenCheckAt !== undefined;
    if (!held || !latestEvidenceFiring(resolved)) return { kind: 'route' };
    return { kind: 'reopen', because: stillFiringBecause(human, settings) };
  }
  // Keep the newest firing signal: the reopen check reads it (is it recent? from which report?).
  const newer = Date.parse(signal.observedAt) > Date.parse(resolved.lastSignal.observedAt);
  if (resolved.firingSinceHumanResolve && !newer) return { kind: 'hold', next: resolved, changed: false };
  const next = structuredClone(resolved);
  if (newer) next.lastSignal = signal;
  if (!next.firingSinceHumanResolve) {
    next.firingSinceHumanResolve = signal.observedAt;
    next.timeline.push({
      at,
      event: `still firing after ${human.by} resolved it in ${VIA_LABEL[human.via]}: reopens at ${new Date(ends).toISOString()} if it keeps firing`,
    });
  }
  return { kind: 'hold', next, changed: true };
}
