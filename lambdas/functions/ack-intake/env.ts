// The ack intake's environment, validated once at module load (the stack sets these; see lib/ack-intake.ts).
import { z } from 'zod';
import { ackIntakeSchema, pagerDutyDoorSchema } from '../../core/config.ts';
import { routerSettingsSchema } from '../../core/router-settings.ts';
import { type FunctionVariables, jsonVariable, readEnvironment } from '../commons/environment.ts';
import { deadlineSchedulerSchema } from '../router/env.ts';

// The config took only an https REST API root at synth; the deployed settings are read as given (the
// integration tests point it at a loopback PagerDuty fake).
const deployedIntakeSchema = ackIntakeSchema.extend({
  pagerduty: pagerDutyDoorSchema.extend({ restApiUrl: z.url().optional() }).optional(),
});

const environmentSchema = z.object({
  INCIDENT_TABLE: z.string().min(1),
  /** The router's settings: a human resolve closes the incident as the router would (retention, owed resolves). */
  ROUTER_SETTINGS: jsonVariable('ROUTER_SETTINGS', routerSettingsSchema),
  /** The config's `ackIntake`: SSM parameter names and header names, never a secret. */
  INTAKE_SETTINGS: jsonVariable('INTAKE_SETTINGS', deployedIntakeSchema),
  /** Where the sweeper's one-time wake-ups are scheduled (an ack's posts, a resolve's reopen check); absent: the 5-minute sweep. */
  DEADLINE_SCHEDULER: jsonVariable('DEADLINE_SCHEDULER', deadlineSchedulerSchema).optional(),
});

export type AckIntakeEnvironment = z.output<typeof environmentSchema>;
/** What lib/ack-intake.ts sets. */
export type AckIntakeVariables = FunctionVariables<typeof environmentSchema>;

export function readAckIntakeEnvironment(env: Record<string, string | undefined>): AckIntakeEnvironment {
  return readEnvironment(environmentSchema, env, 'ack-intake');
}
