// probe Lambda entry: wires the HTTP prober, SSM header parameters and EMF metrics. Env read once.
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SSMClient } from '@aws-sdk/client-ssm';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { setTimeout as sleep } from 'node:timers/promises';
import { EventBridgeReportPublisher } from '../../adapters/eventbridge-report-publisher.ts';
import { HttpProber } from '../../adapters/http-prober.ts';
import { HttpShapeProber } from '../../adapters/http-shape-prober.ts';
import { probeEmfPublisher } from '../../adapters/probe-emf.ts';
import { SsmProbeHeaders } from '../../adapters/ssm-probe-headers.ts';
import { readProbeEnvironment } from './env.ts';
import { makeProbeHandler, type ProbeHandlerDeps } from './handler.ts';
import { makeSplitRoundHandler } from './split-rounds.ts';
import { SqsRoundScheduler } from '../../adapters/sqs-round-scheduler.ts';
import { SQSClient } from '@aws-sdk/client-sqs';
import { isInboundShapeRun } from './run-kind.ts';
import { makeInboundShapeHandler } from './shape-handler.ts';
import { handlerLogger } from '../commons/environment.ts';

const env = readProbeEnvironment(process.env);
const logger = new Logger();
const metrics = new Metrics();
const prober = new HttpProber();
const ssmHeaders = new SsmProbeHeaders({ client: new SSMClient({}) });

const deps: ProbeHandlerDeps = {
  targets: env.PROBE_TARGETS,
  probe: (call) => prober.probe(call),
  headers: (headersFromSsm) => ssmHeaders.headersFor(headersFromSsm),
  sleep: async (ms) => {
    await sleep(ms);
  },
  clock: () => new Date(),
  metrics: probeEmfPublisher(metrics),
  logger: handlerLogger(logger),
  spacingMs: env.PROBE_SPACING_MS,
};
// The second round by a delayed SQS message when the stack configured the queue (no sleeping Lambda).
const queueUrl = env.PROBE_SECOND_ROUND_QUEUE_URL;
const run = queueUrl
  ? makeSplitRoundHandler({ ...deps, scheduler: new SqsRoundScheduler({ client: new SQSClient({}), queueUrl }) })
  : makeProbeHandler(deps);

// The inbound-shape run (issue 13): its own schedule rule invokes this function with { run: 'inbound-shapes' }.
const shapeProber = new HttpShapeProber();
const runShapes =
  env.INBOUND_SHAPES?.length && env.EVENT_BUS_NAME
    ? makeInboundShapeHandler({
        shapes: env.INBOUND_SHAPES,
        healthTargets: env.PROBE_TARGETS,
        probeShape: (request) => shapeProber.probe(request),
        probeHealth: (call) => prober.probe(call),
        headers: (headersFromSsm) => ssmHeaders.headersFor(headersFromSsm),
        publisher: new EventBridgeReportPublisher({ client: new EventBridgeClient({}), eventBusName: env.EVENT_BUS_NAME }),
        clock: () => new Date(),
        logger: handlerLogger(logger),
      })
    : undefined;

export const handler = async (event?: unknown): Promise<{ probes: number; failing: string[]; heartbeat: boolean }> => {
  if (isInboundShapeRun(event)) {
    if (!runShapes) throw new Error('inbound-shape run without INBOUND_SHAPES and EVENT_BUS_NAME in the environment');
    const { verdicts } = await runShapes();
    return { probes: verdicts.length, failing: verdicts.filter((v) => v.verdict === 'shape_down').map((v) => v.name), heartbeat: true };
  }
  const { summary, heartbeat } = await run(event);
  return { probes: summary.probes, failing: Object.keys(summary.failing), heartbeat };
};
