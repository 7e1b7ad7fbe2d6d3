// The trace-check's environment, validated once at module load (the stack sets these; see lib/trace-checks.ts).
import { z } from 'zod';
import { analyticsSchema, rulesSchema } from '../../core/config.ts';
import { type FunctionVariables, jsonVariable, readEnvironment } from '../commons/environment.ts';

const environmentSchema = z.object({
  SNAPSHOT_BUCKET: z.string().min(3),
  SNAPSHOT_KEY: z.string().min(1),
  EVENT_BUS_NAME: z.string().min(1),
  TRACE_RULES: jsonVariable('TRACE_RULES', rulesSchema),
  /** The config's `analytics` section (lib/analytics-access.ts); absent: analytics_drift does not run. */
  ANALYTICS: jsonVariable('ANALYTICS', analyticsSchema).optional(),
});

export type TraceCheckEnvironment = z.output<typeof environmentSchema>;
/** What lib/trace-checks.ts sets. */
export type TraceCheckVariables = FunctionVariables<typeof environmentSchema>;

export function readTraceCheckEnvironment(env: Record<string, string | undefined>): TraceCheckEnvironment {
  return readEnvironment(environmentSchema, env, 'trace-check');
}
