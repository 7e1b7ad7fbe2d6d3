// The router's environment, validated once at module load (the stack sets these; see lib/router.ts).
import { z } from 'zod';
import { routerSettingsSchema } from '../../core/router-settings.ts';
import { httpSinksSchema } from '../../core/notify/http-sinks.ts';
import { type FunctionVariables, jsonVariable, readEnvironment } from '../commons/environment.ts';

/** What every function that notifies needs (router and sweeper). */
export const alertingFields = {
  INCIDENT_TABLE: z.string().min(1),
  PAGE_TOPIC_ARN: z.string().startsWith('arn:'),
  CHATOPS_TOPIC_ARN: z.string().startsWith('arn:'),
  /** The SSM parameter's name, never the key; absent when no PagerDuty integration is configured. */
  PAGERDUTY_ROUTING_KEY_PARAMETER: z.string().startsWith('/').optional(),
  PAGERDUTY_EVENTS_URL: z.url().default('https://events.pagerduty.com/v2/enqueue'),
  ROUTER_SETTINGS: jsonVariable('ROUTER_SETTINGS', routerSettingsSchema),
  /** The HTTP sinks (Opsgenie, Splunk On-Call, webhooks, PagerDuty): SSM parameter names and URLs, never a secret. */
  HTTP_SINKS: jsonVariable('HTTP_SINKS', httpSinksSchema).default({ webhooks: [] }),
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
