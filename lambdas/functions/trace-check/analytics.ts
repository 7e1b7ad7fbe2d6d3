// The trace check's side of analytics_drift: the window from the snapshot's time, one fetch of
// /analytics/by_key for it, and the input core compares. A fetch that throws (a bug, an SSM outage) is
// an unavailable answer like any other: analytics_unavailable, never a failed trace check.
import {
  analyticsWindow,
  type AnalyticsConfig,
  type AnalyticsFetch,
  type AnalyticsInput,
  type AnalyticsWindow,
} from '../../core/trace-db/analytics-drift.ts';
import type { SnapshotMeta } from '../../core/trace-db/context.ts';
import { displayUrl } from '../../core/probe/result.ts';
import { errorMessage } from '../../core/errors.ts';

export interface AnalyticsDeps {
  config: AnalyticsConfig;
  /** GET /analytics/by_key for the window (HttpAnalyticsSource.byKey with the SSM headers). */
  fetch: (window: AnalyticsWindow) => Promise<AnalyticsFetch>;
}

export async function analyticsInput(deps: AnalyticsDeps, now: Date, meta: SnapshotMeta): Promise<AnalyticsInput> {
  const window = analyticsWindow(now, meta.takenAt, deps.config);
  let fetched: AnalyticsFetch;
  try {
    fetched = await deps.fetch(window);
  } catch (error) {
    fetched = { kind: 'unavailable', reason: errorMessage(error) };
  }
  return { config: deps.config, window, fetched, url: displayUrl(deps.config.url) };
}
