// The PagerDuty sink: Events API v2 (`POST {eventsUrl}`), routing key in the body, dedup_key = the incident.
import type { Incident } from '../../incident.ts';
import { SECRET, standardRetryRules, type HttpCall, type HttpSender } from '../http-call.ts';
import type { Notifier } from '../notifier.ts';
import type { PagerDutyEvent } from './event.ts';
import { pagerDutyNoticeEvent } from './notice.ts';
import { pagerDutyEvent } from './render.ts';

export const DEFAULT_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';
/** 202 accepted; 400 invalid event (final); 429 throttled (about 120 events a minute per integration) and 5xx retry. */
export const PAGERDUTY_RULES = standardRetryRules('PagerDuty', 'routing key');

export function pagerDutyCall(event: PagerDutyEvent, eventsUrl: string): HttpCall {
  return {
    method: 'POST',
    url: eventsUrl,
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: { routing_key: SECRET, ...event },
  };
}

export function pagerDutyNotifier(sender: HttpSender, eventsUrl: string = DEFAULT_EVENTS_URL): Notifier {
  return {
    raisesPipelineHealth: true,
    deliver: (incident: Incident, delivery, { settings, retryBudget }) =>
      sender.send(pagerDutyCall(pagerDutyEvent(incident, delivery, settings), eventsUrl), PAGERDUTY_RULES, retryBudget),
    announce: (notice, { settings, now, retryBudget }) =>
      sender.send(pagerDutyCall(pagerDutyNoticeEvent(notice, settings, now), eventsUrl), PAGERDUTY_RULES, retryBudget),
  };
}
