// The slice of the configuration the router needs; the stack passes it to the Lambda as ROUTER_SETTINGS.
import type { z } from 'zod';
import { configSchema, type Config } from './config.ts';
import type { Sink } from './incident.ts';

export const routerSettingsSchema = configSchema.pick({ name: true, runbookBaseUrl: true, businessHours: true, routing: true });
export type RouterSettings = z.output<typeof routerSettingsSchema> & {
  /** The sinks with a Notifier in this process (set by dispatch, never configured): the policy plans only these. */
  activeSinks?: readonly Sink[];
};

export function routerSettingsOf(config: Config): RouterSettings {
  return { name: config.name, runbookBaseUrl: config.runbookBaseUrl, businessHours: config.businessHours, routing: config.routing };
}
