// trace-check Lambda entry: the environment read once, real clients (S3, EventBridge), sql.js with its
// .wasm next to index.mjs, buildTraceCheckDeps, the context-logging wrapper.
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { SSMClient } from '@aws-sdk/client-ssm';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { s3ClientConfig } from '../commons/aws-clients.ts';
import { createLambdaLogger, withLambdaContext } from '../commons/lambda-logger.ts';
import { buildTraceCheckDeps } from './deps.ts';
import { readTraceCheckEnvironment } from './env.ts';
import { makeTraceCheckHandler } from './handler.ts';

const env = readTraceCheckEnvironment(process.env);
const logger = createLambdaLogger();
const clients = { s3: new S3Client(s3ClientConfig(process.env)), eventbridge: new EventBridgeClient({}), ssm: new SSMClient({}) };
// The stack copies sql-wasm.wasm next to the bundled index.mjs (lib/trace-checks.ts); run from source, it
// is where sql.js keeps it.
const here = dirname(fileURLToPath(import.meta.url));
const wasmDir = existsSync(join(here, 'sql-wasm.wasm')) ? here : join(here, '../../../node_modules/sql.js/dist');
const run = makeTraceCheckHandler(buildTraceCheckDeps(env, clients, { logger, clock: () => new Date(), wasmDir }));

export const handler = withLambdaContext(logger, async (): Promise<{ snapshot: string; evaluated: number; firing: number }> => {
  const { snapshot, evaluation } = await run();
  return { snapshot, evaluated: evaluation.evaluated.length, firing: evaluation.signals.length };
});
