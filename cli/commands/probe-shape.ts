// `metis-alerts probe --url URL --shape openai-chat|anthropic-messages [--model M] [--timeout-ms N] [--json]`:
// one inbound-shape request with the probe Lambda's own prober and verdict. Prints the probe
// JSON plus "shape"; `failure: "shape"` when a 2xx body is not that shape. A probe key, if the gateway
// wants one, comes from METIS_PROBE_AUTHORIZATION (sent as the `authorization` header), never from a flag
// that would show in `ps` and shell history.
import { HttpShapeProber } from '../../lambdas/adapters/http-shape-prober.ts';
import { ProbeRequestError, parseProbeUrl } from '../../lambdas/adapters/http-prober.ts';
import { firstMove } from '../../lambdas/core/probe/inbound-shape-report.ts';
import { INBOUND_SHAPES, toShapeJson, type InboundShape, type ShapeOutcome } from '../../lambdas/core/probe/inbound-shape.ts';
import { UsageError } from '../errors.ts';
import type { Output } from '../io.ts';

/** Cheap defaults so `--model` can be left out; a gateway that routes by canonical id wants its own. */
export const DEFAULT_SHAPE_MODEL: Record<InboundShape, string> = {
  'openai-chat': 'gpt-4o-mini',
  'anthropic-messages': 'claude-haiku-4-5',
};

export interface ShapeProbeArgs {
  url: string;
  shape: string | undefined;
  model: string | undefined;
  timeoutMs: string | undefined;
  json: boolean;
}

export async function runShapeProbe(
  args: ShapeProbeArgs,
  out: Output,
  env: Record<string, string | undefined> = process.env,
): Promise<void> {
  if (args.shape === undefined) throw new UsageError(`--model needs --shape (${INBOUND_SHAPES.join(' or ')})`);
  if (!(INBOUND_SHAPES as readonly string[]).includes(args.shape))
    throw new UsageError(`--shape: expected ${INBOUND_SHAPES.join(' or ')}, got "${args.shape}"`);
  const shape = args.shape as InboundShape;
  if (args.model !== undefined && args.model.trim() === '') throw new UsageError('--model: expected a model id, got an empty string');
  try {
    parseProbeUrl(args.url);
  } catch (error) {
    if (error instanceof ProbeRequestError) throw new UsageError(`--url: ${error.message}`);
    throw error;
  }
  const timeoutMs = parseShapeTimeout(args.timeoutMs);
  const authorization = env.METIS_PROBE_AUTHORIZATION;
  const outcome = await new HttpShapeProber().probe({
    url: args.url,
    shape,
    model: args.model ?? DEFAULT_SHAPE_MODEL[shape],
    timeoutMs,
    headers: authorization ? { authorization } : {},
  });
  out.stdout.write(args.json ? `${JSON.stringify(toShapeJson(outcome), null, 2)}\n` : formatShapeProbe(outcome));
}

function parseShapeTimeout(value: string | undefined): number {
  if (value === undefined) return 15_000;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1 || n > 120_000)
    throw new UsageError(`--timeout-ms: expected whole milliseconds from 1 to 120000, got "${value}"`);
  return n;
}

export function formatShapeProbe(outcome: ShapeOutcome): string {
  if (outcome.ok) return `ok      ${outcome.shape}  ${outcome.url}  HTTP ${outcome.status} in ${outcome.latencyMs} ms\n`;
  const lines = [
    `FAILED  ${outcome.shape}  ${outcome.url}  ${outcome.failure}${outcome.detail ? `: ${outcome.detail}` : ''} after ${outcome.latencyMs} ms`,
    `        first: ${firstMove(outcome)}`,
  ];
  return `${lines.join('\n')}\n`;
}
