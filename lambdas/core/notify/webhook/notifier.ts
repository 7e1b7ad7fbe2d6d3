// Webhook sinks in Alertmanager's webhook format (version "4"), so Keep, Grafana OnCall and other receivers
// of Alertmanager plug in unchanged. One alert per message; the URL (which usually holds a token) is the secret.
import type { DeliveryRecord, Incident } from '../../incident.ts';
import { redactText } from '../../redact.ts';
import type { RenderSettings } from '../notifier.ts';
import { runbookUrl } from '../../runbook-link.ts';
import { fnv1a, oneLine } from '../../signal.ts';
import { firstMove } from '../first-move.ts';
import { SECRET, standardRetryRules, type HttpCall, type HttpSender } from '../http-call.ts';
import { noticeBody, noticeHeadline, noticeKey, topHeld } from '../notice-fields.ts';
import type { Notice, Notifier } from '../notifier.ts';
import { isTest } from '../sns-text.ts';

/** Alertmanager's zero time: an alert still firing has no end. */
export const ZERO_TIME = '0001-01-01T00:00:00Z';

export function alertmanagerCall(
  receiver: string,
  incident: Incident,
  delivery: DeliveryRecord,
  settings: RenderSettings,
  now: Date,
): HttpCall {
  const signal = incident.lastSignal;
  const resolved = delivery.action === 'resolve';
  const status = resolved ? 'resolved' : 'firing';
  const labels: Record<string, string> = {
    alertname: incident.rule,
    severity: delivery.severity,
    subject: redactText(incident.subject),
    source: incident.source,
    dedup_key: incident.dedupKey,
    ...(isTest(incident) ? { test: 'true' } : {}),
  };
  const annotations = {
    summary: oneLine(redactText(`${isTest(incident) ? '[TEST] ' : ''}${signal.summary}`)),
    description: redactText(`First move: ${firstMove(signal)}`),
    runbook_url: runbookUrl(settings.runbookBaseUrl, signal.runbook),
  };
  return alertmanagerMessage(receiver, incident.rule, incident.dedupKey, status, labels, annotations, settings, {
    startsAt: incident.openedAt,
    endsAt: resolved ? (incident.resolvedAt ?? now.toISOString()) : ZERO_TIME,
    generatorURL: runbookUrl(settings.runbookBaseUrl, signal.runbook),
    fingerprint: `${fnv1a(incident.dedupKey)}${fnv1a(`${incident.dedupKey}#${incident.episode}`)}`,
  });
}

/** One Alertmanager v4 message holding one alert, grouped by alertname and dedup key (the incident or the notice). */
function alertmanagerMessage(
  receiver: string,
  alertname: string,
  key: string,
  status: 'firing' | 'resolved',
  labels: Record<string, string>,
  annotations: Record<string, string>,
  settings: RenderSettings,
  alert: { startsAt: string; endsAt: string; generatorURL: string; fingerprint: string },
): HttpCall {
  return {
    method: 'POST',
    url: SECRET,
    headers: { 'Content-Type': 'application/json' },
    body: {
      version: '4',
      groupKey: `{}:{alertname="${alertname}", dedup_key="${key}"}`,
      truncatedAlerts: 0,
      status,
      receiver,
      groupLabels: { alertname, dedup_key: key },
      commonLabels: labels,
      commonAnnotations: annotations,
      externalURL: settings.runbookBaseUrl,
      alerts: [{ status, labels, annotations, ...alert }],
    },
  };
}

/** Alertname of the grouped storm notice, so receivers can route or mute it apart from the incidents it stands for. */
export const STORM_ALERTNAME = 'metis_storm';

/** A notice (the grouped storm notification) as one Alertmanager v4 message with one alert. */
export function alertmanagerNoticeCall(receiver: string, notice: Notice, settings: RenderSettings, now: Date): HttpCall {
  const storm = notice.storm;
  const key = noticeKey(notice);
  const alertname = storm ? STORM_ALERTNAME : `metis_${notice.rule}`;
  const resolved = notice.status === 'resolved';
  const status = resolved ? 'resolved' : 'firing';
  const labels: Record<string, string> = {
    alertname,
    severity: notice.severity,
    source: 'metis-alerts',
    dedup_key: key,
    ...(storm ? { sink: storm.sink } : {}),
    ...(notice.test ? { test: 'true' } : {}),
  };
  const annotations: Record<string, string> = {
    summary: oneLine(noticeHeadline(notice)),
    description: noticeBody(notice),
    ...(storm ? { held_incidents: String(storm.held), budget_per_minute: String(storm.budget), top_held: topHeld(notice) } : {}),
  };
  return alertmanagerMessage(receiver, alertname, key, status, labels, annotations, settings, {
    startsAt: storm?.minute ?? now.toISOString(),
    endsAt: resolved ? now.toISOString() : ZERO_TIME,
    generatorURL: settings.runbookBaseUrl,
    fingerprint: `${fnv1a(key)}${fnv1a(`${key}#${alertname}`)}`,
  });
}

export function webhookNotifier(name: string, sender: HttpSender): Notifier {
  const rules = standardRetryRules(`webhook ${name}`, 'URL');
  return {
    // A webhook that refuses (wrong URL, 400) raises a pipeline-health incident like a paging provider.
    raisesPipelineHealth: true,
    deliver: (incident, delivery, { settings, now, retryBudget }) =>
      sender.send(alertmanagerCall(name, incident, delivery, settings, now), rules, retryBudget),
    announce: (notice, { settings, now, retryBudget }) =>
      sender.send(alertmanagerNoticeCall(name, notice, settings, now), rules, retryBudget),
  };
}
