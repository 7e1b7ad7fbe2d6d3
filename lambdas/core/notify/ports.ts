// What a notifier hands to its transport and gets back (the SNS topics' port and every send's outcome).
// Owned by the core like ports.ts, kept apart so the sink specs (which the config schema is built from)
// depend on nothing that depends on the config.
import type { Incident } from '../incident.ts';

export type SendOutcome =
  | {
      ok: true;
      /** The sink's parsed JSON answer, when its call asked for it (`readReply`). */
      reply?: unknown;
      /** What the answer adds to the incident: the Statuspage incident it created. */
      learned?: Pick<Incident, 'statuspageIncidentId'>;
      /** Nothing was sent, and nothing needs to be: a newer delivery carries it (why, for the record). */
      superseded?: string;
    }
  /** `retryable` false: do not try again (400 from PagerDuty, routing key missing). */
  | { ok: false; retryable: boolean; reason: string; kind: 'rejected' | 'config' | 'transient' };

/** The SNS topics a topic sink publishes to; `page-secondary` exists only when configured. */
export type TopicName = 'page' | 'chatops' | 'page-secondary';

export interface SnsMessage {
  /** At most 100 printable ASCII chars, no line breaks. */
  subject: string;
  body: string;
  /** Message attributes for subscription filter policies. */
  attributes: { severity: string; rule: string; status: string };
  /**
   * Per-protocol bodies (SNS `MessageStructure: "json"`): Chatbot reads `https` (else `default`), e-mail
   * subscribers `email`, SMS `sms`. Absent: `body` goes to every protocol.
   */
  structured?: { default: string; https?: string; email?: string; sms?: string };
}

export interface NotificationPublisher {
  publish(topic: TopicName, message: SnsMessage): Promise<SendOutcome>;
}
