// A person's action on our incident: acknowledged, unacknowledged, reassigned or resolved, in a paging
// provider, through an ack link or the CLI. Pure: the intake Lambda and the CLI's backtest apply it the
// same way and write the result with the store's conditional put.
import type { Incident, Sink } from '../incident.ts';
import type { RouterSettings } from '../router-settings.ts';
import { reopensAt } from '../human-resolve.ts';
import { resolveIncident } from '../routing-policy.ts';
import { type HumanAction, type HumanVia, VIA_LABEL } from './action.ts';
import { planAckPosts, planUnackPost } from './ack-posts.ts';

export type HumanOutcome =
  | { applied: true; next: Incident; event: string }
  /** Nothing to change; `reason` is for the log (never for the caller: no oracle). */
  | { applied: false; reason: string };

/** The sink a provider's own resolve must not be echoed back to (it is already resolved there). */
const PROVIDER_SINK: Partial<Record<HumanVia, Sink>> = { pagerduty: 'pagerduty', opsgenie: 'opsgenie', 'splunk-oncall': 'splunk-oncall' };

export function applyHumanAction(incident: Incident | undefined, action: HumanAction, now: Date, settings: RouterSettings): HumanOutcome {
  if (!incident) return { applied: false, reason: 'unknown incident' };
  if (action.episode !== undefined && action.episode !== incident.episode)
    return { applied: false, reason: `for episode ${action.episode}, the incident is at ${incident.episode}` };
  if (incident.status !== 'open') return { applied: false, reason: 'incident not open' };
  // A provider keeps one dedup key across our episodes: an action older than this episode was about an earlier one.
  if (Date.parse(action.at) < Date.parse(incident.openedAt)) return { applied: false, reason: 'action predates this episode' };
  const who = `${action.by} (${VIA_LABEL[action.via]})`;
  const note = action.note ? `: ${action.note}` : '';
  switch (action.kind) {
    case 'ack': {
      if (incident.ack) return { applied: false, reason: `already acknowledged by ${incident.ack.by}` };
      const next = touched(incident, now);
      next.ack = { at: action.at, by: action.by, via: action.via, ...(action.note ? { note: action.note } : {}) };
      planAckPosts(next, action, now);
      return withEvent(next, action.at, `ack by ${who}${note}`);
    }
    case 'unack': {
      if (!incident.ack) return { applied: false, reason: 'not acknowledged' };
      const next = touched(incident, now);
      delete next.ack;
      planUnackPost(next, action, now);
      return withEvent(next, action.at, `ack withdrawn by ${who}${note}`);
    }
    case 'reassign': {
      const next = touched(incident, now);
      if (action.clearsAck) delete next.ack;
      return withEvent(next, action.at, `reassigned by ${who}${note}`);
    }
    case 'resolve':
      return resolvedByHand(incident, action, who, now, settings);
  }
}

/**
 * Closes the incident like any resolve (a resolved notice to every sink it reached, sent by the router's
 * sweeper as owed deliveries), except the provider it was resolved in: echoing a resolve back there
 * would be a second, pointless "resolved" in its log.
 */
function resolvedByHand(incident: Incident, action: HumanAction, who: string, now: Date, settings: RouterSettings): HumanOutcome {
  const next = resolveIncident(incident, now, settings, `by ${who}`, action.at);
  next.humanResolved = { at: action.at, by: action.by, via: action.via };
  // The detector's last word was "firing" (a latched breach's was "healthy, new period"): unless it says
  // healthy within the wait, the incident reopens at its end, to the minute (reopen-check.ts).
  if (!incident.latchedAt) {
    next.reopenCheckAt = new Date(reopensAt(next.humanResolved, settings)).toISOString();
    next.timeline.push({
      at: now.toISOString(),
      event: `reopen check at ${next.reopenCheckAt}: reopens then unless the detector reports it healthy`,
    });
  }
  const source = PROVIDER_SINK[action.via];
  for (const d of next.deliveries) {
    if (d.sink === source && d.action === 'resolve' && d.status === 'pending' && d.id.startsWith(`${next.episode}:`)) {
      d.status = 'skipped';
      d.error = `resolved in ${VIA_LABEL[action.via]} by a person: not sent back`;
    }
  }
  return { applied: true, next, event: `resolved by ${who}` };
}

function touched(incident: Incident, now: Date): Incident {
  const next = structuredClone(incident);
  next.updatedAt = now.toISOString();
  return next;
}

function withEvent(next: Incident, at: string, event: string): HumanOutcome {
  next.timeline.push({ at, event });
  return { applied: true, next, event };
}
