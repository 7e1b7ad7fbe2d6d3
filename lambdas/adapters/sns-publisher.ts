// Publishes router notifications to the SNS topics (page, chatops, and page-secondary when configured). Never throws: a failed
// publish becomes a SendOutcome the router records on the incident (and retries later), so one
// broken sink never stops the others.
import { PublishCommand, type MessageAttributeValue, type PublishCommandInput, type SNSClient } from '@aws-sdk/client-sns';
import type { NotificationPublisher, SendOutcome, SnsMessage, TopicName } from '../core/notify/ports.ts';
import type { WireTap } from './notify/wire-log.ts';
import { truncateUtf8 } from './truncate.ts';
import { asError, errorMessage } from '../core/errors.ts';

export interface SnsPublisherOptions {
  /**
   * The SDK client already retries throttling and 5xx (standard mode, 3 attempts by default);
   * configure `maxAttempts` on the client, not here.
   */
  readonly client: Pick<SNSClient, 'send'>;
  /** Topic ARNs by name; page-secondary only when the stack has that topic. */
  readonly topics: Readonly<Partial<Record<TopicName, string>>>;
  /** Sees every Publish input as sent (`--wire`, the demo). */
  readonly wire?: WireTap;
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
  private readonly client: Pick<SNSClient, 'send'>;
  private readonly topics: Readonly<Partial<Record<TopicName, string>>>;
  private readonly wire: WireTap | undefined;

  constructor(options: SnsPublisherOptions) {
    this.client = options.client;
    this.topics = options.topics;
    this.wire = options.wire;
  }

  async publish(topic: TopicName, message: SnsMessage): Promise<SendOutcome> {
    const topicArn = this.topics[topic];
    // A sink whose topic this function was not given: an operator fix (redeploy), never worth a retry.
    if (!topicArn)
      return { ok: false, retryable: false, kind: 'config', reason: `SNS publish to ${topic} failed: no ${topic} topic configured` };
    const attributes: Record<string, MessageAttributeValue> = {};
    for (const [name, value] of Object.entries(message.attributes)) {
      // SNS rejects empty attribute values; an absent attribute simply matches no filter policy.
      if (value) attributes[name] = { DataType: 'String', StringValue: value };
    }
    const input: PublishCommandInput = {
      TopicArn: topicArn,
      Subject: safeSubject(message.subject),
      ...messageOf(message),
      MessageAttributes: attributes,
    };
    this.wire?.({
      sink: topic,
      request: { Subject: input.Subject, Message: input.Message, MessageStructure: input.MessageStructure, MessageAttributes: attributes },
    });
    try {
      await this.client.send(new PublishCommand(input));
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

/** One body for every protocol, or per-protocol bodies (each cut so the JSON stays under the SNS limit). */
function messageOf(message: SnsMessage): Pick<PublishCommandInput, 'Message' | 'MessageStructure'> {
  if (!message.structured) return { Message: truncateUtf8(message.body, MAX_BODY_BYTES) };
  const parts = Object.entries(message.structured).filter((entry): entry is [string, string] => typeof entry[1] === 'string');
  // JSON escaping can grow a body; split the budget between the parts with a margin for it.
  const share = Math.floor(MAX_BODY_BYTES / parts.length / 1.3);
  return {
    Message: JSON.stringify(Object.fromEntries(parts.map(([key, text]) => [key, truncateUtf8(text, share)]))),
    MessageStructure: 'json',
  };
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
