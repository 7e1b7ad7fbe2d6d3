// The log-watch's environment, validated once at module load (the stack sets these; see lib/log-watch.ts).
import { z } from 'zod';
import { rulesSchema } from '../core/config.ts';

const environmentSchema = z.object({
  EVENT_BUS_NAME: z.string().min(1),
  COUNTERS_TABLE: z.string().min(3),
  LOG_RULES: z.string().transform((text, ctx) => {
    try {
      const rules = rulesSchema.parse(JSON.parse(text));
      return { traceback: rules.traceback, quota_exceeded_sustained: rules.quota_exceeded_sustained, key_revoked_in_use: rules.key_revoked_in_use };
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: `invalid LOG_RULES: ${(error as Error).message.split('\n')[0]}` });
      return z.NEVER;
    }
  }),
});

export type LogWatchEnvironment = z.output<typeof environmentSchema>;

export function readLogWatchEnvironment(env: Record<string, string | undefined>): LogWatchEnvironment {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`log-watch environment: ${issue.path.join('.')}: ${issue.message}`);
  }
  return parsed.data;
}
