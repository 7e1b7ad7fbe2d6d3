// What people did, in a `route --signals` backtest: provider webhook lines
// `{"webhook": "pagerduty"|"opsgenie"|"splunk-oncall", "at", "headers", "body"}`, judged as the deployed ack
// intake judges them (verified when METIS_WEBHOOK_SECRET_<PROVIDER> is set; a line that fails is refused and
// reported, never applied), and ack lines `{"ack": DEDUP_KEY, "at", "by", "note"?}`, which need no secret.
// A PagerDuty incident grouped from several alerts has no incident_key; the deployed intake asks PagerDuty's
// REST API for its alerts, a backtest reads them from the line's `"alerts"` (the alert_keys, or the API's
// `{alert_key, status}` objects) and reports the line as unmapped without it.
import type { HumanAction, UnkeyedAction } from '../../lambdas/core/human/action.ts';
import { judgeProviderRequest, PROVIDERS, type Provider } from '../../lambdas/core/human/intake-request.ts';
import { readOpsgenieWebhook } from '../../lambdas/core/human/opsgenie-webhook.ts';
import { actionsForGroupedIncident } from '../../lambdas/core/human/pagerduty-grouped.ts';
import { readPagerDutyWebhook } from '../../lambdas/core/human/pagerduty-webhook.ts';
import type { PagerDutyAlert } from '../../lambdas/core/human/ports.ts';
import { secretsOf } from '../../lambdas/core/human/secrets.ts';
import { readSplunkOnCallWebhook } from '../../lambdas/core/human/splunk-oncall-webhook.ts';
import { nameOf, noteOf } from '../../lambdas/core/human/text-fields.ts';
import { UsageError } from '../errors.ts';
import { readIsoInstant } from '../../lambdas/core/iso-instant.ts';

export type HumanEntry =
  /** One action, or one per incident of ours in a grouped PagerDuty incident. */
  | { kind: 'human'; at: number; actions: HumanAction[]; replayIds: string[]; line: number }
  /** Authentic but nothing for us (another event type), or refused (verification, malformed, stale): reported, not applied. */
  | { kind: 'human-skipped'; at: number; line: number; why: string; refused: boolean };

/** Per provider: the secrets to verify with, and the shared-secret header name (Opsgenie, Splunk On-Call). */
export type WebhookSecrets = Partial<Record<Provider, { secrets: string[]; header?: string | undefined }>>;

export const WEBHOOK_SECRET_ENV: Record<Provider, string> = {
  pagerduty: 'METIS_WEBHOOK_SECRET_PAGERDUTY',
  opsgenie: 'METIS_WEBHOOK_SECRET_OPSGENIE',
  'splunk-oncall': 'METIS_WEBHOOK_SECRET_SPLUNK_ONCALL',
};

/** The secrets set in the environment (several per variable, one per line or comma-separated, as in SSM). */
export function webhookSecretsFromEnv(env: NodeJS.ProcessEnv, headers: Partial<Record<Provider, string | undefined>> = {}): WebhookSecrets {
  const secrets: WebhookSecrets = {};
  for (const provider of PROVIDERS) {
    const list = secretsOf(env[WEBHOOK_SECRET_ENV[provider]]);
    if (list.length) secrets[provider] = { secrets: list, header: headers[provider] };
  }
  return secrets;
}

export function isHumanLine(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && ('webhook' in value || 'ack' in value);
}

export function humanEntry(raw: Record<string, unknown>, origin: string, index: number, secrets: WebhookSecrets): HumanEntry {
  const line = index + 1;
  const where = `${origin}: entry ${line}`;
  const atText = raw.at;
  // Strict as every time the CLI takes: a real calendar time with its zone, never the machine's local time.
  const instant = typeof atText === 'string' ? readIsoInstant(atText) : undefined;
  if (!instant?.ok) throw new UsageError(`${where}: "at" must be an ISO time with its zone, such as 2026-11-24T10:07:00Z`);
  const at = instant.ms;
  if ('ack' in raw) return ackEntry(raw, where, at, line);
  const provider = raw.webhook;
  if (typeof provider !== 'string' || !(PROVIDERS as readonly string[]).includes(provider))
    throw new UsageError(`${where}: "webhook" must be one of ${PROVIDERS.join(', ')}`);
  const headers = lowerCased(raw.headers);
  // A body given as JSON (not a string) is signed and read as its compact serialisation.
  const body = typeof raw.body === 'string' ? raw.body : JSON.stringify(raw.body ?? null);
  const now = new Date(at);
  const door = secrets[provider as Provider];
  if (door) {
    const verdict = judgeProviderRequest(
      provider as Provider,
      { headers, body: new TextEncoder().encode(body) },
      door.secrets,
      now,
      door.header,
    );
    if (verdict.kind === 'act') return { kind: 'human', at, line, actions: [verdict.action], replayIds: verdict.replayIds };
    if (verdict.kind === 'grouped') return groupedEntry(raw, where, verdict, at, line, verdict.replayIds);
    const refused = verdict.kind !== 'ignored';
    return { kind: 'human-skipped', at, line, refused, why: `${provider} webhook ${refused ? 'refused' : 'ignored'}: ${verdict.reason}` };
  }
  const reading =
    provider === 'pagerduty'
      ? readPagerDutyWebhook(body)
      : provider === 'opsgenie'
        ? readOpsgenieWebhook(body, now.toISOString())
        : readSplunkOnCallWebhook(body, now.toISOString());
  if (reading.kind === 'action')
    return { kind: 'human', at, line, actions: [reading.action], replayIds: [`${provider}:event:${reading.action.eventId}`] };
  if (reading.kind === 'grouped') return groupedEntry(raw, where, reading, at, line, [`${provider}:event:${reading.action.eventId}`]);
  const refused = reading.kind === 'malformed';
  return {
    kind: 'human-skipped',
    at,
    line,
    refused,
    why: `${provider} webhook ${refused ? 'refused' : 'ignored'}: ${reading.reason} (not verified: ${WEBHOOK_SECRET_ENV[provider as Provider]} unset)`,
  };
}

function ackEntry(raw: Record<string, unknown>, where: string, at: number, line: number): HumanEntry {
  if (typeof raw.ack !== 'string' || raw.ack === '') throw new UsageError(`${where}: "ack" must be a dedup key`);
  const iso = new Date(at).toISOString();
  const note = noteOf(raw.note);
  const action: HumanAction = {
    kind: 'ack',
    dedupKey: raw.ack,
    at: iso,
    by: nameOf(raw.by, 'someone'),
    via: 'cli',
    eventId: `ack-line:${line}`,
    ...(note ? { note } : {}),
  };
  return { kind: 'human', at, line, actions: [action], replayIds: [] };
}

/** A grouped PagerDuty incident: mapped through the line's `"alerts"`, as the deployed intake maps the REST API's answer. */
function groupedEntry(
  raw: Record<string, unknown>,
  where: string,
  grouped: { incidentId: string; action: UnkeyedAction },
  at: number,
  line: number,
  replayIds: string[],
): HumanEntry {
  if (raw.alerts === undefined)
    return {
      kind: 'human-skipped',
      at,
      line,
      refused: false,
      why:
        `pagerduty webhook not mapped: incident ${grouped.incidentId} was grouped from several alerts and has no incident_key; ` +
        `add "alerts": the alert_keys of GET /incidents/${grouped.incidentId}/alerts`,
    };
  const alerts = alertsOf(raw.alerts, where);
  return { kind: 'human', at, line, actions: actionsForGroupedIncident(grouped.action, alerts), replayIds };
}

/** `"alerts"`: dedup keys (active alerts), or the REST API's alert objects with `alert_key` and `status`. */
function alertsOf(value: unknown, where: string): PagerDutyAlert[] {
  const problem = `${where}: "alerts" must be a list of alert keys or of {"alert_key", "status"} objects`;
  if (!Array.isArray(value)) throw new UsageError(problem);
  return value.map((alert) => {
    if (typeof alert === 'string') return { alertKey: alert, status: 'triggered' };
    if (typeof alert === 'object' && alert !== null && typeof (alert as { alert_key?: unknown }).alert_key === 'string') {
      const { alert_key: alertKey, status } = alert as { alert_key: string; status?: unknown };
      return { alertKey, status: typeof status === 'string' ? status : 'triggered' };
    }
    throw new UsageError(problem);
  });
}

function lowerCased(headers: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof headers === 'object' && headers !== null)
    for (const [name, value] of Object.entries(headers)) if (typeof value === 'string') out[name.toLowerCase()] = value;
  return out;
}
