// The ack intake behind its Lambda function URL (payload format 2.0): `/pagerduty`, `/opsgenie`,
// `/splunk-oncall` take a provider's webhook, `/ack/<token>` serves the page's ack link. Every request is
// judged in core (lambdas/core/human) before the store is touched; the answer never tells whether an
// incident exists (no oracle); nothing logged carries a secret, a signature or a token. The intake sends
// nothing itself: what an action left owed (an ack's posts, a resolve's notices) is sent by the sweeper,
// woken for that incident by a one-time schedule within the minute.
import { readAckLink } from '../../core/human/ack-link.ts';
import { acknowledgedPage, type AckPage, confirmPage, nothingToDoPage, refusedPage } from '../../core/human/ack-page.ts';
import type { HumanAction } from '../../core/human/action.ts';
import { applyHumanAction } from '../../core/human/apply.ts';
import { formField } from '../../core/human/html.ts';
import {
  judgeProviderRequest,
  MAX_BODY_BYTES,
  type Provider,
  type ProviderVerdict,
  routeOf,
  SEEN_ID_SECONDS,
} from '../../core/human/intake-request.ts';
import { actionsForGroupedIncident } from '../../core/human/pagerduty-grouped.ts';
import type { PagerDutyIncidentAlerts, SeenIds } from '../../core/human/ports.ts';
import { nameOf } from '../../core/human/text-fields.ts';
import { errorSummary } from '../../core/errors.ts';
import type { Logger } from '../../core/logger.ts';
import type { IncidentStore } from '../../core/ports.ts';
import { deliveriesWake, newDeadlines, type DeadlineScheduler } from '../../core/deadlines.ts';
import type { Incident } from '../../core/incident.ts';
import { redactText } from '../../core/redact.ts';
import { oneLine } from '../../core/signal.ts';
import type { RouterSettings } from '../../core/router-settings.ts';

/** A door of the intake: one per provider, and the ack links. */
export type Door = Provider | 'link';

export interface AckIntakeDeps {
  store: IncidentStore;
  seen: SeenIds;
  /** The door's secrets (several while rotating); undefined when the door is not configured. */
  secrets(door: Door): Promise<string[] | undefined>;
  /** The shared-secret header of each shared-secret provider (default X-Metis-Webhook-Secret). */
  secretHeaders: Partial<Record<'opsgenie' | 'splunk-oncall', string | undefined>>;
  settings: RouterSettings;
  /** Wakes the sweeper for one incident (its owed deliveries, its new deadlines: a resolve's reopen check); absent: the 5-minute sweep does. */
  deadlines?: DeadlineScheduler;
  clock: () => Date;
  logger: Logger;
  /** PagerDuty's REST API, for incidents grouped from several alerts; absent without `restApiKeyParameter`. */
  pagerDutyAlerts?: PagerDutyIncidentAlerts;
}

/** The log line a grouped PagerDuty incident that reached none of ours leaves (Logs Insights counts it). */
export const GROUPED_UNMAPPED = 'ack intake: grouped PagerDuty incident not mapped';

export interface UrlResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/** A grouped PagerDuty incident's incidents are read and written this many at a time. */
const GROUPED_WRITES_AT_ONCE = 10;
/** Optimistic writes lost to a racing router or sweeper are retried this many times. */
const WRITE_ATTEMPTS = 4;
const JSON_HEADERS = { 'content-type': 'application/json', 'cache-control': 'no-store' };
// The token is in the URL: no referrer may carry it away, no cache keep it, no script run beside it.
const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-robots-tag': 'noindex',
  'x-frame-options': 'DENY',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
};

export function makeAckIntakeHandler(deps: AckIntakeDeps): (event: unknown) => Promise<UrlResponse> {
  return async (event) => {
    const request = readEvent(event);
    if (!request) return answer(400, 'not a function URL request');
    if (request.kind === 'too-large') {
      deps.logger.warn('ack intake: body over 64 KB refused', { bytes: request.bytes });
      return answer(413, 'body too large');
    }
    const route = routeOf(request.path);
    try {
      if (route.kind === 'provider') return await provider(route.provider, request, deps);
      if (route.kind === 'ack-link') return await ackLink(route.token, request, deps);
      return answer(404, 'not found');
    } catch (error) {
      // A store or SSM failure: 500, so PagerDuty retries later (a 4xx would count toward disabling it).
      deps.logger.error('ack intake failed', { door: route.kind === 'provider' ? route.provider : route.kind, error: errorSummary(error) });
      return answer(500, 'try again later');
    }
  };
}

async function provider(name: Provider, request: IntakeHttpRequest, deps: AckIntakeDeps): Promise<UrlResponse> {
  if (request.method !== 'POST') return answer(405, 'POST only');
  const secrets = await deps.secrets(name);
  if (!secrets) return answer(404, 'not found');
  const now = deps.clock();
  const verdict = judgeProviderRequest(name, request, secrets, now, name === 'pagerduty' ? undefined : deps.secretHeaders[name]);
  switch (verdict.kind) {
    case 'refused':
      deps.logger.warn('ack intake: request refused', { door: name, status: verdict.status, reason: verdict.reason });
      return answer(verdict.status, verdict.status === 403 ? 'forbidden' : 'malformed body');
    case 'stale':
      deps.logger.warn('ack intake: stale event refused', { door: name, reason: verdict.reason });
      return answer(409, 'stale event');
    case 'ignored':
      deps.logger.info('ack intake: event ignored', { door: name, reason: verdict.reason });
      return answer(200, 'accepted');
    case 'grouped':
      return grouped(verdict, now, deps);
  }
  const expiresAt = Math.floor(now.getTime() / 1000) + SEEN_ID_SECONDS;
  const claimed = await claimAll(deps.seen, verdict.replayIds, expiresAt);
  if (!claimed) {
    deps.logger.warn('ack intake: replay refused', { door: name, dedupKey: verdict.action.dedupKey });
    // PagerDuty disables a subscription after repeated 4xx: a duplicate delivery (its retry) gets a 2xx.
    return name === 'pagerduty' ? answer(200, 'duplicate') : answer(409, 'duplicate');
  }
  try {
    await apply(verdict.action, deps);
  } catch (error) {
    // Forget the ids, so the provider's retry of this delivery is not refused as a replay.
    await Promise.allSettled(verdict.replayIds.map((id) => deps.seen.release(id)));
    throw error;
  }
  return answer(200, 'accepted');
}

/**
 * A PagerDuty incident grouped from several alerts: its alerts' keys, from the REST API, name our incidents
 * and the action applies to each. PagerDuty failing (5xx, 429, timeout) answers 500 so PagerDuty retries the
 * webhook; a refused key answers 200 with an error logged (retrying cannot help, and PagerDuty disables a
 * subscription whose deliveries keep getting 4xx).
 */
async function grouped(verdict: Extract<ProviderVerdict, { kind: 'grouped' }>, now: Date, deps: AckIntakeDeps): Promise<UrlResponse> {
  const fields = { door: 'pagerduty', incidentId: verdict.incidentId, kind: verdict.action.kind };
  if (!deps.pagerDutyAlerts) {
    deps.logger.warn(GROUPED_UNMAPPED, {
      ...fields,
      reason: 'grouped PagerDuty incident without incident_key: configure restApiKeyParameter to map it',
    });
    return answer(200, 'accepted');
  }
  const expiresAt = Math.floor(now.getTime() / 1000) + SEEN_ID_SECONDS;
  if (!(await claimAll(deps.seen, verdict.replayIds, expiresAt))) {
    deps.logger.warn('ack intake: replay refused', fields);
    return answer(200, 'duplicate');
  }
  const release = () => Promise.allSettled(verdict.replayIds.map((id) => deps.seen.release(id)));
  try {
    const found = await deps.pagerDutyAlerts.alertsOf(verdict.incidentId);
    if (found.kind === 'retry') {
      await release();
      deps.logger.warn('ack intake: PagerDuty alert lookup failed, PagerDuty will retry', { ...fields, reason: found.reason });
      return answer(500, 'try again later');
    }
    if (found.kind === 'refused') {
      deps.logger.error(GROUPED_UNMAPPED, { ...fields, reason: found.reason });
      return answer(200, 'accepted');
    }
    const actions = actionsForGroupedIncident(verdict.action, found.alerts);
    deps.logger.info('ack intake: grouped PagerDuty incident mapped', {
      ...fields,
      alerts: found.alerts.length,
      incidents: actions.length,
      // A few keys name the case in the log; hundreds would only make the line long.
      dedupKeys: actions.slice(0, 20).map((a) => a.dedupKey),
      ...(found.complete ? {} : { truncated: 'more alerts than the lookup reads: only the first pages are mapped' }),
    });
    if (actions.length === 0) deps.logger.warn(GROUPED_UNMAPPED, { ...fields, reason: 'no alert of the incident is one to act on' });
    // Different incidents, independent conditional writes: a few at a time, so hundreds of alerts fit PagerDuty's 5 s.
    for (let i = 0; i < actions.length; i += GROUPED_WRITES_AT_ONCE)
      await Promise.all(actions.slice(i, i + GROUPED_WRITES_AT_ONCE).map((action) => apply(action, deps)));
  } catch (error) {
    await release();
    throw error;
  }
  return answer(200, 'accepted');
}

async function ackLink(token: string, request: IntakeHttpRequest, deps: AckIntakeDeps): Promise<UrlResponse> {
  if (request.method !== 'GET' && request.method !== 'POST') return answer(405, 'GET or POST only');
  const secrets = await deps.secrets('link');
  if (!secrets) return answer(404, 'not found');
  const now = deps.clock();
  const reading = readAckLink(token, secrets, now);
  if (!reading.ok) {
    deps.logger.warn('ack intake: ack link refused', { reason: reading.reason });
    return page(refusedPage(reading.reason));
  }
  const { claims } = reading;
  if (request.method === 'GET') return page(confirmPage(claims.dedupKey, claims.episode, new Date(claims.exp * 1000)));
  if (!(await deps.seen.claim(`link:${claims.id}`, claims.exp + SEEN_ID_SECONDS))) {
    deps.logger.warn('ack intake: ack link used again', { dedupKey: claims.dedupKey });
    return page(refusedPage('used'));
  }
  const name = formField(new TextDecoder().decode(request.body), 'name');
  const action: HumanAction = {
    kind: 'ack',
    dedupKey: claims.dedupKey,
    episode: claims.episode,
    at: now.toISOString(),
    by: nameOf(name, 'someone with the ack link'),
    via: 'link',
    eventId: claims.id,
  };
  let applied: boolean;
  try {
    applied = await apply(action, deps);
  } catch (error) {
    await deps.seen.release(`link:${claims.id}`).catch(() => undefined);
    throw error;
  }
  return page(applied ? acknowledgedPage(claims.dedupKey) : nothingToDoPage(claims.dedupKey));
}

/** Applies the action with the store's conditional writes; true when the incident changed. */
async function apply(action: HumanAction, deps: AckIntakeDeps): Promise<boolean> {
  // Other items share the table under `kind#...` keys; no dedup key of ours has a '#'.
  if (action.dedupKey.includes('#')) return ignored(action, 'not an incident key', deps);
  for (let attempt = 1; attempt <= WRITE_ATTEMPTS; attempt++) {
    const incident = await deps.store.get(action.dedupKey);
    const now = deps.clock();
    const outcome = applyHumanAction(incident, action, now, deps.settings);
    if (!outcome.applied) return ignored(action, outcome.reason, deps);
    if (await deps.store.put({ ...outcome.next, version: incident!.version + 1 }, incident!.version)) {
      deps.logger.info('ack intake: applied', { dedupKey: action.dedupKey, via: action.via, kind: action.kind, event: outcome.event });
      await wakeSweeper(incident!, outcome.next, now, deps);
      return true;
    }
  }
  throw new Error(`incident ${action.dedupKey}: lost ${WRITE_ATTEMPTS} write races in a row`);
}

/**
 * Schedules the sweeper's wake-ups the write calls for: now, when it left deliveries owed (an ack's posts go
 * out within the minute, not at the next 5-minute sweep), and the deadlines it added (an unack's ack target,
 * the comms reminder counted from the ack's post). A failure is logged, not fatal: the next sweep sends them.
 */
async function wakeSweeper(before: Incident, after: Incident, now: Date, deps: AckIntakeDeps): Promise<void> {
  if (!deps.deadlines) return;
  const wake = deliveriesWake(after, now);
  const wakes = [...(wake ? [wake] : []), ...newDeadlines(before, after, deps.settings)];
  if (wakes.length === 0) return;
  try {
    await deps.deadlines.schedule(wakes);
  } catch (error) {
    deps.logger.warn('ack intake: sweeper wake-up not scheduled; the 5-minute sweep sends it', {
      dedupKey: after.dedupKey,
      kinds: wakes.map((w) => w.kind),
      error: oneLine(redactText(errorSummary(error)), 300),
    });
  }
}

function ignored(action: HumanAction, reason: string, deps: AckIntakeDeps): false {
  deps.logger.info('ack intake: nothing to change', { dedupKey: action.dedupKey, via: action.via, kind: action.kind, reason });
  return false;
}

/** Claims every id or none: on a replay, the ids this call did claim are released again. */
async function claimAll(seen: SeenIds, ids: readonly string[], expiresAt: number): Promise<boolean> {
  const taken: string[] = [];
  for (const id of ids) {
    if (!(await seen.claim(id, expiresAt))) {
      await Promise.allSettled(taken.map((t) => seen.release(t)));
      return false;
    }
    taken.push(id);
  }
  return true;
}

interface IntakeHttpRequest {
  kind: 'request';
  method: string;
  path: string;
  /** Lower-case names. */
  headers: Record<string, string | undefined>;
  body: Uint8Array;
}

/** The parts of a payload-2.0 event we use; a body over 64 KB is refused from its length alone. */
function readEvent(event: unknown): IntakeHttpRequest | { kind: 'too-large'; bytes: number } | undefined {
  if (typeof event !== 'object' || event === null) return undefined;
  const e = event as { rawPath?: unknown; headers?: unknown; body?: unknown; isBase64Encoded?: unknown; requestContext?: unknown };
  const method = (e.requestContext as { http?: { method?: unknown } } | undefined)?.http?.method;
  if (typeof e.rawPath !== 'string' || typeof method !== 'string') return undefined;
  const text = typeof e.body === 'string' ? e.body : '';
  const base64 = e.isBase64Encoded === true;
  const bytes = base64 ? Math.floor((text.length * 3) / 4) : Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_BODY_BYTES + (base64 ? 2 : 0)) return { kind: 'too-large', bytes };
  const body = base64 ? new Uint8Array(Buffer.from(text, 'base64')) : new TextEncoder().encode(text);
  if (body.byteLength > MAX_BODY_BYTES) return { kind: 'too-large', bytes: body.byteLength };
  const headers: Record<string, string | undefined> = {};
  if (typeof e.headers === 'object' && e.headers !== null)
    for (const [name, value] of Object.entries(e.headers)) if (typeof value === 'string') headers[name.toLowerCase()] = value;
  return { kind: 'request', method: method.toUpperCase(), path: e.rawPath, headers, body };
}

function answer(statusCode: number, status: string): UrlResponse {
  return { statusCode, headers: JSON_HEADERS, body: JSON.stringify({ status }) };
}

function page(ack: AckPage): UrlResponse {
  return { statusCode: ack.status, headers: PAGE_HEADERS, body: ack.html };
}
