// The page sinks: an SNS page topic (the page topic, or the secondary's), whose subscribers are e-mail
// (full text on `email`) and SMS (one message of at most 160 characters on `sms`).
import type { NotificationPublisher, TopicName } from '../ports.ts';
import type { Notifier } from '../notifier.ts';
import { noticeSubject, smsText, snsMessage } from '../sns-text.ts';

export function pageNotifier(publisher: NotificationPublisher, topic: TopicName = 'page'): Notifier {
  return {
    raisesPipelineHealth: false,
    deliver: (incident, delivery, { settings, now }) => {
      const text = snsMessage(incident, delivery, settings, now);
      return publisher.publish(topic, { ...text, structured: { default: text.body, email: text.body, sms: smsText(incident, delivery) } });
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
