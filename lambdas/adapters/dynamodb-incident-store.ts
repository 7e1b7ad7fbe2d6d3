// The router's incident store in DynamoDB: one item per dedupKey, written with optimistic locking so
// two router invocations handling the same signal (Lambda async retries, duplicate deliveries) can
// never both notify: the loser's conditional put fails and it re-reads.
import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, ScanCommand, type ScanCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Incident } from '../core/incident.ts';
import type { IncidentStore } from '../core/ports.ts';
import type { SignalSource } from '../core/signal.ts';
import { byOpenedAt } from './incident-order.ts';
import { asError } from '../core/errors.ts';

export interface DynamoDbIncidentStoreOptions {
  /** A plain DynamoDBClient; the store wraps it in a DocumentClient with the marshalling it needs. */
  readonly client: DynamoDBClient;
  /** Table with partition key `dedupKey` (S). */
  readonly tableName: string;
  /** Items read per Scan request (`Limit`); DynamoDB's 1 MB page cap applies either way. @default unlimited */
  readonly scanPageSize?: number;
}

export class DynamoDbIncidentStore implements IncidentStore {
  private readonly documents: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly scanPageSize: number | undefined;

  constructor(options: DynamoDbIncidentStoreOptions) {
    // Optional fields (resolvedAt, escalateAt, sentAt, ...) are often undefined; without
    // removeUndefinedValues the marshaller throws instead of leaving them out.
    this.documents = DynamoDBDocumentClient.from(options.client, {
      marshallOptions: { removeUndefinedValues: true, convertEmptyValues: false },
    });
    this.tableName = options.tableName;
    this.scanPageSize = options.scanPageSize;
  }

  async get(dedupKey: string): Promise<Incident | undefined> {
    // Strongly consistent: the version read here is the one the next conditional put is checked against.
    const result = await this.documents.send(new GetCommand({ TableName: this.tableName, Key: { dedupKey }, ConsistentRead: true }));
    return result.Item as Incident | undefined;
  }

  async listOpen(source?: SignalSource): Promise<Incident[]> {
    // A Scan is fine for this table: only live and recently resolved incidents (TTL removes the rest),
    // a few hundred items at most. A GSI on status would be the next step if it ever grows.
    const input: ScanCommandInput = {
      TableName: this.tableName,
      ConsistentRead: true,
      Limit: this.scanPageSize,
      FilterExpression: source === undefined ? '#status = :open' : '#status = :open AND #source = :source',
      ExpressionAttributeNames: source === undefined ? { '#status': 'status' } : { '#status': 'status', '#source': 'source' },
      ExpressionAttributeValues: source === undefined ? { ':open': 'open' } : { ':open': 'open', ':source': source },
    };
    const incidents: Incident[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.documents.send(new ScanCommand({ ...input, ExclusiveStartKey: startKey }));
      incidents.push(...((page.Items ?? []) as Incident[]));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return incidents.sort(byOpenedAt);
  }

  async put(incident: Incident, expectedVersion: number | undefined): Promise<boolean> {
    const condition =
      expectedVersion === undefined
        ? { ConditionExpression: 'attribute_not_exists(dedupKey)' }
        : {
            ConditionExpression: '#v = :expected',
            ExpressionAttributeNames: { '#v': 'version' },
            ExpressionAttributeValues: { ':expected': expectedVersion },
          };
    try {
      await this.documents.send(new PutCommand({ TableName: this.tableName, Item: incident, ...condition }));
      return true;
    } catch (error) {
      // A lost race is an expected outcome, not an error: the caller re-reads and re-plans.
      if (error instanceof ConditionalCheckFailedException || asError(error).name === 'ConditionalCheckFailedException') {
        return false;
      }
      throw error;
    }
  }
}
