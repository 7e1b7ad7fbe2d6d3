// The router AND the sweeper in-process, wired as lambdas/functions/router/index.ts and sweeper.ts wire them
// (DynamoDbIncidentStore, DynamoDbReportHeartbeats, SnsPublisher, PagerDutyHttpClient with the routing key
// read from SSM) plus the DynamoDbSilenceStore, all on one incident table in moto, each invocation with
// its own fixed clock. Builds on router-fixture's world (topics + reader queues, PagerDuty fake);
// useLifecycleWorld() registers a lifecycle file's hooks on it.
import { DynamoDbDigestStore } from '../../../lambdas/adapters/dynamodb-digest-store.ts';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { CloudWatchAlarmTags } from '../../../lambdas/adapters/cloudwatch-alarm-tags.ts';
import { DynamoDbIncidentStore } from '../../../lambdas/adapters/dynamodb-incident-store.ts';
import { DynamoDbReportHeartbeats } from '../../../lambdas/adapters/dynamodb-report-heartbeats.ts';
import { DynamoDbSilenceStore } from '../../../lambdas/adapters/dynamodb-silence-store.ts';
import { SqsDeadLetterSink } from '../../../lambdas/adapters/sqs-dead-letter.ts';
import type { DeliveryRecord, Incident } from '../../../lambdas/core/incident.ts';
import type { IncidentStore } from '../../../lambdas/core/ports.ts';
import type { RouterSettings } from '../../../lambdas/core/router-settings.ts';
import type { SourceExpectation } from '../../../lambdas/core/source-health.ts';
import type { Logger } from '../../../lambdas/core/logger.ts';
import { makeRouterHandler, type RouterOutcome } from '../../../lambdas/functions/router/handler.ts';
import { makeSweeperHandler } from '../../../lambdas/functions/sweeper/handler.ts';
import {
  DEFAULT_SETTINGS,
  createTable,
  deadLetters,
  pdCalls,
  published,
  putHealthzAlarms,
  useRouterWorld,
  worldNotifiers,
  type RouterWorld,
} from './router-fixture.ts';

export const plus = (iso: string, minutes: number): string => new Date(Date.parse(iso) + minutes * 60_000).toISOString();

/** Before each test: a reset PagerDuty fake and empty page, chatops and dead-letter queues. */
export async function drainSinks(world: RouterWorld): Promise<void> {
  world.pd.reset();
  await published(world, world.page);
  await published(world, world.chatops);
  await deadLetters(world);
}

/** A lifecycle file's hooks: one router world with the two healthz alarms, every sink drained before each test. */
export function useLifecycleWorld(onCreated: (world: RouterWorld) => void): void {
  useRouterWorld(onCreated, { setup: putHealthzAlarms, beforeEachTest: drainSinks });
}

export interface LaneOptions {
  tableName: string;
  settings?: RouterSettings;
  /** The sweeper's SWEEPER_SETTINGS.expectedSources. @default [] */
  expectedSources?: SourceExpectation[];
  /** @default 30 (rules.traceback.quietMinutes) */
  tracebackQuietMinutes?: number;
}

export interface InvocationOptions {
  /** Wraps this invocation's incident store (barriers, recorders). */
  wrapStore?: (store: IncidentStore) => IncidentStore;
}

/** Records what the handlers log; a warn or error fails the caller's expectations where it checks them. */
export function collectingLogger(into: { level: string; message: string; fields?: Record<string, unknown> }[]): Logger {
  return {
    info: (message, fields) => into.push({ level: 'info', message, ...(fields ? { fields } : {}) }),
    warn: (message, fields) => into.push({ level: 'warn', message, ...(fields ? { fields } : {}) }),
    error: (message, fields) => into.push({ level: 'error', message, ...(fields ? { fields } : {}) }),
  };
}

/**
 * One deployment's worth of handlers on one table: `route(at, event)` is one router invocation,
 * `sweep(at)` one scheduled sweeper invocation, each with a fresh set of adapters (a new container).
 */
export class Lane {
  readonly logs: { level: string; message: string; fields?: Record<string, unknown> }[] = [];
  readonly tableName: string;
  readonly silences: DynamoDbSilenceStore;
  readonly heartbeats: DynamoDbReportHeartbeats;

  constructor(
    readonly world: RouterWorld,
    private readonly options: LaneOptions,
  ) {
    this.tableName = options.tableName;
    this.silences = new DynamoDbSilenceStore({ client: world.dynamo, tableName: options.tableName });
    this.heartbeats = new DynamoDbReportHeartbeats({ client: world.dynamo, tableName: options.tableName });
  }

  static async create(world: RouterWorld, options: LaneOptions): Promise<Lane> {
    await createTable(world, options.tableName);
    return new Lane(world, options);
  }

  private adapters(invocation: InvocationOptions) {
    const store = new DynamoDbIncidentStore({ client: this.world.dynamo, tableName: this.tableName });
    return {
      store: invocation.wrapStore ? invocation.wrapStore(store) : store,
      heartbeats: new DynamoDbReportHeartbeats({ client: this.world.dynamo, tableName: this.tableName }),
      silences: new DynamoDbSilenceStore({ client: this.world.dynamo, tableName: this.tableName }),
      // As lambdas/functions/commons/notification-adapters.ts: SEV4 digest rules fold into the daily digest.
      digests: new DynamoDbDigestStore({ client: this.world.dynamo, tableName: this.tableName }),
      notifiers: worldNotifiers(this.world),
      settings: this.options.settings ?? DEFAULT_SETTINGS,
      logger: collectingLogger(this.logs),
    };
  }

  routerHandler(at: string, invocation: InvocationOptions = {}): (event: unknown) => Promise<RouterOutcome> {
    const fixed = new Date(at);
    return makeRouterHandler({
      ...this.adapters(invocation),
      clock: () => new Date(fixed),
      deadLetter: new SqsDeadLetterSink({ client: this.world.sqs, queueUrl: this.world.dlqUrl }),
      alarmTags: new CloudWatchAlarmTags({ client: this.world.cloudwatch }),
    });
  }

  sweeperHandler(at: string, invocation: InvocationOptions = {}): () => Promise<{ deliveries: number }> {
    const fixed = new Date(at);
    return makeSweeperHandler({
      ...this.adapters(invocation),
      clock: () => new Date(fixed),
      expectedSources: this.options.expectedSources ?? [],
      options: { tracebackQuietMinutes: this.options.tracebackQuietMinutes ?? 30 },
    });
  }

  route(at: string, event: unknown, invocation: InvocationOptions = {}): Promise<RouterOutcome> {
    return this.routerHandler(at, invocation)(event);
  }

  sweep(at: string, invocation: InvocationOptions = {}): Promise<{ deliveries: number }> {
    return this.sweeperHandler(at, invocation)();
  }

  /** Every item of the lane's table (incidents, heartbeats, silences), read with the SDK directly. */
  async items(): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.world.documents.send(
        new ScanCommand({ TableName: this.tableName, ConsistentRead: true, ExclusiveStartKey: startKey }),
      );
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return items;
  }

  /** The incident items (those with a `status`), by dedupKey. */
  async incidents(): Promise<Incident[]> {
    return (await this.items()).filter((item) => typeof item.status === 'string') as unknown as Incident[];
  }

  warnings(): string[] {
    return this.logs.filter((l) => l.level !== 'info').map((l) => `${l.level}: ${l.message} ${JSON.stringify(l.fields ?? {})}`);
  }
}

export interface Sent {
  /** `action severity dedupKey` per PagerDuty request, in order (schema-checked, routing key checked). */
  pd: string[];
  /** SNS subjects as the page subscriber received them, in order. */
  page: string[];
  chatops: string[];
}

/** What reached PagerDuty and the two topics since the last call (requests cleared, queues drained). */
export async function takeSent(world: RouterWorld): Promise<Sent> {
  const pd = pdCalls(world).map((c) => `${c.action} ${c.severity ?? '-'} ${c.dedupKey} ${c.status}`);
  world.pd.requests.length = 0;
  const page = (await published(world, world.page)).map((p) => p.subject ?? '');
  const chatops = (await published(world, world.chatops)).map((p) => p.subject ?? '');
  return { pd, page, chatops };
}

export const NOTHING: Sent = { pd: [], page: [], chatops: [] };

/**
 * Holds each participant's first `get` of `key` until `parties` participants have made it, so racing
 * invocations certainly read the same version before either writes. Also records every put's outcome.
 */
export function raceBarrier(key: string, parties: number) {
  let arrived = 0;
  let release!: () => void;
  const allRead = new Promise<void>((resolve) => (release = resolve));
  const puts: { key: string; expected: number | undefined; ok: boolean }[] = [];
  // DynamoDB checks a conditional write atomically; moto's request threads do not, so two puts of the raced
  // key arriving together could both pass. One put of that key at a time gives DynamoDB's behaviour; both
  // invocations still read "absent" first, so the race on the conditional write stays certain.
  let wire: Promise<unknown> = Promise.resolve();
  const wrap = (base: IncidentStore): IncidentStore => {
    let first = true;
    return {
      listOpen: (source) => base.listOpen(source),
      listOwed: () => base.listOwed(),
      listWatched: (source) => base.listWatched(source),
      async get(dedupKey) {
        const result = await base.get(dedupKey);
        if (dedupKey === key && first) {
          first = false;
          if (++arrived === parties) release();
          await allRead;
        }
        return result;
      },
      async put(incident, expected) {
        const write = incident.dedupKey === key ? wire.then(() => base.put(incident, expected)) : base.put(incident, expected);
        if (incident.dedupKey === key) wire = write.catch(() => undefined);
        const ok = await write;
        puts.push({ key: incident.dedupKey, expected, ok });
        return ok;
      },
    };
  };
  return { wrap, puts };
}

/** A delivery as the backtest compares it. */
export interface Delivered {
  sink: DeliveryRecord['sink'];
  action: DeliveryRecord['action'];
  severity: DeliveryRecord['severity'];
  dedupKey: string;
}

/**
 * Watches the writes of the real store: every delivery record that turns from pending/claimed into
 * `sent` or `failed` in a successful put is appended, in the order the puts happened and, within one
 * put, in the incident's delivery order (the order dispatch sent them in).
 */
export class DeliveryRecorder {
  readonly log: (Delivered & { id: string; status: string; at: string })[] = [];
  private readonly seen = new Set<string>();

  wrap = (base: IncidentStore): IncidentStore => ({
    get: (key) => base.get(key),
    listOpen: (source) => base.listOpen(source),
    listOwed: () => base.listOwed(),
    listWatched: (source) => base.listWatched(source),
    put: async (incident, expected) => {
      const ok = await base.put(incident, expected);
      if (ok) {
        for (const d of incident.deliveries) {
          const id = `${incident.dedupKey}#${d.id}`;
          if ((d.status === 'sent' || d.status === 'failed') && !this.seen.has(id)) {
            this.seen.add(id);
            this.log.push({
              sink: d.sink,
              action: d.action,
              severity: d.severity,
              dedupKey: d.dedupKey,
              id: d.id,
              status: d.status,
              at: d.lastAttemptAt ?? '',
            });
          }
        }
      }
      return ok;
    },
  });
}
