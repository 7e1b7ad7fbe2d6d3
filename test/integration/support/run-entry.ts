// Runs a Lambda's own entry file (lambdas/functions/<name>/index.ts) in-process, as deployed but pointed at
// moto: the function's variables and the SDK's (AWS_ENDPOINT_URL, region, test credentials) set in
// process.env before the import, since the entry reads its environment and builds its clients at load;
// each invocation gets a Lambda context and has its output (Powertools' JSON log lines and EMF) captured.
import type { Context } from 'aws-lambda';
import { vi } from 'vitest';
import { awsEnv } from './aws.ts';
import { lambdaContext } from './lambda-context.ts';

export type EntryName = 'router' | 'sweeper' | 'probe' | 'log-watch' | 'trace-check' | 'ack-intake';

type EntryHandler = (event: unknown, context: Context) => Promise<unknown>;

export interface Entry {
  /** Calls the exported handler once; its stdout and stderr lines, parsed as JSON where they are, come back as `lines`. */
  invoke(event: unknown, requestId: string): Promise<{ value: unknown; lines: Record<string, unknown>[] }>;
  /** Puts process.env back as it was. */
  restore(): void;
}

/** The variables the Lambda runtime sets (the SDK's pointed at moto; no shared config or credentials file). */
function sdkEnv(): Record<string, string | undefined> {
  return {
    ...awsEnv(),
    AWS_PROFILE: undefined,
    AWS_CONFIG_FILE: '/nonexistent/aws-config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
    // Set by the Lambda runtime for on-demand (not provisioned) functions; Powertools reports cold starts only then.
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    POWERTOOLS_DEV: undefined,
    POWERTOOLS_METRICS_NAMESPACE: 'MetisAlerts',
  };
}

export async function importEntry(name: EntryName, vars: Record<string, string>): Promise<Entry> {
  const saved = new Map<string, string | undefined>();
  for (const [key, value] of Object.entries({ ...sdkEnv(), POWERTOOLS_SERVICE_NAME: `metis-alerts-${name}`, ...vars })) {
    saved.set(key, process.env[key]);
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  const restore = (): void => {
    for (const [key, value] of saved) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
  let handler: EntryHandler;
  try {
    vi.resetModules();
    const module = (await import(`../../../lambdas/functions/${name}/index.ts`)) as { handler?: unknown };
    if (typeof module.handler !== 'function') throw new Error(`lambdas/functions/${name}/index.ts exports no handler`);
    handler = module.handler as EntryHandler;
  } catch (error) {
    restore();
    throw error;
  }
  return {
    restore,
    async invoke(event, requestId) {
      const chunks: string[] = [];
      const capture = (chunk: string | Uint8Array): boolean => {
        chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
        return true;
      };
      // Powertools writes info and EMF to stdout, warn and error to stderr.
      const out = vi.spyOn(process.stdout, 'write').mockImplementation(capture);
      const err = vi.spyOn(process.stderr, 'write').mockImplementation(capture);
      try {
        const value = await handler(event, lambdaContext(`metis-alerts-${name}`, requestId));
        return { value, lines: parseLines(chunks.join('')) };
      } finally {
        out.mockRestore();
        err.mockRestore();
      }
    },
  };
}

function parseLines(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((line) => line.trim().startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** The log lines (not the EMF ones) among what an invocation wrote. */
export function logLines(lines: Record<string, unknown>[]): Record<string, unknown>[] {
  return lines.filter((line) => !('_aws' in line));
}
