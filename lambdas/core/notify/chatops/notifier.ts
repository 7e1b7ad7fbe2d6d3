// The chatops sink: the chatops SNS topic, subscribed by AWS Chatbot (custom notification JSON on the
// `https`/`default` keys) and by e-mail (readable text on `email`).
import type { NotificationPublisher, SnsMessage } from '../ports.ts';
import type { Notice, Notifier } from '../notifier.ts';
import { noticeSubject, snsMessage } from '../sns-text.ts';
import { chatbotNotice, chatbotNotification } from './chatbot.ts';
import { plainDraftLines, statusDraftLines } from '../status-lines.ts';

export function chatopsNotifier(publisher: NotificationPublisher): Notifier {
  return {
    raisesPipelineHealth: false,
    deliver: (incident, delivery, { settings, now }) => {
      const text = snsMessage(incident, delivery, settings, now);
      const chatbot = JSON.stringify(chatbotNotification(incident, delivery, settings, now));
      const draft = plainDraftLines(statusDraftLines(incident, delivery, settings, now));
      const email = draft.length ? `${text.body}\n\n${draft.join('\n')}` : text.body;
      return publisher.publish('chatops', { ...text, structured: { default: chatbot, https: chatbot, email } });
    },
    announce: (notice) => publisher.publish('chatops', noticeMessage(notice)),
  };
}

export function noticeMessage(notice: Notice): SnsMessage {
  const chatbot = JSON.stringify(chatbotNotice(notice));
  const body = [notice.title, '', ...notice.lines].join('\n');
  return {
    subject: noticeSubject(notice),
    body,
    attributes: { severity: notice.severity, rule: notice.rule, status: notice.status },
    structured: { default: chatbot, https: chatbot, email: body },
  };
}
