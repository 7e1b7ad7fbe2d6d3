// PagerDuty Events API v2 payloads (docs/operations-notes.md): summary <= 1024, dedup_key <= 255, runbook link,
// redacted custom_details. The routing key is added by the adapter, never here.
import type { DeliveryRecord, Incident } from '../../incident.ts';
import type { PagerDutyEvent } from './event.ts';
import { redactText, redactValue } from '../../redact.ts';
import type { RenderSettings } from '../notifier.ts';
import { MAX_DEDUP_KEY, MAX_SUMMARY, oneLine, toPagerDutySeverity } from '../../signal.ts';
import { runbookUrl } from '../../runbook-link.ts';

export const PAGERDUTY_CLIENT = 'metis-alerts';
/** Leaves room under PagerDuty's 512 KB event limit for the envelope. */
const MAX_DETAILS_BYTES = 400_000;

export function pagerDutyEvent(incident: Incident, delivery: DeliveryRecord, settings: RenderSettings): PagerDutyEvent {
  const dedupKey = incident.dedupKey.slice(0, MAX_DEDUP_KEY);
  if (delivery.action === 'resolve') return { event_action: 'resolve', dedup_key: dedupKey };
  const signal = incident.lastSignal;
  const link = runbookUrl(settings.runbookBaseUrl, signal.runbook);
  return {
    event_action: 'trigger',
    dedup_key: dedupKey,
    payload: {
      summary: oneLine(redactText(`[${delivery.severity}] ${signal.summary}`), MAX_SUMMARY),
      source: oneLine(`${settings.name}/${signal.source}`, 255),
      severity: toPagerDutySeverity(delivery.severity),
      timestamp: signal.observedAt,
      component: oneLine(redactText(signal.subject), 255),
      group: signal.source,
      class: signal.rule,
      custom_details: boundedDetails({
        rule: signal.rule,
        subject: signal.subject,
        severity: delivery.severity,
        observedAt: signal.observedAt,
        openedAt: incident.openedAt,
        runbook: signal.runbook,
        details: signal.details,
      }),
    },
    links: [{ href: link, text: signal.runbook ? `Runbook: ${oneLine(signal.runbook, 200)}` : 'Incident runbook' }],
    client: PAGERDUTY_CLIENT,
    client_url: settings.runbookBaseUrl,
  };
}

/** Redacted details, replaced by a note when they would push the event past PagerDuty's size limit. */
export function boundedDetails(details: Record<string, unknown>): Record<string, unknown> {
  const redacted = redactValue(details);
  const size = Buffer.byteLength(JSON.stringify(redacted));
  if (size <= MAX_DETAILS_BYTES) return redacted;
  return { ...redacted, details: `[omitted: ${size} bytes exceeds the PagerDuty event limit; see chatops or the trace DB]` };
}
