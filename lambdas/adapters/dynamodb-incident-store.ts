// The router's incident store in DynamoDB: one item per dedupKey, written with optimistic locking so
// two router invocations handling the same signal (Lambda async retries, duplicate deliveries) can
// never both notify: the loser's conditional put fails and it re-reads.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
  type ScanCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { Incident } from '../core/incident.ts';
import type { IncidentStore } from '../core/ports.ts';
import type { SignalSource } from '../core/signal.ts';
import { byOpenedAt } from './incident-order.ts';
import { asError } from '../core/errors.ts';
import { OPEN_BY_SOURCE_INDEX, OPEN_SOURCE_ATTRIBUTE, OWED_ATTRIBUTE, OWED_INDEX, OWED_VALUE } from '../core/constants.ts';
import { awaitsReopenCheck, owesSweep } from '../core/owed.ts';
import { versionCondition, isConditionalCheckFailure } from './dynamodb-conditions.ts';

export interface DynamoDbIncidentStoreOptions {
  /** A plain DynamoDBClient; the store wraps it in a DocumentClient with the marshalling it needs. */
  readonly client: DynamoDBClient;
  /** Table with partition key `dedupKey` (S). */
  readonly tableName: string;
  /** Items read per Scan request (`Limit`); DynamoDB's 1 MB page cap applies either way. @default unlimited */
  readonly scanPageSize?: number;
}

const OPEN_SOURCE = OPEN_SOURCE_ATTRIBUTE;

export type StoredIncident = Incident & { [OPEN_SOURCE]?: string; [OWED_ATTRIBUTE]?: string };

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
    return result.Item ? fromItem(result.Item as StoredIncident) : undefined;
  }

  async listOpen(source?: SignalSource): Promise<Incident[]> {
    if (source === undefined) return this.scanOpen();
    try {
      return await this.queryOpen(source);
    } catch (error) {
      // During an upgrade the index may not exist or not be ACTIVE yet (DynamoDB answers ValidationException,
      // moto ResourceNotFoundException, both naming the index): scan, rather than fail the report.
      const { name, message } = asError(error);
      if (!(name === 'ValidationException' || name === 'ResourceNotFoundException') || !/index/i.test(message)) throw error;
      return (await this.scanOpen()).filter((incident) => incident.source === source);
    }
  }

  /**
   * The open incidents of one source, from the sparse index: what the router reads on every report. A GSI
   * read is eventually consistent; an incident opened a moment ago may be missed, and the next report (or
   * the sweeper) resolves it instead: later, never wrongly.
   */
  private async queryOpen(source: SignalSource): Promise<Incident[]> {
    return this.queryIndex(OPEN_BY_SOURCE_INDEX, OPEN_SOURCE, source, (incident) => incident.status === 'open');
  }

  /**
   * The open incidents of one source and the human-resolved ones waiting for their reopen check: both carry
   * the open index's key until the check decides, so one Query gives what a report speaks to.
   */
  async listWatched(source: SignalSource): Promise<Incident[]> {
    const watched = (incident: Incident) => incident.status === 'open' || awaitsReopenCheck(incident);
    try {
      return await this.queryIndex(OPEN_BY_SOURCE_INDEX, OPEN_SOURCE, source, watched);
    } catch (error) {
      const { name, message } = asError(error);
      if (!(name === 'ValidationException' || name === 'ResourceNotFoundException') || !/index/i.test(message)) throw error;
      const all = [...(await this.scanOpen()), ...(await this.scan('resolved'))];
      return all.filter((incident) => incident.source === source && watched(incident)).sort(byOpenedAt);
    }
  }

  /** Every incident `keep` accepts whose `attribute` is `value` on the sparse `index`, oldest first. */
  private async queryIndex(index: string, attribute: string, value: string, keep: (incident: Incident) => boolean): Promise<Incident[]> {
    const incidents: Incident[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.documents.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: index,
          KeyConditionExpression: '#key = :value',
          ExpressionAttributeNames: { '#key': attribute },
          ExpressionAttributeValues: { ':value': value },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of (page.Items ?? []) as StoredIncident[]) if (keep(item)) incidents.push(fromItem(item));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return incidents.sort(byOpenedAt);
  }

  /** Every open incident (inhibition, the sweeper): a consistent Scan of the small, TTL-trimmed table. */
  private async scanOpen(): Promise<Incident[]> {
    return this.scan('open');
  }

  private async scan(status: Incident['status']): Promise<Incident[]> {
    const input: ScanCommandInput = {
      TableName: this.tableName,
      ConsistentRead: true,
      Limit: this.scanPageSize,
      FilterExpression: '#status = :status',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':status': status },
    };
    const incidents: Incident[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.documents.send(new ScanCommand({ ...input, ExclusiveStartKey: startKey }));
      for (const item of (page.Items ?? []) as StoredIncident[]) {
        if (status === 'open' && item[OPEN_SOURCE] !== item.source) await this.indexOpen(item);
        incidents.push(fromItem(item));
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return incidents.sort(byOpenedAt);
  }

  /**
   * An open incident written before the index existed (or by an older router) is invisible to queryOpen:
   * the sweeper's scan every few minutes adds the attribute, so an upgrade cannot strand an incident open.
   */
  private async indexOpen(item: StoredIncident): Promise<void> {
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { dedupKey: item.dedupKey },
          UpdateExpression: 'SET #openSource = :source',
          ConditionExpression: '#status = :open AND #v = :version',
          ExpressionAttributeNames: { '#openSource': OPEN_SOURCE, '#status': 'status', '#v': 'version' },
          ExpressionAttributeValues: { ':source': item.source, ':open': 'open', ':version': item.version },
        }),
      );
    } catch (error) {
      // Changed meanwhile: whoever changed it wrote the attribute (put() always does).
      if (!isConditionalCheckFailure(error)) throw error;
    }
  }

  /**
   * Resolved incidents still owing a delivery or a reopen check, from the sparse owed index (eventually
   * consistent: a sweep later at worst).
   */
  async listOwed(): Promise<Incident[]> {
    try {
      return await this.queryOwed();
    } catch (error) {
      // Mid-upgrade the index may not exist yet: scan the resolved incidents once rather than fail the sweep.
      const { name, message } = asError(error);
      if (!(name === 'ValidationException' || name === 'ResourceNotFoundException') || !/index/i.test(message)) throw error;
      return (await this.scan('resolved')).filter(owesSweep);
    }
  }

  private async queryOwed(): Promise<Incident[]> {
    return this.queryIndex(OWED_INDEX, OWED_ATTRIBUTE, OWED_VALUE, (incident) => incident.status === 'resolved');
  }

  async put(incident: Incident, expectedVersion: number | undefined): Promise<boolean> {
    const condition = versionCondition(expectedVersion);
    try {
      await this.documents.send(new PutCommand({ TableName: this.tableName, Item: toItem(incident), ...condition }));
      return true;
    } catch (error) {
      // A lost race is an expected outcome, not an error: the caller re-reads and re-plans.
      if (isConditionalCheckFailure(error)) return false;
      throw error;
    }
  }
}

/**
 * Open incidents carry `openSource` (the sparse index key), and so do resolved ones waiting for their reopen
 * check; other resolved ones must not, or the index keeps them. Resolved incidents that still owe a delivery
 * or a reopen check carry `owed` until nothing is owed.
 */
function toItem(incident: Incident): StoredIncident {
  const item: StoredIncident = fromItem(incident as StoredIncident);
  if (incident.status === 'open' || awaitsReopenCheck(incident)) item[OPEN_SOURCE] = incident.source;
  if (incident.status !== 'open' && owesSweep(incident)) item[OWED_ATTRIBUTE] = OWED_VALUE;
  return item;
}

/** The incident without the index attributes (the CLI's listing reads items too). */
export function fromItem(item: StoredIncident): Incident {
  const { [OPEN_SOURCE]: _indexed, [OWED_ATTRIBUTE]: _owed, ...incident } = item;
  return incident;
}
