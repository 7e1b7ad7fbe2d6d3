// `metis-alerts probe --url URL [--timeout-ms N] [--json]`: one GET of an endpoint with the probe Lambda's
// own prober and classification (docs/architecture.md, CLI). Exit 0 whatever the target answered (a failing
// target is a finding, not an error); exit 2 for a bad URL or flag. To trust a private CA, set
// NODE_EXTRA_CA_CERTS=/path/ca.pem: Node adds it to its default store, which the prober uses.
import { parseArgs } from 'node:util';
import { HttpProber, ProbeRequestError, parseProbeUrl } from '../../lambdas/adapters/http-prober.ts';
import { diagnose } from '../../lambdas/core/probe/diagnosis.ts';
import { toProbeJson, type ProbeOutcome } from '../../lambdas/core/probe/result.ts';
import { UsageError } from '../errors.ts';
import { SPECS } from '../spec.ts';
import { runShapeProbe } from './probe-shape.ts';
import type { Output } from '../io.ts';

export const MAX_CLI_TIMEOUT_MS = 120_000;

export async function runProbeCommand(args: string[], out: Output): Promise<void> {
  const { values } = parseArgs({
    args,
    options: SPECS.probe.flags,
    strict: true,
  });
  if (!values.url) throw new UsageError('--url URL is required');
  if (values.shape !== undefined || values.model !== undefined) {
    await runShapeProbe(
      { url: values.url, shape: values.shape, model: values.model, timeoutMs: values['timeout-ms'], json: values.json },
      out,
    );
    return;
  }
  try {
    parseProbeUrl(values.url);
  } catch (error) {
    if (error instanceof ProbeRequestError) throw new UsageError(`--url: ${error.message}`);
    throw error;
  }
  const timeoutMs = parseTimeout(values['timeout-ms']);
  const outcome = await new HttpProber().probe({ url: values.url, timeoutMs });
  out.stdout.write(values.json ? `${JSON.stringify(toProbeJson(outcome), null, 2)}\n` : formatProbe(outcome));
}

export function parseTimeout(value: string | undefined): number {
  if (value === undefined) return 5000;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1 || n > MAX_CLI_TIMEOUT_MS) {
    throw new UsageError(`--timeout-ms: expected whole milliseconds from 1 to ${MAX_CLI_TIMEOUT_MS}, got "${value}"`);
  }
  return n;
}

export function formatProbe(outcome: ProbeOutcome): string {
  const tls =
    outcome.tlsDaysLeft === null
      ? ''
      : outcome.tlsDaysLeft < 0
        ? `, certificate expired ${-outcome.tlsDaysLeft} day(s) ago`
        : `, certificate expires in ${outcome.tlsDaysLeft} day(s)`;
  if (outcome.ok) return `ok      ${outcome.url}  HTTP ${outcome.status} in ${outcome.latencyMs} ms${tls}\n`;
  const { headline, firstMove } = diagnose(outcome);
  return [
    `FAILED  ${outcome.url}  ${outcome.failure}${outcome.detail ? `: ${outcome.detail}` : ''} after ${outcome.latencyMs} ms${tls}`,
    `        ${headline}`,
    `        first: ${firstMove}`,
    '',
  ].join('\n');
}
