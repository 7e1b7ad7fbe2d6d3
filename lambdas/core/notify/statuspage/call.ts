// The Atlassian Statuspage connector's requests (REST API v1, `Authorization: OAuth <key>`): the first
// SEV1/SEV2 trigger of an episode creates the page's incident, a later trigger (an upgrade) updates it, a
// person's ack moves it to Identified, the resolve marks it resolved with its components operational again. Name, body and component status come
// only from the status draft (status/draft.ts), never from the signal.
import type { DeliveryRecord, Incident } from '../../incident.ts';
import type { Severity, Signal } from '../../signal.ts';
import { type DraftIncident, statusDraft, type StatusDraft } from '../../status/draft.ts';
import { isPublic, wordingFor } from '../../status/wording.ts';
import { targetOf } from '../../target-label.ts';
import type { RenderSettings } from '../notifier.ts';
import { SECRET, standardRetryRules, type HttpCall } from '../http-call.ts';
import { asAcknowledged } from '../status-lines.ts';
import { isOwed } from '../../owed.ts';

export const STATUSPAGE_DEFAULT_URL = 'https://api.statuspage.io/v1';
/** 2xx done; 401/403/404 a wrong key or page id; 422 rejected; 429 (about 60 requests a minute) and 5xx retry. */
export const STATUSPAGE_RULES = standardRetryRules('Statuspage', 'API key');

export interface StatuspageTarget {
  pageId: string;
  /** Health target or rule -> the page's component id. */
  components: Record<string, string>;
  apiUrl: string;
}

/**
 * Whether a signal at this severity goes to the status page at all: a SEV1/SEV2 users can see, not a
 * security matter (a person decides what to disclose) and never a `metis-alerts test-page` incident.
 */
export function publishesToStatuspage(signal: Pick<Signal, 'rule' | 'details'>, severity: Severity): boolean {
  if (severity !== 'SEV1' && severity !== 'SEV2') return false;
  if (signal.details.test === true) return false;
  const wording = wordingFor(signal.rule);
  return isPublic(wording) && wording.security !== true;
}

/** The page's incident of this episode, once its create was sent (a new episode opens a new one). */
export function statuspageIncidentOf(incident: Incident): string | undefined {
  const created = incident.deliveries.some(
    (d) => d.sink === 'statuspage' && d.action === 'trigger' && d.status === 'sent' && d.id.startsWith(`${incident.episode}:`),
  );
  return created ? incident.statuspageIncidentId : undefined;
}

/** The components this incident affects: those mapped to its health target and to its rule. */
export function componentIds(incident: Incident, target: StatuspageTarget, settings: RenderSettings): string[] {
  const label = targetOf(incident.lastSignal, settings.signalTargets);
  const ids = [label === undefined ? undefined : target.components[label], target.components[incident.rule]];
  return [...new Set(ids.filter((id): id is string => id !== undefined))];
}

/** Why no request goes out: `waiting` for a create still being retried, or `superseded` by a newer update. */
export interface StatuspageSkip {
  skip: string;
  waiting: boolean;
  superseded?: true;
}

/** Whether this episode's create is still to be sent (pending, or failed in a way a retry may fix). */
function createOwed(incident: Incident): boolean {
  return incident.deliveries.some(
    (d) => d.sink === 'statuspage' && d.action === 'trigger' && d.id.startsWith(`${incident.episode}:`) && isOwed(d),
  );
}

/**
 * The request for one delivery, or why there is none: not published (see publishesToStatuspage), a
 * resolve whose create never went out, or an ack whose status the page no longer needs (the incident
 * recovered or resolved since, or its create will carry Identified itself).
 */
export function statuspageCall(
  incident: Incident,
  delivery: DeliveryRecord,
  settings: RenderSettings,
  now: Date,
  target: StatuspageTarget,
): HttpCall | StatuspageSkip {
  if (delivery.action === 'acknowledged') {
    const acknowledged = asAcknowledged(incident, delivery);
    if (!acknowledged) return { skip: 'the incident moved past Identified before the update went out', waiting: false, superseded: true };
    if (statuspageIncidentOf(incident) === undefined) {
      return createOwed(incident)
        ? { skip: 'the Statuspage incident of this episode is not created yet', waiting: true }
        : { skip: 'no Statuspage incident of this episode to update', waiting: false, superseded: true };
    }
    return requestFor(incident, acknowledged, delivery, settings, now, target);
  }
  return requestFor(incident, incident, delivery, settings, now, target);
}

/** The create or update that says `drafted`'s status (the incident itself, or as its ack left it). */
function requestFor(
  incident: Incident,
  drafted: DraftIncident,
  delivery: DeliveryRecord,
  settings: RenderSettings,
  now: Date,
  target: StatuspageTarget,
): HttpCall | StatuspageSkip {
  const outcome = statusDraft({ ...drafted, severity: delivery.severity }, now, {
    nextUpdateMinutes: settings.routing?.reminderMinutes ?? 30,
  });
  if (outcome?.kind !== 'draft' || !publishesToStatuspage(incident.lastSignal, delivery.severity))
    return { skip: `${delivery.severity} ${incident.rule} is not published to the status page`, waiting: false };
  const draft = outcome.draft;
  const base = `${target.apiUrl.replace(/\/+$/, '')}/pages/${encodeURIComponent(target.pageId)}/incidents`;
  const headers = { 'Content-Type': 'application/json', Authorization: `OAuth ${SECRET}` };
  const existing = statuspageIncidentOf(incident);
  const body = { incident: fields(draft, componentIds(incident, target, settings), existing === undefined) };
  if (existing !== undefined) return { method: 'PATCH', url: `${base}/${encodeURIComponent(existing)}`, headers, body, readReply: true };
  if (delivery.action === 'resolve') return { skip: 'the Statuspage incident of this episode is not created yet', waiting: true };
  return { method: 'POST', url: base, headers, body, readReply: true };
}

function fields(draft: StatusDraft, components: string[], create: boolean): Record<string, unknown> {
  return {
    ...(create ? { name: draft.name } : {}),
    status: draft.phase,
    body: draft.body,
    component_ids: components,
    components: Object.fromEntries(components.map((id) => [id, draft.component])),
    deliver_notifications: true,
  };
}
