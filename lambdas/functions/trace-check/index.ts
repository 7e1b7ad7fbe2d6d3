// trace-check Lambda entry: wires S3, sql.js (its .wasm shipped next to index.mjs), EventBridge and EMF.
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { emfPublisher } from '../../adapters/emf-metrics.ts';
import { EventBridgeReportPublisher } from '../../adapters/eventbridge-report-publisher.ts';
import { S3SnapshotSource } from '../../adapters/s3-snapshot-source.ts';
import { openSnapshot } from '../../adapters/sqljs-database.ts';
import { readTraceCheckEnvironment } from './env.ts';
import { makeTraceCheckHandler } from './handler.ts';
import { handlerLogger } from '../commons/environment.ts';

const env = readTraceCheckEnvironment(process.env);
// The stack copies sql-wasm.wasm next to the bundled index.mjs (lib/trace-checks.ts).
const here = dirname(fileURLToPath(import.meta.url));
const logger = new Logger();
const metrics = new Metrics();

const run = makeTraceCheckHandler({
  source: new S3SnapshotSource({ client: new S3Client({}), bucket: env.SNAPSHOT_BUCKET, key: env.SNAPSHOT_KEY }),
  open: (bytes) => openSnapshot(bytes, { locateFile: (file) => join(here, file) }),
  publisher: new EventBridgeReportPublisher({ client: new EventBridgeClient({}), eventBusName: env.EVENT_BUS_NAME }),
  rules: env.TRACE_RULES,
  clock: () => new Date(),
  metrics: emfPublisher(metrics),
  logger: handlerLogger(logger),
  timer: () => performance.now(),
});

export const handler = async (): Promise<{ snapshot: string; evaluated: number; firing: number }> => {
  const { snapshot, evaluation } = await run();
  return { snapshot, evaluated: evaluation.evaluated.length, firing: evaluation.signals.length };
};
