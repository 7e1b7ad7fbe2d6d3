// What an incident still owes its sinks: a delivery that is pending (planned, held or claimed) or failed in
// a way a later attempt may fix. The sweeper retries these on open and resolved incidents alike, and the
// incident table indexes resolved incidents that still owe one (the sparse `owed` index), or that still owe
// a reopen check after a person's resolve (reopen-check.ts): both need the sweeper to come back.
import type { DeliveryRecord, Incident } from './incident.ts';

/** After this many attempts across invocations a delivery stops being retried. */
export const MAX_DELIVERY_ATTEMPTS = 10;

export function isOwed(d: DeliveryRecord): boolean {
  return d.status === 'pending' || (d.status === 'failed' && d.retryable === true && d.attempts < MAX_DELIVERY_ATTEMPTS);
}

export function owesDelivery(incident: Pick<Incident, 'deliveries'>): boolean {
  return incident.deliveries.some(isOwed);
}

/** A resolved incident waiting for its reopen check after a person's resolve (reopen-check.ts). */
export function awaitsReopenCheck(incident: Pick<Incident, 'status' | 'reopenCheckAt'>): boolean {
  return incident.status === 'resolved' && incident.reopenCheckAt !== undefined;
}

/** A resolved incident the sweeper must come back to: a delivery owed, or a reopen check pending. */
export function owesSweep(incident: Pick<Incident, 'status' | 'deliveries' | 'reopenCheckAt'>): boolean {
  return owesDelivery(incident) || awaitsReopenCheck(incident);
}
