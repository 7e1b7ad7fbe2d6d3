// The probe's environment, validated once at module load (the stack sets it; see lib/probes.ts).
import { z } from 'zod';
import { healthTargetSchema } from '../../core/config.ts';
import { type FunctionVariables, jsonVariable, readEnvironment } from '../commons/environment.ts';

const environmentSchema = z.object({
  /** JSON array of the config's healthTargets (names of SSM parameters, never their values). */
  PROBE_TARGETS: jsonVariable('PROBE_TARGETS', z.array(healthTargetSchema)),
  /** Spacing of the two rounds in one run. @default 30000 */
  PROBE_SPACING_MS: z.coerce.number().int().min(0).max(30_000).default(30_000),
});

export type ProbeEnvironment = z.output<typeof environmentSchema>;
/** What lib/probes.ts sets. */
export type ProbeVariables = FunctionVariables<typeof environmentSchema>;

export function readProbeEnvironment(env: Record<string, string | undefined>): ProbeEnvironment {
  return readEnvironment(environmentSchema, env, 'probe');
}
