// The slice of the configuration the router needs; the stack passes it to the Lambda as ROUTER_SETTINGS.
import type { z } from 'zod';
import { configSchema, type Config } from './config.ts';

export const routerSettingsSchema = configSchema.pick({ name: true, runbookBaseUrl: true, businessHours: true, routing: true });
export type RouterSettings = z.output<typeof routerSettingsSchema>;

export function routerSettingsOf(config: Config): RouterSettings {
  return { name: config.name, runbookBaseUrl: config.runbookBaseUrl, businessHours: config.businessHours, routing: config.routing };
}
