// Acknowledgements in a `route --signals` backtest: a line `{"ack": DEDUP_KEY, "at": ISO, "by": NAME}`
// (optionally `"via"`, `"note"`) acknowledges that incident at that time, as a person would through a
// provider, the page's link or `incidents ack`. Kept to this one file so a richer intake merges here.
import type { HumanVia, Incident } from '../../lambdas/core/incident.ts';
import type { IncidentStore } from '../../lambdas/core/ports.ts';
import { UsageError } from '../errors.ts';

export interface AckLine {
  dedupKey: string;
  at: number;
  by: string;
  via: HumanVia;
  note?: string;
}

const VIAS: readonly HumanVia[] = ['pagerduty', 'opsgenie', 'splunk-oncall', 'link', 'cli'];

export function isAckLine(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && 'ack' in value;
}

/** An ack line, or a UsageError naming what is wrong with it. */
export function parseAckLine(raw: Record<string, unknown>, origin: string, index: number): AckLine {
  const where = `${origin}: entry ${index + 1}`;
  if (typeof raw.ack !== 'string' || raw.ack === '') throw new UsageError(`${where}: "ack" must be the incident's dedup key`);
  const at = typeof raw.at === 'string' && /(Z|[+-]\d\d:\d\d)$/.test(raw.at) ? Date.parse(raw.at) : Number.NaN;
  if (Number.isNaN(at)) throw new UsageError(`${where}: "at" must be an ISO time with its zone (e.g. 2026-11-28T03:10:00Z)`);
  if (typeof raw.by !== 'string' || raw.by.trim() === '') throw new UsageError(`${where}: "by" must name who acknowledged`);
  const via = raw.via ?? 'cli';
  if (!VIAS.includes(via as HumanVia)) throw new UsageError(`${where}: "via" must be one of ${VIAS.join(', ')}`);
  return {
    dedupKey: raw.ack,
    at,
    by: raw.by.trim().slice(0, 100),
    via: via as HumanVia,
    ...(typeof raw.note === 'string' ? { note: raw.note.slice(0, 500) } : {}),
  };
}

/** Records the ack on the open incident (the first one counts); returns what happened, for the replay's log. */
export async function applyAck(store: IncidentStore, line: AckLine): Promise<'acknowledged' | 'already' | 'not-open'> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const existing = await store.get(line.dedupKey);
    if (existing?.status !== 'open') return 'not-open';
    if (existing.ack) return 'already';
    const at = new Date(line.at).toISOString();
    const next: Incident = structuredClone(existing);
    next.ack = { at, by: line.by, via: line.via, ...(line.note ? { note: line.note } : {}) };
    next.timeline.push({ at, event: `ack by ${line.by} (${line.via})` });
    next.updatedAt = at;
    next.version = existing.version + 1;
    if (await store.put(next, existing.version)) return 'acknowledged';
  }
  return 'already';
}
