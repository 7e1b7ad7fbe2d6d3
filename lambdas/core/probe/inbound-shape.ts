// Inbound shapes (`inbound_shape_down`): the gateway serves more than one client API shape, and
// one can break while /healthz stays green. Here: the one-token request each shape takes, and whether a
// response is that shape (2xx and the shape's required fields). Pure: no I/O; the HTTP lives in
// lambdas/adapters/http-shape-prober.ts. Nothing here ever quotes a response body: a completion is
// customer-like content (the runbook's SEV1 "exposure of prompts / completions").
import type { Config } from '../config.ts';
import type { ProbeFailure, ProbeResult } from './result.ts';

export const INBOUND_SHAPE_RULE = 'inbound_shape_down';
/** The shape run's reports name it: the sweeper watches them for silence apart from the health rounds'. */
export const INBOUND_SHAPE_REPORTER = 'inbound-shape';
export const INBOUND_SHAPES = ['openai-chat', 'anthropic-messages'] as const;
export type InboundShape = (typeof INBOUND_SHAPES)[number];
export type InboundShapeTarget = Config['inboundShapes'][number];

/** A shape probe fails like a health probe, or with `shape`: a 2xx whose body is not that shape. */
export type ShapeFailure = ProbeFailure | 'shape';

export interface ShapeOutcome extends Omit<ProbeResult, 'failure'> {
  failure: ShapeFailure | null;
  shape: InboundShape;
  /** One line without secrets or body content: `HTTP 500`, `choices[0].message missing`, `ECONNREFUSED ...`. */
  detail: string | null;
}

export interface ShapeRequest {
  method: 'POST';
  headers: Record<string, string>;
  body: string;
}

/**
 * The cheapest request that exercises the shape end to end: one short user message, one output token.
 * `anthropic-version` is the header the Messages API requires; the probe key comes from SSM on top.
 */
export function shapeRequest(shape: InboundShape, model: string): ShapeRequest {
  const messages = [{ role: 'user', content: 'ping' }];
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (shape === 'anthropic-messages') headers['anthropic-version'] = '2023-06-01';
  return { method: 'POST', headers, body: JSON.stringify({ model, max_tokens: 1, messages }) };
}

/** Why a body is not `shape`, or null when it is. Names the missing field, never quotes content. */
export function shapeProblem(shape: InboundShape, body: string): string | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return body.trim() === '' ? 'empty body' : 'body is not JSON';
  }
  if (!isObject(parsed)) return 'body is not a JSON object';
  if (shape === 'openai-chat') {
    const choices = parsed.choices;
    if (!Array.isArray(choices)) return isObject(parsed.error) ? 'an error object instead of choices' : 'choices missing';
    if (choices.length === 0) return 'choices is empty';
    if (!isObject(choices[0]) || !isObject(choices[0].message)) return 'choices[0].message missing';
    return null;
  }
  const content = parsed.content;
  if (!Array.isArray(content)) return isObject(parsed.error) ? 'an error object instead of content' : 'content missing';
  const bad = content.findIndex((block) => !isObject(block) || typeof block.type !== 'string');
  if (bad >= 0) return `content[${bad}].type missing`;
  return null;
}

/** The verdict on one answer: non-2xx is `http_status`; a 2xx that is not the shape is `shape`. */
export function classifyShapeResponse(
  shape: InboundShape,
  status: number,
  body: string,
  truncated = false,
): { ok: true; failure: null; detail: null } | { ok: false; failure: 'http_status' | 'shape'; detail: string } {
  if (status < 200 || status > 299) return { ok: false, failure: 'http_status', detail: `HTTP ${status} (expected 2xx)` };
  const problem = shapeProblem(shape, body);
  if (problem === null) return { ok: true, failure: null, detail: null };
  const cut = truncated && problem === 'body is not JSON' ? ' (cut at the read limit)' : '';
  return { ok: false, failure: 'shape', detail: `HTTP ${status} but not ${shape}: ${problem}${cut}` };
}

/** `probe --shape --json`: the probe JSON in its field order, plus `shape`. */
export function toShapeJson(outcome: ShapeOutcome): Omit<ShapeOutcome, 'detail'> {
  const { url, ok, failure, status, latencyMs, tlsDaysLeft, shape } = outcome;
  return { url, ok, failure, status, latencyMs, tlsDaysLeft, shape };
}

/**
 * The health target that gates a shape's alert: the named one, else the one on the same origin (scheme,
 * host, port), else the first. undefined only without health targets (the config refuses that).
 */
export function shapeHealthTarget<T extends { name: string; url: string }>(
  shape: InboundShapeTarget,
  targets: readonly T[],
): T | undefined {
  if (shape.healthTarget !== undefined) return targets.find((t) => t.name === shape.healthTarget);
  const origin = originOf(shape.url);
  return targets.find((t) => originOf(t.url) === origin) ?? targets[0];
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
