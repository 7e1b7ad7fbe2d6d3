// The PagerDuty sink as the pipeline sees it: config `sinks.pagerduty`, Events API v2 routing key in SSM.
import { z } from 'zod';
import { defineHttpSink, httpsUrl, kmsKeyArn, secretOf, ssmParameterName } from '../spec.ts';
import { DEFAULT_EVENTS_URL, pagerDutyNotifier } from './notifier.ts';

declare module '../sink-names.ts' {
  interface SinkNames {
    pagerduty: true;
  }
}

export const pagerDutySpec = defineHttpSink({
  name: 'pagerduty',
  configKey: 'pagerduty',
  config: z
    .strictObject({
      routingKeyParameter: ssmParameterName,
      kmsKeyArn,
      eventsUrl: httpsUrl.default(DEFAULT_EVENTS_URL),
    })
    .optional(),
  label: 'PagerDuty',
  secretLabel: 'routing-key',
  // PagerDuty throttles near 120 events a minute per integration key.
  storm: { key: 'pagerduty', perMinute: 120 },
  secret: (config) => secretOf(config.routingKeyParameter, config.kmsKeyArn, 'token'),
  notifier: (config, sender) => pagerDutyNotifier(sender, config.eventsUrl),
  // The dry run pages PagerDuty when no paging provider is configured, so paging decisions stay visible.
  dryRun: { standIn: { routingKeyParameter: '/metis-alerts/dry-run/pagerduty', eventsUrl: DEFAULT_EVENTS_URL } },
});
