// The HTTP sinks' part of the config as the router and sweeper receive it (HTTP_SINKS): names of SSM
// parameters and public URLs only.
import type { z } from 'zod';
import { sinksSchema } from '../config.ts';

export const httpSinksSchema = sinksSchema
  .unwrap()
  .pick({ pagerduty: true, opsgenie: true, splunkOnCall: true, webhooks: true, statuspage: true });
export type HttpSinks = z.output<typeof httpSinksSchema>;
