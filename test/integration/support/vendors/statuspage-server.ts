// A local stand-in for the Atlassian Statuspage REST API v1 incidents: create (POST
// /v1/pages/{page_id}/incidents) and update (PATCH /v1/pages/{page_id}/incidents/{incident_id}) with
// `Authorization: OAuth <key>`, the body wrapped in `incident`. Checks the documented shape: status one of
// investigating | identified | monitoring | resolved, components {<id>: operational | degraded_performance |
// partial_outage | major_outage | under_maintenance} naming the page's components, component_ids strings,
// name required on create; unknown fields are rejected (stricter than Statuspage) so a typo fails a test.
// Answers 201 / 200 with the incident (its `id`), 401 for a wrong key, 404 for another page or incident,
// 422 for a validation error, and 429 with Retry-After when scripted.
import type { IncomingMessage } from 'node:http';
import { checkKnown, checkString, isObject, VendorFake, type Answer, type Routed } from './vendor-fake.ts';

export const STATUSPAGE_KEY = 'c8f2a1b0-7e3d-4c5b-9a8f-statuspage-key';
export const STATUSPAGE_PAGE = 'kctbh9vrtdwd';
export const STATUSPAGE_COMPONENTS = { api: 'b13yz5g2cw10', models: 'x7k2m9p4q1r8' } as const;

export const INCIDENT_STATUSES = ['investigating', 'identified', 'monitoring', 'resolved'] as const;
export const COMPONENT_STATUSES = ['operational', 'degraded_performance', 'partial_outage', 'major_outage', 'under_maintenance'] as const;
const FIELDS = [
  'name',
  'status',
  'body',
  'component_ids',
  'components',
  'deliver_notifications',
  'impact_override',
  'metadata',
  'auto_tweet_at_beginning',
  'auto_tweet_on_completion',
  'auto_tweet_on_creation',
  'auto_tweet_one_hour_before',
];

export interface StatuspageIncident {
  id: string;
  name: string;
  status: (typeof INCIDENT_STATUSES)[number];
  /** Every update's body, the first included. */
  updates: { status: string; body: string }[];
  componentIds: string[];
}

export class FakeStatuspage extends VendorFake {
  readonly incidents: StatuspageIncident[] = [];
  /** The page's components and their current status. */
  readonly components = new Map<string, string>(Object.values(STATUSPAGE_COMPONENTS).map((id) => [id, 'operational']));
  private next = 1;

  /** The API root a connector is configured with (`apiUrl`). */
  get apiUrl(): string {
    return `${this.baseUrl}/v1`;
  }

  protected override resetState(): void {
    this.incidents.length = 0;
    for (const id of this.components.keys()) this.components.set(id, 'operational');
    this.next = 1;
  }

  protected override rejection(errors: string[]): Answer {
    return { status: 422, body: { error: errors } };
  }

  protected override rateLimited(retryAfterSeconds?: number): Answer {
    return {
      status: 429,
      body: { error: 'Rate limit exceeded' },
      headers: retryAfterSeconds === undefined ? {} : { 'Retry-After': String(retryAfterSeconds) },
    };
  }

  protected override route(method: string, path: string, headers: IncomingMessage['headers'], body: unknown, errors: string[]): Routed {
    if (headers.authorization !== `OAuth ${STATUSPAGE_KEY}`)
      return { kind: 'answer', answer: { status: 401, body: { error: "Couldn't authenticate you" } } };
    const match = new URL(path, 'http://fake').pathname.match(/^\/v1\/pages\/([^/]+)\/incidents(?:\/([^/]+))?$/);
    if (!match || match[1] !== STATUSPAGE_PAGE) return notFound();
    const id = match[2];
    if (method === 'POST' && id === undefined) {
      errors.push(...this.validate(body, true));
      return { kind: 'valid', accept: () => this.create(fieldsOf(body)) };
    }
    if (method === 'PATCH' && id !== undefined) {
      const incident = this.incidents.find((i) => i.id === id);
      if (!incident) return notFound();
      errors.push(...this.validate(body, false));
      return { kind: 'valid', accept: () => this.update(incident, fieldsOf(body)) };
    }
    return notFound();
  }

  /** The incident contract; one message per violation. */
  validate(body: unknown, create: boolean): string[] {
    const errors: string[] = [];
    if (!isObject(body) || !isObject(body.incident)) return ["body must be an object with an 'incident' object"];
    checkKnown(errors, body, ['incident']);
    const incident = body.incident;
    checkKnown(errors, incident, FIELDS, 'incident.');
    checkString(errors, incident, 'name', 255, create);
    checkString(errors, incident, 'body', 25_000);
    if (incident.status !== undefined && !(INCIDENT_STATUSES as readonly unknown[]).includes(incident.status))
      errors.push(`'incident.status' must be one of ${INCIDENT_STATUSES.join(', ')}`);
    if (incident.deliver_notifications !== undefined && typeof incident.deliver_notifications !== 'boolean')
      errors.push("'incident.deliver_notifications' must be a boolean");
    if (incident.component_ids !== undefined) {
      if (!Array.isArray(incident.component_ids) || !incident.component_ids.every((c) => typeof c === 'string'))
        errors.push("'incident.component_ids' must be an array of strings");
      else for (const c of incident.component_ids) if (!this.components.has(c)) errors.push(`component ${c} is not on this page`);
    }
    if (incident.components !== undefined) {
      if (!isObject(incident.components)) errors.push("'incident.components' must be an object");
      else
        for (const [c, status] of Object.entries(incident.components)) {
          if (!this.components.has(c)) errors.push(`component ${c} is not on this page`);
          if (!(COMPONENT_STATUSES as readonly unknown[]).includes(status))
            errors.push(`'incident.components.${c}' must be one of ${COMPONENT_STATUSES.join(', ')}`);
        }
    }
    return errors;
  }

  private create(fields: Record<string, unknown>): Answer {
    const incident: StatuspageIncident = {
      id: `inc${String(this.next++).padStart(9, '0')}`,
      name: fields.name as string,
      status: (fields.status as StatuspageIncident['status'] | undefined) ?? 'investigating',
      updates: [],
      componentIds: [],
    };
    this.incidents.push(incident);
    return { status: 201, body: this.apply(incident, fields) };
  }

  private update(incident: StatuspageIncident, fields: Record<string, unknown>): Answer {
    if (typeof fields.name === 'string') incident.name = fields.name;
    if (fields.status !== undefined) incident.status = fields.status as StatuspageIncident['status'];
    return { status: 200, body: this.apply(incident, fields) };
  }

  private apply(incident: StatuspageIncident, fields: Record<string, unknown>): Record<string, unknown> {
    incident.updates.push({ status: incident.status, body: typeof fields.body === 'string' ? fields.body : '' });
    if (Array.isArray(fields.component_ids)) incident.componentIds = fields.component_ids as string[];
    for (const [c, status] of Object.entries((fields.components as Record<string, string> | undefined) ?? {}))
      this.components.set(c, status);
    return {
      id: incident.id,
      name: incident.name,
      status: incident.status,
      page_id: STATUSPAGE_PAGE,
      components: incident.componentIds.map((id) => ({ id, status: this.components.get(id) })),
      incident_updates: incident.updates.map((u) => ({ status: u.status, body: u.body })),
    };
  }
}

function fieldsOf(body: unknown): Record<string, unknown> {
  return (body as { incident: Record<string, unknown> }).incident;
}

function notFound(): Routed {
  return { kind: 'answer', answer: { status: 404, body: { error: 'Not found' } } };
}
