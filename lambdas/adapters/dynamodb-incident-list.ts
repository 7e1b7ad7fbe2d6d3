// Every incident of the incident table, open or resolved, for `metis-alerts incidents`. The table also
// holds report heartbeats (`heartbeat#<source>`) and silences (`silence#<id>`); neither has a `status`,
// so filtering on `status` keeps only incidents. A Scan is fine: TTL keeps the table at live and
// recently resolved incidents (see DynamoDbIncidentStore.listOpen).
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand, type ScanCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Incident } from '../core/incident.ts';
import { byOpenedAt } from './incident-order.ts';
import { fromItem, type StoredIncident } from './dynamodb-incident-store.ts';

export interface ListIncidentsOptions {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  /** Only incidents with `status = open`. @default false */
  readonly openOnly?: boolean;
  /** Items read per Scan request (`Limit`). @default unlimited */
  readonly scanPageSize?: number;
}

/** Incidents oldest first (by `openedAt` as an instant, then dedupKey). */
export async function listIncidents(options: ListIncidentsOptions): Promise<Incident[]> {
  const documents = DynamoDBDocumentClient.from(options.client);
  const filter: Pick<ScanCommandInput, 'FilterExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'> = options.openOnly
    ? {
        FilterExpression: '#status = :open',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':open': 'open' },
      }
    : { FilterExpression: 'attribute_exists(#status)', ExpressionAttributeNames: { '#status': 'status' } };
  const incidents: Incident[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await documents.send(
      new ScanCommand({ TableName: options.tableName, Limit: options.scanPageSize, ...filter, ExclusiveStartKey: startKey }),
    );
    incidents.push(...((page.Items ?? []) as StoredIncident[]).map(fromItem));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return incidents.sort(byOpenedAt);
}
