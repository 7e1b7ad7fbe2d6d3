// The probe's run-to-run state as items in the router's incident table, one per run kind: the health
// rounds' `probe-state#health` and the inbound-shape run's `probe-state#shapes` (no `status`, so incident
// scans never see them): a consistent GetItem before the run's report, one PutItem after it. The probe's
// role may touch only these keys (lib/probes.ts).
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { parseProbeState, PROBE_STATE_KEY, type ProbeState, type StateItemStore } from '../core/probe/probe-state.ts';
import { parseShapeRunState, SHAPE_RUN_STATE_KEY, type ShapeRunState } from '../core/probe/shape-run-state.ts';

interface ItemOptions {
  readonly client: DynamoDBClient;
  readonly tableName: string;
}

/** One state item: `attribute` holds the state's one map (`targets`, `shapes`). */
class DynamoDbStateItem<T> implements StateItemStore<T> {
  private readonly documents: DynamoDBDocumentClient;

  constructor(
    private readonly options: ItemOptions,
    private readonly key: string,
    private readonly attribute: string,
    private readonly parse: (raw: Record<string, unknown>) => T,
  ) {
    this.documents = DynamoDBDocumentClient.from(options.client);
  }

  /** Undefined before the first run; throws (InvalidProbeStateError or the SDK's error) when unreadable. */
  async read(): Promise<T | undefined> {
    const { Item } = await this.documents.send(
      new GetCommand({ TableName: this.options.tableName, Key: { dedupKey: this.key }, ConsistentRead: true }),
    );
    return Item ? this.parse({ [this.attribute]: Item[this.attribute] }) : undefined;
  }

  async write(state: T): Promise<void> {
    const value = (state as Record<string, unknown>)[this.attribute];
    await this.documents.send(
      new PutCommand({ TableName: this.options.tableName, Item: { dedupKey: this.key, kind: 'probe-state', [this.attribute]: value } }),
    );
  }
}

export class DynamoDbProbeState extends DynamoDbStateItem<ProbeState> {
  constructor(options: ItemOptions) {
    super(options, PROBE_STATE_KEY, 'targets', parseProbeState);
  }
}

export class DynamoDbShapeRunState extends DynamoDbStateItem<ShapeRunState> {
  constructor(options: ItemOptions) {
    super(options, SHAPE_RUN_STATE_KEY, 'shapes', parseShapeRunState);
  }
}
