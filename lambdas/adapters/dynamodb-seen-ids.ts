// The ack intake's seen ids in the incident table: one small item per id, `dedupKey` = `seen#<id>`, written
// only if absent (the one conditional write that makes a replay lose) and removed by the table's TTL. No
// `status`, so incident scans and the open/owed indexes never see them; no second table to deploy.
import { DeleteItemCommand, PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SeenIds } from '../core/human/ports.ts';
import { isConditionalCheckFailure } from './dynamodb-conditions.ts';

export interface DynamoDbSeenIdsOptions {
  readonly client: DynamoDBClient;
  /** The incident table (partition key `dedupKey`, S; TTL on `expiresAt`). */
  readonly tableName: string;
}

/** Ids come from providers: bounded, so an item key never nears DynamoDB's 2 KB partition-key limit. */
const MAX_ID_CHARS = 400;

export class DynamoDbSeenIds implements SeenIds {
  constructor(private readonly options: DynamoDbSeenIdsOptions) {}

  async claim(id: string, expiresAt: number): Promise<boolean> {
    try {
      await this.options.client.send(
        new PutItemCommand({
          TableName: this.options.tableName,
          Item: { dedupKey: { S: keyOf(id) }, kind: { S: 'seen' }, expiresAt: { N: String(Math.floor(expiresAt)) } },
          ConditionExpression: 'attribute_not_exists(dedupKey)',
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailure(error)) return false;
      throw error;
    }
  }

  async release(id: string): Promise<void> {
    await this.options.client.send(new DeleteItemCommand({ TableName: this.options.tableName, Key: { dedupKey: { S: keyOf(id) } } }));
  }
}

export function keyOf(id: string): string {
  return `seen#${id.slice(0, MAX_ID_CHARS)}`;
}
