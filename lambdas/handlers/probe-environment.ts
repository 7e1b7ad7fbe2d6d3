// The probe's environment, validated once at module load (the stack sets it; see lib/probes.ts).
import { z } from 'zod';
import { healthTargetSchema } from '../core/config.ts';

const environmentSchema = z.object({
  /** JSON array of the config's healthTargets (names of SSM parameters, never their values). */
  PROBE_TARGETS: z.string().transform((text, ctx) => {
    try {
      return z.array(healthTargetSchema).parse(JSON.parse(text));
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: `invalid PROBE_TARGETS: ${(error as Error).message.split('\n')[0]}` });
      return z.NEVER;
    }
  }),
  /** Spacing of the two rounds in one run. @default 30000 */
  PROBE_SPACING_MS: z.coerce.number().int().min(0).max(30_000).default(30_000),
});

export type ProbeEnvironment = z.output<typeof environmentSchema>;

export function readProbeEnvironment(env: Record<string, string | undefined>): ProbeEnvironment {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`probe environment: ${issue.path.join('.')}: ${issue.message}`);
  }
  return parsed.data;
}
