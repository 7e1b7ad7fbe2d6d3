// A local stand-in for the Opsgenie / Jira Service Management Alert API v2: create (POST /v2/alerts) and
// close by alias (POST /v2/alerts/{alias}/close?identifierType=alias), `Authorization: GenieKey <key>`.
// Checks Opsgenie's documented field limits (message 130, alias 512, description 15000, tags 20 x 50,
// details string -> string and 8000 characters, entity 512, source 100, user 100, note 25000, priority P1-P5);
// unknown fields are rejected (stricter than Opsgenie) so a typo fails a test. Answers 202 with a requestId;
// 422 for a validation error, 401 for a wrong key. Alert state follows the alias: one open alert per alias.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { checkKnown, checkString, isObject, VendorFake, type Answer, type Routed } from './vendor-fake.ts';

export const OPSGENIE_KEY = 'b1a2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';
const CREATE_FIELDS = [
  'message',
  'alias',
  'description',
  'responders',
  'visibleTo',
  'actions',
  'tags',
  'details',
  'entity',
  'source',
  'priority',
  'user',
  'note',
];
const CLOSE_FIELDS = ['user', 'source', 'note'];

export interface OpsgenieAlert {
  alias: string;
  message: string;
  priority: string;
  status: 'open' | 'closed';
  /** Creates deduplicated into this alert, the first included. */
  count: number;
}

export class FakeOpsgenie extends VendorFake {
  readonly alerts: OpsgenieAlert[] = [];

  openAlerts(): OpsgenieAlert[] {
    return this.alerts.filter((a) => a.status === 'open');
  }

  protected override resetState(): void {
    this.alerts.length = 0;
  }

  protected override rejection(errors: string[]): Answer {
    return { status: 422, body: { message: errors.join('; '), took: 0.001, requestId: randomUUID() } };
  }

  protected override route(method: string, path: string, headers: IncomingMessage['headers'], body: unknown, errors: string[]): Routed {
    if (headers.authorization !== `GenieKey ${OPSGENIE_KEY}`) {
      return { kind: 'answer', answer: { status: 401, body: { message: 'Could not authenticate', took: 0, requestId: randomUUID() } } };
    }
    const url = new URL(path, 'http://fake');
    const close = url.pathname.match(/^\/v2\/alerts\/([^/]+)\/close$/);
    if (method === 'POST' && url.pathname === '/v2/alerts') {
      errors.push(...validateCreate(body));
      return { kind: 'valid', accept: () => this.create(body as Record<string, unknown>) };
    }
    if (method === 'POST' && close) {
      if (url.searchParams.get('identifierType') !== 'alias') errors.push("close by alias needs '?identifierType=alias'");
      const alias = decodeURIComponent(close[1]!);
      if (alias.length > 512) errors.push(`alias must be at most 512 characters, got ${alias.length}`);
      if (!isObject(body)) errors.push('Body must be a JSON object');
      else {
        checkKnown(errors, body, CLOSE_FIELDS);
        checkString(errors, body, 'user', 100);
        checkString(errors, body, 'source', 100);
        checkString(errors, body, 'note', 25_000);
      }
      return { kind: 'valid', accept: () => this.closeAlert(alias) };
    }
    return { kind: 'answer', answer: { status: 404, body: { message: `no route ${method} ${url.pathname}` } } };
  }

  private create(body: Record<string, unknown>): Answer {
    const alias = (body.alias as string | undefined) ?? (body.message as string);
    const open = this.alerts.find((a) => a.alias === alias && a.status === 'open');
    if (open) open.count += 1;
    else
      this.alerts.push({ alias, message: body.message as string, priority: (body.priority as string) ?? 'P3', status: 'open', count: 1 });
    return accepted();
  }

  private closeAlert(alias: string): Answer {
    const open = this.alerts.find((a) => a.alias === alias && a.status === 'open');
    if (open) open.status = 'closed';
    return accepted();
  }
}

function accepted(): Answer {
  return { status: 202, body: { result: 'Request will be processed', took: 0.002, requestId: randomUUID() } };
}

/** Opsgenie's create-alert contract; one message per violation. */
export function validateCreate(body: unknown): string[] {
  const errors: string[] = [];
  if (!isObject(body)) return ['Body must be a JSON object'];
  checkKnown(errors, body, CREATE_FIELDS);
  checkString(errors, body, 'message', 130, true);
  checkString(errors, body, 'alias', 512);
  checkString(errors, body, 'description', 15_000);
  checkString(errors, body, 'entity', 512);
  checkString(errors, body, 'source', 100);
  checkString(errors, body, 'user', 100);
  checkString(errors, body, 'note', 25_000);
  if (body.priority !== undefined && !['P1', 'P2', 'P3', 'P4', 'P5'].includes(body.priority as string))
    errors.push("'priority' must be one of P1..P5");
  if (body.tags !== undefined) {
    if (!Array.isArray(body.tags)) errors.push("'tags' must be an array");
    else {
      if (body.tags.length > 20) errors.push(`'tags' must have at most 20 items, got ${body.tags.length}`);
      body.tags.forEach((tag, i) => {
        if (typeof tag !== 'string' || tag.length > 50) errors.push(`'tags[${i}]' must be a string of at most 50 characters`);
      });
    }
  }
  if (body.details !== undefined) {
    if (!isObject(body.details)) errors.push("'details' must be an object of strings");
    else {
      let total = 0;
      for (const [key, value] of Object.entries(body.details)) {
        if (typeof value !== 'string') errors.push(`'details.${key}' must be a string`);
        else total += key.length + value.length;
      }
      if (total > 8000) errors.push(`'details' must be at most 8000 characters in total, got ${total}`);
    }
  }
  return errors;
}
