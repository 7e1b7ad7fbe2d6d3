// The "why" under each incident the demo notifies: which rule fired, which row of the routing policy
// applied (severity, in or out of business hours, in the config's zone) and when it escalates, the same
// answer `metis-alerts routes --severity SEVn --at ISO --rule R` gives.
import { routesFor } from '../cli/commands/routes.ts';
import { isBusinessHours, zonedTime } from '../lambdas/core/business-hours.ts';
import type { Config } from '../lambdas/core/config.ts';
import type { Severity } from '../lambdas/core/signal.ts';

function clock(at: Date, config: Config): string {
  const t = zonedTime(at, config.businessHours.timezone);
  return `${t.weekday} ${t.time}`;
}

export function whyLine(rule: string, severity: Severity, at: Date, config: Config): string {
  const hours = isBusinessHours(at, config.businessHours) ? 'in hours' : 'out of hours';
  const answer = routesFor(severity, at, config, rule);
  if (answer.silencedBy) return `why: rule ${rule}; silenced by maintenance window ${answer.silencedBy}`;
  const now = answer.sinks.length ? answer.sinks.join(', ') : 'no sink';
  const escalation = answer.escalation
    ? `; escalates at ${clock(new Date(answer.escalation.at), config)} if still firing: ${answer.escalation.sinks.join(', ')}`
    : '';
  return `why: rule ${rule}; policy ${severity} ${hours} (${clock(at, config)} ${config.businessHours.timezone}): ${now}${escalation}`;
}
