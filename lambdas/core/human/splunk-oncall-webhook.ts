// Splunk On-Call (VictorOps) custom outbound webhooks: the operator writes the body from a template
// (docs/human-loop.md gives the one to paste), so the fields are ours; auth is a custom header or basic
// auth holding a shared secret. `entity_id` is the entity id we sent, our dedup key.
import type { HumanActionKind, WebhookReading } from './action.ts';
import { bodyDigest, instantOf, isRecord, nameOf, parseJson } from './text-fields.ts';

const PHASES: Record<string, HumanActionKind> = { ACKED: 'ack', RESOLVED: 'resolve' };

/** A verified body as a HumanAction. `receivedAt` stands in when the body carries no time. */
export function readSplunkOnCallWebhook(body: string, receivedAt: string): WebhookReading {
  const parsed = parseJson(body);
  if (!isRecord(parsed)) return { kind: 'malformed', reason: 'not a JSON object' };
  const { entity_id: entityId, phase, ack_user: ackUser, ack_timestamp: ackTimestamp } = parsed;
  if (typeof phase !== 'string') return { kind: 'malformed', reason: '"phase" missing' };
  if (typeof entityId !== 'string' || entityId === '') return { kind: 'malformed', reason: '"entity_id" missing' };
  const kind = PHASES[phase.trim().toUpperCase()];
  // A template variable the plan does not fill arrives as an empty string: the receive time stands in.
  const at = (kind === 'ack' ? instantOf(ackTimestamp) : undefined) ?? receivedAt;
  const eventId = bodyDigest(body);
  if (!kind) return { kind: 'ignored', reason: `phase ${phase.slice(0, 40)} is not one we act on`, eventId };
  return { kind: 'action', action: { kind, dedupKey: entityId, at, by: nameOf(ackUser, 'Splunk On-Call'), via: 'splunk-oncall', eventId } };
}
