// What an incident still owes its sinks: a delivery that is pending (planned, held or claimed) or failed in
// a way a later attempt may fix. The sweeper retries these on open and resolved incidents alike, and the
// incident table indexes resolved incidents that still owe one (the sparse `owed` index).
import type { DeliveryRecord, Incident } from './incident.ts';

/** After this many attempts across invocations a delivery stops being retried. */
export const MAX_DELIVERY_ATTEMPTS = 10;

export function isOwed(d: DeliveryRecord): boolean {
  return d.status === 'pending' || (d.status === 'failed' && d.retryable === true && d.attempts < MAX_DELIVERY_ATTEMPTS);
}

export function owesDelivery(incident: Pick<Incident, 'deliveries'>): boolean {
  return incident.deliveries.some(isOwed);
}
