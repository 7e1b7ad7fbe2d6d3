// Silences in the incident table, next to the incidents and the report heartbeats: one item per
// silence with `dedupKey` = `silence#<id>` and `kind: 'silence'`. Silence items carry no `status`, so the
// incident store's scans (`status = open`) never return them. Each item gets the table's TTL attribute
// (`expiresAt`) some days after the silence ends, so ended silences do not pile up.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, ScanCommand, UpdateCommand, type ScanCommandInput } from '@aws-sdk/lib-dynamodb';
import type { SilenceStore } from '../core/ports.ts';
import { silenceEnd, type Silence } from '../core/silence.ts';
import { bySilenceStart } from './silence-order.ts';
import { isConditionalCheckFailure } from './dynamodb-conditions.ts';

export const SILENCE_KIND = 'silence';
export const silenceKey = (id: string): string => `silence#${id}`;

/** The Silence fields, in the order they are read back (anything else on the item is table plumbing). */
const SILENCE_FIELDS = [
  'id',
  'rule',
  'subject',
  'startsAt',
  'endsAt',
  'reason',
  'createdBy',
  'createdAt',
  'expiredAt',
  'endAnnouncedAt',
] as const;

export interface DynamoDbSilenceStoreOptions {
  /** A plain DynamoDBClient; the store wraps it in a DocumentClient. */
  readonly client: DynamoDBClient;
  /** The incident table (partition key `dedupKey`, S). */
  readonly tableName: string;
  /** Days an ended silence stays readable (`silence list --all`) before TTL removes it. @default 30 */
  readonly retainEndedDays?: number;
  /** Items read per Scan request (`Limit`); DynamoDB's 1 MB page cap applies either way. @default unlimited */
  readonly scanPageSize?: number;
}

export class DynamoDbSilenceStore implements SilenceStore {
  private readonly documents: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly retainEndedDays: number;
  private readonly scanPageSize: number | undefined;

  constructor(options: DynamoDbSilenceStoreOptions) {
    this.documents = DynamoDBDocumentClient.from(options.client, {
      marshallOptions: { removeUndefinedValues: true, convertEmptyValues: false },
    });
    this.tableName = options.tableName;
    this.retainEndedDays = options.retainEndedDays ?? 30;
    if (!Number.isFinite(this.retainEndedDays) || this.retainEndedDays <= 0) {
      throw new RangeError(`DynamoDbSilenceStore: retainEndedDays must be a positive number of days, got ${options.retainEndedDays}`);
    }
    this.scanPageSize = options.scanPageSize;
  }

  /** Create or replace (ids are unique; `silence expire` and the sweeper write the whole item back). */
  async put(silence: Silence): Promise<void> {
    const end = silenceEnd(silence);
    const item: Record<string, unknown> = { dedupKey: silenceKey(silence.id), kind: SILENCE_KIND, ...pickSilence(silence) };
    if (Number.isFinite(end)) item.expiresAt = Math.floor(end / 1000) + Math.round(this.retainEndedDays * 86_400);
    await this.documents.send(new PutCommand({ TableName: this.tableName, Item: item }));
  }

  async listCurrent(): Promise<Silence[]> {
    return this.scan({
      FilterExpression: '#kind = :silence AND attribute_not_exists(#announced)',
      ExpressionAttributeNames: { '#kind': 'kind', '#announced': 'endAnnouncedAt' },
      ExpressionAttributeValues: { ':silence': SILENCE_KIND },
    });
  }

  async listAll(): Promise<Silence[]> {
    return this.scan({
      FilterExpression: '#kind = :silence',
      ExpressionAttributeNames: { '#kind': 'kind' },
      ExpressionAttributeValues: { ':silence': SILENCE_KIND },
    });
  }

  async get(id: string): Promise<Silence | undefined> {
    const result = await this.documents.send(
      new GetCommand({ TableName: this.tableName, Key: { dedupKey: silenceKey(id) }, ConsistentRead: true }),
    );
    return result.Item?.kind === SILENCE_KIND ? pickSilence(result.Item as Silence) : undefined;
  }

  async markEndAnnounced(id: string, at: string): Promise<boolean> {
    // Conditional, so of two sweepers that saw the same ended silence only one posts the notice.
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { dedupKey: silenceKey(id) },
          UpdateExpression: 'SET #announced = :at',
          ConditionExpression: '#kind = :silence AND attribute_not_exists(#announced)',
          ExpressionAttributeNames: { '#kind': 'kind', '#announced': 'endAnnouncedAt' },
          ExpressionAttributeValues: { ':silence': SILENCE_KIND, ':at': at },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailure(error)) return false;
      throw error;
    }
  }

  private async scan(
    filter: Pick<ScanCommandInput, 'FilterExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'>,
  ): Promise<Silence[]> {
    const silences: Silence[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.documents.send(
        new ScanCommand({
          TableName: this.tableName,
          ConsistentRead: true,
          Limit: this.scanPageSize,
          ...filter,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) silences.push(pickSilence(item as Silence));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return silences.sort(bySilenceStart);
  }
}

function pickSilence(source: Silence): Silence {
  const out: Record<string, unknown> = {};
  for (const field of SILENCE_FIELDS) if (source[field] !== undefined) out[field] = source[field];
  return out as unknown as Silence;
}
