// The deployed incident table for the commands that read or write it (silence, incidents, postmortem):
// which table, a DynamoDB client from the default credential chain (AWS_PROFILE, AWS_REGION,
// AWS_ENDPOINT_URL, ... as the AWS CLI reads them), and AWS errors an operator can fix turned into one
// line and exit 2 instead of a stack trace.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Incident } from '../lambdas/core/incident.ts';
import { UsageError } from './errors.ts';
import { errorMessage } from '../lambdas/core/errors.ts';

export const TABLE_ENV = 'METIS_ALERTS_TABLE';

const HOW_TO_FIND =
  `pass --table NAME or set ${TABLE_ENV} to the stack's IncidentTableName output: ` +
  `aws cloudformation describe-stacks --stack-name MetisAlerts --query "Stacks[0].Outputs[?OutputKey=='IncidentTableName'].OutputValue" --output text ` +
  '(the stack is named after "name" in metis-alerts.config.json)';

/** `--table NAME`, else $METIS_ALERTS_TABLE, else a UsageError saying where to find it. */
export function resolveTableName(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  const name = (flag ?? env[TABLE_ENV] ?? '').trim();
  if (flag !== undefined && name === '') throw new UsageError('--table: expected a table name');
  if (name === '') throw new UsageError(`no incident table: ${HOW_TO_FIND}`);
  if (!/^[A-Za-z0-9_.-]{3,255}$/.test(name)) {
    throw new UsageError(
      `${flag !== undefined ? '--table' : TABLE_ENV}: "${name}" is not a DynamoDB table name (3-255 of A-Z a-z 0-9 _ . -)`,
    );
  }
  return name;
}

/** A client from the default chain; the SDK itself honours AWS_ENDPOINT_URL(_DYNAMODB) and AWS_REGION. */
export function incidentTableClient(): DynamoDBClient {
  // The CLI promises one stderr line on failure; on Node 20 the SDK would add its eight-line notice that
  // releases after January 2027 need Node 22 (docs/operations-notes.md: harmless here). Set the variable to "false" to see it.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
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
      throw new UsageError(`table "${tableName}" not found in this account and region: ${HOW_TO_FIND}`);
    if (name === 'CredentialsProviderError' || /could not load credentials/i.test(message)) {
      throw new UsageError(`no AWS credentials (set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY): ${message}`);
    }
    if (/region is missing|region not accepted/i.test(message))
      throw new UsageError('no AWS region: set AWS_REGION (or a region in your AWS profile)');
    if (['AccessDeniedException', 'UnrecognizedClientException', 'ExpiredTokenException', 'InvalidSignatureException'].includes(name)) {
      throw new UsageError(`AWS refused access to table "${tableName}" (${name}): ${message}`);
    }
    throw error;
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
