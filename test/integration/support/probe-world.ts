// The probe's AWS side against moto: the router's incident table (where the `probe-state#health` item
// lives) and the custom bus with a rule that copies every evaluation report to an SQS queue (the router's
// rule matches the same source prefix and detail-type). createProbeWorld() once per file (each file has its own moto account).
import { CreateEventBusCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { REPORT_DETAIL_TYPE, REPORT_SOURCE_PREFIX } from '../../../lambdas/adapters/eventbridge-report-publisher.ts';
import { PROBE_STATE_KEY } from '../../../lambdas/core/probe/probe-state.ts';
import type { EvaluationReport } from '../../../lambdas/core/signal.ts';
import { createIncidentTable, createQueue, drainQueue, dynamoClient, eventBridgeClient, sqsClient } from './aws.ts';

export interface ProbeWorld {
  readonly table: string;
  readonly bus: string;
  /** Receives every report the bus routes to the router. */
  readonly queueUrl: string;
}

export async function createProbeWorld(names = { table: 'metis-incidents', bus: 'metis-alerts-probe' }): Promise<ProbeWorld> {
  await createIncidentTable(dynamoClient(), names.table);
  const events = eventBridgeClient();
  await events.send(new CreateEventBusCommand({ Name: names.bus }));
  const queue = await createQueue(sqsClient(), `${names.bus}-reports`);
  await events.send(
    new PutRuleCommand({
      Name: 'reports-to-router',
      EventBusName: names.bus,
      EventPattern: JSON.stringify({ source: [{ prefix: REPORT_SOURCE_PREFIX }], 'detail-type': [REPORT_DETAIL_TYPE] }),
    }),
  );
  await events.send(
    new PutTargetsCommand({ Rule: 'reports-to-router', EventBusName: names.bus, Targets: [{ Id: 'q', Arn: queue.queueArn }] }),
  );
  return { table: names.table, bus: names.bus, queueUrl: queue.queueUrl };
}

/** Exactly `expected` reports off the queue, in order of arrival (throws when they do not arrive). */
export async function probeReports(world: ProbeWorld, expected: number): Promise<{ source: string; detail: EvaluationReport }[]> {
  const messages = await drainQueue(sqsClient(), world.queueUrl, { expected });
  return messages.map((m) => JSON.parse(m.Body ?? 'null') as { source: string; detail: EvaluationReport });
}

/** The state item as stored (undefined when none was written). */
export async function storedProbeState(world: ProbeWorld): Promise<Record<string, unknown> | undefined> {
  const documents = DynamoDBDocumentClient.from(dynamoClient());
  const { Item } = await documents.send(
    new GetCommand({ TableName: world.table, Key: { dedupKey: PROBE_STATE_KEY }, ConsistentRead: true }),
  );
  return Item;
}

/** `SEVn dedupKey` per firing signal, sorted. */
export function firingKeys(report: EvaluationReport): string[] {
  return report.signals.map((s) => `${s.severity} ${s.dedupKey}`).sort();
}
