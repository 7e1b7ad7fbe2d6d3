// AWS Chatbot (Amazon Q Developer in chat applications) custom notifications: the only non-AWS-event
// message it renders in Slack or Teams; a plain-text SNS message is dropped. Every post of one incident
// carries the same metadata.threadId, so trigger, reminders, escalation and resolve form one thread.
import type { DeliveryRecord, Incident } from '../../incident.ts';
import { redactText } from '../../redact.ts';
import { statusDraftLines } from '../status-lines.ts';
import type { RenderSettings } from '../notifier.ts';
import { runbookUrl } from '../../runbook-link.ts';
import { oneLine } from '../../signal.ts';
import type { Notice } from '../notifier.ts';
import { firstMove } from '../first-move.ts';
import { HEADLINE } from '../sns-text.ts';
import { chatopsThreadId } from '../../inhibition-link.ts';
import { noDataLine } from '../../evidence.ts';
import { humanLoopLine } from '../human-loop-text.ts';

export interface ChatbotNotification {
  version: '1.0';
  source: 'custom';
  id?: string;
  content: {
    textType?: 'client-markdown';
    title?: string;
    description: string;
    nextSteps?: string[];
    keywords?: string[];
  };
  metadata?: {
    threadId?: string;
    summary?: string;
    eventType?: string;
    relatedResources?: string[];
    additionalContext?: Record<string, string>;
  };
}

/** Slack shows at most 3,000 characters of a section; longer descriptions are cut there anyway. */
export const MAX_DESCRIPTION = 3000;
export const MAX_TITLE = 250;
export const TEST_MARK = '[TEST]';

export function chatbotNotification(
  incident: Incident,
  delivery: DeliveryRecord,
  settings: RenderSettings,
  now: Date,
): ChatbotNotification {
  const signal = incident.lastSignal;
  const test = signal.details.test === true;
  const link = runbookUrl(settings.runbookBaseUrl, signal.runbook);
  const ageMinutes = Math.max(0, Math.round((now.getTime() - Date.parse(incident.openedAt)) / 60_000));
  const lead: Record<DeliveryRecord['action'], string> = {
    trigger: `Opened ${incident.openedAt}.`,
    resolve: `Resolved ${incident.resolvedAt ?? now.toISOString()} after ${ageMinutes} min.`,
    remind: `${delivery.severity} open for ${ageMinutes} min: post a status update now (every status change, at least every 30 min).`,
    escalate: `Still firing ${ageMinutes} min after it opened out of hours: now paging on-call.`,
    suppressed: `Suppressed by ${incident.suppressedBy ?? 'an inhibition'}: recorded, not paged.`,
    'target-missed': '',
    acknowledged: '',
    unacknowledged: '',
  };
  const description = [
    humanLoopLine(incident, delivery) ?? '',
    lead[delivery.action],
    signal.summary,
    delivery.action === 'remind' && incident.noDataSince ? noDataLine(incident.noDataSince) : '',
    delivery.action === 'resolve' ? '' : `*First move:* ${firstMove(signal)}`,
    `*Runbook:* ${link}`,
    ...statusDraftLines(incident, delivery, settings, now),
  ].filter(Boolean);
  return {
    version: '1.0',
    source: 'custom',
    id: `${incident.dedupKey}:${delivery.id}`.slice(0, 255),
    content: {
      textType: 'client-markdown',
      title: title(`${test ? `${TEST_MARK} ` : ''}${delivery.severity} ${HEADLINE[delivery.action]} ${incident.rule}: ${incident.subject}`),
      description: cut(redactText(description.join('\n'))),
      nextSteps:
        delivery.action === 'resolve'
          ? [`Write the post-mortem if it paged: \`metis-alerts postmortem ${incident.dedupKey}\``]
          : [firstMove(signal), `Runbook: ${link}`].map((s) => oneLine(redactText(s), 500)),
      keywords: [delivery.severity, incident.rule, ...(test ? ['TEST'] : [])],
    },
    metadata: {
      threadId: threadIdOf(incident),
      summary: title(`${delivery.severity} ${HEADLINE[delivery.action]} ${incident.rule}: ${incident.subject}`),
      eventType: `metis-alerts.${delivery.action}`,
      relatedResources: [incident.dedupKey],
      additionalContext: { dedupKey: incident.dedupKey, severity: delivery.severity, rule: incident.rule, source: incident.source },
    },
  };
}

export function chatbotNotice(notice: Notice): ChatbotNotification {
  return {
    version: '1.0',
    source: 'custom',
    content: {
      textType: 'client-markdown',
      title: title(`${notice.test ? `${TEST_MARK} ` : ''}${notice.title}`),
      description: cut(redactText(notice.lines.join('\n'))),
      keywords: [notice.severity, ...(notice.test ? ['TEST'] : [])],
    },
    metadata: { threadId: notice.threadId, summary: title(notice.title), eventType: 'metis-alerts.notice' },
  };
}

/** One thread per incident episode: a re-opened incident starts a new thread. */
export function threadIdOf(incident: Incident): string {
  return chatopsThreadId(incident);
}

function title(text: string): string {
  return oneLine(redactText(text), MAX_TITLE);
}

function cut(text: string): string {
  return text.length <= MAX_DESCRIPTION ? text : `${text.slice(0, MAX_DESCRIPTION - 1)}…`;
}
