// `metis-alerts scan-logs` on each real Python log (test/fixtures/python-logs/, produced by running code
// with tools/python-logs/generate.py), as an operator would run it on a `kubectl logs` capture: the exact
// traceback incident of each, or none for tracebacks logged below ERROR. Every fixture goes through the
// CLI's own entry (`main`, argument parsing to printed output) in this process; two also through the real
// executable, as a child process.
import { describe, expect, it } from 'vitest';
import { main } from '../../../cli/main.ts';
import { signalSchema } from '../../../lambdas/core/signal-schema.ts';
import type { Signal } from '../../../lambdas/core/signal.ts';
import { PYTHON_FIXTURES, PYTHON_LOGS_DIR } from '../../unit/core/logs/python-fixtures.ts';
import { runCli } from '../support/run-cli.ts';

const NOW = '2026-11-20T12:05:00Z';

async function cli(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const status = await main(args, { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) } });
  return { status, stdout, stderr };
}

const file = (name: string) => `${PYTHON_LOGS_DIR}${name}.log`;

describe.each(Object.entries(PYTHON_FIXTURES))('scan-logs --file %s.log', (name, expected) => {
  it(expected ? `--json: SEV2 traceback:${expected.fingerprint}` : '--json: no incident (logged below ERROR)', async () => {
    const run = await cli(['scan-logs', '--file', file(name), '--now', NOW, '--json']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const out = JSON.parse(run.stdout) as { source: string; evaluated: string[]; signals: Signal[] };
    // An evaluation report, so `route --signals` can replay it.
    expect(Object.keys(out).sort()).toEqual(['evaluated', 'evaluatedAt', 'healthy', 'signals', 'source']);
    expect(out.source).toBe('logs');
    for (const signal of out.signals) expect(signalSchema.safeParse(signal).success).toBe(true);
    if (expected === null) {
      expect(out.signals).toEqual([]);
      return;
    }
    expect(out.signals.map((s) => `${s.severity} ${s.dedupKey}`)).toEqual([`SEV2 traceback:${expected.fingerprint}`]);
    expect(out.signals[0]!.details).toMatchObject({
      exceptionType: expected.exceptionType,
      innermostFrame: expected.innermostFrame,
      chainedExceptions: expected.chainedExceptions,
      // JSON lines carry the whole traceback in one line; text tracebacks span lines of the file.
      completedFrom: /^(structlog|python-json)/.test(name) ? 'message' : 'batch',
      ...expected.details,
    });
  });

  it('human output: the incident and its summary, or why nothing fired', async () => {
    const run = await cli(['scan-logs', '--file', file(name), '--now', NOW]);
    expect(run.status).toBe(0);
    if (expected) expect(run.stdout).toContain(`SEV2  traceback:${expected.fingerprint}\n      ERROR traceback: ${expected.exceptionType}`);
    else expect(run.stdout).toMatch(/\n1 traceback\(s\) logged below ERROR ignored\nno signals fired\n$/);
  });
});

describe('the real executable (bin/metis-alerts.mjs)', () => {
  it.each([
    ['taskgroup-nested', ['SEV2 traceback:ExceptionGroup@/app/metis/gateway/fanout.py:warm_region']],
    ['warning-exc-info', []],
  ])('%s', (name, keys) => {
    const run = runCli(['scan-logs', '--file', file(name), '--now', NOW, '--json']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const out = JSON.parse(run.stdout) as { signals: Signal[] };
    expect(out.signals.map((s) => `${s.severity} ${s.dedupKey}`)).toEqual(keys);
  });
});
