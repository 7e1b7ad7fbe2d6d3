// A local webhook receiver that accepts Alertmanager's webhook body (version "4") the way Keep or Grafana
// OnCall do: POST /hooks/{token} (the URL is the secret). Checks every field of the v4 body: version,
// groupKey, truncatedAlerts, status, receiver, groupLabels, commonLabels, commonAnnotations, externalURL,
// and each alert's status, labels (with alertname), annotations, startsAt, endsAt, generatorURL,
// fingerprint. Unknown fields are rejected. Answers 200 {}; 400 with the errors for an invalid body.
import type { IncomingMessage } from 'node:http';
import { checkKnown, checkStringMap, isObject, VendorFake, type Answer, type Routed } from './vendor-fake.ts';

export const WEBHOOK_TOKEN = 'whk_9f8e7d6c5b4a39281706f5e4d3c2b1a0';
const TOP = [
  'version',
  'groupKey',
  'truncatedAlerts',
  'status',
  'receiver',
  'groupLabels',
  'commonLabels',
  'commonAnnotations',
  'externalURL',
  'alerts',
];
const ALERT = ['status', 'labels', 'annotations', 'startsAt', 'endsAt', 'generatorURL', 'fingerprint'];
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

export interface ReceivedAlert {
  fingerprint: string;
  status: 'firing' | 'resolved';
  alertname: string;
}

export class FakeAlertmanagerReceiver extends VendorFake {
  readonly alerts: ReceivedAlert[] = [];

  get webhookUrl(): string {
    return `${this.baseUrl}/hooks/${WEBHOOK_TOKEN}`;
  }

  protected override resetState(): void {
    this.alerts.length = 0;
  }

  protected override rejection(errors: string[]): Answer {
    return { status: 400, body: { error: errors.join('; ') } };
  }

  protected override route(method: string, path: string, _headers: IncomingMessage['headers'], body: unknown, errors: string[]): Routed {
    if (method !== 'POST' || path !== `/hooks/${WEBHOOK_TOKEN}`)
      return { kind: 'answer', answer: { status: 404, body: { error: 'unknown hook' } } };
    errors.push(...validateWebhook(body));
    return {
      kind: 'valid',
      accept: () => {
        for (const alert of (body as { alerts: Record<string, unknown>[] }).alerts) {
          const fingerprint = alert.fingerprint as string;
          const status = alert.status as 'firing' | 'resolved';
          const alertname = (alert.labels as Record<string, string>).alertname!;
          const known = this.alerts.find((a) => a.fingerprint === fingerprint);
          if (known) known.status = status;
          else this.alerts.push({ fingerprint, status, alertname });
        }
        return { status: 200, body: {} };
      },
    };
  }
}

/** Alertmanager webhook v4; one message per violation. */
export function validateWebhook(body: unknown): string[] {
  const errors: string[] = [];
  if (!isObject(body)) return ['Body must be a JSON object'];
  checkKnown(errors, body, TOP);
  if (body.version !== '4') errors.push('\'version\' must be "4"');
  if (typeof body.groupKey !== 'string' || body.groupKey === '') errors.push("'groupKey' is required");
  if (!Number.isInteger(body.truncatedAlerts) || (body.truncatedAlerts as number) < 0)
    errors.push("'truncatedAlerts' must be a non-negative integer");
  if (body.status !== 'firing' && body.status !== 'resolved') errors.push("'status' must be firing or resolved");
  if (typeof body.receiver !== 'string' || body.receiver === '') errors.push("'receiver' is required");
  for (const key of ['groupLabels', 'commonLabels', 'commonAnnotations']) checkStringMap(errors, body[key], key);
  if (typeof body.externalURL !== 'string') errors.push("'externalURL' must be a string");
  if (!Array.isArray(body.alerts) || body.alerts.length === 0) {
    errors.push("'alerts' must be a non-empty array");
    return errors;
  }
  body.alerts.forEach((alert: unknown, i) => {
    if (!isObject(alert)) {
      errors.push(`'alerts[${i}]' must be an object`);
      return;
    }
    checkKnown(errors, alert, ALERT, `alerts[${i}].`);
    if (alert.status !== 'firing' && alert.status !== 'resolved') errors.push(`'alerts[${i}].status' must be firing or resolved`);
    checkStringMap(errors, alert.labels, `alerts[${i}].labels`);
    if (isObject(alert.labels) && typeof alert.labels.alertname !== 'string') errors.push(`'alerts[${i}].labels.alertname' is required`);
    checkStringMap(errors, alert.annotations, `alerts[${i}].annotations`);
    for (const key of ['startsAt', 'endsAt'] as const) {
      if (typeof alert[key] !== 'string' || !RFC3339.test(alert[key] as string))
        errors.push(`'alerts[${i}].${key}' must be an RFC 3339 time`);
    }
    if (alert.status === 'resolved' && alert.endsAt === '0001-01-01T00:00:00Z')
      errors.push(`'alerts[${i}].endsAt' must be set on a resolved alert`);
    if (typeof alert.generatorURL !== 'string') errors.push(`'alerts[${i}].generatorURL' must be a string`);
    if (typeof alert.fingerprint !== 'string' || !/^[0-9a-f]{16}$/.test(alert.fingerprint))
      errors.push(`'alerts[${i}].fingerprint' must be 16 hex characters`);
  });
  return errors;
}
