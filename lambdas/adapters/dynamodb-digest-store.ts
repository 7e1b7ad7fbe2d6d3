// The SEV4 daily digests in the incident table: one item per rule and UTC day, `dedupKey` =
// `digest#<rule>#<day>`, `kind: 'digest'` and no `status`, so incident scans never see them. Written
// with the same optimistic locking as incidents; TTL (`expiresAt`) removes them a month later.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Digest, DigestStore } from '../core/digest.ts';
import { versionCondition, isConditionalCheckFailure } from './dynamodb-conditions.ts';

export class DynamoDbDigestStore implements DigestStore {
  private readonly documents: DynamoDBDocumentClient;

  constructor(private readonly options: { readonly client: DynamoDBClient; readonly tableName: string }) {
    this.documents = DynamoDBDocumentClient.from(options.client, { marshallOptions: { removeUndefinedValues: true } });
  }

  async get(id: string): Promise<Digest | undefined> {
    const result = await this.documents.send(
      new GetCommand({ TableName: this.options.tableName, Key: { dedupKey: id }, ConsistentRead: true }),
    );
    return result.Item?.kind === 'digest' ? toDigest(result.Item) : undefined;
  }

  async put(digest: Digest, expectedVersion: number | undefined): Promise<boolean> {
    const condition = versionCondition(expectedVersion);
    try {
      await this.documents.send(
        new PutCommand({ TableName: this.options.tableName, Item: { dedupKey: digest.id, ...digest }, ...condition }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailure(error)) return false;
      throw error;
    }
  }

  async listUnposted(): Promise<Digest[]> {
    const digests: Digest[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.documents.send(
        new ScanCommand({
          TableName: this.options.tableName,
          ConsistentRead: true,
          FilterExpression: '#kind = :digest AND attribute_not_exists(#posted)',
          ExpressionAttributeNames: { '#kind': 'kind', '#posted': 'postedAt' },
          ExpressionAttributeValues: { ':digest': 'digest' },
          ExclusiveStartKey: startKey,
        }),
      );
      digests.push(...(page.Items ?? []).map(toDigest));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return digests;
  }
}

function toDigest(item: Record<string, unknown>): Digest {
  const { dedupKey: _key, ...rest } = item;
  return rest as unknown as Digest;
}
