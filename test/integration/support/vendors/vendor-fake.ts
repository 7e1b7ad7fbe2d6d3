// The common part of the local vendor fakes (Opsgenie, Splunk On-Call, Alertmanager webhook receivers):
// a real HTTP server that records every request, checks it against the vendor's published contract
// (a contract violation gets the vendor's validation error whatever the script says), and answers valid
// requests from a script like the PagerDuty fake: accept / reject / rate-limit / error / hang.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type ScriptStep =
  | { type: 'accept' }
  | { type: 'reject'; message?: string }
  | { type: 'rate-limit'; retryAfterSeconds?: number }
  | { type: 'error'; status?: number }
  | { type: 'hang' };

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: unknown;
  /** Contract violations; empty for a valid request. */
  errors: string[];
  answer: { status: number | null; body: unknown };
}

export interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** What a vendor fake decides about one request before the script applies. */
export type Routed = { kind: 'answer'; answer: Answer } | { kind: 'valid'; accept: () => Answer };

export abstract class VendorFake {
  readonly requests: RecordedRequest[] = [];
  private readonly server: Server;
  private script: ScriptStep[] = [];
  private fallback: ScriptStep = { type: 'accept' };
  private readonly hung = new Set<ServerResponse>();
  private origin?: string;

  constructor() {
    this.server = createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) => {
        response.statusCode = 500;
        response.end(String(error));
      });
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  get baseUrl(): string {
    if (!this.origin) throw new Error(`${this.constructor.name} not started`);
    return this.origin;
  }

  setScript(...steps: ScriptStep[]): void {
    this.script = [...steps];
  }

  respondWith(step: ScriptStep): void {
    this.fallback = step;
  }

  reset(): void {
    this.requests.length = 0;
    this.script = [];
    this.fallback = { type: 'accept' };
    this.resetState();
    this.releaseHung();
  }

  /** Every contract violation seen, one line each (a test asserts it is empty). */
  violations(): string[] {
    return this.requests.flatMap((r) => r.errors.map((e) => `${r.method} ${r.path}: ${e}`));
  }

  async close(): Promise<void> {
    this.releaseHung();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  protected abstract route(method: string, path: string, headers: IncomingMessage['headers'], body: unknown, errors: string[]): Routed;
  protected abstract rejection(errors: string[], scripted: boolean): Answer;
  protected abstract resetState(): void;
  protected rateLimited(retryAfterSeconds?: number): Answer {
    return {
      status: 429,
      body: { message: 'Too many requests' },
      headers: retryAfterSeconds === undefined ? {} : { 'Retry-After': String(retryAfterSeconds) },
    };
  }

  private releaseHung(): void {
    for (const response of this.hung) response.destroy();
    this.hung.clear();
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const record: RecordedRequest = {
      method: request.method ?? '',
      path: request.url ?? '',
      headers: request.headers,
      body: undefined,
      errors: [],
      answer: { status: null, body: undefined },
    };
    this.requests.push(record);
    const contentType = request.headers['content-type'] ?? '';
    if (!/^application\/json\s*(;|$)/i.test(contentType)) record.errors.push(`Content-Type must be application/json, got '${contentType}'`);
    try {
      record.body = JSON.parse(raw);
    } catch {
      record.errors.push('Body is not valid JSON');
    }
    const routed = this.route(record.method, record.path, request.headers, record.body, record.errors);
    if (routed.kind === 'answer') return this.answer(response, record, routed.answer);
    if (record.errors.length > 0) return this.answer(response, record, this.rejection(record.errors, false));
    const step = this.script.shift() ?? this.fallback;
    switch (step.type) {
      case 'hang':
        this.hung.add(response);
        response.once('close', () => this.hung.delete(response));
        return;
      case 'reject':
        return this.answer(response, record, this.rejection([step.message ?? 'scripted rejection'], true));
      case 'rate-limit':
        return this.answer(response, record, this.rateLimited(step.retryAfterSeconds));
      case 'error':
        return this.answer(response, record, { status: step.status ?? 500, body: { message: 'Internal server error' } });
      case 'accept':
        return this.answer(response, record, routed.accept());
    }
  }

  private answer(response: ServerResponse, record: RecordedRequest, answer: Answer): void {
    record.answer = { status: answer.status, body: answer.body };
    response.writeHead(answer.status, { 'Content-Type': 'application/json', ...answer.headers });
    response.end(JSON.stringify(answer.body));
  }
}

// ---------- shared checks ----------

export const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function checkString(errors: string[], body: Record<string, unknown>, key: string, max: number, required = false): void {
  const value = body[key];
  if (value === undefined) {
    if (required) errors.push(`'${key}' is required`);
    return;
  }
  if (typeof value !== 'string') errors.push(`'${key}' must be a string`);
  else if (required && value.trim() === '') errors.push(`'${key}' must not be empty`);
  else if (value.length > max) errors.push(`'${key}' must be at most ${max} characters, got ${value.length}`);
}

export function checkKnown(errors: string[], body: Record<string, unknown>, known: readonly string[], where = ''): void {
  for (const key of Object.keys(body)) if (!known.includes(key)) errors.push(`Unknown field '${where}${key}'`);
}

export function checkStringMap(errors: string[], value: unknown, name: string): void {
  if (!isObject(value)) {
    errors.push(`'${name}' must be an object of strings`);
    return;
  }
  for (const [key, item] of Object.entries(value)) if (typeof item !== 'string') errors.push(`'${name}.${key}' must be a string`);
}
