// SnsPublisher -> moto SNS -> SQS subscriber: what a subscriber receives (subject, body, attributes).
import { SNSClient } from '@aws-sdk/client-sns';
import { beforeAll, describe, expect, it } from 'vitest';
import { SnsPublisher, safeSubject } from '../../../lambdas/adapters/sns-publisher.ts';
import { ACCOUNT, REGION, clientConfig, createTopicWithQueue, drainQueue, snsClient, snsEnvelope, sqsClient } from '../support/aws.ts';

const sns = snsClient();
const sqs = sqsClient();
let page: { topicArn: string; queueUrl: string };
let chatops: { topicArn: string; queueUrl: string };
let publisher: SnsPublisher;

beforeAll(async () => {
  page = await createTopicWithQueue(sns, sqs, 'metis-page');
  chatops = await createTopicWithQueue(sns, sqs, 'metis-chatops');
  publisher = new SnsPublisher({ client: sns, topics: { page: page.topicArn, chatops: chatops.topicArn } });
});

describe('SnsPublisher', () => {
  it('publishes subject, body and the three attributes to the chosen topic only', async () => {
    const outcome = await publisher.publish('page', {
      subject: '[SEV1] healthz_down: gateway',
      body: 'gateway GET /healthz failed twice (timeout).\nFirst move: check ingress/network.',
      attributes: { severity: 'SEV1', rule: 'healthz_down', status: 'firing' },
    });
    expect(outcome).toEqual({ ok: true });

    const [message] = await drainQueue(sqs, page.queueUrl, { expected: 1 });
    const envelope = snsEnvelope(message!);
    expect(envelope.TopicArn).toBe(page.topicArn);
    expect(envelope.Subject).toBe('[SEV1] healthz_down: gateway');
    expect(envelope.Message).toBe('gateway GET /healthz failed twice (timeout).\nFirst move: check ingress/network.');
    expect(envelope.MessageAttributes).toEqual({
      severity: { Type: 'String', Value: 'SEV1' },
      rule: { Type: 'String', Value: 'healthz_down' },
      status: { Type: 'String', Value: 'firing' },
    });
    expect(await drainQueue(sqs, chatops.queueUrl)).toEqual([]);
  });

  it('routes chatops messages to the chatops topic', async () => {
    const outcome = await publisher.publish('chatops', {
      subject: '[RESOLVED] quota_alert: key-1',
      body: 'resolved',
      attributes: { severity: 'SEV3', rule: 'quota_alert', status: 'resolved' },
    });
    expect(outcome).toEqual({ ok: true });
    const [message] = await drainQueue(sqs, chatops.queueUrl, { expected: 1 });
    expect(snsEnvelope(message!).MessageAttributes?.status).toEqual({ Type: 'String', Value: 'resolved' });
    expect(await drainQueue(sqs, page.queueUrl)).toEqual([]);
  });

  it('cleans a subject SNS would reject (line break, non-ASCII, 100+ chars)', async () => {
    const outcome = await publisher.publish('chatops', {
      subject: `[SEV2] model_error_rate: modèle\n${'x'.repeat(150)}`,
      body: 'b',
      attributes: { severity: 'SEV2', rule: 'model_error_rate', status: 'firing' },
    });
    expect(outcome).toEqual({ ok: true });
    const [message] = await drainQueue(sqs, chatops.queueUrl, { expected: 1 });
    const subject = snsEnvelope(message!).Subject ?? '';
    expect(subject.startsWith('[SEV2] model_error_rate: mod le x')).toBe(true);
    expect(subject.length).toBe(99);
    expect(subject.endsWith('...')).toBe(true);
    expect(safeSubject('\n\t')).toBe('metis-alerts notification');
  });

  it('returns a non-retryable config outcome, without throwing, when the topic does not exist', async () => {
    const missing = `arn:aws:sns:${REGION}:${ACCOUNT}:no-such-topic`;
    const broken = new SnsPublisher({ client: sns, topics: { page: missing, chatops: missing } });
    const outcome = await broken.publish('page', {
      subject: 's',
      body: 'b',
      attributes: { severity: 'SEV1', rule: 'r', status: 'firing' },
    });
    expect(outcome).toMatchObject({ ok: false, retryable: false, kind: 'config' });
    expect(outcome.ok === false && outcome.reason).toMatch(/^SNS publish to page failed: NotFound/);
  });

  it('returns a retryable transient outcome when SNS cannot be reached', async () => {
    // A closed port: connection refused on every attempt.
    const unreachable = new SNSClient({ ...clientConfig(), endpoint: 'http://127.0.0.1:9', maxAttempts: 1 });
    const broken = new SnsPublisher({ client: unreachable, topics: { page: page.topicArn, chatops: chatops.topicArn } });
    const outcome = await broken.publish('page', {
      subject: 's',
      body: 'b',
      attributes: { severity: 'SEV1', rule: 'r', status: 'firing' },
    });
    expect(outcome).toMatchObject({ ok: false, retryable: true, kind: 'transient' });
  });
});
