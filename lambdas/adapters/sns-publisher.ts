// Publishes router notifications to the "page" and "chatops" SNS topics. Never throws: a failed
// publish becomes a SendOutcome the router records on the incident (and retries later), so one
// broken sink never stops the others.
import { PublishCommand, type MessageAttributeValue, type SNSClient } from '@aws-sdk/client-sns';
import type { NotificationPublisher, SendOutcome, SnsMessage, TopicName } from '../core/ports.ts';
import { truncateUtf8 } from './truncate.ts';
import { asError, errorMessage } from '../core/errors.ts';

export interface SnsPublisherOptions {
  /**
   * The SDK client already retries throttling and 5xx (standard mode, 3 attempts by default);
   * configure `maxAttempts` on the client, not here.
   */
  readonly client: SNSClient;
  readonly topics: Readonly<Record<TopicName, string>>;
}

/** SNS caps the whole message (body + attributes) at 256 KiB; leave room for the attributes. */
const MAX_BODY_BYTES = 250 * 1024;

/** Errors that the same request would hit again: surfaced as non-retryable. */
const REJECTED = new Set(['InvalidParameterException', 'InvalidParameterValueException', 'InvalidParameter', 'ParameterValueInvalid']);
const CONFIG = new Set([
  'NotFoundException',
  'NotFound',
  'AuthorizationErrorException',
  'AuthorizationError',
  'KMSDisabledException',
  'KMSNotFoundException',
  'KMSAccessDeniedException',
  'KMSInvalidStateException',
]);

export class SnsPublisher implements NotificationPublisher {
  private readonly client: SNSClient;
  private readonly topics: Readonly<Record<TopicName, string>>;

  constructor(options: SnsPublisherOptions) {
    this.client = options.client;
    this.topics = options.topics;
  }

  async publish(topic: TopicName, message: SnsMessage): Promise<SendOutcome> {
    const topicArn = this.topics[topic];
    const attributes: Record<string, MessageAttributeValue> = {};
    for (const [name, value] of Object.entries(message.attributes)) {
      // SNS rejects empty attribute values; an absent attribute simply matches no filter policy.
      if (value) attributes[name] = { DataType: 'String', StringValue: value };
    }
    try {
      await this.client.send(
        new PublishCommand({
          TopicArn: topicArn,
          Subject: safeSubject(message.subject),
          Message: truncateUtf8(message.body, MAX_BODY_BYTES),
          MessageAttributes: attributes,
        }),
      );
      return { ok: true };
    } catch (error) {
      const name = asError(error).name;
      const reason = `SNS publish to ${topic} failed: ${name}: ${errorMessage(error)}`.slice(0, 500);
      if (REJECTED.has(name)) return { ok: false, retryable: false, kind: 'rejected', reason };
      if (CONFIG.has(name)) return { ok: false, retryable: false, kind: 'config', reason };
      return { ok: false, retryable: true, kind: 'transient', reason };
    }
  }
}

/**
 * SNS subjects: ASCII, no line breaks or control characters, fewer than 100 chars. The core already
 * builds such subjects; this guard keeps a stray character from turning a page into a 400.
 */
export function safeSubject(subject: string): string {
  const flat = subject
    .replace(/[^\x20-\x7e]+/g, ' ')
    .replace(/ {2,}/g, ' ')
    .trim();
  const cut = flat.length <= 99 ? flat : `${flat.slice(0, 96)}...`;
  return cut || 'metis-alerts notification';
}
