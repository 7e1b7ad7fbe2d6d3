// The page sink: the SNS page topic (config `sinks.page`: its e-mail and SMS subscriptions). Always
// deployed; it follows the policy's `page` switch.
import { z } from 'zod';
import { defineSink, emailAddress, smsNumber } from '../spec.ts';
import { pageNotifier } from './notifier.ts';

export const pageSpec = defineSink({
  name: 'page',
  configKey: 'page',
  config: z.strictObject({ emails: z.array(emailAddress).default([]), sms: z.array(smsNumber).default([]) }).prefault({}),
  label: 'page topic',
  topic: 'page',
  policyColumn: 'page',
  storm: { key: 'page', perMinute: 10 },
  instances: () => [{ sink: 'page', notifier: (t) => pageNotifier(t.publisher, t.ackLinks) }],
  // The addresses are the topic's subscriptions, made at deploy time: the functions need none of them.
  deployed: () => ({}),
  dryRun: {},
});
