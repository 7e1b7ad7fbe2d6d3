// The trace-check's environment, validated once at module load (the stack sets these; see lib/trace-checks.ts).
import { z } from 'zod';
import { rulesSchema } from '../core/config.ts';

const environmentSchema = z.object({
  SNAPSHOT_BUCKET: z.string().min(3),
  SNAPSHOT_KEY: z.string().min(1),
  EVENT_BUS_NAME: z.string().min(1),
  TRACE_RULES: z.string().transform((text, ctx) => {
    try {
      return rulesSchema.parse(JSON.parse(text));
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: `invalid TRACE_RULES: ${(error as Error).message.split('\n')[0]}` });
      return z.NEVER;
    }
  }),
});

export type TraceCheckEnvironment = z.output<typeof environmentSchema>;

export function readTraceCheckEnvironment(env: Record<string, string | undefined>): TraceCheckEnvironment {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`trace-check environment: ${issue.path.join('.')}: ${issue.message}`);
  }
  return parsed.data;
}
