// The one logger shape every handler, adapter and core dispatcher takes. In a Lambda it is Powertools'
// Logger with the invocation's context added (lambdas/functions/commons/lambda-logger.ts), so every line
// carries the request id and cold start; tests pass a collecting logger.

export type LogFields = Record<string, unknown>;

export interface Logger {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}
