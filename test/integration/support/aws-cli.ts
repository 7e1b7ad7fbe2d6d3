// The environment an operator's shell would have for the table commands (silence, incidents,
// postmortem), pointed at moto: the spawned CLI builds its DynamoDB client from the default chain, and
// the SDK reads AWS_ENDPOINT_URL itself. run-cli.ts passes process.env through, so the variables are
// stubbed on this worker's process.env (vitest restores them with vi.unstubAllEnvs).
import { afterAll, expect, vi } from 'vitest';
import { awsEnv } from './aws.ts';
import type { CliRun } from './run-cli.ts';

/** Call at the top of a test file; `table` becomes METIS_ALERTS_TABLE (undefined: not set). */
export function useAwsCliEnv(table: string | undefined): void {
  stubTableEnv(table);
  for (const [name, value] of Object.entries(awsEnv())) vi.stubEnv(name, value);
  vi.stubEnv('AWS_PROFILE', undefined);
  vi.stubEnv('AWS_MAX_ATTEMPTS', '2');
  vi.stubEnv('AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED', 'true');
  afterAll(() => {
    vi.unstubAllEnvs();
  });
}

export function stubTableEnv(table: string | undefined): void {
  vi.stubEnv('METIS_ALERTS_TABLE', table);
}

/** Exit 2, nothing on stdout, exactly one line on stderr naming the command and matching `pattern`. */
export function expectUsageError(run: CliRun, command: string, pattern: RegExp): void {
  expect(run.stdout).toBe('');
  expect(run.stderr.endsWith('\n')).toBe(true);
  const lines = run.stderr.slice(0, -1).split('\n');
  expect(lines, run.stderr).toHaveLength(1);
  expect(lines[0]!.startsWith(`metis-alerts ${command}: `), lines[0]).toBe(true);
  expect(lines[0]).toMatch(pattern);
  expect(run.status).toBe(2);
}
