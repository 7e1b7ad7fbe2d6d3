// The PagerDuty sink as the pipeline sees it: config `sinks.pagerduty`, Events API v2 routing key in SSM.
import { z } from 'zod';
import { defineSink, httpsUrl, kmsKeyArn, secretOf, ssmParameterName } from '../spec.ts';
import { DEFAULT_EVENTS_URL, pagerDutyNotifier } from './notifier.ts';

export const pagerDutySpec = defineSink({
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
  policyColumn: 'paging',
  // PagerDuty throttles near 120 events a minute per integration key.
  storm: { key: 'pagerduty', perMinute: 120 },
  instances: (config) => {
    if (!config) return [];
    const secret = secretOf(config.routingKeyParameter, config.kmsKeyArn, 'token');
    return [{ sink: 'pagerduty', secret, notifier: (t) => pagerDutyNotifier(t.http('pagerduty', secret), config.eventsUrl) }];
  },
  deployed: (config) => config,
  dryRun: { standIn: { routingKeyParameter: '/metis-alerts/dry-run/pagerduty', eventsUrl: DEFAULT_EVENTS_URL } },
});
