// A local stand-in for Splunk On-Call's REST endpoint integration:
// POST /integrations/generic/20131114/alert/{apiKey}/{routingKey}, the keys in the URL. Checks the REST
// fields (message_type required: CRITICAL | WARNING | INFO | ACKNOWLEDGEMENT | RECOVERY; entity_id the
// incident's identity; state_start_time epoch seconds; entity_display_name and state_message strings).
// Answers 200 {"result":"success","entity_id"}; 400 {"result":"failure","message"} for an invalid body,
// 404 for an unknown API key. CRITICAL/WARNING open an incident per entity_id, RECOVERY resolves it.
import type { IncomingMessage } from 'node:http';
import { checkString, isObject, VendorFake, type Answer, type Routed } from './vendor-fake.ts';

export const SPLUNK_API_KEY = '0a1b2c3d-4e5f-4061-8273-9485a6b7c8d9';
export const SPLUNK_ROUTING_KEY = 'metis';
const MESSAGE_TYPES = ['CRITICAL', 'WARNING', 'INFO', 'ACKNOWLEDGEMENT', 'RECOVERY'];

export interface SplunkIncident {
  entityId: string;
  messageType: string;
  status: 'triggered' | 'resolved';
  alerts: number;
}

export class FakeSplunkOnCall extends VendorFake {
  readonly incidents: SplunkIncident[] = [];

  /** The secret REST endpoint URL of this fake's integration. */
  get restEndpoint(): string {
    return `${this.baseUrl}/integrations/generic/20131114/alert/${SPLUNK_API_KEY}/${SPLUNK_ROUTING_KEY}`;
  }

  openIncidents(): SplunkIncident[] {
    return this.incidents.filter((i) => i.status === 'triggered');
  }

  protected override resetState(): void {
    this.incidents.length = 0;
  }

  protected override rejection(errors: string[]): Answer {
    return { status: 400, body: { result: 'failure', message: errors.join('; ') } };
  }

  protected override route(method: string, path: string, _headers: IncomingMessage['headers'], body: unknown, errors: string[]): Routed {
    const match = path.match(/^\/integrations\/generic\/20131114\/alert\/([^/]+)\/([^/?]+)$/);
    if (method !== 'POST' || !match) return { kind: 'answer', answer: { status: 404, body: { result: 'failure', message: 'not found' } } };
    if (match[1] !== SPLUNK_API_KEY)
      return { kind: 'answer', answer: { status: 404, body: { result: 'failure', message: 'Unknown API key' } } };
    errors.push(...validateAlert(body));
    return { kind: 'valid', accept: () => this.apply(body as Record<string, unknown>) };
  }

  private apply(body: Record<string, unknown>): Answer {
    const entityId = body.entity_id as string;
    const type = body.message_type as string;
    const open = this.incidents.find((i) => i.entityId === entityId && i.status === 'triggered');
    if (type === 'RECOVERY') {
      if (open) open.status = 'resolved';
    } else if (type === 'CRITICAL' || type === 'WARNING') {
      if (open) open.alerts += 1;
      else this.incidents.push({ entityId, messageType: type, status: 'triggered', alerts: 1 });
    }
    return { status: 200, body: { result: 'success', entity_id: entityId } };
  }
}

/** The REST endpoint's contract as far as we use it; one message per violation. */
export function validateAlert(body: unknown): string[] {
  const errors: string[] = [];
  if (!isObject(body)) return ['Body must be a JSON object'];
  if (typeof body.message_type !== 'string' || !MESSAGE_TYPES.includes(body.message_type)) {
    errors.push(`'message_type' is required and must be one of ${MESSAGE_TYPES.join(', ')}`);
  }
  checkString(errors, body, 'entity_id', 512, true);
  checkString(errors, body, 'entity_display_name', 512);
  checkString(errors, body, 'state_message', 20_000);
  if (
    body.state_start_time !== undefined &&
    !(Number.isInteger(body.state_start_time) && (body.state_start_time as number) > 1e9 && (body.state_start_time as number) < 1e11)
  ) {
    errors.push("'state_start_time' must be epoch seconds");
  }
  for (const [key, value] of Object.entries(body)) {
    if (value !== null && typeof value === 'object') errors.push(`'${key}' must be a plain value (extra fields are shown as strings)`);
  }
  return errors;
}
