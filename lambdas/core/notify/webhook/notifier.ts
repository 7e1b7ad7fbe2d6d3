// Webhook sinks in Alertmanager's webhook format (version "4"), so Keep, Grafana OnCall and other receivers
// of Alertmanager plug in unchanged. One alert per message; the URL (which usually holds a token) is the secret.
import type { DeliveryRecord, Incident } from '../../incident.ts';
import { redactText } from '../../redact.ts';
import type { RouterSettings } from '../../router-settings.ts';
import { runbookUrl } from '../../runbook-link.ts';
import { fnv1a, oneLine } from '../../signal.ts';
import { firstMove } from '../first-move.ts';
import { SECRET, standardRetryRules, type HttpCall, type HttpSender } from '../http-call.ts';
import type { Notifier } from '../notifier.ts';
import { isTest } from '../sns-text.ts';

/** Alertmanager's zero time: an alert still firing has no end. */
export const ZERO_TIME = '0001-01-01T00:00:00Z';

export function alertmanagerCall(
  receiver: string,
  incident: Incident,
  delivery: DeliveryRecord,
  settings: RouterSettings,
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
  const groupLabels = { alertname: incident.rule, dedup_key: incident.dedupKey };
  return {
    method: 'POST',
    url: SECRET,
    headers: { 'Content-Type': 'application/json' },
    body: {
      version: '4',
      groupKey: `{}:{alertname="${incident.rule}", dedup_key="${incident.dedupKey}"}`,
      truncatedAlerts: 0,
      status,
      receiver,
      groupLabels,
      commonLabels: labels,
      commonAnnotations: annotations,
      externalURL: settings.runbookBaseUrl,
      alerts: [
        {
          status,
          labels,
          annotations,
          startsAt: incident.openedAt,
          endsAt: resolved ? (incident.resolvedAt ?? now.toISOString()) : ZERO_TIME,
          generatorURL: runbookUrl(settings.runbookBaseUrl, signal.runbook),
          fingerprint: `${fnv1a(incident.dedupKey)}${fnv1a(`${incident.dedupKey}#${incident.episode}`)}`,
        },
      ],
    },
  };
}

export function webhookNotifier(name: string, sender: HttpSender): Notifier {
  const rules = standardRetryRules(`webhook ${name}`, 'URL');
  return {
    // A webhook that refuses (wrong URL, 400) raises a pipeline-health incident like a paging provider.
    raisesPipelineHealth: true,
    deliver: (incident, delivery, { settings, now }) => sender.send(alertmanagerCall(name, incident, delivery, settings, now), rules),
  };
}
