// The logger every Lambda entry builds, and the wrapper that gives it each invocation's context: with
// `addContext` Powertools puts function_request_id, cold_start and the function's name on every line
// (what `injectLambdaContext` does as a middleware), so a log line always says which invocation wrote it.
import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import type { Logger } from '../../core/logger.ts';

export interface LambdaLogger extends Logger {
  /** Called once per invocation by withLambdaContext. */
  addContext(context: Context): void;
}

export function createLambdaLogger(): LambdaLogger {
  const powertools = new PowertoolsLogger();
  return {
    info: (message, fields = {}) => powertools.info(message, fields),
    warn: (message, fields = {}) => powertools.warn(message, fields),
    error: (message, fields = {}) => powertools.error(message, fields),
    addContext: (context) => powertools.addContext(context),
  };
}

/** The exported Lambda handler: the invocation's context goes to the logger, the event to `run`. */
export function withLambdaContext<R>(
  logger: LambdaLogger,
  run: (event: unknown) => Promise<R>,
): (event: unknown, context: Context) => Promise<R> {
  return async (event, context) => {
    logger.addContext(context);
    return run(event);
  };
}
