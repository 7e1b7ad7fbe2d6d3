// Parks events the router cannot process on the SQS dead-letter queue (which has an alarm), as
// `{ reason, event }`. The body must stay under SQS's 256 KiB limit whatever the event is, so an
// oversized event is replaced by a truncated preview rather than failing the send and losing it all.
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { DeadLetterSink } from '../core/ports.ts';
import { truncateUtf8, utf8Bytes } from './truncate.ts';
import { asError, errorMessage } from '../core/errors.ts';

export interface SqsDeadLetterSinkOptions {
  readonly client: SQSClient;
  readonly queueUrl: string;
  /** @default 256 KiB minus a margin for message attributes */
  readonly maxBodyBytes?: number;
}

const MAX_REASON_BYTES = 4096;

export class SqsDeadLetterSink implements DeadLetterSink {
  private readonly client: SQSClient;
  private readonly queueUrl: string;
  private readonly maxBodyBytes: number;

  constructor(options: SqsDeadLetterSinkOptions) {
    this.client = options.client;
    this.queueUrl = options.queueUrl;
    this.maxBodyBytes = options.maxBodyBytes ?? 256 * 1024 - 1024;
  }

  /** Throws if SQS refuses the message: the invocation must fail so Lambda's own retry/DLQ applies. */
  async send(event: unknown, reason: string): Promise<void> {
    const body = deadLetterBody(event, reason, this.maxBodyBytes);
    try {
      await this.client.send(new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: body }));
    } catch (error) {
      throw new Error(`cannot send to the dead-letter queue ${this.queueUrl}: ${asError(error).name}`, { cause: error });
    }
  }
}

/** The JSON body `{ reason, event }`, at most `maxBytes` UTF-8 bytes. */
export function deadLetterBody(event: unknown, reason: string, maxBytes: number): string {
  const safeReason = truncateUtf8(reason, MAX_REASON_BYTES);
  const eventJson = toJson(event);
  const full = sqsSafe(`{"reason":${JSON.stringify(safeReason)},"event":${eventJson}}`);
  if (utf8Bytes(full) <= maxBytes) return full;

  // Too big: keep the head of the event's JSON as a string. Escaping it again can grow it up to
  // 6x (control characters), so shrink the preview until the whole body fits.
  const originalBytes = utf8Bytes(eventJson);
  let previewBytes = maxBytes - 512;
  for (;;) {
    const body = sqsSafe(
      JSON.stringify({
        reason: safeReason,
        event: { truncated: true, originalBytes, preview: truncateUtf8(eventJson, Math.max(0, previewBytes)) },
      }),
    );
    if (utf8Bytes(body) <= maxBytes || previewBytes <= 0) return body;
    previewBytes = Math.floor(previewBytes / 2);
  }
}

/** JSON for anything: circular structures, BigInt and functions must not stop a dead letter. */
function toJson(value: unknown): string {
  try {
    const seen = new WeakSet<object>();
    const json = JSON.stringify(value, (_key, v: unknown) => {
      if (typeof v === 'bigint') return v.toString();
      if (typeof v === 'object' && v !== null) {
        if (seen.has(v)) return '[Circular]';
        seen.add(v);
      }
      if (v instanceof Error) return { name: v.name, message: v.message };
      return v;
    });
    return json ?? 'null';
  } catch (error) {
    return JSON.stringify(`[unserializable event: ${errorMessage(error)}]`);
  }
}

/**
 * SQS accepts only #x9 #xA #xD #x20-#xD7FF #xE000-#xFFFD and astral characters. JSON.stringify already
 * escapes control characters and lone surrogates; U+FFFE/U+FFFF can only occur inside JSON strings,
 * where their \u escape is equivalent.
 */
function sqsSafe(json: string): string {
  return json.replace(/[\ufffe\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
}
