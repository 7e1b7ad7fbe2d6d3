// Which concrete sinks a policy selection reaches. The policy has three switches per severity and time;
// each sink follows the one its spec names (sink-catalog.ts): `paging` stands for every HTTP paging
// provider configured (PagerDuty, Opsgenie, Splunk On-Call), which follow the severity policy together;
// `page` is the SNS page topic; `chatops` is the chatops topic plus every sink that gets everything
// chatops gets (webhooks). A sink whose column is `none` is never in this fan-out: it is paged only by name.
import type { SinkSelection } from '../config.ts';
import type { Sink } from '../incident.ts';
import { SINKS } from '../incident.ts';
import type { RouterSettings } from '../router-settings.ts';
import { SINK_SPECS } from './registry.ts';
import { specOf } from './sink-catalog.ts';
import type { PolicyColumn } from './spec.ts';

export function isPagingProvider(sink: Sink): boolean {
  return specOf(sink)?.policyColumn === 'paging';
}

function columnOf(sink: Sink): PolicyColumn {
  return specOf(sink)?.policyColumn ?? 'none';
}

/** Planning order: the registry's order (paging providers, topics, list sinks), then by name. */
export function orderSinks(sinks: Iterable<Sink>): Sink[] {
  const rank = (sink: Sink): number => {
    const spec = specOf(sink);
    return spec ? SINK_SPECS.indexOf(spec as (typeof SINK_SPECS)[number]) : SINK_SPECS.length;
  };
  return [...new Set(sinks)].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

/** The sinks this router can deliver to; without an explicit list, the classic three. */
export function activeSinks(settings: RouterSettings): readonly Sink[] {
  return settings.activeSinks ?? SINKS;
}

export function expandSelection(selection: SinkSelection, active: readonly Sink[]): Sink[] {
  return orderSinks(
    active.filter((sink) => {
      const column = columnOf(sink);
      return column !== 'none' && selection[column];
    }),
  );
}
