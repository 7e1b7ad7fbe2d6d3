// The Opsgenie sink (also Jira Service Management's ops API, the same alert API): config `sinks.opsgenie`,
// the integration's API key in SSM.
import { z } from 'zod';
import { defineSink, httpsUrl, kmsKeyArn, secretOf, ssmParameterName } from '../spec.ts';
import { OPSGENIE_DEFAULT_URL, opsgenieNotifier } from './notifier.ts';

export const opsgenieSpec = defineSink({
  name: 'opsgenie',
  configKey: 'opsgenie',
  config: z
    .strictObject({
      apiKeyParameter: ssmParameterName,
      kmsKeyArn,
      /** https://api.opsgenie.com, https://api.eu.opsgenie.com or https://api.atlassian.com/jsm/ops/integration */
      apiUrl: httpsUrl.default(OPSGENIE_DEFAULT_URL),
    })
    .optional(),
  label: 'Opsgenie',
  secretLabel: 'API-key',
  policyColumn: 'paging',
  storm: { key: 'opsgenie', perMinute: 120 },
  instances: (config) => {
    if (!config) return [];
    const secret = secretOf(config.apiKeyParameter, config.kmsKeyArn, 'token');
    return [{ sink: 'opsgenie', secret, notifier: (t) => opsgenieNotifier(t.http('opsgenie', secret), config.apiUrl) }];
  },
  deployed: (config) => config,
  dryRun: {},
});
