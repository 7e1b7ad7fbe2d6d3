// EventBridgeReportPublisher -> moto custom bus -> rule -> SQS target: the report arrives intact.
import { CreateEventBusCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { beforeAll, describe, expect, it } from 'vitest';
import { EventBridgeReportPublisher, ReportPublishError } from '../../../lambdas/adapters/eventbridge-report-publisher.ts';
import type { EvaluationReport } from '../../../lambdas/core/signal.ts';
import { createQueue, drainQueue, eventBridgeClient, sqsClient } from '../support/aws.ts';
import { makeSignal } from '../support/fixtures.ts';

const events = eventBridgeClient();
const sqs = sqsClient();
const BUS = 'metis-alerts';
let queueUrl: string;

const report: EvaluationReport = {
  source: 'trace-db',
  evaluatedAt: '2026-11-20T12:00:00.000Z',
  evaluated: ['model_error_rate', 'snapshot_stale'],
  signals: [makeSignal()],
};

beforeAll(async () => {
  await events.send(new CreateEventBusCommand({ Name: BUS }));
  const queue = await createQueue(sqs, 'reports');
  queueUrl = queue.queueUrl;
  await events.send(
    new PutRuleCommand({
      Name: 'reports-to-router',
      EventBusName: BUS,
      EventPattern: JSON.stringify({ source: [{ prefix: 'metis-alerts.' }], 'detail-type': ['Metis Evaluation Report'] }),
    }),
  );
  await events.send(new PutTargetsCommand({ Rule: 'reports-to-router', EventBusName: BUS, Targets: [{ Id: 'q', Arn: queue.queueArn }] }));
});

describe('EventBridgeReportPublisher', () => {
  it('puts the report on the bus with the source and detail-type the router rule matches', async () => {
    await new EventBridgeReportPublisher({ client: events, eventBusName: BUS }).publish(report);
    const [message] = await drainQueue(sqs, queueUrl, { expected: 1 });
    const event = JSON.parse(message!.Body!) as Record<string, unknown>;
    expect(event.source).toBe('metis-alerts.trace-db');
    expect(event['detail-type']).toBe('Metis Evaluation Report');
    expect(event.detail).toEqual(report);
    expect(event.time).toBe('2026-11-20T12:00:00Z');
  });

  it('refuses a report over the 256 KB entry limit before calling EventBridge', async () => {
    const huge: EvaluationReport = { ...report, signals: [makeSignal({ details: { rows: 'r'.repeat(300_000) } })] };
    const publisher = new EventBridgeReportPublisher({ client: events, eventBusName: BUS });
    await expect(publisher.publish(huge)).rejects.toThrow(ReportPublishError);
    await expect(publisher.publish(huge)).rejects.toThrow(/over EventBridge's 262144-byte limit \(1 signals\)/);
    expect(await drainQueue(sqs, queueUrl)).toEqual([]);
  });

  it('throws a clear error when the bus does not exist', async () => {
    const publisher = new EventBridgeReportPublisher({ client: events, eventBusName: 'no-such-bus' });
    await expect(publisher.publish(report)).rejects.toThrow(/no-such-bus/);
  });
});
