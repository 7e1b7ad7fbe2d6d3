// Shared by both silence stores (kept apart so the in-memory store does not load the AWS SDK).
import type { Silence } from '../core/silence.ts';

/** Deterministic order: earliest start first (compared as instants), then id. */
export function bySilenceStart(a: Silence, b: Silence): number {
  const diff = Date.parse(a.startsAt) - Date.parse(b.startsAt);
  if (diff !== 0 && !Number.isNaN(diff)) return diff;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
