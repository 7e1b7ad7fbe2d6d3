// SNS messages for the page and chatops topics: ASCII subject <= 100 chars (SNS rejects longer
// or multi-line subjects), a readable body, and attributes that subscription filter policies match.
import type { DeliveryRecord, Incident } from '../incident.ts';
import type { SnsMessage } from './ports.ts';
import { redactText, redactValue } from '../redact.ts';
import type { RenderSettings } from './notifier.ts';
import { runbookUrl } from '../runbook-link.ts';
import { oneLine } from '../signal.ts';
import { firstMove } from './first-move.ts';
import type { Notice } from './notifier.ts';
import { noDataLine } from '../evidence.ts';
import { humanLoopLine, isSecondaryPage } from './human-loop-text.ts';

/** SNS wants a subject of fewer than 100 characters. */
const MAX_SUBJECT = 99;
/** SNS allows 256 KB per message; keep a margin for attributes and encoding. */
const MAX_BODY_BYTES = 200_000;

export const HEADLINE: Record<DeliveryRecord['action'], string> = {
  trigger: 'FIRING',
  resolve: 'RESOLVED',
  remind: 'STATUS UPDATE DUE',
  escalate: 'ESCALATED',
  suppressed: 'SUPPRESSED',
  'target-missed': 'TARGET MISSED',
  acknowledged: 'ACKNOWLEDGED',
  unacknowledged: 'ACK WITHDRAWN',
};

export function snsSubject(incident: Incident, delivery: DeliveryRecord): string {
  const test = isTest(incident) ? '[TEST] ' : '';
  return asciiSubject(`${test}[${delivery.severity}] ${HEADLINE[delivery.action]} ${incident.rule}: ${redactText(incident.subject)}`);
}

export function noticeSubject(notice: Notice): string {
  return asciiSubject(redactText(`${notice.test ? '[TEST] ' : ''}${notice.subject}`));
}

/** `metis-alerts test-page` marks its incident so every payload says TEST. */
export function isTest(incident: Incident): boolean {
  return incident.lastSignal.details.test === true;
}

function asciiSubject(raw: string): string {
  const ascii = raw.replace(/[^\x20-\x7e]+/g, '?');
  return ascii.length <= MAX_SUBJECT ? ascii : `${ascii.slice(0, MAX_SUBJECT - 3)}...`;
}

/** SMS: one message of at most 160 characters: severity, rule, subject, and the short first move. */
export const MAX_SMS = 160;

export function smsText(incident: Incident, delivery: DeliveryRecord): string {
  const test = isTest(incident) ? 'TEST ' : '';
  const head = oneLine(
    redactText(
      `${test}${isSecondaryPage(delivery) ? 'ACK MISSED, SECONDARY: ' : ''}${delivery.severity} ${HEADLINE[delivery.action]} ${incident.rule}: ${incident.subject}`,
    ),
    MAX_SMS,
  );
  if (delivery.action === 'resolve') return head;
  const room = MAX_SMS - head.length - 3;
  if (room < 12) return head;
  return `${head}. ${oneLine(redactText(firstMove(incident.lastSignal)), room)}`;
}

export function snsMessage(incident: Incident, delivery: DeliveryRecord, settings: RenderSettings, now: Date): SnsMessage {
  const signal = incident.lastSignal;
  const ageMinutes = Math.max(0, Math.round((now.getTime() - Date.parse(incident.openedAt)) / 60_000));
  const lines = [
    ...(isTest(incident) ? ['TEST: sent by `metis-alerts test-page`; nobody needs to act.'] : []),
    `${HEADLINE[delivery.action]} ${delivery.severity} ${incident.rule} for ${incident.subject}`,
    ...(delivery.action === 'remind'
      ? [
          `${delivery.severity} open for ${ageMinutes} min: post a status update now (runbook: on every status change and at least every 30 min, even "still investigating").`,
          ...(incident.noDataSince ? [noDataLine(incident.noDataSince)] : []),
        ]
      : []),
    ...(delivery.action === 'escalate' ? [`Still firing ${ageMinutes} min after it opened out of hours: now paging on-call.`] : []),
    ...[humanLoopLine(incident, delivery)].filter((line) => line !== undefined),
    ...(delivery.action === 'suppressed' && incident.suppressedBy
      ? [`Suppressed by ${incident.suppressedBy}: a symptom of that open incident (its thread), recorded and not paged.`]
      : []),
    '',
    signal.summary,
    ...(delivery.action === 'resolve' ? [] : [`First move: ${firstMove(signal)}`]),
    '',
    `Opened: ${incident.openedAt}`,
    incident.resolvedAt ? `Resolved: ${incident.resolvedAt}` : `Last signal: ${signal.observedAt}`,
    `Source: ${incident.source}`,
    `Dedup key: ${incident.dedupKey}`,
    `Runbook: ${runbookUrl(settings.runbookBaseUrl, signal.runbook)}`,
    `Sent: ${now.toISOString()}`,
  ];
  let details = JSON.stringify(redactValue(signal.details), null, 2);
  if (Buffer.byteLength(details) > MAX_BODY_BYTES) details = `[details omitted: ${Buffer.byteLength(details)} bytes]`;
  const body = redactText([...lines, '', 'Details:', details].join('\n'));
  return {
    subject: snsSubject(incident, delivery),
    body,
    attributes: { severity: delivery.severity, rule: incident.rule, status: delivery.action === 'resolve' ? 'resolved' : 'firing' },
  };
}
