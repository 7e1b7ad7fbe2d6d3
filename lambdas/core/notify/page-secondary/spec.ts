// The page-secondary sink: a second SNS page topic with its own e-mail and SMS subscriptions (config
// `sinks.pageSecondary`), for whoever is paged when an ack target is missed. It is in no severity's
// ordinary fan-out (policy column `none`): only the missed-ack escalation names it, through
// `routing.secondary`. Absent block: no topic, no sink.
import { z } from 'zod';
import { pageNotifier } from '../page/notifier.ts';
import { defineTopicSink, emailAddress, smsNumber } from '../spec.ts';

declare module '../sink-names.ts' {
  interface SinkNames {
    'page-secondary': true;
  }
}

export const pageSecondarySpec = defineTopicSink({
  name: 'page-secondary',
  configKey: 'pageSecondary',
  config: z.strictObject({ emails: z.array(emailAddress).default([]), sms: z.array(smsNumber).default([]) }).optional(),
  label: 'secondary page topic',
  topic: 'page-secondary',
  optional: true,
  policyColumn: 'none',
  // Like the page topic: a burst beyond this is one grouped message, not a phone that never stops.
  storm: { key: 'pageSecondary', perMinute: 10 },
  notifier: (publisher, transports) => pageNotifier(publisher, transports.ackLinks, 'page-secondary'),
});
