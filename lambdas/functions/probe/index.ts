// probe Lambda entry: the environment read once, real clients, buildProbeRuns, the context-logging
// wrapper. One function serves the health rounds and the inbound-shape run; both report on the bus.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLambdaLogger, withLambdaContext } from '../commons/lambda-logger.ts';
import { buildProbeRuns, busClientConfig } from './deps.ts';
import { readProbeEnvironment } from './env.ts';
import { isInboundShapeRun } from './run-kind.ts';

const env = readProbeEnvironment(process.env);
const logger = createLambdaLogger();
const runs = buildProbeRuns(
  env,
  {
    ssm: new SSMClient({}),
    sqs: new SQSClient({}),
    eventbridge: new EventBridgeClient(busClientConfig(env)),
    dynamodb: new DynamoDBClient({}),
  },
  {
    logger,
    clock: () => new Date(),
    sleep: async (ms) => {
      await sleep(ms);
    },
  },
);

export const handler = withLambdaContext(logger, async (event): Promise<{ probes: number; failing: string[]; heartbeat: boolean }> => {
  if (isInboundShapeRun(event)) {
    if (!runs.shapes) throw new Error('inbound-shape run without INBOUND_SHAPES in the environment');
    const { verdicts } = await runs.shapes();
    return { probes: verdicts.length, failing: verdicts.filter((v) => v.verdict === 'shape_down').map((v) => v.name), heartbeat: true };
  }
  const { summary, heartbeat } = await runs.rounds(event);
  return { probes: summary.probes, failing: Object.keys(summary.failing), heartbeat };
});
