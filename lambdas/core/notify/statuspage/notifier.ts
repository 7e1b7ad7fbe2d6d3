// The `statuspage` sink (only configured with `autoPublish: true`): sends the status draft to Atlassian
// Statuspage and keeps the id of the incident it created, so later changes update that one.
import type { SendOutcome } from '../ports.ts';
import type { HttpSender } from '../http-call.ts';
import type { Notifier } from '../notifier.ts';
import { STATUSPAGE_RULES, statuspageCall, type StatuspageTarget } from './call.ts';

export function statuspageNotifier(sender: HttpSender, target: StatuspageTarget): Notifier {
  return {
    raisesPipelineHealth: true,
    deliver: async (incident, delivery, { settings, now, retryBudget }) => {
      const call = statuspageCall(incident, delivery, settings, now, target);
      // A resolve waits for the create still being retried rather than being lost; anything else the
      // planner never sends here (routing-policy.ts plans only what publishesToStatuspage allows).
      if ('skip' in call && call.superseded) return { ok: true, superseded: call.skip };
      if ('skip' in call) return { ok: false, retryable: call.waiting, kind: call.waiting ? 'transient' : 'rejected', reason: call.skip };
      const outcome = await sender.send(call, STATUSPAGE_RULES, retryBudget);
      return call.method === 'POST' ? withCreatedId(outcome) : outcome;
    },
  };
}

/** The created incident's id from Statuspage's answer; a 2xx without one cannot be updated later, so it is a rejection. */
function withCreatedId(outcome: SendOutcome): SendOutcome {
  if (!outcome.ok) return outcome;
  const id = (outcome.reply as { id?: unknown } | undefined)?.id;
  if (typeof id !== 'string' || id === '')
    return { ok: false, retryable: false, kind: 'rejected', reason: 'Statuspage answered the create without an incident id' };
  return { ok: true, learned: { statuspageIncidentId: id } };
}
