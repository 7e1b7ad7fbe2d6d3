// One request to the ack intake, judged before anything is read from or written to the store: which door
// (path), whether it is authentic (signature or shared secret), whether it is too big, too old, or
// unreadable, and which ids make it a replay. The handler does the I/O around these answers.
import type { HumanAction, UnkeyedAction } from './action.ts';
import { readOpsgenieWebhook } from './opsgenie-webhook.ts';
import { readPagerDutyWebhook, verifyPagerDutySignature } from './pagerduty-webhook.ts';
import { matchesAnySecret, sharedSecretOf } from './secrets.ts';
import { readSplunkOnCallWebhook } from './splunk-oncall-webhook.ts';

export const PROVIDERS = ['pagerduty', 'opsgenie', 'splunk-oncall'] as const;
export type Provider = (typeof PROVIDERS)[number];

/** Bodies over this are refused before parsing (PagerDuty guarantees its bodies fit in 55 KB). */
export const MAX_BODY_BYTES = 64 * 1024;
/** A provider timestamp further than this from now is a replay (or a clock we cannot trust). */
export const REPLAY_WINDOW_MS = 5 * 60_000;
/** How long a provider's event id is remembered: PagerDuty retries for up to 48 h, replays are refused for a day. */
export const SEEN_ID_SECONDS = 86_400;
export const DEFAULT_SECRET_HEADER = 'X-Metis-Webhook-Secret';

export type IntakeRoute = { kind: 'provider'; provider: Provider } | { kind: 'ack-link'; token: string } | { kind: 'unknown' };

export function routeOf(path: string): IntakeRoute {
  const trimmed = path.replace(/\/+$/, '');
  for (const provider of PROVIDERS) if (trimmed === `/${provider}`) return { kind: 'provider', provider };
  const link = /^\/ack\/([^/]+)$/.exec(trimmed);
  return link ? { kind: 'ack-link', token: link[1]! } : { kind: 'unknown' };
}

export interface ProviderRequest {
  /** Lower-case header names. */
  headers: Readonly<Record<string, string | undefined>>;
  /** The raw body bytes, exactly as received (PagerDuty signs these). */
  body: Uint8Array;
}

export type ProviderVerdict =
  | { kind: 'refused'; status: 403 | 400; reason: string }
  /** Outside the timestamp window: refused like a replay. */
  | { kind: 'stale'; reason: string }
  | { kind: 'ignored'; reason: string }
  | { kind: 'act'; action: HumanAction; replayIds: string[] }
  /** A PagerDuty incident grouped from several alerts: act once its alerts' keys are looked up. */
  | { kind: 'grouped'; incidentId: string; action: UnkeyedAction; replayIds: string[] };

export function judgeProviderRequest(
  provider: Provider,
  request: ProviderRequest,
  secrets: readonly string[],
  now: Date,
  secretHeader: string = DEFAULT_SECRET_HEADER,
): ProviderVerdict {
  if (!authentic(provider, request, secrets, secretHeader)) return { kind: 'refused', status: 403, reason: 'authentication failed' };
  const text = utf8(request.body);
  if (text === undefined) return { kind: 'refused', status: 400, reason: 'body is not UTF-8' };
  const receivedAt = now.toISOString();
  const reading =
    provider === 'pagerduty'
      ? readPagerDutyWebhook(text)
      : provider === 'opsgenie'
        ? readOpsgenieWebhook(text, receivedAt)
        : readSplunkOnCallWebhook(text, receivedAt);
  if (reading.kind === 'malformed') return { kind: 'refused', status: 400, reason: reading.reason };
  if (reading.kind === 'ignored') return { kind: 'ignored', reason: reading.reason };
  if (reading.kind === 'grouped')
    return {
      kind: 'grouped',
      incidentId: reading.incidentId,
      action: reading.action,
      replayIds: replayIdsOf(provider, request, reading.action),
    };
  const { action } = reading;
  // PagerDuty's occurred_at is when a person acted, and its retries run for 48 h: its replays are caught
  // by id only. Opsgenie's and Splunk On-Call's times are the delivery's own: a stale one is a replay.
  if (provider !== 'pagerduty' && Math.abs(Date.parse(action.at) - now.getTime()) > REPLAY_WINDOW_MS)
    return { kind: 'stale', reason: `event time ${action.at} is more than 5 minutes from now` };
  return { kind: 'act', action, replayIds: replayIdsOf(provider, request, action) };
}

function authentic(provider: Provider, request: ProviderRequest, secrets: readonly string[], secretHeader: string): boolean {
  if (secrets.length === 0) return false;
  if (provider === 'pagerduty') return verifyPagerDutySignature(request.body, request.headers['x-pagerduty-signature'], secrets);
  return matchesAnySecret(sharedSecretOf(request.headers, secretHeader), secrets);
}

/** PagerDuty: the delivery id (the same on every retry of one webhook) and the event id; others: the body's digest. */
function replayIdsOf(provider: Provider, request: ProviderRequest, action: UnkeyedAction): string[] {
  const ids = [`${provider}:event:${action.eventId}`];
  const webhookId = request.headers['x-webhook-id'];
  if (provider === 'pagerduty' && webhookId) ids.push(`pagerduty:webhook:${webhookId.slice(0, 200)}`);
  return ids;
}

function utf8(body: Uint8Array): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    return undefined;
  }
}
