// PagerDuty webhooks v3 (developer.pagerduty.com, "Verifying Signatures" and "Overview"): each delivery is
// signed in `X-PagerDuty-Signature: v1=<hex>[,v1=<hex>...]`, one HMAC-SHA256 of the raw body per signing
// secret (several while a secret is rotated); the body is one `event` whose `data.incident_key` is the
// dedup key we sent with the Events API (or, for an incident grouped from several alerts, absent: then the
// incident's id is read for the alert lookup). Nothing here trusts the body before the signature matched.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { HumanActionKind, WebhookReading } from './action.ts';
import { instantOf, isRecord, nameOf, noteOf, parseJson } from './text-fields.ts';

const EVENT_KINDS: Record<string, HumanActionKind> = {
  'incident.acknowledged': 'ack',
  'incident.unacknowledged': 'unack',
  'incident.resolved': 'resolve',
  'incident.reassigned': 'reassign',
};

/**
 * True when any `v1=` signature of the header is the HMAC-SHA256 (hex) of `rawBody` under any of
 * `secrets`. Every pair is compared in constant time, and all of them are (no early exit).
 */
export function verifyPagerDutySignature(rawBody: Uint8Array, header: string | undefined, secrets: readonly string[]): boolean {
  if (!header) return false;
  const presented = header
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.startsWith('v1='))
    .map((part) => part.slice(3))
    .filter((hex) => /^[0-9a-fA-F]{64}$/.test(hex))
    .map((hex) => Buffer.from(hex, 'hex'));
  let ok = false;
  for (const secret of secrets) {
    // The documented verifiers key the HMAC with the secret's own characters, not a hex decoding of it.
    const expected = createHmac('sha256', secret).update(rawBody).digest();
    for (const signature of presented) ok = timingSafeEqual(signature, expected) || ok;
  }
  return ok;
}

/** A verified body as a HumanAction, or why it is ignored or malformed. */
export function readPagerDutyWebhook(body: string): WebhookReading {
  const parsed = parseJson(body);
  const event = isRecord(parsed) ? parsed.event : undefined;
  if (!isRecord(event)) return { kind: 'malformed', reason: 'no "event" object' };
  const { id, event_type: type, occurred_at: occurredAt, agent, data } = event;
  if (typeof id !== 'string' || id === '') return { kind: 'malformed', reason: 'event.id missing' };
  if (typeof type !== 'string') return { kind: 'malformed', reason: 'event.event_type missing' };
  const kind = EVENT_KINDS[type];
  if (!kind) return { kind: 'ignored', reason: `event type ${type.slice(0, 60)} is not one we act on`, eventId: id };
  const at = instantOf(occurredAt);
  if (!at) return { kind: 'malformed', reason: 'event.occurred_at is not a time' };
  if (!isRecord(data)) return { kind: 'malformed', reason: 'event.data missing' };
  // agent is null when automation acted (an auto-resolve, an escalation rule).
  const by = nameOf(isRecord(agent) ? agent.summary : undefined, 'PagerDuty automation');
  const action = { kind, at, by, via: 'pagerduty' as const, eventId: id, ...noteFields(kind, data) };
  const dedupKey = data.incident_key;
  if (typeof dedupKey === 'string' && dedupKey !== '') return { kind: 'action', action: { ...action, dedupKey } };
  // An incident PagerDuty grouped from several alerts has no incident_key: its id names it for the alert
  // lookup. The id goes into a REST API path, so only PagerDuty's own id alphabet is taken.
  const incidentId = data.id;
  if (typeof incidentId !== 'string' || !PAGERDUTY_ID.test(incidentId))
    return { kind: 'ignored', reason: 'the incident has neither incident_key nor a PagerDuty incident id', eventId: id };
  return { kind: 'grouped', incidentId, action };
}

/** PagerDuty object ids: letters and digits (PGR0VU2, Q1XQPZ3PYQ0ABC). */
const PAGERDUTY_ID = /^[A-Za-z0-9]{1,64}$/;

/** A reassignment names the new assignees; its status says whether the incident is still acknowledged. */
function noteFields(kind: HumanActionKind, data: Record<string, unknown>): { note?: string; clearsAck?: boolean } {
  if (kind !== 'reassign') return {};
  const names = Array.isArray(data.assignees)
    ? data.assignees.map((a) => (isRecord(a) && typeof a.summary === 'string' ? a.summary : undefined)).filter((n) => n !== undefined)
    : [];
  const status = typeof data.status === 'string' ? data.status : 'unknown';
  const note = noteOf(`${names.length ? `to ${names.join(', ')}` : 'to someone'}; status ${status}`);
  return { ...(note ? { note } : {}), ...(status === 'acknowledged' ? {} : { clearsAck: true }) };
}
