// The PagerDuty sink's transport as the router builds it (HttpTransport + the PagerDuty call and rules),
// behind the enqueue(event) shape the PagerDuty transport tests speak.
import { HttpTransport, type HttpTransportOptions } from '../../../lambdas/adapters/notify/http-transport.ts';
import type { PagerDutyEvent } from '../../../lambdas/core/notify/pagerduty/event.ts';
import { PAGERDUTY_RULES, pagerDutyCall } from '../../../lambdas/core/notify/pagerduty/notifier.ts';
import type { SendOutcome } from '../../../lambdas/core/notify/ports.ts';

export interface PagerDutyClientOptions extends Omit<HttpTransportOptions, 'sink' | 'secret'> {
  eventsUrl: string;
  routingKey: () => Promise<string | undefined>;
}

export function pagerDutyClient(options: PagerDutyClientOptions): {
  enqueue(event: PagerDutyEvent, retryBudget?: () => Promise<boolean>): Promise<SendOutcome>;
} {
  const { eventsUrl, routingKey, ...rest } = options;
  const transport = new HttpTransport({ ...rest, sink: 'pagerduty', secret: routingKey });
  return { enqueue: (event, retryBudget) => transport.send(pagerDutyCall(event, eventsUrl), PAGERDUTY_RULES, retryBudget) };
}
