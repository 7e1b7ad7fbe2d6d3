// A notice (the grouped storm notification) as one PagerDuty trigger: dedup_key = the storm key, so a
// retry or a second sweeper merges into the same PagerDuty incident; custom_details list the top held.
import type { RenderSettings } from '../notifier.ts';
import { MAX_DEDUP_KEY, MAX_SUMMARY, oneLine, toPagerDutySeverity } from '../../signal.ts';
import { noticeBody, noticeHeadline, noticeKey } from '../notice-fields.ts';
import type { Notice } from '../notifier.ts';
import type { PagerDutyEvent } from './event.ts';
import { boundedDetails, PAGERDUTY_CLIENT } from './render.ts';

export function pagerDutyNoticeEvent(notice: Notice, settings: RenderSettings, now: Date): PagerDutyEvent {
  const storm = notice.storm;
  return {
    event_action: 'trigger',
    dedup_key: noticeKey(notice).slice(0, MAX_DEDUP_KEY),
    payload: {
      summary: oneLine(noticeHeadline(notice), MAX_SUMMARY),
      source: oneLine(`${settings.name}/router`, 255),
      severity: toPagerDutySeverity(notice.severity),
      timestamp: now.toISOString(),
      component: storm ? storm.sink : notice.rule,
      group: 'metis-alerts',
      class: notice.rule,
      custom_details: boundedDetails({
        ...(storm
          ? { heldIncidents: storm.held, sink: storm.sink, budgetPerMinute: storm.budget, since: storm.minute, topHeld: storm.top }
          : {}),
        notice: noticeBody(notice),
        ...(notice.test ? { test: true } : {}),
      }),
    },
    links: [{ href: settings.runbookBaseUrl, text: 'Incident runbook' }],
    client: PAGERDUTY_CLIENT,
    client_url: settings.runbookBaseUrl,
  };
}
