// Storm control's per-minute counters in the incident table, so parallel router invocations and the
// sweeper share one budget per sink: one item per sink and minute, `dedupKey` = `storm#<sink>#<minute>`
// with `sent` and `held` counters and a `notice` flag. No `status`, so incident scans never see them;
// TTL removes them after a day.
import { UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Sink } from '../core/incident.ts';
import type { StormLedger } from '../core/notify/storm.ts';
import { isConditionalCheckFailure } from './dynamodb-conditions.ts';

export interface DynamoDbStormLedgerOptions {
  readonly client: DynamoDBClient;
  /** The incident table (partition key `dedupKey`, S; TTL on `expiresAt`). */
  readonly tableName: string;
}

const DAY_SECONDS = 86_400;

export class DynamoDbStormLedger implements StormLedger {
  constructor(private readonly options: DynamoDbStormLedgerOptions) {}

  async take(sink: Sink, minute: number, limit: number): Promise<boolean> {
    return this.conditional(
      sink,
      minute,
      'ADD #sent :one SET #kind = :kind, #expires = :expires',
      'attribute_not_exists(#sent) OR #sent < :limit',
      {
        ':one': { N: '1' },
        ':limit': { N: String(limit) },
      },
    );
  }

  async hold(sink: Sink, minute: number, n: number): Promise<number> {
    const out = await this.options.client.send(
      new UpdateItemCommand({
        TableName: this.options.tableName,
        Key: { dedupKey: { S: key(sink, minute) } },
        UpdateExpression: 'ADD #held :n SET #kind = :kind, #expires = :expires',
        ExpressionAttributeNames: { '#held': 'held', '#kind': 'kind', '#expires': 'expiresAt' },
        ExpressionAttributeValues: { ':n': { N: String(n) }, ':kind': { S: 'storm' }, ':expires': { N: String(expires(minute)) } },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Number(out.Attributes?.held?.N ?? n);
  }

  async claimNotice(sink: Sink, minute: number): Promise<boolean> {
    return this.conditional(sink, minute, 'SET #notice = :yes, #kind = :kind, #expires = :expires', 'attribute_not_exists(#notice)', {
      ':yes': { BOOL: true },
    });
  }

  private async conditional(
    sink: Sink,
    minute: number,
    update: string,
    condition: string,
    values: Record<string, { N: string } | { BOOL: boolean }>,
  ): Promise<boolean> {
    const names: Record<string, string> = { '#kind': 'kind', '#expires': 'expiresAt' };
    for (const name of ['sent', 'notice']) if (update.includes(`#${name}`) || condition.includes(`#${name}`)) names[`#${name}`] = name;
    try {
      await this.options.client.send(
        new UpdateItemCommand({
          TableName: this.options.tableName,
          Key: { dedupKey: { S: key(sink, minute) } },
          UpdateExpression: update,
          ConditionExpression: condition,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: { ...values, ':kind': { S: 'storm' }, ':expires': { N: String(expires(minute)) } },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailure(error)) return false;
      throw error;
    }
  }
}

const key = (sink: Sink, minute: number): string => `storm#${sink}#${minute}`;
const expires = (minute: number): number => minute * 60 + DAY_SECONDS;
