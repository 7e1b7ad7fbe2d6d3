// probe Lambda entry: wires the HTTP prober, SSM header parameters and EMF metrics. Env read once.
import { SSMClient } from '@aws-sdk/client-ssm';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { setTimeout as sleep } from 'node:timers/promises';
import { HttpProber } from '../../adapters/http-prober.ts';
import { probeEmfPublisher } from '../../adapters/probe-emf.ts';
import { SsmProbeHeaders } from '../../adapters/ssm-probe-headers.ts';
import { readProbeEnvironment } from './env.ts';
import { makeProbeHandler } from './handler.ts';
import { handlerLogger } from '../commons/environment.ts';

const env = readProbeEnvironment(process.env);
const logger = new Logger();
const metrics = new Metrics();
const prober = new HttpProber();
const ssmHeaders = new SsmProbeHeaders({ client: new SSMClient({}) });

const run = makeProbeHandler({
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
});

export const handler = async (): Promise<{ probes: number; failing: string[]; heartbeat: boolean }> => {
  const { summary, heartbeat } = await run();
  return { probes: summary.probes, failing: Object.keys(summary.failing), heartbeat };
};
