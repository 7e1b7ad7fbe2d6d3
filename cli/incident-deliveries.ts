// What the deployed router did with an incident a command sent it (test-page, incidents resolve): the
// incident read back from the table until its deliveries of one action are answered, and each sink's
// outcome as an operator reads it.
import type { DeliveryRecord, Incident } from '../lambdas/core/incident.ts';

export type SinkOutcome = 'delivered' | 'pending' | { error: string };

export interface IncidentReader {
  incident(dedupKey: string): Promise<Incident | undefined>;
  sleep(ms: number): Promise<void>;
}

const POLL_MS = 1000;

/**
 * Reads the incident until `done` says so, or `timeoutMs` (wall clock: this waits on the deployed
 * router) has passed; the last reading either way.
 */
export async function pollIncident(
  dedupKey: string,
  done: (incident: Incident | undefined) => boolean,
  deps: IncidentReader,
  timeoutMs: number,
): Promise<Incident | undefined> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const last = await deps.incident(dedupKey);
    if (done(last) || Date.now() >= until) return last;
    await deps.sleep(POLL_MS);
  }
}

/** Whether the incident owes `action` deliveries and every one of them has an answer (sent or failed). */
export function answered(incident: Incident | undefined, action: DeliveryRecord['action']): boolean {
  const owed = incident?.deliveries.filter((d) => d.action === action) ?? [];
  return owed.length > 0 && owed.every((d) => d.status !== 'pending');
}

export function outcomeOf(d: DeliveryRecord): SinkOutcome {
  if (d.status === 'sent') return 'delivered';
  if (d.status === 'pending') return 'pending';
  return { error: d.error ?? d.status };
}

export function showOutcome(o: SinkOutcome | undefined): string {
  return o === undefined ? 'not owed' : typeof o === 'string' ? o : `ERROR ${o.error}`;
}
