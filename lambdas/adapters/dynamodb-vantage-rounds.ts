// Every vantage's latest probe rounds as one item of the incident table (`vantage-rounds`, no `status`, so
// incident scans never see it): one attribute per vantage (`vantage@<region>`: the report's time and its
// rounds per target). A report is one UpdateItem that sets only its own vantage's attribute, on the
// condition that the stored one is older (a late or retried report never replaces a newer one), and answers
// the whole item (ReturnValues ALL_NEW costs no read): one write per report, no read. DynamoDB applies
// updates of one item one after the other, so two regions reporting at once never lose each other's rounds.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { VantageReportRounds, VantageRound, VantageRoundStore } from '../core/probe/vantage-round.ts';

export const VANTAGE_ROUNDS_KEY = 'vantage-rounds';
const PREFIX = 'vantage@';
/** The round's fields that may be null: left out of the item (each name costs bytes in every write). */
const NULLABLE = ['failure', 'status', 'latencyMs', 'tlsDaysLeft', 'firstMove'] as const;

type StoredRound = Omit<VantageRound, 'target' | 'vantage' | 'at' | (typeof NULLABLE)[number]> &
  Partial<Pick<VantageRound, (typeof NULLABLE)[number]>>;
interface StoredVantage {
  at: string;
  rounds: Record<string, StoredRound>;
}

export class DynamoDbVantageRounds implements VantageRoundStore {
  private readonly documents: DynamoDBDocumentClient;

  constructor(private readonly options: { readonly client: DynamoDBClient; readonly tableName: string }) {
    this.documents = DynamoDBDocumentClient.from(options.client);
  }

  async record(report: VantageReportRounds): Promise<VantageRound[]> {
    const item = await this.write(report);
    const foreign = Object.keys(item).filter((name) => name.startsWith(PREFIX) && !report.voters.includes(name.slice(PREFIX.length)));
    // A region taken out of probes.vantages: its rounds go, so they do not weigh on every later write.
    if (foreign.length) await this.remove(foreign);
    return roundsOf(item, report.voters);
  }

  private async write(report: VantageReportRounds): Promise<Record<string, unknown>> {
    const value = vantageValue(report);
    try {
      const out = await this.documents.send(
        new UpdateCommand({
          TableName: this.options.tableName,
          Key: { dedupKey: VANTAGE_ROUNDS_KEY },
          UpdateExpression: 'SET #kind = :kind, #vantage = :value',
          // ISO-8601 UTC strings of one format compare as instants.
          ConditionExpression: 'attribute_not_exists(#vantage) OR #vantage.#at < :at',
          ExpressionAttributeNames: { '#kind': 'kind', '#vantage': `${PREFIX}${report.vantage}`, '#at': 'at' },
          ExpressionAttributeValues: { ':kind': VANTAGE_ROUNDS_KEY, ':value': value, ':at': value.at },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return out.Attributes ?? {};
    } catch (error) {
      if ((error as { name?: string }).name !== 'ConditionalCheckFailedException') throw error;
      // A late or retried report (rare): the stored rounds stand; the vote reads them as they are.
      const out = await this.documents.send(
        new GetCommand({ TableName: this.options.tableName, Key: { dedupKey: VANTAGE_ROUNDS_KEY }, ConsistentRead: true }),
      );
      return out.Item ?? {};
    }
  }

  private async remove(names: string[]): Promise<void> {
    const placeholders = names.map((_, i) => `#v${i}`);
    await this.documents.send(
      new UpdateCommand({
        TableName: this.options.tableName,
        Key: { dedupKey: VANTAGE_ROUNDS_KEY },
        UpdateExpression: `REMOVE ${placeholders.join(', ')}`,
        ExpressionAttributeNames: Object.fromEntries(names.map((name, i) => [placeholders[i]!, name])),
      }),
    );
  }
}

/** The attribute value one report sets: its time (UTC, so the condition compares instants) and its rounds by target. */
export function vantageValue(report: Pick<VantageReportRounds, 'at' | 'rounds'>): StoredVantage {
  const at = new Date(report.at).toISOString();
  const rounds: Record<string, StoredRound> = {};
  for (const { target, vantage: _vantage, at: _at, ...round } of report.rounds) {
    rounds[target] = Object.fromEntries(Object.entries(round).filter(([, v]) => v !== null)) as StoredRound;
  }
  return { at, rounds };
}

function roundsOf(item: Record<string, unknown>, voters: readonly string[]): VantageRound[] {
  return voters.flatMap((vantage) => {
    const stored = item[`${PREFIX}${vantage}`] as StoredVantage | undefined;
    if (!stored) return [];
    return Object.entries(stored.rounds).map(([target, round]) => ({
      target,
      vantage,
      at: stored.at,
      ...round,
      ...Object.fromEntries(NULLABLE.map((field) => [field, round[field] ?? null])),
    })) as VantageRound[];
  });
}
