// PagerDuty REST API v2, "List alerts for an incident": `GET {apiUrl}/incidents/{id}/alerts?limit&offset`
// with `Authorization: Token token=<key>` and `Accept: application/vnd.pagerduty+json;version=2`, classic
// pagination (`alerts`, `limit`, `offset`, `more`). Every page shares one deadline; the answer says whether
// PagerDuty should retry the webhook (5xx, 429, timeout) or not (401/403: a bad key stays bad). The key is
// read per lookup from a provider that caches it, and never appears in an answer.
import type { IncidentAlertsAnswer, PagerDutyAlert, PagerDutyIncidentAlerts } from '../core/human/ports.ts';
import { GROUPED_LOOKUP } from '../core/human/pagerduty-grouped.ts';
import { errorMessage } from '../core/errors.ts';
import { redactText } from '../core/redact.ts';

export const PAGERDUTY_ACCEPT = 'application/vnd.pagerduty+json;version=2';

export interface PagerDutyIncidentAlertsOptions {
  /** REST API root, e.g. https://api.pagerduty.com (https://api.eu.pagerduty.com for an EU account). */
  readonly apiUrl: string;
  /** The REST API key (read-only suffices); undefined when the parameter does not exist. */
  readonly apiKey: () => Promise<string | undefined>;
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** @default GROUPED_LOOKUP */
  readonly bounds?: { readonly pageSize: number; readonly maxPages: number; readonly timeoutMs: number };
}

export class PagerDutyRestIncidentAlerts implements PagerDutyIncidentAlerts {
  private readonly apiUrl: string;
  private readonly fetch: typeof fetch;
  private readonly bounds: NonNullable<PagerDutyIncidentAlertsOptions['bounds']>;

  constructor(private readonly options: PagerDutyIncidentAlertsOptions) {
    this.apiUrl = options.apiUrl.replace(/\/+$/, '');
    this.fetch = options.fetch ?? globalThis.fetch;
    this.bounds = options.bounds ?? GROUPED_LOOKUP;
  }

  async alertsOf(incidentId: string): Promise<IncidentAlertsAnswer> {
    let key: string | undefined;
    try {
      key = (await this.options.apiKey())?.trim();
    } catch (error) {
      // SSM throttled or failing: the error names the parameter, never the value.
      return { kind: 'retry', reason: `PagerDuty REST API key unavailable: ${errorMessage(error)}` };
    }
    if (!key) return { kind: 'refused', reason: 'no PagerDuty REST API key stored in its SSM parameter' };
    const signal = AbortSignal.timeout(this.bounds.timeoutMs);
    const alerts: PagerDutyAlert[] = [];
    for (let page = 0; page < this.bounds.maxPages; page++) {
      const offset = page * this.bounds.pageSize;
      const answer = await this.page(incidentId, offset, key, signal);
      if (answer.kind !== 'page') return answer;
      alerts.push(...answer.alerts);
      if (!answer.more) return { kind: 'alerts', alerts, complete: true };
    }
    return { kind: 'alerts', alerts, complete: false };
  }

  private async page(
    incidentId: string,
    offset: number,
    key: string,
    signal: AbortSignal,
  ): Promise<{ kind: 'page'; alerts: PagerDutyAlert[]; more: boolean } | Exclude<IncidentAlertsAnswer, { kind: 'alerts' }>> {
    const url = `${this.apiUrl}/incidents/${encodeURIComponent(incidentId)}/alerts?limit=${this.bounds.pageSize}&offset=${offset}`;
    let response: Response;
    let body: unknown;
    try {
      response = await this.fetch(url, {
        method: 'GET',
        headers: { Authorization: `Token token=${key}`, Accept: PAGERDUTY_ACCEPT, 'Content-Type': 'application/json' },
        signal,
      });
      const text = await response.text();
      body = parsed(text);
    } catch (error) {
      const timedOut = signal.aborted;
      return {
        kind: 'retry',
        reason: timedOut
          ? `PagerDuty did not answer within ${this.bounds.timeoutMs} ms`
          : `PagerDuty unreachable: ${scrub(errorMessage(error), key)}`,
      };
    }
    const status = response.status;
    const said = messageOf(body, key);
    if (status === 429 || status === 408 || status >= 500) return { kind: 'retry', reason: `PagerDuty answered ${status}${said}` };
    if (status === 401 || status === 403)
      return { kind: 'refused', reason: `PagerDuty refused the REST API key (${status}${said}): check restApiKeyParameter` };
    if (status !== 200) return { kind: 'refused', reason: `PagerDuty answered ${status}${said}` };
    const alerts = alertsOf(body);
    if (!alerts) return { kind: 'refused', reason: 'PagerDuty answered 200 without an "alerts" list' };
    return { kind: 'page', alerts, more: isRecord(body) && body.more === true };
  }
}

function alertsOf(body: unknown): PagerDutyAlert[] | undefined {
  if (!isRecord(body) || !Array.isArray(body.alerts)) return undefined;
  return body.alerts.flatMap((alert) =>
    isRecord(alert) && typeof alert.alert_key === 'string'
      ? [{ alertKey: alert.alert_key, status: typeof alert.status === 'string' ? alert.status : 'unknown' }]
      : [],
  );
}

/** PagerDuty's error body `{error: {message, errors}}`, as a short redacted suffix for the log. */
function messageOf(body: unknown, key: string): string {
  const error = isRecord(body) ? body.error : undefined;
  const message = isRecord(error) && typeof error.message === 'string' ? error.message : undefined;
  return message ? `: ${scrub(message, key).slice(0, 200)}` : '';
}

function scrub(text: string, key: string): string {
  return redactText(text.split(key).join('[REDACTED]'));
}

function parsed(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
