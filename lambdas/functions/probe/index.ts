// probe Lambda entry: the environment read once, the HTTP prober, SSM header parameters, EMF metrics,
// buildProbeDeps, the context-logging wrapper.
import { SSMClient } from '@aws-sdk/client-ssm';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { setTimeout as sleep } from 'node:timers/promises';
import { emfPublisher } from '../../adapters/emf-publisher.ts';
import { createLambdaLogger, withLambdaContext } from '../commons/lambda-logger.ts';
import { buildProbeDeps } from './deps.ts';
import { readProbeEnvironment } from './env.ts';
import { makeProbeHandler } from './handler.ts';

const env = readProbeEnvironment(process.env);
const logger = createLambdaLogger();
const run = makeProbeHandler(
  buildProbeDeps(
    env,
    { ssm: new SSMClient({}) },
    {
      logger,
      clock: () => new Date(),
      metrics: emfPublisher(new Metrics()),
      sleep: async (ms) => {
        await sleep(ms);
      },
    },
  ),
);

export const handler = withLambdaContext(logger, async (): Promise<{ probes: number; failing: string[]; heartbeat: boolean }> => {
  const { summary, heartbeat } = await run();
  return { probes: summary.probes, failing: Object.keys(summary.failing), heartbeat };
});
