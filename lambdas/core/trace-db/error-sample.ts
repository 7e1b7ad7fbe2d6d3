// The minimum sample of the error-rate rules. `minCalls` keeps a few unlucky calls from paging as a
// large percentage; `minErrors` makes sure that guard never hides a total failure: once the window
// holds that many errors, the share is judged whatever the number of calls.
import { round } from './context.ts';

export interface ErrorSampleConfig {
  minCalls: number;
  minErrors: number;
}

/** The details every error-rate finding starts with: its share against the threshold and guards, and the counts. */
export function errorShareDetails(calls: number, errors: number, cfg: ErrorSampleConfig & { threshold: number }, window: unknown) {
  const share = errors / calls;
  return {
    value: round(share, 6),
    threshold: cfg.threshold,
    minCalls: cfg.minCalls,
    minErrors: cfg.minErrors,
    window,
    calls,
    errors,
    errorPct: round(share * 100, 2),
  };
}

/** Whether the window holds enough calls, or enough errors, to judge its error share. */
export function enoughSample(calls: number, errors: number, cfg: ErrorSampleConfig): boolean {
  return calls >= cfg.minCalls || errors >= cfg.minErrors;
}

/** Which guard let the share be judged, for the summary. */
export function sampleRule(calls: number, cfg: ErrorSampleConfig): string {
  return calls >= cfg.minCalls ? `min ${cfg.minCalls} calls` : `below ${cfg.minCalls} calls but at least ${cfg.minErrors} errors`;
}
