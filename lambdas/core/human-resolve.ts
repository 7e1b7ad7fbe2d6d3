// A person resolved the incident (in PagerDuty, Opsgenie, Splunk On-Call, the ack link or the CLI) while
// its detector still fires: the condition must not go silent forever, nor page again a minute later. It
// reopens as a new episode once it has kept firing for `routing.reopenAfterMinutes`, and says why.
import type { HumanVia, Incident } from './incident.ts';
import type { RouterSettings } from './router-settings.ts';
import type { Signal } from './signal.ts';

const VIA_LABEL: Record<HumanVia, string> = {
  pagerduty: 'PagerDuty',
  opsgenie: 'Opsgenie',
  'splunk-oncall': 'Splunk On-Call',
  link: "the page's ack link",
  cli: 'the CLI',
};

export function viaLabel(via: HumanVia): string {
  return VIA_LABEL[via] ?? via;
}

export type HumanResolveVerdict =
  /** Not a human-resolved incident, or the wait is over without the detector firing through it: route as usual. */
  | { kind: 'route' }
  /** Inside the wait: record (once) that it still fires, page nobody. */
  | { kind: 'hold'; next: Incident; changed: boolean }
  /** The detector fired through the whole wait: reopen, saying so. */
  | { kind: 'reopen'; because: string };

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
  const waitMinutes = settings.routing.reopenAfterMinutes;
  const reopensAt = Date.parse(human.at) + waitMinutes * 60_000;
  const at = now.toISOString();
  if (signal.status === 'resolved') {
    if (!resolved.firingSinceHumanResolve) return { kind: 'hold', next: resolved, changed: false };
    // Healthy again inside the wait: the person was right, nothing reopens.
    const next = structuredClone(resolved);
    delete next.firingSinceHumanResolve;
    next.timeline.push({ at, event: `healthy again after ${human.by} resolved it: not reopened` });
    return { kind: 'hold', next, changed: true };
  }
  if (now.getTime() >= reopensAt) {
    if (!resolved.firingSinceHumanResolve) return { kind: 'route' };
    return { kind: 'reopen', because: `reopened: still firing ${waitMinutes} min after ${human.by} resolved it in ${viaLabel(human.via)}` };
  }
  if (resolved.firingSinceHumanResolve) return { kind: 'hold', next: resolved, changed: false };
  const next = structuredClone(resolved);
  next.firingSinceHumanResolve = signal.observedAt;
  next.timeline.push({
    at,
    event: `still firing after ${human.by} resolved it in ${viaLabel(human.via)}: reopens at ${new Date(reopensAt).toISOString()} if it keeps firing`,
  });
  return { kind: 'hold', next, changed: true };
}
