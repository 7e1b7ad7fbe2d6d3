// Latched rules (a breached bill cap): the calendar never resolves them. When a new day or month starts
// at $0 the detector finds the subject healthy, but the money is spent and on-call may not have seen
// the page yet. The healthy verdict is written on the timeline once per rollover ("period ended; the
// breach stands") and resolves the incident only after the hold; a person resolves it sooner
// (`incidents resolve` sends a `manual` resolve, which is never held).
import type { Incident } from './incident.ts';
import type { RouterSettings } from './router-settings.ts';
import type { Signal } from './signal.ts';

const HOUR = 3_600_000;

/** When a latched incident may resolve on a detector's evidence: `holdHours` after it last fired; undefined if the rule does not latch. */
export function latchEndsAt(
  incident: Pick<Incident, 'rule' | 'lastSignal'>,
  settings: Pick<RouterSettings, 'latchHours'>,
): Date | undefined {
  const hours = settings.latchHours?.[incident.rule];
  if (hours === undefined) return undefined;
  return new Date(Date.parse(incident.lastSignal.observedAt) + hours * HOUR);
}

/**
 * The open incident kept open by its latch (timeline noted once), or undefined when `resolve` may close it:
 * the rule does not latch, the resolve comes from a person or another source, or the hold has passed.
 */
export function holdLatched(
  open: Incident,
  resolve: Signal,
  now: Date,
  settings: Pick<RouterSettings, 'latchHours'>,
): { next: Incident; changed: boolean } | undefined {
  if (resolve.source !== open.source) return undefined; // `manual`: a person decided
  const endsAt = latchEndsAt(open, settings);
  if (!endsAt || now.getTime() >= endsAt.getTime()) return undefined;
  if (open.latchedAt) return { next: open, changed: false };
  const next = structuredClone(open);
  next.latchedAt = now.toISOString();
  next.updatedAt = now.toISOString();
  next.timeline.push({
    at: now.toISOString(),
    event: `period ended; the breach stands: ${open.rule} ${open.subject} found under its cap again (${resolve.summary}), stays open until resolved by hand (incidents resolve) or ${endsAt.toISOString()}`,
  });
  return { next, changed: true };
}
