// SqsDeadLetterSink -> moto SQS: the parked body is `{ reason, event }` and always fits SQS's limit.
import { SQSClient } from '@aws-sdk/client-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { SqsDeadLetterSink, deadLetterBody } from '../../../lambdas/adapters/sqs-dead-letter.ts';
import { clientConfig, createQueue, drainQueue, sqsClient } from '../support/aws.ts';

const sqs = sqsClient();
let queueUrl: string;
let sink: SqsDeadLetterSink;

beforeAll(async () => {
  ({ queueUrl } = await createQueue(sqs, 'metis-router-dlq'));
  sink = new SqsDeadLetterSink({ client: sqs, queueUrl });
});

describe('SqsDeadLetterSink', () => {
  it('sends { reason, event } as the message body', async () => {
    const event = { 'detail-type': 'Metis Evaluation Report', detail: { source: 'probe', signals: [{ rule: 'healthz_down' }] } };
    await sink.send(event, 'invalid report: evaluatedAt is not a date');
    const [message] = await drainQueue(sqs, queueUrl, { expected: 1 });
    expect(JSON.parse(message!.Body!)).toEqual({ reason: 'invalid report: evaluatedAt is not a date', event });
  });

  it('replaces an event over 256 KB by a truncated preview that still parses', async () => {
    const event = { blob: 'é'.repeat(200_000), note: 'tail' };
    await sink.send(event, 'too big');
    const [message] = await drainQueue(sqs, queueUrl, { expected: 1 });
    const body = message!.Body!;
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(256 * 1024);
    const parsed = JSON.parse(body) as { reason: string; event: { truncated: boolean; originalBytes: number; preview: string } };
    expect(parsed.reason).toBe('too big');
    expect(parsed.event.truncated).toBe(true);
    expect(parsed.event.originalBytes).toBe(Buffer.byteLength(JSON.stringify(event)));
    expect(parsed.event.preview.startsWith('{"blob":"éé')).toBe(true);
    expect(parsed.event.preview.endsWith('…[truncated]')).toBe(true);
  });

  it('keeps even escape-heavy, circular and BigInt events under the limit', () => {
    const circular: Record<string, unknown> = { n: 10n, text: '\u0001'.repeat(100_000) };
    circular.self = circular;
    const body = deadLetterBody(circular, 'r', 10_000);
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(10_000);
    expect(JSON.parse(body).event.truncated).toBe(true);
    expect(JSON.parse(deadLetterBody({ n: 10n, self: circular }, 'r', 1_000_000)).event).toMatchObject({
      n: '10',
      self: { n: '10', self: '[Circular]' },
    });
  });

  it('throws when SQS refuses, so the invocation fails instead of losing the event', async () => {
    const missing = new SqsDeadLetterSink({ client: sqs, queueUrl: queueUrl.replace('metis-router-dlq', 'no-such-queue') });
    await expect(missing.send({}, 'r')).rejects.toThrow(
      /^cannot send to the dead-letter queue .*no-such-queue: (QueueDoesNotExist|AWS\.SimpleQueueService\.NonExistentQueue)$/,
    );
    const unreachable = new SqsDeadLetterSink({
      client: new SQSClient({ ...clientConfig(), endpoint: 'http://127.0.0.1:9', maxAttempts: 1 }),
      queueUrl,
    });
    await expect(unreachable.send({}, 'r')).rejects.toThrow(/cannot send to the dead-letter queue/);
  });
});
