// Silences (one-off, from `metis-alerts silence add`) and maintenance windows (recurring, from config):
// a matching signal is recorded on its incident, not notified.
import type { Signal } from './signal.ts';

export interface Silence {
  /** Short unique id, e.g. `sil_01J...`. */
  id: string;
  rule: string;
  /** Absent: every subject of the rule. */
  subject?: string;
  startsAt: string;
  endsAt: string;
  reason: string;
  createdBy: string;
  createdAt: string;
  /** Set when it was ended early with `silence expire`. */
  expiredAt?: string;
  /** Set once the sweeper has posted that it ended. */
  endAnnouncedAt?: string;
}

export function silenceEnd(silence: Silence): number {
  return Math.min(Date.parse(silence.endsAt), silence.expiredAt ? Date.parse(silence.expiredAt) : Number.POSITIVE_INFINITY);
}

export function isActive(silence: Silence, now: Date): boolean {
  return Date.parse(silence.startsAt) <= now.getTime() && now.getTime() < silenceEnd(silence);
}

export function silences(silence: Silence, signal: Pick<Signal, 'rule' | 'subject'>): boolean {
  return silence.rule === signal.rule && (silence.subject === undefined || silence.subject === signal.subject);
}

/** The first active silence covering the signal, if any. */
export function activeSilenceFor(all: Silence[], signal: Pick<Signal, 'rule' | 'subject'>, now: Date): Silence | undefined {
  return all.find((s) => isActive(s, now) && silences(s, signal));
}
