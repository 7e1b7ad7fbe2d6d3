// The page sink: the SNS page topic (config `sinks.page`: its e-mail and SMS subscriptions). Always
// deployed; it follows the policy's `page` switch.
import { z } from 'zod';
import { defineTopicSink, emailAddress, smsNumber } from '../spec.ts';
import { pageNotifier } from './notifier.ts';

declare module '../sink-names.ts' {
  interface SinkNames {
    page: true;
  }
}

export const pageSpec = defineTopicSink({
  name: 'page',
  configKey: 'page',
  config: z.strictObject({ emails: z.array(emailAddress).default([]), sms: z.array(smsNumber).default([]) }).prefault({}),
  label: 'page topic',
  topic: 'page',
  policyColumn: 'page',
  storm: { key: 'page', perMinute: 10 },
  notifier: (publisher, transports) => pageNotifier(publisher, transports.ackLinks),
});
