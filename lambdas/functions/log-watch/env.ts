// The log-watch's environment, validated once at module load (the stack sets these; see lib/log-watch.ts).
import { z } from 'zod';
import { rulesSchema } from '../../core/config.ts';
import { type FunctionVariables, jsonVariable, readEnvironment } from '../commons/environment.ts';

const environmentSchema = z.object({
  EVENT_BUS_NAME: z.string().min(1),
  COUNTERS_TABLE: z.string().min(3),
  LOG_RULES: jsonVariable('LOG_RULES', rulesSchema).transform((rules) => ({
    traceback: rules.traceback,
    quota_exceeded_sustained: rules.quota_exceeded_sustained,
    key_revoked_in_use: rules.key_revoked_in_use,
    prompt_exposure: rules.prompt_exposure,
    log_noise: rules.log_noise,
  })),
});

export type LogWatchEnvironment = z.output<typeof environmentSchema>;
/** What lib/log-watch.ts sets. */
export type LogWatchVariables = FunctionVariables<typeof environmentSchema>;

export function readLogWatchEnvironment(env: Record<string, string | undefined>): LogWatchEnvironment {
  return readEnvironment(environmentSchema, env, 'log-watch');
}
