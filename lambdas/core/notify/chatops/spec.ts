// The chatops sink: the SNS chatops topic (config `sinks.chatops`: e-mail subscriptions and an optional
// AWS Chatbot Slack channel). Always deployed; it gets every notification its policy switch allows.
import { z } from 'zod';
import { defineTopicSink, emailAddress } from '../spec.ts';
import { chatopsNotifier } from './notifier.ts';

declare module '../sink-names.ts' {
  interface SinkNames {
    chatops: true;
  }
}

export const chatopsSpec = defineTopicSink({
  name: 'chatops',
  configKey: 'chatops',
  config: z
    .strictObject({
      emails: z.array(emailAddress).default([]),
      slack: z.strictObject({ workspaceId: z.string().min(1), channelId: z.string().min(1) }).optional(),
    })
    .prefault({}),
  label: 'chatops topic',
  topic: 'chatops',
  policyColumn: 'chatops',
  storm: { key: 'chatops', perMinute: 30 },
  notifier: chatopsNotifier,
});
