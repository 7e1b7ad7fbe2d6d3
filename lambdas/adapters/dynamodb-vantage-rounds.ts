// The latest probe round per target and vantage, as small items in the incident table
// (`vantage-round#<target>#<vantage>`, no `status`, so incident scans never see them). Each vantage writes
// only its own item, so reports from several regions arriving at once never contend; a conditional write
// keeps only a newer round (a late or retried report never replaces it). Read with one consistent BatchGet.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { VantageRound, VantageRoundStore } from '../core/probe/vantage-round.ts';

const key = (target: string, vantage: string) => `vantage-round#${target}#${vantage}`;
/** BatchGetItem's limit per request. */
const BATCH = 100;

export class DynamoDbVantageRounds implements VantageRoundStore {
  private readonly documents: DynamoDBDocumentClient;

  constructor(private readonly options: { readonly client: DynamoDBClient; readonly tableName: string }) {
    this.documents = DynamoDBDocumentClient.from(options.client);
  }

  async record(round: VantageRound): Promise<void> {
    // Normalised to UTC ISO so the condition compares instants (reports may carry an offset).
    const roundAt = new Date(round.at).toISOString();
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.options.tableName,
          Item: { dedupKey: key(round.target, round.vantage), kind: 'vantage-round', roundAt, round: { ...round, at: roundAt } },
          ConditionExpression: 'attribute_not_exists(roundAt) OR roundAt < :at',
          ExpressionAttributeValues: { ':at': roundAt },
        }),
      );
    } catch (error) {
      if ((error as { name?: string }).name !== 'ConditionalCheckFailedException') throw error;
    }
  }

  async latest(targets: readonly string[], vantages: readonly string[]): Promise<VantageRound[]> {
    const keys = targets.flatMap((target) => vantages.map((vantage) => ({ dedupKey: key(target, vantage) })));
    const rounds: VantageRound[] = [];
    for (let start = 0; start < keys.length; start += BATCH) {
      let pending: Record<string, unknown>[] = keys.slice(start, start + BATCH);
      // DynamoDB may answer part of a batch (UnprocessedKeys): ask again for the rest, a few times.
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt === 5) throw new Error(`vantage rounds: ${pending.length} item(s) still unprocessed after ${attempt} reads`);
        const response = await this.documents.send(
          new BatchGetCommand({ RequestItems: { [this.options.tableName]: { Keys: pending, ConsistentRead: true } } }),
        );
        for (const item of response.Responses?.[this.options.tableName] ?? []) rounds.push(item.round as VantageRound);
        pending = (response.UnprocessedKeys?.[this.options.tableName]?.Keys as Record<string, unknown>[] | undefined) ?? [];
      }
    }
    return rounds;
  }
}
