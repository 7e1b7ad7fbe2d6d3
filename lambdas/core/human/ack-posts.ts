// What an ack, or its withdrawal, tells people at the moment it happens (the runbook's comms rule: post on
// every status change). For a SEV1/SEV2 an ack is the move to Identified: a post in the incident's chatops
// thread (who, through what, and the ready-to-paste Identified draft) and, when the status page has this
// episode's incident (autoPublish), its update to `identified`. A withdrawn ack is one chatops line: nobody
// has it now, while the status page keeps what it said (the cause stays identified). SEV3/SEV4 have no
// status posts: their ack is on the timeline only.
import type { DeliveryAction, DeliveryRecord, Incident } from '../incident.ts';
import { isOwed } from '../owed.ts';
import { plan, record } from '../routing-policy.ts';
import type { HumanAction } from './action.ts';

/** The posts that open or continue an episode's own chatops thread. */
const THREAD_POSTS: ReadonlySet<DeliveryAction> = new Set<DeliveryAction>(['trigger', 'escalate', 'remind', 'target-missed']);

function hasStatusPosts(incident: Incident): boolean {
  return incident.severity === 'SEV1' || incident.severity === 'SEV2';
}

function ofEpisode(incident: Incident, d: DeliveryRecord): boolean {
  return d.id.startsWith(`${incident.episode}:`);
}

/**
 * Whether the episode has a chatops thread of its own to post in: not silenced (nothing is posted), not a
 * symptom (its posts went to the inhibitor's thread, which carries the status), and a thread post sent or on its way.
 */
function hasThread(incident: Incident): boolean {
  if (incident.silencedBy || incident.suppressedBy) return false;
  return incident.deliveries.some(
    (d) => d.sink === 'chatops' && THREAD_POSTS.has(d.action) && ofEpisode(incident, d) && (d.status === 'sent' || isOwed(d)),
  );
}

/** Whether the status page has this episode's incident, or will (its create is still owed): only then is there one to update. */
function onStatusPage(incident: Incident): boolean {
  return incident.deliveries.some(
    (d) => d.sink === 'statuspage' && d.action === 'trigger' && ofEpisode(incident, d) && (d.status === 'sent' || isOwed(d)),
  );
}

/** Plans the ack's posts on `next` (a clone the caller owns, its ack already set). */
export function planAckPosts(next: Incident, action: HumanAction, now: Date): void {
  if (!hasStatusPosts(next)) return;
  const human = { at: action.at, by: action.by, via: action.via };
  const wanted: DeliveryRecord[] = [];
  // Tagged with the ack's time: an ack after a withdrawn one is a status change again, so it is posted again.
  if (hasThread(next)) wanted.push({ ...record(next, 'chatops', 'acknowledged', next.severity, now, action.at), human });
  // One per episode and severity: after a withdrawn ack the page still says Identified, a second ack changes nothing there.
  if (onStatusPage(next)) wanted.push({ ...record(next, 'statuspage', 'acknowledged', next.severity, now), human });
  plan(next, wanted);
  // The ack post carries a status draft: the 30-minute comms reminder counts from it.
  if (wanted.some((d) => d.sink === 'chatops')) next.lastPostAt = now.toISOString();
}

/** Plans the withdrawn ack's chatops line on `next` (a clone the caller owns). */
export function planUnackPost(next: Incident, action: HumanAction, now: Date): void {
  if (!hasStatusPosts(next) || !hasThread(next)) return;
  plan(next, [
    {
      ...record(next, 'chatops', 'unacknowledged', next.severity, now, action.at),
      human: { at: action.at, by: action.by, via: action.via },
    },
  ]);
}
