// The Opsgenie sink (also Jira Service Management's ops API, the same alert API): config `sinks.opsgenie`,
// the integration's API key in SSM.
import { z } from 'zod';
import { defineHttpSink, httpsUrl, kmsKeyArn, secretOf, ssmParameterName } from '../spec.ts';
import { OPSGENIE_DEFAULT_URL, opsgenieNotifier } from './notifier.ts';

declare module '../sink-names.ts' {
  interface SinkNames {
    opsgenie: true;
  }
}

export const opsgenieSpec = defineHttpSink({
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
  storm: { key: 'opsgenie', perMinute: 120 },
  secret: (config) => secretOf(config.apiKeyParameter, config.kmsKeyArn, 'token'),
  notifier: (config, sender) => opsgenieNotifier(sender, config.apiUrl),
});
