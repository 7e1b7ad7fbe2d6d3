// The probe's environment, validated once at module load (the stack sets it; see lib/probes.ts).
import { z } from 'zod';
import { healthTargetSchema, inboundShapeSchema, rulesSchema } from '../../core/config.ts';
import { awsRegionSchema } from '../../core/probe/vantages.ts';
import { type FunctionVariables, jsonVariable, readEnvironment } from '../commons/environment.ts';

const environmentSchema = z.object({
  /** JSON array of the config's healthTargets (names of SSM parameters, never their values). */
  PROBE_TARGETS: jsonVariable('PROBE_TARGETS', z.array(healthTargetSchema)),
  /** Spacing of the two rounds in one run. @default 30000 */
  PROBE_SPACING_MS: z.coerce.number().int().min(0).max(30_000).default(30_000),
  /** When set, the second round comes as a delayed SQS message instead of a sleep (lib/probe-second-round.ts). */
  PROBE_SECOND_ROUND_QUEUE_URL: z.string().url().optional(),
  /** JSON array of the config's inboundShapes (lib/inbound-shape-probes.ts); absent: no shape runs. */
  INBOUND_SHAPES: jsonVariable('INBOUND_SHAPES', z.array(inboundShapeSchema)).optional(),
  /** The bus every run (health rounds and inbound shapes) puts its evaluation report on. */
  EVENT_BUS_NAME: z.string().min(1),
  /** The bus's region when it is not this function's: a vantage stack reports to the home region's bus. */
  EVENT_BUS_REGION: awsRegionSchema.optional(),
  /** The vantage named on every report (docs/vantages.md); absent: the function's own region (AWS_REGION). */
  PROBE_VANTAGE: awsRegionSchema.optional(),
  /** The router's incident table: the one `probe-state#health` item carries a round's result to the next. */
  PROBE_STATE_TABLE: z.string().min(1),
  /** JSON of the config's rules.healthz_down and rules.tls_expiry (the others take their defaults, unused here). */
  PROBE_RULES: jsonVariable('PROBE_RULES', rulesSchema),
});

export type ProbeEnvironment = z.output<typeof environmentSchema> & {
  /** PROBE_VANTAGE, else the region Lambda runs the function in. */
  vantage: string | undefined;
};
/** What lib/probes.ts sets. */
export type ProbeVariables = FunctionVariables<typeof environmentSchema>;

export function readProbeEnvironment(env: Record<string, string | undefined>): ProbeEnvironment {
  const parsed = readEnvironment(environmentSchema, env, 'probe');
  return { ...parsed, vantage: parsed.PROBE_VANTAGE ?? env.AWS_REGION };
}
