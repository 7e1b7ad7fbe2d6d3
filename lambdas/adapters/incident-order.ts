// Shared by both incident stores (kept apart so the in-memory store does not load the AWS SDK).
import type { Incident } from '../core/incident.ts';

/** Deterministic order (oldest first, then key) so callers and tests do not depend on scan order. */
export function byOpenedAt(a: Incident, b: Incident): number {
  // Compared as instants (docs/operations-notes.md, sql.js: never as raw strings).
  const diff = Date.parse(a.openedAt) - Date.parse(b.openedAt);
  if (diff !== 0 && !Number.isNaN(diff)) return diff;
  return a.dedupKey < b.dedupKey ? -1 : a.dedupKey > b.dedupKey ? 1 : 0;
}
