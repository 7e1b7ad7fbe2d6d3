// A probe vantage in another region, as its stack deploys it (lib/probe-vantage-stack.ts): the probe entry
// runs in ap-southeast-2 (AWS_REGION) with EVENT_BUS_REGION naming the home region, eu-central-1. moto is
// region-scoped, so each side has its own region's clients on the one server: the home bus (and the queue
// its rule copies reports to) exist only in eu-central-1; the vantage's state table and second-round queue
// only in ap-southeast-2. A report that reached the home bus can only have come through a home-region client.
import { CreateEventBusCommand, EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPORT_DETAIL_TYPE, REPORT_SOURCE_PREFIX } from '../../../../lambdas/adapters/eventbridge-report-publisher.ts';
import { PROBE_STATE_KEY } from '../../../../lambdas/core/probe/probe-state.ts';
import type { EvaluationReport } from '../../../../lambdas/core/signal.ts';
import { clientConfig, createIncidentTable, createQueue, drainQueue } from '../../support/aws.ts';
import { answer, startTarget, type TestTarget } from '../../support/probe-targets.ts';
import { importEntry, logLines, type Entry } from '../../support/run-entry.ts';

const HOME = 'eu-central-1';
const VANTAGE = 'ap-southeast-2';
const BUS = 'metis-vantage-bus';
const STATE_TABLE = 'metis-probe-state';

const inRegion = (region: string) => ({ ...clientConfig(), region });
const homeEvents = new EventBridgeClient(inRegion(HOME));
const homeSqs = new SQSClient(inRegion(HOME));
const vantageSqs = new SQSClient(inRegion(VANTAGE));
const vantageDynamo = new DynamoDBClient(inRegion(VANTAGE));

let reportsQueue: string;
let roundQueue: string;
let gateway: TestTarget;
let entry: Entry;
beforeAll(async () => {
  // Home region: the bus and a rule copying every report to a queue (the router's rule matches the same).
  await homeEvents.send(new CreateEventBusCommand({ Name: BUS }));
  const queue = await createQueue(homeSqs, `${BUS}-reports`);
  reportsQueue = queue.queueUrl;
  await homeEvents.send(
    new PutRuleCommand({
      Name: 'reports-to-router',
      EventBusName: BUS,
      EventPattern: JSON.stringify({ source: [{ prefix: REPORT_SOURCE_PREFIX }], 'detail-type': [REPORT_DETAIL_TYPE] }),
    }),
  );
  await homeEvents.send(
    new PutTargetsCommand({ Rule: 'reports-to-router', EventBusName: BUS, Targets: [{ Id: 'q', Arn: queue.queueArn }] }),
  );
  // Vantage region: its own state table and second-round queue.
  await createIncidentTable(vantageDynamo, STATE_TABLE);
  roundQueue = (await createQueue(vantageSqs, 'probe-second-round')).queueUrl;

  gateway = await startTarget(answer(503));
  entry = await importEntry('probe', {
    AWS_REGION: VANTAGE,
    AWS_DEFAULT_REGION: VANTAGE,
    PROBE_TARGETS: JSON.stringify([{ name: 'gateway', url: gateway.url, timeoutMs: 3000 }]),
    PROBE_SPACING_MS: '0',
    PROBE_SECOND_ROUND_QUEUE_URL: roundQueue,
    EVENT_BUS_NAME: BUS,
    EVENT_BUS_REGION: HOME,
    PROBE_STATE_TABLE: STATE_TABLE,
    PROBE_RULES: JSON.stringify({ healthz_down: { enabled: true }, tls_expiry: { enabled: true } }),
  });
});
afterAll(async () => {
  entry?.restore();
  await gateway?.close();
});

async function homeReports(expected: number): Promise<EvaluationReport[]> {
  const messages = await drainQueue(homeSqs, reportsQueue, { expected });
  return messages.map((m) => (JSON.parse(m.Body ?? 'null') as { detail: EvaluationReport }).detail);
}

describe('a probe vantage in another region', () => {
  it('publishes its report to the home bus in the home region, naming its vantage (its AWS_REGION) on report, signals and log lines', async () => {
    const { value, lines } = await entry.invoke({ source: 'aws.events', 'detail-type': 'Scheduled Event' }, 'req-vantage-1');

    expect(value).toEqual({ probes: 1, failing: ['gateway'], heartbeat: true });
    const [report] = await homeReports(1);
    expect(report!.vantage).toBe(VANTAGE);
    expect(report!.signals.map((s) => `${s.severity} ${s.dedupKey} ${s.vantage}`)).toEqual([`SEV2 healthz_down:gateway ${VANTAGE}`]);
    expect(report!.measurements?.gateway).toMatchObject({ ok: false, status: 503, tlsDaysLeft: null });
    expect(report!.measurements?.gateway?.latencyMs).toBeGreaterThanOrEqual(0);
    expect(logLines(lines).find((l) => l.message === 'probe failed')).toMatchObject({ target: 'gateway', vantage: VANTAGE, status: 503 });
  });

  it("keeps its round-to-round state and its second round in its own region's table and queue", async () => {
    const documents = DynamoDBDocumentClient.from(vantageDynamo);
    const { Item } = await documents.send(
      new GetCommand({ TableName: STATE_TABLE, Key: { dedupKey: PROBE_STATE_KEY }, ConsistentRead: true }),
    );
    expect(Item).toMatchObject({ targets: { gateway: { ok: false } } });
    expect(JSON.parse((await drainQueue(vantageSqs, roundQueue, { expected: 1 }))[0]!.Body!)).toMatchObject({ round: 2 });
  });

  it('the second round (the queue delivery) is SEV1 at this vantage, again on the home bus', async () => {
    await entry.invoke({ Records: [{ eventSource: 'aws:sqs', messageId: 'm-1', body: '{"round":2}' }] }, 'req-vantage-2');
    const [report] = await homeReports(1);
    expect(report!.signals.map((s) => `${s.severity} ${s.dedupKey} ${s.vantage}`)).toEqual([`SEV1 healthz_down:gateway ${VANTAGE}`]);
  });
});
