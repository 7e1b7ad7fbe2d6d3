// Last evaluation report per detector run, kept as small items in the incident table (`dedupKey` =
// `heartbeat#<key>`, no `status`, so incident scans never see them). The key is a source (`trace-db`),
// a source's run (`probe/inbound-shape`) or one of the sweeper's marks (source-health.ts); the item's
// `source` attribute holds it, as it did when keys were sources only.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { ReportHeartbeats } from '../core/ports.ts';

const key = (source: string) => `heartbeat#${source}`;

export class DynamoDbReportHeartbeats implements ReportHeartbeats {
  private readonly documents: DynamoDBDocumentClient;

  constructor(private readonly options: { readonly client: DynamoDBClient; readonly tableName: string }) {
    this.documents = DynamoDBDocumentClient.from(options.client);
  }

  async record(heartbeat: string, reportedAt: string): Promise<void> {
    // Normalised to UTC ISO so the conditional compares instants (reports may carry an offset).
    const at = new Date(reportedAt).toISOString();
    // Only move forward: a late, retried report must not make a stopped source look alive.
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.options.tableName,
          Item: { dedupKey: key(heartbeat), kind: 'heartbeat', source: heartbeat, lastReportAt: at },
          ConditionExpression: 'attribute_not_exists(lastReportAt) OR lastReportAt < :at',
          ExpressionAttributeValues: { ':at': at },
        }),
      );
    } catch (error) {
      if ((error as { name?: string }).name !== 'ConditionalCheckFailedException') throw error;
    }
  }

  async lastReports(heartbeats: readonly string[]): Promise<Partial<Record<string, string>>> {
    if (heartbeats.length === 0) return {};
    const response = await this.documents.send(
      new BatchGetCommand({
        RequestItems: { [this.options.tableName]: { Keys: heartbeats.map((h) => ({ dedupKey: key(h) })), ConsistentRead: true } },
      }),
    );
    const out: Partial<Record<string, string>> = {};
    for (const item of response.Responses?.[this.options.tableName] ?? []) out[String(item.source)] = String(item.lastReportAt);
    return out;
  }
}
