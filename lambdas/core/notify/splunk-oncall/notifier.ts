// The Splunk On-Call (VictorOps) sink: the REST endpoint integration, whose URL holds the API and routing
// keys (so the whole URL is the secret). entity_id = the incident's dedup key ties trigger and RECOVERY.
import type { DeliveryRecord, Incident } from '../../incident.ts';
import { redactText } from '../../redact.ts';
import type { RenderSettings } from '../notifier.ts';
import { runbookUrl } from '../../runbook-link.ts';
import { oneLine, type Severity } from '../../signal.ts';
import { firstMove } from '../first-move.ts';
import { SECRET, standardRetryRules, type HttpCall, type HttpSender } from '../http-call.ts';
import { noticeBody, noticeHeadline, noticeKey, topHeld } from '../notice-fields.ts';
import type { Notice, Notifier } from '../notifier.ts';
import { isTest } from '../sns-text.ts';

export const SPLUNK_MESSAGE_TYPES = ['CRITICAL', 'WARNING', 'INFO', 'ACKNOWLEDGEMENT', 'RECOVERY'] as const;
/** 200 `{"result":"success"}`; 400 invalid (final); 404 unknown key in the URL; 429 and 5xx retry. */
export const SPLUNK_RULES = standardRetryRules('Splunk On-Call', 'REST endpoint URL');
const MESSAGE_TYPE: Record<Severity, (typeof SPLUNK_MESSAGE_TYPES)[number]> = {
  SEV1: 'CRITICAL',
  SEV2: 'CRITICAL',
  SEV3: 'WARNING',
  SEV4: 'INFO',
};

export function splunkOnCallCall(incident: Incident, delivery: DeliveryRecord, settings: RenderSettings, now: Date): HttpCall {
  const signal = incident.lastSignal;
  const test = isTest(incident) ? '[TEST] ' : '';
  const resolve = delivery.action === 'resolve';
  return {
    method: 'POST',
    url: SECRET,
    headers: { 'Content-Type': 'application/json' },
    body: {
      message_type: resolve ? 'RECOVERY' : MESSAGE_TYPE[delivery.severity],
      entity_id: incident.dedupKey,
      entity_display_name: oneLine(redactText(`${test}[${delivery.severity}] ${incident.rule}: ${incident.subject}`), 255),
      state_message: redactText(
        resolve
          ? `${test}Resolved: ${signal.summary}`
          : [
              `${test}${signal.summary}`,
              `First move: ${firstMove(signal)}`,
              `Runbook: ${runbookUrl(settings.runbookBaseUrl, signal.runbook)}`,
            ].join('\n'),
      ).slice(0, 10_000),
      state_start_time: Math.floor(Date.parse(resolve ? (incident.resolvedAt ?? now.toISOString()) : incident.openedAt) / 1000),
      monitoring_tool: 'metis-alerts',
      severity: delivery.severity,
      rule: incident.rule,
      runbook_url: runbookUrl(settings.runbookBaseUrl, signal.runbook),
    },
  };
}

/** A notice (the grouped storm notification) as one alert: entity_id = the storm key; extra fields are plain values. */
export function splunkOnCallNoticeCall(notice: Notice, settings: RenderSettings, now: Date): HttpCall {
  const storm = notice.storm;
  return {
    method: 'POST',
    url: SECRET,
    headers: { 'Content-Type': 'application/json' },
    body: {
      message_type: MESSAGE_TYPE[notice.severity],
      entity_id: noticeKey(notice),
      entity_display_name: oneLine(noticeHeadline(notice), 255),
      state_message: noticeBody(notice).slice(0, 10_000),
      state_start_time: Math.floor(Date.parse(storm?.minute ?? now.toISOString()) / 1000),
      monitoring_tool: 'metis-alerts',
      severity: notice.severity,
      rule: notice.rule,
      runbook_url: settings.runbookBaseUrl,
      ...(storm ? { held_incidents: storm.held, sink: storm.sink, budget_per_minute: storm.budget, top_held: topHeld(notice) } : {}),
    },
  };
}

export function splunkOnCallNotifier(sender: HttpSender): Notifier {
  return {
    raisesPipelineHealth: true,
    deliver: (incident, delivery, { settings, now, retryBudget }) =>
      sender.send(splunkOnCallCall(incident, delivery, settings, now), SPLUNK_RULES, retryBudget),
    announce: (notice, { settings, now, retryBudget }) =>
      sender.send(splunkOnCallNoticeCall(notice, settings, now), SPLUNK_RULES, retryBudget),
  };
}
