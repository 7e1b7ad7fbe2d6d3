// The sweeper's environment: the router's notification settings plus what the sweep needs.
import { z } from 'zod';
import { SIGNAL_SOURCES } from '../../core/signal.ts';
import { awsRegionSchema } from '../../core/probe/vantages.ts';
import { reporterName } from '../../core/signal-schema.ts';
import { type FunctionVariables, jsonVariable, readEnvironment } from '../commons/environment.ts';
import { alertingFields } from '../router/env.ts';

export const sweeperSettingsSchema = z.object({
  tracebackQuietMinutes: z.int().positive(),
  quietResolveMinutes: z.record(z.string(), z.int().positive()).default({}),
  noDataAfterMinutes: z.partialRecord(z.enum(SIGNAL_SOURCES), z.int().positive()).default({}),
  reportEveryMinutes: z.partialRecord(z.enum(SIGNAL_SOURCES), z.int().positive()).default({}),
  expectedSources: z.array(
    z.object({
      source: z.enum(SIGNAL_SOURCES),
      reporter: reporterName.optional(),
      vantage: awsRegionSchema.optional(),
      intervalMinutes: z.int().positive(),
    }),
  ),
});

const environmentSchema = z.object({
  ...alertingFields,
  SWEEPER_SETTINGS: jsonVariable('SWEEPER_SETTINGS', sweeperSettingsSchema),
});

export type SweeperEnvironment = z.output<typeof environmentSchema>;
/** What lib/sweeper.ts sets. */
export type SweeperVariables = FunctionVariables<typeof environmentSchema>;

export function readSweeperEnvironment(env: Record<string, string | undefined>): SweeperEnvironment {
  return readEnvironment(environmentSchema, env, 'sweeper');
}
