// The trace-check's adapters from its environment and clients: what index.ts runs and the tests exercise.
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { join } from 'node:path';
import { EventBridgeReportPublisher } from '../../adapters/eventbridge-report-publisher.ts';
import { HttpAnalyticsSource } from '../../adapters/http-analytics-source.ts';
import { SsmProbeHeaders } from '../../adapters/ssm-probe-headers.ts';
import { S3SnapshotSource } from '../../adapters/s3-snapshot-source.ts';
import { openSnapshot } from '../../adapters/sqljs-database.ts';
import type { Runtime } from '../commons/runtime.ts';
import type { TraceCheckEnvironment } from './env.ts';
import type { TraceCheckDeps } from './handler.ts';

export interface TraceCheckClients {
  s3: S3Client;
  eventbridge: EventBridgeClient;
  /** Reads the analytics endpoint's key parameter (analytics_drift). */
  ssm: SSMClient;
}

/** No metrics publisher: the trace check emits no custom metric (its numbers are log fields). */
export interface TraceCheckRuntime extends Runtime {
  /** Directory holding sql-wasm.wasm (next to the bundled index.mjs; node_modules/sql.js/dist from source). */
  wasmDir: string;
}

export function buildTraceCheckDeps(env: TraceCheckEnvironment, clients: TraceCheckClients, runtime: TraceCheckRuntime): TraceCheckDeps {
  return {
    source: new S3SnapshotSource({ client: clients.s3, bucket: env.SNAPSHOT_BUCKET, key: env.SNAPSHOT_KEY }),
    open: (bytes) => openSnapshot(bytes, { locateFile: (file) => join(runtime.wasmDir, file) }),
    publisher: new EventBridgeReportPublisher({ client: clients.eventbridge, eventBusName: env.EVENT_BUS_NAME }),
    rules: env.TRACE_RULES,
    clock: runtime.clock,
    logger: runtime.logger,
    timer: () => performance.now(),
    ...analyticsDeps(env, clients),
  };
}

/** analytics_drift: /analytics/by_key with its key from SSM, when the config has `analytics`. */
function analyticsDeps(env: TraceCheckEnvironment, clients: TraceCheckClients): Pick<TraceCheckDeps, 'analytics'> {
  const config = env.ANALYTICS;
  if (!config) return {};
  const source = new HttpAnalyticsSource();
  const headers = new SsmProbeHeaders({ client: clients.ssm });
  return {
    analytics: {
      config,
      fetch: async (window) => source.byKey({ ...config, window, headers: await headers.headersFor(config.headersFromSsm) }),
    },
  };
}
