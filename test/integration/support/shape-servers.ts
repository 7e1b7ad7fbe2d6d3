// Real gateways-in-miniature on loopback that speak one inbound shape each and check every request
// against that vendor's contract before answering: OpenAI Chat Completions (POST /v1/chat/completions,
// JSON body with `model` and a non-empty `messages` array of {role, content}, optional `max_tokens`) and
// Anthropic Messages (POST /v1/messages, header `anthropic-version`, JSON body with `model`, integer
// `max_tokens` >= 1 and `messages`). A request that breaks the contract gets the vendor's 400 error body;
// a wrong key gets 401. `mode` makes the server misbehave the ways a broken gateway does.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { startTarget, type TestTarget } from './probe-targets.ts';

export type ShapeMode =
  | 'ok'
  /** 200 with the other vendor's body. */
  | 'other-shape'
  /** 200 with an HTML page (a proxy's error page). */
  | 'html'
  /** 200 with the vendor's error object instead of a completion. */
  | 'error-object'
  /** openai: choices[0] without message; anthropic: a content block without type. */
  | 'missing-field'
  | '500'
  /** Headers, then no body for 10 s. */
  | 'hang-body';

export interface ShapeServer extends TestTarget {
  /** Parsed JSON bodies of the requests received, in order. */
  readonly bodies: unknown[];
  /** Contract violations seen (the server answered 400 to them). */
  readonly violations: string[];
  mode: ShapeMode;
}

export const PROBE_KEY = 'gw_probe_0123456789abcdef';

const OPENAI_OK = {
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1764410000,
  model: 'gpt-4o-mini',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Pong' }, finish_reason: 'length' }],
  usage: { prompt_tokens: 8, completion_tokens: 1, total_tokens: 9 },
};
const ANTHROPIC_OK = {
  id: 'msg_1',
  type: 'message',
  role: 'assistant',
  model: 'claude-haiku-4-5',
  content: [{ type: 'text', text: 'Pong' }],
  stop_reason: 'max_tokens',
  stop_sequence: null,
  usage: { input_tokens: 8, output_tokens: 1 },
};

export async function startShapeServer(shape: 'openai-chat' | 'anthropic-messages', mode: ShapeMode = 'ok'): Promise<ShapeServer> {
  const bodies: unknown[] = [];
  const violations: string[] = [];
  const state = { mode };
  const path = shape === 'openai-chat' ? '/v1/chat/completions' : '/v1/messages';
  const target = await startTarget(
    (req, res) => {
      void readBody(req).then((text) => {
        const violation = contractViolation(shape, path, req, text);
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          body = text;
        }
        bodies.push(body);
        if (violation === 'unauthorized') return send(res, 401, errorBody(shape, 'invalid api key'));
        if (violation) {
          violations.push(violation);
          send(res, 400, errorBody(shape, violation));
          return;
        }
        respond(shape, state.mode, res);
      });
    },
    { path },
  );
  const server = Object.assign(target, { bodies, violations });
  Object.defineProperty(server, 'mode', { get: () => state.mode, set: (next: ShapeMode) => (state.mode = next), enumerable: true });
  return server as ShapeServer;
}

function contractViolation(shape: string, path: string, req: IncomingMessage, text: string): string | null {
  if (req.method !== 'POST') return `method ${req.method}, expected POST`;
  if (req.url !== path) return `path ${req.url}, expected ${path}`;
  if (req.headers.authorization !== `Bearer ${PROBE_KEY}`) return 'unauthorized';
  if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) return 'content-type is not application/json';
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return 'body is not JSON';
  }
  if (typeof body.model !== 'string' || body.model === '') return 'model: required string';
  const messages = body.messages;
  if (!Array.isArray(messages) || messages.length === 0) return 'messages: required non-empty array';
  for (const m of messages as Record<string, unknown>[]) {
    if (m.role !== 'user' && m.role !== 'assistant' && m.role !== 'system') return 'messages[].role: invalid';
    if (typeof m.content !== 'string' && !Array.isArray(m.content)) return 'messages[].content: required';
  }
  if (shape === 'anthropic-messages') {
    if (typeof req.headers['anthropic-version'] !== 'string') return 'anthropic-version header: required';
    if (!Number.isInteger(body.max_tokens) || (body.max_tokens as number) < 1) return 'max_tokens: required integer >= 1';
  } else if (body.max_tokens !== undefined && (!Number.isInteger(body.max_tokens) || (body.max_tokens as number) < 1)) {
    return 'max_tokens: integer >= 1';
  }
  return null;
}

function respond(shape: string, mode: ShapeMode, res: ServerResponse): void {
  const ok = shape === 'openai-chat' ? OPENAI_OK : ANTHROPIC_OK;
  const other = shape === 'openai-chat' ? ANTHROPIC_OK : OPENAI_OK;
  switch (mode) {
    case 'ok':
      send(res, 200, ok);
      return;
    case 'other-shape':
      send(res, 200, other);
      return;
    case 'html':
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html><body>502 Bad Gateway</body></html>');
      return;
    case 'error-object':
      send(res, 200, errorBody(shape, 'overloaded'));
      return;
    case 'missing-field':
      send(
        res,
        200,
        shape === 'openai-chat'
          ? { ...OPENAI_OK, choices: [{ index: 0, finish_reason: 'length' }] }
          : { ...ANTHROPIC_OK, content: [{ text: 'Pong' }] },
      );
      return;
    case '500':
      send(res, 500, errorBody(shape, 'internal error'));
      return;
    case 'hang-body': {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"id":');
      const timer = setTimeout(() => res.end('"x"}'), 10_000);
      res.on('close', () => clearTimeout(timer));
      return;
    }
  }
}

function errorBody(shape: string, message: string): unknown {
  return shape === 'openai-chat'
    ? { error: { message, type: 'invalid_request_error', param: null, code: null } }
    : { type: 'error', error: { type: 'invalid_request_error', message } };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}
