// The page sinks: an SNS page topic (the page topic, or the secondary's), whose subscribers are e-mail
// (full text on `email`) and SMS (one message of at most 160 characters on `sms`, plus the ack link when
// there is one: a second SMS part).
import type { AckLinks } from '../../human/ports.ts';
import type { DeliveryRecord, Incident } from '../../incident.ts';
import type { NotificationPublisher, TopicName } from '../ports.ts';
import type { Notifier } from '../notifier.ts';
import { noticeSubject, smsText, snsMessage } from '../sns-text.ts';

/** `ackLinks`: when the ack intake is deployed, pages that ask someone to act carry a link that acknowledges. */
export function pageNotifier(publisher: NotificationPublisher, ackLinks?: AckLinks, topic: TopicName = 'page'): Notifier {
  return {
    raisesPipelineHealth: false,
    deliver: async (incident, delivery, { settings, now }) => {
      const text = snsMessage(incident, delivery, settings, now);
      const link = await ackLinkFor(incident, delivery, now, ackLinks);
      const body = link ? `${text.body}\n\nAcknowledge (once, within the link's lifetime): ${link}` : text.body;
      const sms = link ? `${smsText(incident, delivery)}\nAck: ${link}` : smsText(incident, delivery);
      return publisher.publish(topic, { ...text, body, structured: { default: body, email: body, sms } });
    },
    announce: (notice) => {
      const body = [notice.title, '', ...notice.lines].join('\n');
      const sms = `${notice.test ? 'TEST ' : ''}${notice.title}`.slice(0, 160);
      return publisher.publish(topic, {
        subject: noticeSubject(notice),
        body,
        attributes: { severity: notice.severity, rule: notice.rule, status: notice.status },
        structured: { default: body, email: body, sms },
      });
    },
  };
}

/** Only a page that asks for a person (a trigger or an escalation) of an open, unacknowledged incident. */
async function ackLinkFor(
  incident: Incident,
  delivery: DeliveryRecord,
  now: Date,
  ackLinks: AckLinks | undefined,
): Promise<string | undefined> {
  if (!ackLinks || incident.status !== 'open' || incident.ack) return undefined;
  if (delivery.action !== 'trigger' && delivery.action !== 'escalate') return undefined;
  // A link that cannot be signed (SSM down, secret missing) never holds back the page itself.
  return ackLinks.linkFor(incident.dedupKey, incident.episode, now).catch(() => undefined);
}
