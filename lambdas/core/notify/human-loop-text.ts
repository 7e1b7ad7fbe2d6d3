// The lines the human loop adds to a post or page (every sink renders them the same way): a missed
// target, a page to the secondary, an episode reopened after a person resolved it, an ack given or withdrawn.
import { clockTime } from '../evidence.ts';
import type { DeliveryRecord, Incident } from '../incident.ts';
import { TARGET_LABEL, targetField } from '../target-kinds.ts';
import { VIA_LABEL } from '../human/action.ts';

/** A trigger planned by a missed ack target (its id carries the `secondary` tag). */
export function isSecondaryPage(delivery: Pick<DeliveryRecord, 'action' | 'id'>): boolean {
  return delivery.action === 'trigger' && delivery.id.endsWith(':secondary');
}

/** The human-loop line of a delivery, or undefined when it has none. */
export function humanLoopLine(incident: Incident, delivery: DeliveryRecord): string | undefined {
  if (delivery.action === 'target-missed' && delivery.target) {
    const due = incident.targets?.[targetField(delivery.target)];
    const when = due ? ` (due ${clockTime(due)})` : '';
    if (delivery.target === 'ack')
      return incident.escalatedAt && secondaryPaged(incident)
        ? `Ack target missed${when}: nobody acknowledged this ${delivery.severity}. Paging the secondary now.`
        : `Ack target missed${when}: nobody acknowledged this ${delivery.severity}, and no secondary is configured: acknowledge it or hand it over.`;
    return `${capitalize(TARGET_LABEL[delivery.target])} target missed${when}: still open. Runbook: if you blow the box, escalate (page secondary, open a war room).`;
  }
  if ((delivery.action === 'acknowledged' || delivery.action === 'unacknowledged') && delivery.human) {
    const { by, via, at } = delivery.human;
    const who = `${by} (${VIA_LABEL[via]}) at ${clockTime(at)}`;
    if (delivery.action === 'acknowledged')
      return `Acknowledged by ${who}: a person has this ${delivery.severity}; status is now Identified.`;
    const due = incident.targets?.ackBy;
    const clock =
      due && !incident.missedTargets?.ack && Date.parse(due) > Date.parse(at) ? ` The ack target (${clockTime(due)}) counts again.` : '';
    return `Ack withdrawn by ${who}: nobody has this ${delivery.severity} now.${clock}`;
  }
  if (isSecondaryPage(delivery)) {
    const due = incident.targets?.ackBy;
    return `Secondary page: the ${delivery.severity} ack target${due ? ` (${clockTime(due)})` : ''} passed with nobody acknowledging.`;
  }
  if (delivery.action === 'trigger' && incident.reopenedBecause) return `${capitalize(incident.reopenedBecause)}.`;
  return undefined;
}

function secondaryPaged(incident: Incident): boolean {
  return incident.deliveries.some((d) => d.id.startsWith(`${incident.episode}:`) && isSecondaryPage(d));
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
