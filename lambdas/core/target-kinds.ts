// The runbook's three clocks by name: kept apart from their computation (targets.ts reads the config's
// business hours) so renderers can name a target without depending on the config.
import type { TargetKind } from './incident.ts';

export const TARGET_KINDS: readonly TargetKind[] = ['ack', 'mitigate', 'resolve'];

const FIELD: Record<TargetKind, 'ackBy' | 'mitigateBy' | 'resolveBy'> = { ack: 'ackBy', mitigate: 'mitigateBy', resolve: 'resolveBy' };

/** The incident's `targets` field that holds a clock's instant. */
export function targetField(kind: TargetKind): 'ackBy' | 'mitigateBy' | 'resolveBy' {
  return FIELD[kind];
}

/** How a post names the clock ("mitigation target missed"). */
export const TARGET_LABEL: Record<TargetKind, string> = { ack: 'ack', mitigate: 'mitigation', resolve: 'resolution' };
