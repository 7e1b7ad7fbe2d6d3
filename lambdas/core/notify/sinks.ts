// Which concrete sinks a policy selection reaches. The policy has three switches per severity and time:
// `pagerduty` stands for every HTTP paging provider configured (PagerDuty, Opsgenie, Splunk On-Call),
// which follow the severity policy together; `page` is the SNS page topic; `chatops` is the chatops topic
// plus every webhook (they get everything chatops gets).
import type { SinkSelection } from '../config.ts';
import type { Sink } from '../incident.ts';
import { SINKS } from '../incident.ts';
import type { RouterSettings } from '../router-settings.ts';

export const PAGING_PROVIDERS = ['pagerduty', 'opsgenie', 'splunk-oncall'] as const;
export type PagingProvider = (typeof PAGING_PROVIDERS)[number];

export function isPagingProvider(sink: Sink): sink is PagingProvider {
  return (PAGING_PROVIDERS as readonly string[]).includes(sink);
}

export function isWebhook(sink: Sink): sink is `webhook:${string}` {
  return sink.startsWith('webhook:');
}

export function webhookSink(name: string): Sink {
  return `webhook:${name}`;
}

/** Planning order: paging providers, page topic, chatops, webhooks. */
export function orderSinks(sinks: Iterable<Sink>): Sink[] {
  const rank = (sink: Sink): number =>
    isPagingProvider(sink) ? PAGING_PROVIDERS.indexOf(sink) : sink === 'page' ? 10 : sink === 'chatops' ? 11 : 12;
  return [...new Set(sinks)].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

/** The sinks this router can deliver to; without an explicit list, the classic three. */
export function activeSinks(settings: RouterSettings): readonly Sink[] {
  return settings.activeSinks ?? SINKS;
}

export function expandSelection(selection: SinkSelection, active: readonly Sink[]): Sink[] {
  return orderSinks(
    active.filter((sink) => (isPagingProvider(sink) ? selection.pagerduty : sink === 'page' ? selection.page : selection.chatops)),
  );
}
