// In-memory incident store with the same conditional-write contract as the DynamoDB one, for the CLI,
// the demo and unit tests. Values are deep-copied in and out so a caller mutating an incident it read
// cannot change the store behind a version check (as with a real database).
import type { Incident } from '../core/incident.ts';
import type { IncidentStore } from '../core/ports.ts';
import type { SignalSource } from '../core/signal.ts';
import { byOpenedAt } from './incident-order.ts';
import { awaitsReopenCheck, owesSweep } from '../core/owed.ts';

export class MemoryIncidentStore implements IncidentStore {
  private readonly items = new Map<string, Incident>();

  constructor(initial: readonly Incident[] = []) {
    for (const incident of initial) this.items.set(incident.dedupKey, withoutUndefined(incident));
  }

  async get(dedupKey: string): Promise<Incident | undefined> {
    const item = this.items.get(dedupKey);
    return item === undefined ? undefined : structuredClone(item);
  }

  async listOpen(source?: SignalSource): Promise<Incident[]> {
    return [...this.items.values()]
      .filter((item) => item.status === 'open' && (source === undefined || item.source === source))
      .map((item) => structuredClone(item))
      .sort(byOpenedAt);
  }

  async listOwed(): Promise<Incident[]> {
    return [...this.items.values()]
      .filter((item) => item.status === 'resolved' && owesSweep(item))
      .map((item) => structuredClone(item))
      .sort(byOpenedAt);
  }

  async listWatched(source: SignalSource): Promise<Incident[]> {
    return [...this.items.values()]
      .filter((item) => item.source === source && (item.status === 'open' || awaitsReopenCheck(item)))
      .map((item) => structuredClone(item))
      .sort(byOpenedAt);
  }

  async put(incident: Incident, expectedVersion: number | undefined): Promise<boolean> {
    const current = this.items.get(incident.dedupKey);
    if (expectedVersion === undefined ? current !== undefined : current?.version !== expectedVersion) return false;
    this.items.set(incident.dedupKey, withoutUndefined(incident));
    return true;
  }

  /** Every stored incident, open or resolved (for the CLI's output and tests). */
  all(): Incident[] {
    return [...this.items.values()].map((item) => structuredClone(item)).sort(byOpenedAt);
  }
}

/**
 * A deep copy without undefined values, as DynamoDB stores it (removeUndefinedValues), so a field set
 * to undefined reads back absent from either store.
 */
function withoutUndefined<T>(value: T): T {
  if (Array.isArray(value)) return value.filter((item) => item !== undefined).map(withoutUndefined) as T;
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) if (item !== undefined) copy[key] = withoutUndefined(item);
    return copy as T;
  }
  return typeof value === 'object' && value !== null ? structuredClone(value) : value;
}
