// The runbook's ack / mitigation / resolution targets of one incident episode, as instants: computed at
// open and at an upgrade from `routing.targets`, in wall-clock or business time (business-time.ts).
import { addBusinessMinutes, businessDayMinutes } from './business-time.ts';
import type { Incident } from './incident.ts';
import type { RouterSettings } from './router-settings.ts';
import type { Severity } from './signal.ts';
import { parseTargetDuration } from './target-duration.ts';
import { TARGET_KINDS, targetField } from './target-kinds.ts';

type Settings = Pick<RouterSettings, 'routing' | 'businessHours'>;

/** The instant a target clock of `text` started at `from` runs out, or undefined for "none". */
export function targetInstant(from: Date, text: string, settings: Pick<Settings, 'businessHours'>): Date | undefined {
  const duration = parseTargetDuration(text);
  if (!duration) return undefined;
  if (duration.kind === 'wall') return new Date(from.getTime() + duration.minutes * 60_000);
  const minutes = duration.kind === 'business' ? duration.minutes : duration.days * businessDayMinutes(settings.businessHours);
  return addBusinessMinutes(from, minutes, settings.businessHours);
}

/** A severity's targets counted from `from`. */
export function targetsAt(severity: Severity, from: Date, settings: Settings): NonNullable<Incident['targets']> {
  const clocks = settings.routing.targets[severity];
  const targets: NonNullable<Incident['targets']> = {};
  for (const kind of TARGET_KINDS) {
    const at = targetInstant(from, clocks[kind], settings);
    if (at) targets[targetField(kind)] = at.toISOString();
  }
  return targets;
}

/**
 * The incident's targets at `now` (its open or an upgrade to its current severity): at an upgrade each target
 * is the earlier of the one it had and the new severity's clock counted from the upgrade.
 */
export function computeTargets(
  incident: Pick<Incident, 'severity' | 'targets'>,
  now: Date,
  settings: Settings,
): NonNullable<Incident['targets']> {
  const fresh = targetsAt(incident.severity, now, settings);
  const before = incident.targets ?? {};
  const merged: NonNullable<Incident['targets']> = {};
  for (const field of TARGET_KINDS.map(targetField)) {
    const candidates = [before[field], fresh[field]].filter((v): v is string => v !== undefined);
    if (candidates.length) merged[field] = candidates.reduce((a, b) => (Date.parse(a) <= Date.parse(b) ? a : b));
  }
  return merged;
}
