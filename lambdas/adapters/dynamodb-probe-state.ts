// The probe's round-to-round state as ONE item in the router's incident table (`dedupKey` =
// `probe-state#health`, no `status`, so incident scans never see it): a consistent GetItem before the
// round's report, one PutItem after it. The probe's role may touch only this key (lib/probes.ts).
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { parseProbeState, PROBE_STATE_KEY, type ProbeState, type ProbeStateStore } from '../core/probe/probe-state.ts';

export class DynamoDbProbeState implements ProbeStateStore {
  private readonly documents: DynamoDBDocumentClient;

  constructor(private readonly options: { readonly client: DynamoDBClient; readonly tableName: string }) {
    this.documents = DynamoDBDocumentClient.from(options.client);
  }

  /** Undefined before the first round; throws (InvalidProbeStateError or the SDK's error) when unreadable. */
  async read(): Promise<ProbeState | undefined> {
    const { Item } = await this.documents.send(
      new GetCommand({ TableName: this.options.tableName, Key: { dedupKey: PROBE_STATE_KEY }, ConsistentRead: true }),
    );
    return Item ? parseProbeState({ targets: Item.targets }) : undefined;
  }

  async write(state: ProbeState): Promise<void> {
    await this.documents.send(
      new PutCommand({
        TableName: this.options.tableName,
        Item: { dedupKey: PROBE_STATE_KEY, kind: 'probe-state', targets: state.targets },
      }),
    );
  }
}
