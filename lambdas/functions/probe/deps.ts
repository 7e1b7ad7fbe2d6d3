// The probe's adapters from its environment and clients: what index.ts runs and the tests exercise.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDbProbeState, DynamoDbShapeRunState } from '../../adapters/dynamodb-probe-state.ts';
import { EventBridgeReportPublisher } from '../../adapters/eventbridge-report-publisher.ts';
import { HttpProber } from '../../adapters/http-prober.ts';
import { HttpShapeProber } from '../../adapters/http-shape-prober.ts';
import { SqsRoundScheduler } from '../../adapters/sqs-round-scheduler.ts';
import { SsmProbeHeaders } from '../../adapters/ssm-probe-headers.ts';
import type { Runtime } from '../commons/runtime.ts';
import type { ProbeEnvironment } from './env.ts';
import { makeProbeHandler, type ProbeHandlerDeps, type ProbeRunOutcome } from './handler.ts';
import type { ShapeRunResult } from '../../core/probe/inbound-shape-report.ts';
import { makeInboundShapeHandler } from './shape-handler.ts';
import { makeSplitRoundHandler } from './split-rounds.ts';

export interface ProbeClients {
  ssm: SSMClient;
  /** For the second round's delayed message (when the stack configured the queue). */
  sqs: SQSClient;
  /** For the evaluation reports (health rounds and inbound shapes): in the bus's region (EVENT_BUS_REGION). */
  eventbridge: EventBridgeClient;
  /** For the round-to-round state item in the incident table. */
  dynamodb: DynamoDBClient;
}

export interface ProbeRuntime extends Runtime {
  /** Waits between the two rounds when no queue carries the second one (node:timers/promises setTimeout). */
  sleep: (ms: number) => Promise<void>;
}

export function buildProbeDeps(env: ProbeEnvironment, clients: Omit<ProbeClients, 'sqs'>, runtime: ProbeRuntime): ProbeHandlerDeps {
  const prober = new HttpProber();
  const ssmHeaders = new SsmProbeHeaders({ client: clients.ssm });
  return {
    targets: env.PROBE_TARGETS,
    probe: (call) => prober.probe(call),
    headers: (headersFromSsm) => ssmHeaders.headersFor(headersFromSsm),
    publisher: new EventBridgeReportPublisher({ client: clients.eventbridge, eventBusName: env.EVENT_BUS_NAME }),
    state: new DynamoDbProbeState({ client: clients.dynamodb, tableName: env.PROBE_STATE_TABLE }),
    rules: env.PROBE_RULES,
    vantage: env.vantage,
    ...runtime,
    spacingMs: env.PROBE_SPACING_MS,
  };
}

export interface ProbeRuns {
  /** The health rounds: the second by a delayed SQS message when the stack configured the queue (no sleeping Lambda). */
  rounds: (event: unknown) => Promise<ProbeRunOutcome>;
  /** The inbound-shape run (its own schedule rule), when shapes are configured. */
  shapes: (() => Promise<ShapeRunResult>) | undefined;
}

export function buildProbeRuns(env: ProbeEnvironment, clients: ProbeClients, runtime: ProbeRuntime): ProbeRuns {
  const deps = buildProbeDeps(env, clients, runtime);
  const queueUrl = env.PROBE_SECOND_ROUND_QUEUE_URL;
  const rounds = queueUrl
    ? makeSplitRoundHandler({ ...deps, scheduler: new SqsRoundScheduler({ client: clients.sqs, queueUrl }) })
    : makeProbeHandler(deps);
  const shapeProber = new HttpShapeProber();
  const shapes = env.INBOUND_SHAPES?.length
    ? makeInboundShapeHandler({
        shapes: env.INBOUND_SHAPES,
        healthTargets: env.PROBE_TARGETS,
        probeShape: (request) => shapeProber.probe(request),
        probeHealth: deps.probe,
        headers: deps.headers,
        publisher: deps.publisher,
        clock: runtime.clock,
        logger: runtime.logger,
        state: new DynamoDbShapeRunState({ client: clients.dynamodb, tableName: env.PROBE_STATE_TABLE }),
        rules: env.PROBE_RULES,
        vantage: env.vantage,
      })
    : undefined;
  return { rounds, shapes };
}

/** The EventBridge client's region: the home bus's when this probe is a vantage in another region, else the SDK's default. */
export function busClientConfig(env: Pick<ProbeEnvironment, 'EVENT_BUS_REGION'>): { region?: string } {
  return env.EVENT_BUS_REGION ? { region: env.EVENT_BUS_REGION } : {};
}
