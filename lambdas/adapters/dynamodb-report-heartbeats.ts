// Last evaluation report per detector source, kept as small items in the incident table
// (`dedupKey` = `heartbeat#<source>`, no `status`, so incident scans never see them).
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { ReportHeartbeats } from '../core/ports.ts';
import type { SignalSource } from '../core/signal.ts';

const key = (source: string) => `heartbeat#${source}`;

export class DynamoDbReportHeartbeats implements ReportHeartbeats {
  private readonly documents: DynamoDBDocumentClient;

  constructor(private readonly options: { readonly client: DynamoDBClient; readonly tableName: string }) {
    this.documents = DynamoDBDocumentClient.from(options.client);
  }

  async record(source: SignalSource, reportedAt: string): Promise<void> {
    // Normalised to UTC ISO so the conditional compares instants (reports may carry an offset).
    const at = new Date(reportedAt).toISOString();
    // Only move forward: a late, retried report must not make a stopped source look alive.
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.options.tableName,
          Item: { dedupKey: key(source), kind: 'heartbeat', source, lastReportAt: at },
          ConditionExpression: 'attribute_not_exists(lastReportAt) OR lastReportAt < :at',
          ExpressionAttributeValues: { ':at': at },
        }),
      );
    } catch (error) {
      if ((error as { name?: string }).name !== 'ConditionalCheckFailedException') throw error;
    }
  }

  async lastReports(sources: SignalSource[]): Promise<Partial<Record<SignalSource, string>>> {
    if (sources.length === 0) return {};
    const response = await this.documents.send(
      new BatchGetCommand({
        RequestItems: { [this.options.tableName]: { Keys: sources.map((s) => ({ dedupKey: key(s) })), ConsistentRead: true } },
      }),
    );
    const out: Partial<Record<SignalSource, string>> = {};
    for (const item of response.Responses?.[this.options.tableName] ?? []) out[item.source as SignalSource] = String(item.lastReportAt);
    return out;
  }
}
