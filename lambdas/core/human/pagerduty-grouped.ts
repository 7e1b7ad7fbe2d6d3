// A PagerDuty incident grouped from several alerts carries no incident_key: the person acted on the incident,
// and each of its alerts is one of ours (alert_key = the dedup_key we sent). This maps the action to the
// incidents those keys name. Pure: the alerts come from the REST API lookup (ports.ts).
import type { HumanAction, UnkeyedAction } from './action.ts';
import type { PagerDutyAlert } from './ports.ts';

/**
 * The lookup's bounds: PagerDuty answers a webhook's delivery within 5 s or retries it, so the pages
 * (at most 100 alerts each, PagerDuty's largest page) are read within 3 s in all, leaving time for the
 * incident writes; a grouped incident with more alerts than this is mapped by its first 500.
 */
export const GROUPED_LOOKUP = { pageSize: 100, maxPages: 5, timeoutMs: 3_000 } as const;

/** Longest dedup key PagerDuty keeps (Events API v2). */
const MAX_KEY = 255;

/**
 * One action per distinct alert key. A resolve closes every alert of the incident, so all keys count;
 * an ack, unack or reassignment concerns the alerts still active: an alert already resolved in a grouped
 * incident is an episode of ours that is over (its key may be open again as a newer episode elsewhere).
 */
export function actionsForGroupedIncident(action: UnkeyedAction, alerts: readonly PagerDutyAlert[]): HumanAction[] {
  const keys = new Set<string>();
  for (const alert of alerts) {
    if (action.kind !== 'resolve' && alert.status === 'resolved') continue;
    if (alert.alertKey === '' || alert.alertKey.length > MAX_KEY) continue;
    keys.add(alert.alertKey);
  }
  return [...keys].map((dedupKey) => ({ ...action, dedupKey }));
}
