// Schedules the probe's second round as an SQS message delivered after DelaySeconds (0-900 s).
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { RoundScheduler } from '../core/probe/round-scheduler.ts';

export class SqsRoundScheduler implements RoundScheduler {
  constructor(private readonly options: { client: SQSClient; queueUrl: string }) {}

  async scheduleRound(delaySeconds: number, body: string): Promise<void> {
    await this.options.client.send(
      new SendMessageCommand({ QueueUrl: this.options.queueUrl, MessageBody: body, DelaySeconds: delaySeconds }),
    );
  }
}
