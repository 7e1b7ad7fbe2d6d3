// The demo's printout of one step: its header in UTC and in the business-hours zone, each delivery, and
// under the first delivery of each incident and action a "why" line. A routing decision says which rule
// and policy row chose its sinks (demo-why.ts); everything else (a resolve, a reminder, the escalation)
// quotes the incident's own timeline entry for that moment, the reason the router recorded.
import { zonedTime } from '../lambdas/core/business-hours.ts';
import type { Config } from '../lambdas/core/config.ts';
import type { Delivery, Incident } from '../lambdas/core/incident.ts';
import type { DemoStep } from './demo-scenario.ts';
import { whyLine } from './demo-why.ts';

/** The moment a step happens, as an operator in the business-hours zone reads it. */
export function stepHeader(step: Pick<DemoStep, 'at' | 'title'>, config: Config): string {
  const local = zonedTime(step.at, config.businessHours.timezone);
  return `== ${step.at.toISOString()} (${local.weekday} ${local.time} ${config.businessHours.timezone})  ${step.title}`;
}

/** Steps in the order they happen (stable: steps at the same instant keep their order). */
export function inTimeOrder<T extends { at: Date }>(steps: readonly T[]): T[] {
  return [...steps].sort((a, b) => a.at.getTime() - b.at.getTime());
}

const TIMELINE_REASON: Partial<Record<Delivery['action'], RegExp>> = {
  resolve: /^resolved/,
  remind: /^status update due/,
  escalate: /^escalated/,
};

function recorded(incident: Incident | undefined, at: Date, pattern: RegExp): string | undefined {
  const iso = at.toISOString();
  return incident?.timeline.filter((entry) => entry.at === iso && pattern.test(entry.event)).at(-1)?.event;
}

/** Why this delivery happened at this step. */
export function whyOf(
  delivery: Pick<Delivery, 'action' | 'severity' | 'dedupKey'>,
  incident: Incident | undefined,
  step: Pick<DemoStep, 'at' | 'sweep'>,
  config: Config,
): string {
  const rule = incident?.rule ?? delivery.dedupKey.split(':')[0]!;
  // A trigger from the sweeper is the escalation itself, not a new routing decision.
  const pattern = delivery.action === 'trigger' && step.sweep ? TIMELINE_REASON.escalate : TIMELINE_REASON[delivery.action];
  if (delivery.action === 'trigger' && !step.sweep) return whyLine(rule, delivery.severity, step.at, config);
  const reason = pattern && recorded(incident, step.at, pattern);
  return `why: rule ${rule}; ${reason ?? `${delivery.action} ${delivery.severity}`}`;
}

/** The why of a SEV4 digest post (its id is digest#<rule>#<day>). */
export function digestWhy(id: string): string {
  const [, rule, day] = id.split('#');
  return `why: rule ${rule} is SEV4: its occurrences of ${day} fold into one chatops digest, posted by the first sweep after midnight UTC (never a page)`;
}

/** The printed lines of one step's deliveries, a why under the first delivery of each incident and action. */
export function deliveryLines(
  deliveries: readonly Pick<Delivery, 'action' | 'severity' | 'dedupKey' | 'sink'>[],
  incidents: ReadonlyMap<string, Incident>,
  step: Pick<DemoStep, 'at' | 'sweep'>,
  config: Config,
): string[] {
  const lines: string[] = [];
  const explained = new Set<string>();
  for (const d of deliveries) {
    lines.push(`   ${d.severity} -> ${d.sink.padEnd(13)} ${d.action.padEnd(9)} ${d.dedupKey}`);
    // The escalation's triggers and its chatops post share one reason.
    const key = `${d.dedupKey} ${step.sweep && d.action === 'trigger' ? 'escalate' : d.action}`;
    if (explained.has(key)) continue;
    explained.add(key);
    lines.push(`      ${whyOf(d, incidents.get(d.dedupKey), step, config)}`);
  }
  return lines;
}
