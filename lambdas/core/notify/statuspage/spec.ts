// The Atlassian Statuspage sink: config `sinks.statuspage`, the API key in SSM. Only with `autoPublish` is
// it a sink at all (without it only the chatops draft is posted: no notifier, no key read, no grant). It
// follows the chatops column, narrowed by the routing policy to a SEV1/SEV2 it publishes (publishesToStatuspage).
import { z } from 'zod';
import { defineSink, httpsUrl, kmsKeyArn, secretOf, ssmParameterName } from '../spec.ts';
import { STATUSPAGE_DEFAULT_URL } from './call.ts';
import { statuspageNotifier } from './notifier.ts';

declare module '../sink-names.ts' {
  interface SinkNames {
    statuspage: true;
  }
}

const statuspageId = (what: string) =>
  z.string().regex(/^[a-z0-9]{6,32}$/, `expected a Statuspage ${what} (lower-case letters and digits)`);

export const statuspageSpec = defineSink({
  name: 'statuspage',
  configKey: 'statuspage',
  config: z
    .strictObject({
      /** The page id from the Statuspage API settings. */
      pageId: statuspageId('page id'),
      /** SSM SecureString holding the API key (sent as `Authorization: OAuth <key>`). */
      apiKeyParameter: ssmParameterName,
      kmsKeyArn,
      /** Health target name or rule id -> the page's component id the incident marks affected. */
      components: z.record(z.string().min(1), statuspageId('component id')).default({}),
      /** false (default): only the ready-to-paste draft in chatops; true: the router creates and updates the page's incident. */
      autoPublish: z.boolean().default(false),
      apiUrl: httpsUrl.default(STATUSPAGE_DEFAULT_URL),
    })
    .optional(),
  label: 'Statuspage',
  secretLabel: 'API-key',
  policyColumn: 'chatops',
  // Statuspage allows about 60 requests a minute per key.
  storm: { key: 'statuspage', perMinute: 60 },
  instances: (config) => {
    if (!config?.autoPublish) return [];
    const secret = secretOf(config.apiKeyParameter, config.kmsKeyArn, 'token');
    return [{ sink: 'statuspage', secret, notifier: (t) => statuspageNotifier(t.http('statuspage', secret), config) }];
  },
  deployed: (config) => (config?.autoPublish ? config : undefined),
  dryRun: {},
});
