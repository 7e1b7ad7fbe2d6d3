// The router handler in-process with real SDK clients against moto (DynamoDB incident table, SNS page +
// chatops topics each read through an SQS subscriber, SQS dead-letter queue, SSM SecureString routing
// key, CloudWatch alarm tags) and the schema-checking PagerDuty fake. One world per test file:
// useRouterWorld() registers the hooks (createRouterWorld() before all, in the file's own moto account; close after all).
import { randomUUID } from 'node:crypto';
import { PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import { DeleteMessageBatchCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { CloudWatchAlarmTags } from '../../../lambdas/adapters/cloudwatch-alarm-tags.ts';
import { DynamoDbIncidentStore } from '../../../lambdas/adapters/dynamodb-incident-store.ts';
import { awsTransports } from '../../../lambdas/adapters/notify/transports.ts';
import type { WireTap } from '../../../lambdas/adapters/notify/wire-log.ts';
import { SnsPublisher } from '../../../lambdas/adapters/sns-publisher.ts';
import { SqsDeadLetterSink } from '../../../lambdas/adapters/sqs-dead-letter.ts';
import { parseConfig, type Config } from '../../../lambdas/core/config.ts';
import type { Notifiers } from '../../../lambdas/core/notify/notifier.ts';
import { buildNotifiers } from '../../../lambdas/core/notify/sink-catalog.ts';
import type { DigestStore } from '../../../lambdas/core/digest.ts';
import type { Incident } from '../../../lambdas/core/incident.ts';
import type { IncidentStore } from '../../../lambdas/core/ports.ts';
import { routerSettingsOf, type RouterSettings } from '../../../lambdas/core/router-settings.ts';
import type { EvaluationReport, Signal } from '../../../lambdas/core/signal.ts';
import type { Logger } from '../../../lambdas/core/logger.ts';
import { makeRouterHandler, type RouterOutcome } from '../../../lambdas/functions/router/handler.ts';
import {
  ACCOUNT,
  REGION,
  cloudWatchClient,
  createIncidentTable,
  createQueue,
  createTopicWithQueue,
  dynamoClient,
  putSecureString,
  snsClient,
  snsEnvelope,
  sqsClient,
  ssmClient,
} from './aws.ts';
import { ROUTING_KEY } from './fixtures.ts';
import { FakePagerDuty } from './pagerduty-server.ts';

export const ROUTING_KEY_PARAMETER = '/metis-alerts/pagerduty/routing-key';
/** Default settings, exactly as a `{}` config file yields them (business hours UTC Mon-Fri 09-17). */
export const DEFAULT_SETTINGS: RouterSettings = routerSettingsOf(parseConfig({}));

/** Tuesday, in business hours (UTC). */
export const TUESDAY_10 = '2026-11-24T10:00:00.000Z';
/** Saturday, out of hours. */
export const SATURDAY_03 = '2026-11-28T03:00:00.000Z';

export interface Topic {
  topicArn: string;
  queueUrl: string;
}

export interface RouterWorld {
  readonly dynamo: ReturnType<typeof dynamoClient>;
  readonly documents: DynamoDBDocumentClient;
  readonly sns: ReturnType<typeof snsClient>;
  readonly sqs: SQSClient;
  readonly ssm: ReturnType<typeof ssmClient>;
  readonly cloudwatch: ReturnType<typeof cloudWatchClient>;
  readonly pd: FakePagerDuty;
  readonly tableName: string;
  readonly page: Topic;
  readonly chatops: Topic;
  readonly dlqUrl: string;
  close(): Promise<void>;
}

/**
 * Creates the incident table, both topics with their reader queues, the DLQ, the
 * routing-key SecureString (32 chars) and starts a PagerDuty fake.
 */
export async function createRouterWorld(): Promise<RouterWorld> {
  const dynamo = dynamoClient();
  const sns = snsClient();
  const sqs = sqsClient();
  const ssm = ssmClient();
  const cloudwatch = cloudWatchClient();
  const tableName = 'metis-incidents';
  await createIncidentTable(dynamo, tableName);
  const page = await createTopicWithQueue(sns, sqs, 'metis-page');
  const chatops = await createTopicWithQueue(sns, sqs, 'metis-chatops');
  const { queueUrl: dlqUrl } = await createQueue(sqs, 'metis-router-dlq');
  await putSecureString(ssm, ROUTING_KEY_PARAMETER, ROUTING_KEY);
  const pd = await new FakePagerDuty().start();
  return {
    dynamo,
    documents: DynamoDBDocumentClient.from(dynamo),
    sns,
    sqs,
    ssm,
    cloudwatch,
    pd,
    tableName,
    page,
    chatops,
    dlqUrl,
    close: () => pd.close(),
  };
}

export interface WorldHooks {
  /** Runs once after the world is created, e.g. to put tagged alarms. */
  setup?: (world: RouterWorld) => Promise<void>;
  /** Runs before each test. @default resets the PagerDuty fake (requests and alert state) */
  beforeEachTest?: (world: RouterWorld) => void | Promise<void>;
}

/**
 * Registers a test file's world hooks: createRouterWorld() before all tests (handed to `onCreated`, then
 * `hooks.setup`), world.close() after them, `hooks.beforeEachTest` before each.
 */
export function useRouterWorld(onCreated: (world: RouterWorld) => void, hooks: WorldHooks = {}): void {
  let world: RouterWorld;
  beforeAll(async () => {
    world = await createRouterWorld();
    onCreated(world);
    await hooks.setup?.(world);
  });
  afterAll(async () => {
    await world.close();
  });
  beforeEach(async () => {
    await (hooks.beforeEachTest ?? ((w: RouterWorld) => w.pd.reset()))(world);
  });
}

export interface LogEntry {
  level: 'info' | 'warn' | 'error';
  message: string;
  fields?: Record<string, unknown>;
}

export interface HandlerOptions {
  /** The fixed routing time (the handler's injected clock). */
  at: string;
  tableName?: string;
  /** Override topic ARNs (e.g. a page topic that does not exist). */
  topics?: Partial<Record<'page' | 'chatops', string>>;
  /** Sinks besides PagerDuty and the topics, as in the config file. */
  sinks?: NotifierOptions['sinks'];
  settings?: RouterSettings;
  /** Collects what the handler logs. */
  logs?: LogEntry[];
  /** The SSM parameter the routing key is read from. @default ROUTING_KEY_PARAMETER */
  routingKeyParameter?: string;
  /** Wraps the DynamoDB store (e.g. to hold two invocations at a barrier so they really race). */
  wrapStore?: (store: IncidentStore) => IncidentStore;
  /** The SEV4 digest store (as the deployed router wires it); absent: SEV4 signals open incidents. */
  digests?: DigestStore;
}

/** makeRouterHandler wired to the world's real adapters, as router.ts wires them from the environment. */
export function routerHandler(world: RouterWorld, options: HandlerOptions): (event: unknown) => Promise<RouterOutcome> {
  const logs = options.logs ?? [];
  const logger: Logger = {
    info: (message, fields) => logs.push({ level: 'info', message, ...(fields ? { fields } : {}) }),
    warn: (message, fields) => logs.push({ level: 'warn', message, ...(fields ? { fields } : {}) }),
    error: (message, fields) => logs.push({ level: 'error', message, ...(fields ? { fields } : {}) }),
  };
  const fixed = new Date(options.at);
  const store = new DynamoDbIncidentStore({ client: world.dynamo, tableName: options.tableName ?? world.tableName });
  return makeRouterHandler({
    store: options.wrapStore ? options.wrapStore(store) : store,
    notifiers: worldNotifiers(world, options),
    settings: options.settings ?? DEFAULT_SETTINGS,
    ...(options.digests ? { digests: options.digests } : {}),
    clock: () => new Date(fixed),
    deadLetter: new SqsDeadLetterSink({ client: world.sqs, queueUrl: world.dlqUrl }),
    alarmTags: new CloudWatchAlarmTags({ client: world.cloudwatch }),
    logger,
  });
}

export interface NotifierOptions {
  topics?: Partial<Record<'page' | 'chatops', string>>;
  /** @default ROUTING_KEY_PARAMETER */
  routingKeyParameter?: string;
  /** Sinks besides PagerDuty (Opsgenie, Splunk On-Call, webhooks), as in the config file. */
  sinks?: Partial<Pick<Config['sinks'], 'opsgenie' | 'splunkOnCall' | 'webhooks' | 'statuspage'>>;
  wire?: WireTap;
  /** @default 0 (every send reads SSM, so tests see a changed parameter at once) */
  secretMaxAgeSeconds?: number;
}

/** The registry's notifiers over the world: PagerDuty at the fake, the two topics, SSM secrets read uncached. */
export function worldNotifiers(world: RouterWorld, options: NotifierOptions = {}): Notifiers {
  const publisher = new SnsPublisher({
    client: world.sns,
    topics: { page: options.topics?.page ?? world.page.topicArn, chatops: options.topics?.chatops ?? world.chatops.topicArn },
    ...(options.wire ? { wire: options.wire } : {}),
  });
  const transports = awsTransports({
    ssm: world.ssm,
    publisher,
    secretMaxAgeSeconds: options.secretMaxAgeSeconds ?? 0,
    http: { sleep: async () => {}, random: () => 0.5 },
    ...(options.wire ? { wire: options.wire } : {}),
  });
  const pagerduty = { routingKeyParameter: options.routingKeyParameter ?? ROUTING_KEY_PARAMETER, eventsUrl: world.pd.eventsUrl };
  return buildNotifiers({ pagerduty, webhooks: [], ...options.sinks }, transports);
}

// ---------- events ----------

export function signal(overrides: Partial<Signal> & Pick<Signal, 'rule' | 'subject' | 'severity'>): Signal {
  return {
    source: 'trace-db',
    status: 'firing',
    dedupKey: `${overrides.rule}:${overrides.subject}`,
    summary: `${overrides.rule} firing for ${overrides.subject}`,
    observedAt: TUESDAY_10,
    details: { value: 0.2, threshold: 0.05 },
    runbook: 'Provider outage',
    ...overrides,
  };
}

/** `healthy` is the evidence that resolves: per rule, the subjects the run found fine. */
export function report(
  evaluatedAt: string,
  evaluated: string[],
  signals: unknown[],
  source = 'trace-db',
  healthy: Record<string, string[]> = {},
): EvaluationReport {
  return { source, evaluatedAt, evaluated, healthy, signals } as EvaluationReport;
}

/** The EventBridge envelope a detector's report arrives in. */
export function reportEvent(detail: unknown, time = TUESDAY_10, source = 'metis-alerts.trace-db'): Record<string, unknown> {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Metis Evaluation Report',
    source,
    account: ACCOUNT,
    time,
    region: REGION,
    resources: [],
    detail,
  };
}

export const alarmArn = (name: string): string => `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:${name}`;

/** CloudWatch's "Alarm State Change" event as EventBridge delivers it (timestamp in CloudWatch's +0000 form). */
export function alarmEvent(
  alarmName: string,
  value: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA',
  time = TUESDAY_10,
  previous: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA' = value === 'ALARM' ? 'OK' : 'ALARM',
): Record<string, unknown> {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'CloudWatch Alarm State Change',
    source: 'aws.cloudwatch',
    account: ACCOUNT,
    time,
    region: REGION,
    resources: [alarmArn(alarmName)],
    detail: {
      alarmName,
      state: { value, reason: `Threshold Crossed: 1 datapoint [2.0] was >= the threshold (1.0).`, timestamp: time.replace('Z', '+0000') },
      previousState: { value: previous },
      configuration: { description: `${alarmName}: gateway /healthz failing` },
    },
  };
}

export async function putTaggedAlarm(world: RouterWorld, name: string, tags: Record<string, string>): Promise<void> {
  await world.cloudwatch.send(
    new PutMetricAlarmCommand({
      AlarmName: name,
      AlarmDescription: `${name}: gateway /healthz failing`,
      Namespace: 'Metis/Probes',
      MetricName: 'HealthzFailures',
      Dimensions: [{ Name: 'Target', Value: 'gateway' }],
      Statistic: 'Sum',
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
    }),
  );
}

/** The two alarms tagged healthz_down:gateway (SEV2 and SEV1, runbook Healthz): one incident group. */
export async function putHealthzAlarms(world: RouterWorld): Promise<void> {
  const group = { 'metis:rule': 'healthz_down', 'metis:subject': 'gateway', 'metis:runbook': 'Healthz' };
  await putTaggedAlarm(world, 'gateway-healthz-sev2', { 'metis:severity': 'SEV2', ...group });
  await putTaggedAlarm(world, 'gateway-healthz-sev1', { 'metis:severity': 'SEV1', ...group });
}

// ---------- reading what was sent ----------

export interface Published {
  topicArn: string;
  subject: string | undefined;
  message: string;
  attributes: Record<string, string>;
}

/**
 * Every message currently in a queue, deleted as read. moto delivers SNS -> SQS inside the Publish call,
 * so by the time the handler returned everything it published is already visible: a count taken here
 * is exact (an extra message fails the test, a missing one too).
 */
export async function takeAll(sqs: SQSClient, queueUrl: string): Promise<string[]> {
  const bodies: string[] = [];
  for (;;) {
    const received = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, VisibilityTimeout: 30 }),
    );
    const batch = received.Messages ?? [];
    if (batch.length === 0) return bodies;
    bodies.push(...batch.map((m) => m.Body ?? ''));
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: batch.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
      }),
    );
  }
}

/** What a topic's subscriber received since the last call, in order of publishing. */
export async function published(world: RouterWorld, topic: Topic): Promise<Published[]> {
  const bodies = await takeAll(world.sqs, topic.queueUrl);
  return bodies.map((body) => {
    const envelope = snsEnvelope({ Body: body });
    const attributes: Record<string, string> = {};
    for (const [name, value] of Object.entries(envelope.MessageAttributes ?? {})) attributes[name] = value.Value;
    return { topicArn: envelope.TopicArn, subject: envelope.Subject, message: envelope.Message, attributes };
  });
}

/** Subject + attributes only: what the assertions compare. */
export async function headlines(
  world: RouterWorld,
  topic: Topic,
): Promise<{ subject: string | undefined; attributes: Record<string, string> }[]> {
  return (await published(world, topic)).map(({ subject, attributes }) => ({ subject, attributes }));
}

/** A FIRING notification's headline, as headlines() returns it. */
export const firing = (severity: string, rule: string, subject: string) => ({
  subject: `[${severity}] FIRING ${rule}: ${subject}`,
  attributes: { severity, rule, status: 'firing' },
});

/** A RESOLVED notification's headline, as headlines() returns it. */
export const resolved = (severity: string, rule: string, subject: string) => ({
  subject: `[${severity}] RESOLVED ${rule}: ${subject}`,
  attributes: { severity, rule, status: 'resolved' },
});

export async function deadLetters(world: RouterWorld): Promise<{ reason: string; event: unknown }[]> {
  return (await takeAll(world.sqs, world.dlqUrl)).map((body) => JSON.parse(body) as { reason: string; event: unknown });
}

/** Forget the PagerDuty fake's requests but keep its alert state (to follow one alert across tests). */
export function clearPdRequests(world: RouterWorld): void {
  world.pd.requests.length = 0;
}

export interface PdCall {
  action: string;
  severity: string | undefined;
  dedupKey: string | undefined;
  status: number | null;
}

/** Every request the PagerDuty fake received (schema errors fail here: the router must only send valid events). */
export function pdCalls(world: RouterWorld): PdCall[] {
  return world.pd.requests.map((request) => {
    if (request.errors.length > 0) throw new Error(`invalid PagerDuty event: ${request.errors.join('; ')}`);
    const body = request.body as { event_action: string; dedup_key?: string; routing_key: string; payload?: { severity?: string } };
    if (body.routing_key !== ROUTING_KEY) throw new Error(`unexpected routing key of length ${body.routing_key.length}`);
    return { action: body.event_action, severity: body.payload?.severity, dedupKey: body.dedup_key, status: request.answer.status };
  });
}

/** The incident item as stored in DynamoDB (read with the SDK directly, not through the store). */
export async function incidentItem(world: RouterWorld, dedupKey: string, tableName = world.tableName): Promise<Incident | undefined> {
  const result = await world.documents.send(new GetCommand({ TableName: tableName, Key: { dedupKey }, ConsistentRead: true }));
  return result.Item as Incident | undefined;
}

/** `id status attempts` of each delivery recorded on an incident. */
export function deliverySummary(incident: Incident | undefined): string[] {
  return (incident?.deliveries ?? []).map((d) => `${d.id} ${d.status} ${d.attempts}`);
}

export async function createTable(world: RouterWorld, tableName: string): Promise<string> {
  await createIncidentTable(world.dynamo, tableName);
  return tableName;
}
