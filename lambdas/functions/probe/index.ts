// probe Lambda entry: wires the HTTP prober, SSM header parameters and EMF metrics. Env read once.
import { SSMClient } from '@aws-sdk/client-ssm';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { setTimeout as sleep } from 'node:timers/promises';
import { HttpProber } from '../../adapters/http-prober.ts';
import { probeEmfPublisher } from '../../adapters/probe-emf.ts';
import { SsmProbeHeaders } from '../../adapters/ssm-probe-headers.ts';
import { readProbeEnvironment } from './env.ts';
import { makeProbeHandler, type ProbeHandlerDeps } from './handler.ts';
import { makeSplitRoundHandler } from './split-rounds.ts';
import { SqsRoundScheduler } from '../../adapters/sqs-round-scheduler.ts';
import { SQSClient } from '@aws-sdk/client-sqs';
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

export const handler = async (event?: unknown): Promise<{ probes: number; failing: string[]; heartbeat: boolean }> => {
  const { summary, heartbeat } = await run(event);
  return { probes: summary.probes, failing: Object.keys(summary.failing), heartbeat };
};
