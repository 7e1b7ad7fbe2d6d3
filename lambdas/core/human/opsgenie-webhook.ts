// Opsgenie / Jira Service Management outgoing webhooks: no signature exists, so the operator adds a custom
// header holding a shared secret (or basic auth) to the webhook integration; the body's `alert.alias` is
// the alias we created the alert with, our dedup key.
import type { HumanActionKind, WebhookReading } from './action.ts';
import { bodyDigest, instantOf, isRecord, nameOf, parseJson } from './text-fields.ts';

const ACTIONS: Record<string, HumanActionKind> = { Acknowledge: 'ack', UnAcknowledge: 'unack', Close: 'resolve' };

/** A verified body as a HumanAction. `receivedAt` stands in when the alert carries no update time. */
export function readOpsgenieWebhook(body: string, receivedAt: string): WebhookReading {
  const parsed = parseJson(body);
  if (!isRecord(parsed)) return { kind: 'malformed', reason: 'not a JSON object' };
  const { action, alert } = parsed;
  if (typeof action !== 'string') return { kind: 'malformed', reason: '"action" missing' };
  if (!isRecord(alert)) return { kind: 'malformed', reason: '"alert" missing' };
  const at = instantOf(alert.updatedAt) ?? receivedAt;
  const eventId = bodyDigest(body);
  const kind = ACTIONS[action];
  if (!kind) return { kind: 'ignored', reason: `action ${action.slice(0, 40)} is not one we act on`, eventId };
  const alias = alert.alias;
  if (typeof alias !== 'string' || alias === '') return { kind: 'ignored', reason: 'the alert has no alias', eventId };
  return { kind: 'action', action: { kind, dedupKey: alias, at, by: nameOf(alert.username, 'Opsgenie'), via: 'opsgenie', eventId } };
}
