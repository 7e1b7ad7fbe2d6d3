// A local stand-in for the PagerDuty Events API v2 (POST /v2/enqueue), used by the integration tests, and
// for the one REST API v2 call the ack intake makes, `GET /incidents/{id}/alerts` (`rest`,
// vendors/pagerduty-rest.ts: its contract, grouped incidents and failures).
//
// - Every request is checked against the Events API v2 schema (docs/operations-notes.md); an invalid event gets
//   PagerDuty's 400 `{ status: 'invalid event', message, errors }` whatever the script says.
//   It is stricter than PagerDuty in one way: unknown fields are rejected, so a typo in the adapter
//   (e.g. `severity` outside `payload`) fails a test instead of being silently ignored.
// - Valid events are answered from a script: steps are consumed one per valid request, then the
//   default answer applies (202 unless changed with `respondWith`). A 'hang' step never answers;
//   `close()` destroys hung sockets so the run can end.
// - Only events answered 202 change alert state, which follows PagerDuty's semantics: a trigger opens
//   an alert or merges into the open alert with that dedup_key; resolve closes it; a later trigger
//   opens a new alert; acknowledge/resolve under another routing key (or with no open alert) is dropped.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PagerDutyRestApi } from './vendors/pagerduty-rest.ts';

export const MAX_BODY_BYTES = 512 * 1024;

export type ScriptStep =
  | { type: 'accept' }
  /** 400 even though the event is valid (e.g. to test the adapter's handling of PD's message). */
  | { type: 'reject'; message?: string }
  | { type: 'rate-limit'; retryAfterSeconds?: number }
  | { type: 'error'; status?: number }
  | { type: 'hang' }
  /** Drops the connection without an answer (a reset socket). */
  | { type: 'close' };

export type AlertEffect = 'opened' | 'merged' | 'acknowledged' | 'resolved' | 'dropped';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  rawBody: string;
  /** The parsed JSON body, or undefined if it was not JSON. */
  body: unknown;
  /** Schema violations; empty for a valid event. */
  errors: string[];
  /** The answer given; `status` is null for a hung request. */
  answer: { status: number | null; body: unknown; headers?: Record<string, string> };
  /** What the event did to alert state (only for events answered 202). */
  effect?: AlertEffect;
  /** When it arrived by the injected clock (see `useClock`), in epoch ms. */
  at?: number;
}

export interface Alert {
  routingKey: string;
  dedupKey: string;
  status: 'triggered' | 'acknowledged' | 'resolved';
  summary: string;
  severity: string;
  /** Triggers merged into this alert, including the one that opened it. */
  triggers: number;
}

export class FakePagerDuty {
  readonly requests: RecordedRequest[] = [];
  /** Every alert ever opened, in order; a re-trigger after resolve adds a new one. */
  readonly alerts: Alert[] = [];
  /** The REST API part: grouped incidents (`rest.group`) and its own script (`rest.setScript`). */
  readonly rest = new PagerDutyRestApi();
  private readonly server: Server;
  private script: ScriptStep[] = [];
  private fallback: ScriptStep = { type: 'accept' };
  private chooser: ((event: ValidEvent, request: RecordedRequest) => ScriptStep) | undefined;
  private clock: (() => number) | undefined;
  private readonly hung = new Set<ServerResponse>();
  private url?: string;

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
    const { port } = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}`;
    return this;
  }

  /** The URL to give the adapter: http://127.0.0.1:PORT/v2/enqueue */
  get eventsUrl(): string {
    if (!this.url) throw new Error('FakePagerDuty not started');
    return `${this.url}/v2/enqueue`;
  }

  /** The REST API root the ack intake is configured with (`restApiUrl`). */
  get restApiUrl(): string {
    if (!this.url) throw new Error('FakePagerDuty not started');
    return this.url;
  }

  /** Replace the script; steps are used one per valid request, then the default answer. */
  setScript(...steps: ScriptStep[]): void {
    this.script = [...steps];
  }

  /** The answer once the script is used up (initially 202). */
  respondWith(step: ScriptStep): void {
    this.fallback = step;
  }

  /** Once the script is used up, answer each valid event as `choose` says (e.g. a seeded bad day); it sees the request too. */
  respondWithEach(choose: (event: { event_action: string; dedup_key?: string }, request: RecordedRequest) => ScriptStep): void {
    this.chooser = choose;
  }

  /** Stamp each request with this clock (a test's simulated time) instead of none. */
  useClock(clock: () => number): void {
    this.clock = clock;
  }

  /** Forget requests, alerts and script; keep listening. */
  reset(): void {
    this.requests.length = 0;
    this.alerts.length = 0;
    this.script = [];
    this.fallback = { type: 'accept' };
    this.chooser = undefined;
    this.clock = undefined;
    this.rest.reset();
    this.releaseHung();
  }

  openAlerts(routingKey?: string): Alert[] {
    return this.alerts.filter((alert) => alert.status !== 'resolved' && (routingKey === undefined || alert.routingKey === routingKey));
  }

  /** How many alerts (PagerDuty incidents) were ever opened. */
  get incidentsOpened(): number {
    return this.alerts.length;
  }

  async close(): Promise<void> {
    this.releaseHung();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private releaseHung(): void {
    for (const response of this.hung) response.destroy();
    this.hung.clear();
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const record: RecordedRequest = {
      method: request.method ?? '',
      path: request.url ?? '',
      headers: request.headers,
      rawBody: raw.toString('utf8'),
      body: undefined,
      errors: [],
      answer: { status: null, body: undefined },
      ...(this.clock ? { at: this.clock() } : {}),
    };
    this.requests.push(record);

    if (this.rest.serves(record.path)) return this.handleRest(request, response, record);
    if (record.method !== 'POST' || record.path !== '/v2/enqueue') {
      return this.answer(response, record, 404, { status: 'not found', message: `no route ${record.method} ${record.path}` });
    }
    const contentType = request.headers['content-type'] ?? '';
    if (!/^application\/json\s*(;|$)/i.test(contentType)) {
      record.errors.push(`Content-Type must be application/json, got '${contentType}'`);
    }
    if (raw.length > MAX_BODY_BYTES) {
      record.errors.push(`Event object is too large: ${raw.length} bytes > ${MAX_BODY_BYTES}`);
    }
    try {
      record.body = JSON.parse(record.rawBody);
    } catch {
      record.errors.push('Body is not valid JSON');
    }
    if (record.body !== undefined) record.errors.push(...validateEvent(record.body));
    if (record.errors.length > 0) {
      return this.answer(response, record, 400, {
        status: 'invalid event',
        message: 'Event object is invalid',
        errors: record.errors,
      });
    }

    const event = record.body as ValidEvent;
    const step = this.script.shift() ?? this.chooser?.(event, record) ?? this.fallback;
    switch (step.type) {
      case 'close':
        request.socket.destroy();
        return;
      case 'hang':
        this.hung.add(response);
        response.once('close', () => this.hung.delete(response));
        return;
      case 'reject':
        return this.answer(response, record, 400, {
          status: 'invalid event',
          message: step.message ?? 'Event object is invalid',
          errors: [step.message ?? 'scripted rejection'],
        });
      case 'rate-limit': {
        const headers: Record<string, string> =
          step.retryAfterSeconds === undefined ? {} : { 'Retry-After': String(step.retryAfterSeconds) };
        return this.answer(
          response,
          record,
          429,
          { status: 'throttle event', message: 'Requests for this service are arriving too quickly.' },
          headers,
        );
      }
      case 'error':
        return this.answer(response, record, step.status ?? 500, { status: 'error', message: 'Internal server error' });
      case 'accept': {
        const dedupKey = event.dedup_key ?? randomUUID().replaceAll('-', '');
        record.effect = this.apply(event, dedupKey);
        return this.answer(response, record, 202, { status: 'success', message: 'Event processed', dedup_key: dedupKey });
      }
    }
  }

  private async handleRest(request: IncomingMessage, response: ServerResponse, record: RecordedRequest): Promise<void> {
    const plan = this.rest.plan(record.method, record.path, request.headers, record.errors);
    if (plan.kind === 'hang') {
      this.hung.add(response);
      response.once('close', () => this.hung.delete(response));
      return;
    }
    if (plan.delayMs) {
      this.hung.add(response);
      await new Promise((resolve) => setTimeout(resolve, plan.delayMs));
      this.hung.delete(response);
      if (response.destroyed) return;
    }
    return this.answer(response, record, plan.status, plan.body, plan.headers);
  }

  private apply(event: ValidEvent, dedupKey: string): AlertEffect {
    const open = this.alerts.find(
      (alert) => alert.routingKey === event.routing_key && alert.dedupKey === dedupKey && alert.status !== 'resolved',
    );
    switch (event.event_action) {
      case 'trigger':
        if (open) {
          open.triggers += 1;
          return 'merged';
        }
        this.alerts.push({
          routingKey: event.routing_key,
          dedupKey,
          status: 'triggered',
          summary: event.payload?.summary ?? '',
          severity: event.payload?.severity ?? '',
          triggers: 1,
        });
        return 'opened';
      case 'acknowledge':
        if (!open) return 'dropped';
        open.status = 'acknowledged';
        return 'acknowledged';
      case 'resolve':
        if (!open) return 'dropped';
        open.status = 'resolved';
        return 'resolved';
    }
  }

  private answer(
    response: ServerResponse,
    record: RecordedRequest,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ): void {
    record.answer = { status, body, headers };
    response.writeHead(status, { 'Content-Type': 'application/json', ...headers });
    response.end(JSON.stringify(body));
  }
}

interface ValidEvent {
  routing_key: string;
  event_action: 'trigger' | 'acknowledge' | 'resolve';
  dedup_key?: string;
  payload?: { summary: string; severity: string };
}

const TOP_LEVEL = new Set(['routing_key', 'event_action', 'dedup_key', 'payload', 'links', 'images', 'client', 'client_url']);
const PAYLOAD = new Set(['summary', 'source', 'severity', 'timestamp', 'component', 'group', 'class', 'custom_details']);
const SEVERITIES = new Set(['critical', 'error', 'warning', 'info']);
const ACTIONS = new Set(['trigger', 'acknowledge', 'resolve']);
const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isNonEmptyString = (value: unknown): value is string => typeof value === 'string' && value.trim().length > 0;

/** Events API v2 schema check; returns one message per violation (empty = valid). */
export function validateEvent(body: unknown): string[] {
  const errors: string[] = [];
  if (!isObject(body)) return ['Event must be a JSON object'];

  for (const key of Object.keys(body)) if (!TOP_LEVEL.has(key)) errors.push(`Unknown field '${key}'`);

  if (typeof body.routing_key !== 'string') errors.push("'routing_key' is required and must be a string");
  else if (body.routing_key.length !== 32) errors.push(`'routing_key' must be 32 characters, got ${body.routing_key.length}`);

  const action = body.event_action;
  if (typeof action !== 'string' || !ACTIONS.has(action)) {
    errors.push("'event_action' must be one of trigger, acknowledge, resolve");
  }

  if (body.dedup_key !== undefined) {
    if (!isNonEmptyString(body.dedup_key)) errors.push("'dedup_key' must be a non-empty string");
    else if (body.dedup_key.length > 255) errors.push(`'dedup_key' must be at most 255 characters, got ${body.dedup_key.length}`);
  } else if (action === 'acknowledge' || action === 'resolve') {
    errors.push(`'dedup_key' is required for event_action '${action}'`);
  }

  if (action === 'trigger') {
    if (!isObject(body.payload)) {
      errors.push("'payload' is required for event_action 'trigger'");
    } else {
      errors.push(...validatePayload(body.payload));
    }
  } else if (body.payload !== undefined && !isObject(body.payload)) {
    errors.push("'payload' must be an object");
  }

  if (body.links !== undefined) {
    if (!Array.isArray(body.links)) errors.push("'links' must be an array");
    else
      body.links.forEach((link: unknown, i) => {
        if (!isObject(link) || !isNonEmptyString(link.href)) errors.push(`'links[${i}].href' is required`);
        else if (link.text !== undefined && typeof link.text !== 'string') errors.push(`'links[${i}].text' must be a string`);
      });
  }
  if (body.images !== undefined) {
    if (!Array.isArray(body.images)) errors.push("'images' must be an array");
    else
      body.images.forEach((image: unknown, i) => {
        if (!isObject(image) || typeof image.src !== 'string' || !image.src.startsWith('https://')) {
          errors.push(`'images[${i}].src' must be an https URL`);
        }
      });
  }
  if (body.client !== undefined && typeof body.client !== 'string') errors.push("'client' must be a string");
  if (body.client_url !== undefined && typeof body.client_url !== 'string') errors.push("'client_url' must be a string");
  return errors;
}

function validatePayload(payload: Record<string, unknown>): string[] {
  const errors: string[] = [];
  for (const key of Object.keys(payload)) if (!PAYLOAD.has(key)) errors.push(`Unknown field 'payload.${key}'`);
  if (!isNonEmptyString(payload.summary)) errors.push("'payload.summary' is required");
  else if (payload.summary.length > 1024) errors.push(`'payload.summary' must be at most 1024 characters, got ${payload.summary.length}`);
  if (!isNonEmptyString(payload.source)) errors.push("'payload.source' is required");
  if (typeof payload.severity !== 'string' || !SEVERITIES.has(payload.severity)) {
    errors.push("'payload.severity' is required and must be one of critical, error, warning, info");
  }
  if (payload.timestamp !== undefined) {
    if (typeof payload.timestamp !== 'string' || !ISO_8601.test(payload.timestamp) || Number.isNaN(Date.parse(payload.timestamp))) {
      errors.push("'payload.timestamp' must be an ISO 8601 date-time");
    }
  }
  for (const key of ['component', 'group', 'class'] as const) {
    if (payload[key] !== undefined && typeof payload[key] !== 'string') errors.push(`'payload.${key}' must be a string`);
  }
  if (payload.custom_details !== undefined && !isObject(payload.custom_details)) {
    errors.push("'payload.custom_details' must be an object");
  }
  return errors;
}
