// The router's environment, validated once at module load (the stack sets these; see lib/router.ts).
import { z } from 'zod';
import { routerSettingsSchema, type RouterSettings } from '../core/router-settings.ts';

const environmentSchema = z.object({
  INCIDENT_TABLE: z.string().min(1),
  PAGE_TOPIC_ARN: z.string().startsWith('arn:'),
  CHATOPS_TOPIC_ARN: z.string().startsWith('arn:'),
  DEAD_LETTER_QUEUE_URL: z.url(),
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
});

export type RouterEnvironment = z.output<typeof environmentSchema>;

export function readRouterEnvironment(env: Record<string, string | undefined>): RouterEnvironment {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`router environment: ${issue.path.join('.')}: ${issue.message}`);
  }
  return parsed.data;
}
