// What every Lambda entry shares: its environment parsed once at module load (a bad value stops the
// cold start with the variable's name), JSON variables validated by a schema, and the Powertools logger
// in the shape the handlers take.
import type { Logger } from '@aws-lambda-powertools/logger';
import { z } from 'zod';

/** A variable holding JSON that must match `schema` (the stack writes it from the validated config). */
export function jsonVariable<T extends z.ZodType>(name: string, schema: T) {
  return z.string().transform((text, ctx): z.output<T> => {
    try {
      return schema.parse(JSON.parse(text));
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: `invalid ${name}: ${(error as Error).message.split('\n')[0]}` });
      return z.NEVER;
    }
  });
}

export function readEnvironment<T extends z.ZodType>(schema: T, env: Record<string, string | undefined>, what: string): z.output<T> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${what} environment: ${issue.path.join('.')}: ${issue.message}`);
  }
  return parsed.data;
}

export interface HandlerLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export function handlerLogger(logger: Logger): HandlerLogger {
  return {
    info: (message, fields = {}) => logger.info(message, fields),
    warn: (message, fields = {}) => logger.warn(message, fields),
    error: (message, fields = {}) => logger.error(message, fields),
  };
}
