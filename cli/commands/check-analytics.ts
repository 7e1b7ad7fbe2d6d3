// `check --analytics-url URL`: compare the gateway's /analytics/by_key with the local DB, per
// key, over the window the trace-check Lambda would use (config `analytics` fields and window, the URL from
// the flag). A key, if the endpoint wants one, comes from METIS_ANALYTICS_AUTHORIZATION (sent as
// `authorization`), never from a flag. A down or malformed endpoint is an `analytics_unavailable` finding.
import { HttpAnalyticsSource } from '../../lambdas/adapters/http-analytics-source.ts';
import { analyticsSchema, type Config } from '../../lambdas/core/config.ts';
import type { AnalyticsInput } from '../../lambdas/core/trace-db/analytics-drift.ts';
import type { SnapshotMeta } from '../../lambdas/core/trace-db/context.ts';
import { analyticsInput } from '../../lambdas/functions/trace-check/analytics.ts';
import { UsageError } from '../errors.ts';

export async function cliAnalyticsInput(
  url: string,
  config: Config,
  now: Date,
  meta: SnapshotMeta,
  env: Record<string, string | undefined> = process.env,
): Promise<AnalyticsInput> {
  const parsed = analyticsSchema.safeParse({ ...(config.analytics ?? {}), url });
  if (!parsed.success) throw new UsageError(`--analytics-url: expected an http:// or https:// URL, got "${url}"`);
  const analytics = parsed.data;
  const authorization = env.METIS_ANALYTICS_AUTHORIZATION;
  const source = new HttpAnalyticsSource();
  return analyticsInput(
    { config: analytics, fetch: (window) => source.byKey({ ...analytics, window, headers: authorization ? { authorization } : {} }) },
    now,
    meta,
  );
}
