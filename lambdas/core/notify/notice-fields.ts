// What the HTTP sinks (PagerDuty, Opsgenie, Splunk On-Call, webhooks) show of a notice: a key that merges
// retries, a one-line headline that leads with the held count, the readable body and the top held incidents.
// Every text is redacted here, whatever the caller did.
import { redactText } from '../redact.ts';
import type { Notice } from './notifier.ts';

/** Stable per notice: the storm key for a storm notice, else the thread id (a retry merges instead of paging twice). */
export function noticeKey(notice: Notice): string {
  return notice.storm?.key ?? `metis-notice:${notice.threadId}`;
}

/** "[SEV1] 90 incidents held on pagerduty: ..." for a storm; the title otherwise. Callers cut it to the vendor's limit. */
export function noticeHeadline(notice: Notice): string {
  const test = notice.test ? '[TEST] ' : '';
  const storm = notice.storm;
  const text = storm
    ? `${storm.held} incidents held on ${storm.sink}: more than ${storm.budget} notifications a minute since ${storm.minute.slice(11, 16)} UTC; top: ${topHeld(notice)}`
    : notice.title;
  return redactText(`${test}[${notice.severity}] ${text}`);
}

/** The notice's readable lines, one paragraph. */
export function noticeBody(notice: Notice): string {
  return redactText([notice.title, ...notice.lines].join('\n'));
}

/** "SEV1 rule:a, SEV2 rule:b and 85 more" (empty for a notice that is not a storm). */
export function topHeld(notice: Notice): string {
  const storm = notice.storm;
  if (!storm) return '';
  const named = storm.top.map((i) => `${i.severity} ${i.dedupKey}`).join(', ');
  const more = storm.held > storm.top.length ? ` and ${storm.held - storm.top.length} more` : '';
  return redactText(`${named}${more}`);
}
