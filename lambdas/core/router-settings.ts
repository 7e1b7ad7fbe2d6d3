// The slice of the configuration the router needs; the stack passes it to the Lambda as ROUTER_SETTINGS.
import { z } from 'zod';
import { configSchema, type Config } from './config.ts';
import type { Sink } from './incident.ts';
import { signalTargetsOf } from './signal-target.ts';

export const routerSettingsSchema = configSchema
  .pick({ name: true, runbookBaseUrl: true, businessHours: true, routing: true, probes: true })
  .extend({
    /**
     * Rules whose incidents latch: a detector's healthy verdict resolves them only this many hours after
     * they last fired (a person resolves them sooner). From `rules.bill_threshold.holdHours`.
     */
    latchHours: z.record(z.string(), z.number().positive()).default({}),
    /** Which health target the trace DB and each log group belong to: the `target` label inhibitions compare (signal-target.ts). */
    signalTargets: z
      .object({ traceDb: z.string().optional(), logGroups: z.record(z.string(), z.string()).default({}), logs: z.string().optional() })
      .default({ logGroups: {} }),
  });
export type RouterSettings = z.output<typeof routerSettingsSchema> & {
  /** The sinks with a Notifier in this process (set by dispatch, never configured): the policy plans only these. */
  activeSinks?: readonly Sink[];
};

export function routerSettingsOf(config: Config): RouterSettings {
  return {
    name: config.name,
    runbookBaseUrl: config.runbookBaseUrl,
    businessHours: config.businessHours,
    routing: config.routing,
    probes: config.probes,
    latchHours: { bill_threshold: config.rules.bill_threshold.holdHours },
    signalTargets: signalTargetsOf(config),
  };
}
