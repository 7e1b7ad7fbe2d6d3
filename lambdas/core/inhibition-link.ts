// An inhibited signal is linked to the incident that inhibits it: the inhibitor's timeline names each
// symptom it holds back, and a chatops notifier posts the symptom in the inhibitor's thread, so on-call
// sees in one place everything the outage is hiding.
import type { Incident } from './incident.ts';

/** One chat thread per incident episode: a re-opened incident starts a new thread. */
export function threadKey(dedupKey: string, episode: number): string {
  return `${dedupKey}#${episode}`.slice(0, 255);
}

/** The chatops thread an incident's posts belong in: its inhibitor's while it is suppressed, else its own. */
export function chatopsThreadId(incident: Pick<Incident, 'dedupKey' | 'episode' | 'suppressedThread'>): string {
  return incident.suppressedThread ?? threadKey(incident.dedupKey, incident.episode);
}

/** The inhibitor with the suppressed incident recorded (once per episode of the symptom), or unchanged. */
export function linkInhibited(
  inhibitor: Incident | undefined,
  suppressed: Pick<Incident, 'dedupKey' | 'episode' | 'severity'>,
  now: Date,
): { next: Incident | undefined; changed: boolean } {
  if (inhibitor?.status !== 'open') return { next: inhibitor, changed: false };
  const link = `${suppressed.dedupKey}#${suppressed.episode}`;
  if (inhibitor.inhibits?.includes(link)) return { next: inhibitor, changed: false };
  const next = structuredClone(inhibitor);
  next.inhibits = [...(next.inhibits ?? []), link];
  next.timeline.push({
    at: now.toISOString(),
    event: `inhibits ${suppressed.severity} ${suppressed.dedupKey}: posted to chatops in this incident's thread as suppressed, not paged`,
  });
  return { next, changed: true };
}
