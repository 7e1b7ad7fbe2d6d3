// trace-check Lambda entry: wires S3, sql.js (its .wasm shipped next to index.mjs), EventBridge and EMF.
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { SSMClient } from '@aws-sdk/client-ssm';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { emfPublisher } from '../../adapters/emf-metrics.ts';
import { EventBridgeReportPublisher } from '../../adapters/eventbridge-report-publisher.ts';
import { HttpAnalyticsSource } from '../../adapters/http-analytics-source.ts';
import { SsmProbeHeaders } from '../../adapters/ssm-probe-headers.ts';
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

// analytics_drift (issue 13): /analytics/by_key with its key from SSM, when the config has `analytics`.
const analyticsConfig = env.ANALYTICS;
const analyticsSource = new HttpAnalyticsSource();
const analyticsHeaders = new SsmProbeHeaders({ client: new SSMClient({}) });

const run = makeTraceCheckHandler({
  source: new S3SnapshotSource({ client: new S3Client({}), bucket: env.SNAPSHOT_BUCKET, key: env.SNAPSHOT_KEY }),
  open: (bytes) => openSnapshot(bytes, { locateFile: (file) => join(here, file) }),
  publisher: new EventBridgeReportPublisher({ client: new EventBridgeClient({}), eventBusName: env.EVENT_BUS_NAME }),
  rules: env.TRACE_RULES,
  clock: () => new Date(),
  metrics: emfPublisher(metrics),
  logger: handlerLogger(logger),
  timer: () => performance.now(),
  ...(analyticsConfig
    ? {
        analytics: {
          config: analyticsConfig,
          fetch: async (window) =>
            analyticsSource.byKey({
              ...analyticsConfig,
              window,
              headers: await analyticsHeaders.headersFor(analyticsConfig.headersFromSsm),
            }),
        },
      }
    : {}),
});

export const handler = async (): Promise<{ snapshot: string; evaluated: number; firing: number }> => {
  const { snapshot, evaluation } = await run();
  return { snapshot, evaluated: evaluation.evaluated.length, firing: evaluation.signals.length };
};
