// Webhook sinks (Alertmanager's webhook body: Keep, Grafana OnCall and the like): config `sinks.webhooks`,
// one sink `webhook:<name>` per entry, each URL (it usually holds a token) in SSM. They get everything
// chatops gets.
import { z } from 'zod';
import { defineSink, kmsKeyArn, secretOf, ssmParameterName } from '../spec.ts';
import { webhookNotifier } from './notifier.ts';

declare module '../sink-names.ts' {
  interface SinkNames {
    'webhook:*': true;
  }
}

export function webhookSink(name: string): `webhook:${string}` {
  return `webhook:${name}`;
}

export const webhookSpec = defineSink({
  name: 'webhook:*',
  configKey: 'webhooks',
  config: z
    .array(
      z.strictObject({
        name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'expected a short lower-case name of letters, digits and "-"'),
        urlParameter: ssmParameterName,
        format: z.literal('alertmanager').default('alertmanager'),
        kmsKeyArn,
      }),
    )
    .default([])
    .refine((hooks) => new Set(hooks.map((h) => h.name)).size === hooks.length, { message: 'webhook names must be unique' }),
  label: 'webhook',
  secretLabel: 'URL',
  policyColumn: 'chatops',
  // Each webhook.
  storm: { key: 'webhook', perMinute: 120 },
  instances: (hooks = []) =>
    hooks.map((hook) => {
      const sink = webhookSink(hook.name);
      const secret = secretOf(hook.urlParameter, hook.kmsKeyArn, 'url');
      return { sink, secret, notifier: (t) => webhookNotifier(hook.name, t.http(sink, secret)) };
    }),
  deployed: (hooks = []) => hooks,
  dryRun: {},
});
