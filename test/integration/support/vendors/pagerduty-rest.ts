// The part of PagerDuty's REST API v2 the ack intake calls, served by the PagerDuty fake
// (pagerduty-server.ts): "List alerts for an incident", `GET /incidents/{id}/alerts`, as
// PagerDuty/api-schema reference/REST/openapiv3.json describes it (operationId listIncidentAlerts):
// `Authorization: Token token=<key>` (a wrong key is 401), `Accept: application/vnd.pagerduty+json;version=2`,
// classic pagination (`limit` 1-100, default 25; `offset` >= 0; offset + limit <= 10000) answered as
// `{alerts, limit, offset, more, total: null}`; an unknown incident is 404 `{error: {message, code}}`.
// A contract violation (wrong Accept, a malformed Authorization, bad pagination) is recorded and answered
// 400 whatever the script says. Valid requests are answered from a script: accept, an error status (500,
// 401, 403...), 429 with Retry-After, slow (answers after a delay) or hang.

export const PAGERDUTY_REST_KEY = 'u+pd-read-only-key-1234';
export const PAGERDUTY_REST_ACCEPT = 'application/vnd.pagerduty+json;version=2';
const DEFAULT_LIMIT = 25;
const MAX_LIMIT = 100;
const MAX_OFFSET_PLUS_LIMIT = 10_000;

export type RestStep =
  | { type: 'accept' }
  | { type: 'error'; status: number }
  | { type: 'rate-limit'; retryAfterSeconds?: number }
  | { type: 'slow'; ms: number }
  | { type: 'hang' };

export interface FakeAlert {
  alert_key: string;
  status: 'triggered' | 'resolved';
}

export type RestPlan =
  | { kind: 'answer'; status: number; body: unknown; headers?: Record<string, string>; delayMs?: number }
  | { kind: 'hang' };

export class PagerDutyRestApi {
  /** PagerDuty incident id -> its alerts, in creation order. */
  readonly incidents = new Map<string, FakeAlert[]>();
  private script: RestStep[] = [];
  private fallback: RestStep = { type: 'accept' };

  /** A grouped incident holding these alerts (keys, or keys with a status). */
  group(incidentId: string, alerts: readonly (string | FakeAlert)[]): void {
    this.incidents.set(
      incidentId,
      alerts.map((a) => (typeof a === 'string' ? { alert_key: a, status: 'triggered' } : a)),
    );
  }

  setScript(...steps: RestStep[]): void {
    this.script = [...steps];
  }

  respondWith(step: RestStep): void {
    this.fallback = step;
  }

  reset(): void {
    this.incidents.clear();
    this.script = [];
    this.fallback = { type: 'accept' };
  }

  /** True for the paths this part serves. */
  serves(path: string): boolean {
    return new URL(path, 'http://fake').pathname.startsWith('/incidents/');
  }

  /** The plan for one request; `errors` receives the contract violations found. */
  plan(method: string, path: string, headers: Record<string, string | string[] | undefined>, errors: string[]): RestPlan {
    const url = new URL(path, 'http://fake');
    const match = /^\/incidents\/([A-Za-z0-9]+)\/alerts$/.exec(url.pathname);
    if (method !== 'GET' || !match) return error(404, 'Not Found', 2100);
    const auth = typeof headers.authorization === 'string' ? headers.authorization : '';
    const token = /^Token token=(\S+)$/.exec(auth);
    if (!token) errors.push(`Authorization must be "Token token=<API key>", got '${auth.slice(0, 12)}...'`);
    if (!token || token[1] !== PAGERDUTY_REST_KEY) return error(401, 'Authentication failed', 2006);
    if (headers.accept !== PAGERDUTY_REST_ACCEPT) errors.push(`Accept must be ${PAGERDUTY_REST_ACCEPT}, got '${String(headers.accept)}'`);
    const limit = integerParam(url, 'limit', DEFAULT_LIMIT, errors);
    const offset = integerParam(url, 'offset', 0, errors);
    if (limit < 1 || limit > MAX_LIMIT) errors.push(`limit must be 1-${MAX_LIMIT}, got ${limit}`);
    if (offset < 0) errors.push(`offset must be >= 0, got ${offset}`);
    if (offset + limit > MAX_OFFSET_PLUS_LIMIT) errors.push(`offset + limit must be at most ${MAX_OFFSET_PLUS_LIMIT}`);
    if (errors.length > 0)
      return { kind: 'answer', status: 400, body: { error: { message: 'Invalid Input Provided', code: 2001, errors } } };
    const step = this.script.shift() ?? this.fallback;
    switch (step.type) {
      case 'hang':
        return { kind: 'hang' };
      case 'error':
        return step.status === 401
          ? error(401, 'Authentication failed', 2006)
          : step.status === 403
            ? error(403, 'Access Denied', 2011)
            : error(step.status, 'Internal Server Error');
      case 'rate-limit':
        return {
          ...error(429, 'Rate Limit Exceeded'),
          ...(step.retryAfterSeconds === undefined ? {} : { headers: { 'Retry-After': String(step.retryAfterSeconds) } }),
        };
      case 'slow':
        return { ...this.page(match[1]!, limit, offset), delayMs: step.ms };
      case 'accept':
        return this.page(match[1]!, limit, offset);
    }
  }

  private page(incidentId: string, limit: number, offset: number): Extract<RestPlan, { kind: 'answer' }> {
    const alerts = this.incidents.get(incidentId);
    if (!alerts) return error(404, 'Not Found', 2100);
    const slice = alerts.slice(offset, offset + limit).map((alert, i) => alertObject(incidentId, alert, offset + i));
    return { kind: 'answer', status: 200, body: { alerts: slice, limit, offset, more: offset + limit < alerts.length, total: null } };
  }
}

function integerParam(url: URL, name: string, fallback: number, errors: string[]): number {
  const raw = url.searchParams.get(name);
  if (raw === null) return fallback;
  if (!/^-?\d+$/.test(raw)) {
    errors.push(`${name} must be an integer, got '${raw}'`);
    return fallback;
  }
  return Number(raw);
}

function error(status: number, message: string, code?: number): Extract<RestPlan, { kind: 'answer' }> {
  return { kind: 'answer', status, body: { error: { message, ...(code === undefined ? {} : { code }) } } };
}

/** The Alert object of the schema's example, with this alert's key, status and incident. */
function alertObject(incidentId: string, alert: FakeAlert, index: number): Record<string, unknown> {
  const id = `PA${String(index).padStart(5, '0')}`;
  return {
    id,
    type: 'alert',
    summary: `alert ${alert.alert_key}`,
    self: `https://api.pagerduty.com/incidents/${incidentId}/alerts/${id}`,
    html_url: `https://subdomain.pagerduty.com/alerts/${id}`,
    created_at: '2026-11-24T10:00:00Z',
    status: alert.status,
    alert_key: alert.alert_key,
    service: { id: 'PIJ90N7', type: 'service_reference', summary: 'metis-alerts' },
    body: { type: 'alert_body', contexts: [], details: {} },
    incident: { id: incidentId, type: 'incident_reference' },
    suppressed: false,
    severity: 'critical',
  };
}
