// The page sink: the SNS page topic, whose subscribers are e-mail (full text on `email`) and SMS (one
// message of at most 160 characters on `sms`).
import type { NotificationPublisher } from '../ports.ts';
import type { Notifier } from '../notifier.ts';
import { noticeSubject, smsText, snsMessage } from '../sns-text.ts';

export function pageNotifier(publisher: NotificationPublisher): Notifier {
  return {
    raisesPipelineHealth: false,
    deliver: (incident, delivery, { settings, now }) => {
      const text = snsMessage(incident, delivery, settings, now);
      return publisher.publish('page', { ...text, structured: { default: text.body, email: text.body, sms: smsText(incident, delivery) } });
    },
    announce: (notice) => {
      const body = [notice.title, '', ...notice.lines].join('\n');
      const sms = `${notice.test ? 'TEST ' : ''}${notice.title}`.slice(0, 160);
      return publisher.publish('page', {
        subject: noticeSubject(notice),
        body,
        attributes: { severity: notice.severity, rule: notice.rule, status: notice.status },
        structured: { default: body, email: body, sms },
      });
    },
  };
}
