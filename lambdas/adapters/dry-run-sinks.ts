// Sinks for the CLI and the demo: they deliver nothing, succeed, and keep the exact payloads the real
// sinks would have sent so an operator can read what would be paged where.
import type { PagerDutyEvent } from '../core/pagerduty.ts';
import type { NotificationPublisher, PagerDutyClient, SendOutcome, SnsMessage, TopicName } from '../core/ports.ts';

export type DryRunPayload = { sink: 'pagerduty'; event: PagerDutyEvent } | { sink: TopicName; message: SnsMessage };

export class DryRunSinks implements PagerDutyClient, NotificationPublisher {
  readonly payloads: DryRunPayload[] = [];

  async enqueue(event: PagerDutyEvent): Promise<SendOutcome> {
    this.payloads.push({ sink: 'pagerduty', event: structuredClone(event) });
    return { ok: true };
  }

  async publish(topic: TopicName, message: SnsMessage): Promise<SendOutcome> {
    this.payloads.push({ sink: topic, message: structuredClone(message) });
    return { ok: true };
  }
}
