// The router's environment, validated once at module load (the stack sets these; see lib/router.ts).
import { z } from 'zod';
import { routerSettingsSchema, type RouterSettings } from '../core/router-settings.ts';

/** What every function that notifies needs (router and sweeper). */
export const alertingFields = {
  INCIDENT_TABLE: z.string().min(1),
  PAGE_TOPIC_ARN: z.string().startsWith('arn:'),
  CHATOPS_TOPIC_ARN: z.string().startsWith('arn:'),
  /** The SSM parameter's name, never the key; absent when no PagerDuty integration is configured. */
  PAGERDUTY_ROUTING_KEY_PARAMETER: z.string().startsWith('/').optional(),
  PAGERDUTY_EVENTS_URL: z.url().default('https://events.pagerduty.com/v2/enqueue'),
  ROUTER_SETTINGS: z.string().transform((text, ctx): RouterSettings => {
    try {
      return routerSettingsSchema.parse(JSON.parse(text));
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: `invalid ROUTER_SETTINGS: ${(error as Error).message.split('\n')[0]}` });
      return z.NEVER;
    }
  }),
};

const environmentSchema = z.object({ ...alertingFields, DEAD_LETTER_QUEUE_URL: z.url() });

export type RouterEnvironment = z.output<typeof environmentSchema>;

export function readRouterEnvironment(env: Record<string, string | undefined>): RouterEnvironment {
  return readEnvironment(environmentSchema, env, 'router');
}

/** Parse a Lambda's environment once at module load; a bad value stops the cold start with its name. */
export function readEnvironment<T extends z.ZodType>(schema: T, env: Record<string, string | undefined>, what: string): z.output<T> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${what} environment: ${issue.path.join('.')}: ${issue.message}`);
  }
  return parsed.data;
}
