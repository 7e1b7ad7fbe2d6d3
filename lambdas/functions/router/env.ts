// The router's environment, validated once at module load (the stack sets these; see lib/router.ts).
import { z } from 'zod';
import { routerSettingsSchema } from '../../core/router-settings.ts';
import type { SinksInput } from '../../core/notify/sink-catalog.ts';
import { type FunctionVariables, jsonVariable, readEnvironment } from '../commons/environment.ts';

const deployedSinksSchema = z
  .record(z.string(), z.union([z.record(z.string(), z.unknown()), z.array(z.record(z.string(), z.unknown()))]))
  .transform((blocks) => blocks as SinksInput);

/** The one-time schedules' group, the function they wake, the role they assume, and their dead-letter queue. */
export const deadlineSchedulerSchema = z.object({
  groupName: z.string().min(1),
  targetArn: z.string().startsWith('arn:'),
  roleArn: z.string().startsWith('arn:'),
  deadLetterArn: z.string().startsWith('arn:'),
});

/** What every function that notifies needs (router and sweeper). */
export const alertingFields = {
  INCIDENT_TABLE: z.string().min(1),
  PAGE_TOPIC_ARN: z.string().startsWith('arn:'),
  CHATOPS_TOPIC_ARN: z.string().startsWith('arn:'),
  /** The secondary's page topic; only when `sinks.pageSecondary` is configured. */
  PAGE_SECONDARY_TOPIC_ARN: z.string().startsWith('arn:').optional(),
  ROUTER_SETTINGS: jsonVariable('ROUTER_SETTINGS', routerSettingsSchema),
  /**
   * The configured sinks as each spec deploys them (sink-catalog.ts deployedSinks): SSM parameter names and
   * public URLs, never a secret or an address. The config schema validated them at synth; here each block
   * must be an object or a list. Absent: only the page and chatops topics.
   */
  SINKS: jsonVariable('SINKS', deployedSinksSchema).default({}),
  /** The ack intake's URL and the SSM parameter of the ack-link key: pages then carry an ack link. */
  ACK_LINK_URL: z.url().optional(),
  ACK_LINK_SECRET_PARAMETER: z.string().startsWith('/').optional(),
  ACK_LINK_MINUTES: z.coerce.number().int().min(5).max(1440).default(30),
  /** Where incident deadlines are scheduled (EventBridge Scheduler); absent: only the 5-minute sweep keeps time. */
  DEADLINE_SCHEDULER: jsonVariable('DEADLINE_SCHEDULER', deadlineSchedulerSchema).optional(),
};

const environmentSchema = z.object({
  ...alertingFields,
  DEAD_LETTER_QUEUE_URL: z.url(),
  /** Set by the Lambda runtime (never by the stack): the home region, the vantage of probe reports that name none. */
  AWS_REGION: z.string().min(1).optional(),
});

export type RouterEnvironment = z.output<typeof environmentSchema>;
/** What lib/router.ts sets. */
export type RouterVariables = FunctionVariables<typeof environmentSchema>;
/** What lib/notification-access.ts sets for every function that notifies (router and sweeper). */
export type AlertingVariables = Omit<FunctionVariables<z.ZodObject<typeof alertingFields>>, 'POWERTOOLS_SERVICE_NAME'>;

export function readRouterEnvironment(env: Record<string, string | undefined>): RouterEnvironment {
  return readEnvironment(environmentSchema, env, 'router');
}
