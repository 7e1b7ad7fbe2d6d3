// What every Lambda entry shares: its environment parsed once at module load (a bad value stops the
// cold start with the variable's name) and JSON variables validated by a schema.
import { z } from 'zod';
import { errorMessage } from '../../core/errors.ts';

/** A variable holding JSON that must match `schema` (the stack writes it from the validated config). */
export function jsonVariable<T extends z.ZodType>(name: string, schema: T) {
  return z.string().transform((text, ctx): z.output<T> => {
    try {
      return schema.parse(JSON.parse(text));
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: `invalid ${name}: ${errorMessage(error).split('\n')[0]}` });
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

/** Powertools' own variables, which the stack sets next to a function's. */
export type PowertoolsVariables = {
  POWERTOOLS_SERVICE_NAME: string;
  POWERTOOLS_METRICS_NAMESPACE?: string;
};

/**
 * The variables a construct gives a function, derived from the function's env schema: every key it reads,
 * as text (optional where the schema has a default or allows absence), plus Powertools'. Constructs write
 * `environment: { ... } satisfies XVariables`, so a renamed or missing variable fails `tsc`, not a deploy.
 */
export type FunctionVariables<S extends z.ZodObject> = {
  [K in keyof z.input<S>]: undefined extends z.input<S>[K] ? string | undefined : string;
} & PowertoolsVariables;
