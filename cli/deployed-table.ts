// The deployed incident table for the commands that read or write it (silence, incidents, postmortem):
// a DynamoDB client from the default credential chain (AWS_PROFILE, AWS_REGION,
// AWS_ENDPOINT_URL, ... as the AWS CLI reads them), and AWS errors an operator can fix turned into one
// line and exit 2 instead of a stack trace.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Incident } from '../lambdas/core/incident.ts';
import { explainAwsError } from './aws-errors.ts';
import { UsageError } from './errors.ts';
import { errorMessage } from '../lambdas/core/errors.ts';

/** A client from the default chain; the SDK itself honours AWS_ENDPOINT_URL(_DYNAMODB) and AWS_REGION. */
export function incidentTableClient(): DynamoDBClient {
  return new DynamoDBClient({});
}

/** Run a table operation; missing table, credentials, region or permission become a one-line UsageError. */
export async function onTable<T>(tableName: string, operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    const name = (error as { name?: string })?.name ?? '';
    const message = errorMessage(error).split('\n')[0] ?? '';
    if (name === 'ResourceNotFoundException')
      throw new UsageError(
        `table "${tableName}" not found in this account and region: check --region, or pass --stack NAME (the stack's IncidentTableName output) or --table NAME`,
      );
    if (name === 'AccessDeniedException') throw new UsageError(`AWS refused access to table "${tableName}" (${name}): ${message}`);
    throw explainAwsError(error) ?? error;
  }
}

/** Silence and heartbeat items share the table: only a well-formed incident is read as one (postmortem, incidents resolve). */
export function asIncident(item: unknown, dedupKey: string): Incident {
  const candidate = item as Partial<Incident>;
  const wellFormed =
    (candidate.status === 'open' || candidate.status === 'resolved') &&
    typeof candidate.openedAt === 'string' &&
    !Number.isNaN(Date.parse(candidate.openedAt)) &&
    Array.isArray(candidate.timeline) &&
    Array.isArray(candidate.deliveries) &&
    typeof candidate.lastSignal === 'object' &&
    candidate.lastSignal !== null;
  if (!wellFormed)
    throw new UsageError(`"${dedupKey}" is not an incident (the table also holds silences and heartbeats; see metis-alerts incidents)`);
  return candidate as Incident;
}
