// The Opsgenie / Jira Service Management sink (Alert API v2): create with alias = the incident's dedup key,
// close by alias. Both answer 202 (asynchronous). Limits from Opsgenie's alert field documentation.
import type { DeliveryRecord, Incident } from '../../incident.ts';
import { redactText, redactValue } from '../../redact.ts';
import type { RenderSettings } from '../notifier.ts';
import { runbookUrl } from '../../runbook-link.ts';
import { oneLine, type Severity } from '../../signal.ts';
import { firstMove } from '../first-move.ts';
import { SECRET, standardRetryRules, type HttpCall, type HttpSender } from '../http-call.ts';
import { noticeBody, noticeHeadline, noticeKey, topHeld } from '../notice-fields.ts';
import type { Notice, Notifier } from '../notifier.ts';
import { isTest } from '../sns-text.ts';

export const OPSGENIE_DEFAULT_URL = 'https://api.opsgenie.com';
export const OPSGENIE_LIMITS = {
  message: 130,
  alias: 512,
  description: 15_000,
  tags: 20,
  tag: 50,
  detailsChars: 8_000,
  entity: 512,
  source: 100,
  user: 100,
  note: 25_000,
} as const;
/** 202 accepted; 400/422 invalid (final); 401/403 bad key; 429 (rate limit) and 5xx retry. */
export const OPSGENIE_RULES = standardRetryRules('Opsgenie', 'API key');
const PRIORITY: Record<Severity, string> = { SEV1: 'P1', SEV2: 'P2', SEV3: 'P3', SEV4: 'P4' };
const SOURCE = 'metis-alerts';

export function opsgenieCall(incident: Incident, delivery: DeliveryRecord, settings: RenderSettings, apiUrl: string): HttpCall {
  const base = apiUrl.replace(/\/+$/, '');
  const headers = { 'Content-Type': 'application/json', Authorization: `GenieKey ${SECRET}` };
  const alias = incident.dedupKey.slice(0, OPSGENIE_LIMITS.alias);
  if (delivery.action === 'resolve') {
    return {
      method: 'POST',
      url: `${base}/v2/alerts/${encodeURIComponent(alias)}/close?identifierType=alias`,
      headers,
      body: {
        source: SOURCE,
        user: SOURCE,
        note: oneLine(redactText(`Resolved: ${incident.timeline.at(-1)?.event ?? 'recovered'}`), 1000),
      },
    };
  }
  const signal = incident.lastSignal;
  const test = isTest(incident) ? '[TEST] ' : '';
  return {
    method: 'POST',
    url: `${base}/v2/alerts`,
    headers,
    body: {
      message: oneLine(redactText(`${test}[${delivery.severity}] ${incident.rule}: ${signal.summary}`), OPSGENIE_LIMITS.message),
      alias,
      description: oneLine(
        redactText(
          [signal.summary, `First move: ${firstMove(signal)}`, `Runbook: ${runbookUrl(settings.runbookBaseUrl, signal.runbook)}`].join(
            '\n',
          ),
        ),
        OPSGENIE_LIMITS.description,
      ),
      priority: PRIORITY[delivery.severity],
      tags: [delivery.severity, incident.rule, signal.source, ...(test ? ['TEST'] : [])].map((tag) => tag.slice(0, OPSGENIE_LIMITS.tag)),
      details: stringDetails(incident, delivery, settings),
      entity: oneLine(redactText(incident.subject), OPSGENIE_LIMITS.entity),
      source: SOURCE,
    },
  };
}

/** A notice (the grouped storm notification) as one create: alias = the storm key, so a retry merges into one alert. */
export function opsgenieNoticeCall(notice: Notice, apiUrl: string): HttpCall {
  const storm = notice.storm;
  const details: Record<string, string> = {
    rule: notice.rule,
    severity: notice.severity,
    ...(storm ? { heldIncidents: String(storm.held), sink: storm.sink, budgetPerMinute: String(storm.budget), since: storm.minute } : {}),
  };
  if (storm) details.topHeld = topHeld(notice).slice(0, OPSGENIE_LIMITS.detailsChars - JSON.stringify(details).length - 40);
  return {
    method: 'POST',
    url: `${apiUrl.replace(/\/+$/, '')}/v2/alerts`,
    headers: { 'Content-Type': 'application/json', Authorization: `GenieKey ${SECRET}` },
    body: {
      message: oneLine(noticeHeadline(notice), OPSGENIE_LIMITS.message),
      alias: noticeKey(notice).slice(0, OPSGENIE_LIMITS.alias),
      description: noticeBody(notice).slice(0, OPSGENIE_LIMITS.description),
      priority: PRIORITY[notice.severity],
      tags: [notice.severity, notice.rule, ...(notice.test ? ['TEST'] : [])].map((tag) => tag.slice(0, OPSGENIE_LIMITS.tag)),
      details,
      entity: oneLine(redactText(storm ? storm.sink : notice.rule), OPSGENIE_LIMITS.entity),
      source: SOURCE,
    },
  };
}

/** Opsgenie details are string -> string and at most 8,000 characters in total. */
function stringDetails(incident: Incident, delivery: DeliveryRecord, settings: RenderSettings): Record<string, string> {
  const signal = incident.lastSignal;
  const details: Record<string, string> = {
    dedupKey: incident.dedupKey,
    severity: delivery.severity,
    rule: incident.rule,
    subject: redactText(incident.subject),
    observedAt: signal.observedAt,
    openedAt: incident.openedAt,
    runbook: runbookUrl(settings.runbookBaseUrl, signal.runbook),
  };
  const used = JSON.stringify(details).length;
  const rest = JSON.stringify(redactValue(signal.details));
  const room = OPSGENIE_LIMITS.detailsChars - used - 40;
  details.details = rest.length <= room ? rest : `${rest.slice(0, Math.max(0, room - 12))}…[truncated]`;
  return details;
}

export function opsgenieNotifier(sender: HttpSender, apiUrl: string = OPSGENIE_DEFAULT_URL): Notifier {
  return {
    raisesPipelineHealth: true,
    deliver: (incident, delivery, { settings, retryBudget }) =>
      sender.send(opsgenieCall(incident, delivery, settings, apiUrl), OPSGENIE_RULES, retryBudget),
    announce: (notice, { retryBudget }) => sender.send(opsgenieNoticeCall(notice, apiUrl), OPSGENIE_RULES, retryBudget),
  };
}
