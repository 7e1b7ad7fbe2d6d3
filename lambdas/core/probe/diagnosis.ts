// The runbook's first diagnosis for each probe failure class (the incident runbook's first triage beat:
// "/healthz from a known-good vantage point. 200 = up; 5xx = sick app; timeout = ingress / network broken"),
// as text for log lines and the signal summaries on-call reads at 3 a.m.
import type { ProbeOutcome } from './result.ts';

/** The runbook section probe alerts link to (`Signal.runbook`). */
export const PROBE_RUNBOOK_SECTION = 'Alert sources';

/** The runbook's app-log command (Kubernetes; compose in parentheses). */
export const GATEWAY_LOGS_COMMAND = 'kubectl logs -n metis-gateway deploy/metis-gateway --tail=100 -c gateway';
export const GATEWAY_LOGS_COMPOSE = 'docker compose logs --tail=100 gateway';

export type DiagnosisKind = 'up' | 'sick_app' | 'ingress_or_network' | 'certificate' | 'misrouted_or_auth';

export interface Diagnosis {
  kind: DiagnosisKind;
  /** What the failure means, with the evidence: `sick app: https://gw/healthz answered HTTP 503`. */
  headline: string;
  /** The first move: where to look. */
  firstMove: string;
}

/** The first move per kind, without the evidence; `url` makes the commands copy-pasteable. */
export function firstMoveFor(kind: DiagnosisKind, url?: string): string {
  switch (kind) {
    case 'up':
      return 'nothing to do';
    case 'sick_app':
      return `check the app logs: ${GATEWAY_LOGS_COMMAND} (or ${GATEWAY_LOGS_COMPOSE})`;
    case 'ingress_or_network':
      return `check the ingress / load balancer, DNS and the network path from a known-good vantage point (curl -v ${url ?? 'URL'}); the app is not being reached`;
    case 'certificate': {
      const host = url ? hostPort(url) : { host: 'HOST', port: '443' };
      return (
        `check the certificate's expiry and chain: openssl s_client -connect ${host.host}:${host.port} -servername ${host.host} </dev/null ` +
        '| openssl x509 -noout -dates -issuer -subject; renew or fix the ingress TLS secret'
      );
    }
    case 'misrouted_or_auth':
      return "check the ingress route (host, path) and the probe's auth headers (headersFromSsm): something other than the health endpoint answered or refused";
  }
}

/** Failure class + status -> the runbook's diagnosis. */
export function diagnosisKind(outcome: Pick<ProbeOutcome, 'ok' | 'failure' | 'status'>): DiagnosisKind {
  if (outcome.ok || outcome.failure === null) return 'up';
  switch (outcome.failure) {
    case 'timeout':
    case 'connection':
      return 'ingress_or_network';
    case 'tls':
      return 'certificate';
    case 'http_status': {
      const status = outcome.status ?? 0;
      // 5xx, or an expected status whose body is wrong (see classifyResponse): the app answered, sick.
      if (status >= 500 || (status >= 200 && status <= 299)) return 'sick_app';
      return 'misrouted_or_auth';
    }
  }
}

export function diagnose(outcome: ProbeOutcome): Diagnosis {
  const kind = diagnosisKind(outcome);
  const { url } = outcome;
  const detail = outcome.detail ? ` (${outcome.detail})` : '';
  let headline: string;
  switch (kind) {
    case 'up':
      headline = `up: ${url} answered HTTP ${outcome.status} in ${outcome.latencyMs} ms`;
      break;
    case 'sick_app':
      // 5xx, or an expected status with the wrong body (the detail says which text is missing).
      headline =
        outcome.status !== null && outcome.status >= 500
          ? `sick app: ${url} answered HTTP ${outcome.status}`
          : `sick app: ${url} answered ${outcome.detail ?? `HTTP ${outcome.status}`}`;
      break;
    case 'ingress_or_network':
      headline =
        outcome.failure === 'timeout'
          ? `ingress or network broken: no answer from ${url}${detail}`
          : `ingress or network broken: cannot connect to ${url}${detail}`;
      break;
    case 'certificate':
      headline = `certificate problem on ${url}${detail}${daysText(outcome.tlsDaysLeft)}`;
      break;
    case 'misrouted_or_auth':
      headline = `misrouted or auth: ${url} answered HTTP ${outcome.status}`;
      break;
  }
  return { kind, headline, firstMove: firstMoveFor(kind, url) };
}

/** `headline; first: move`, the text of a log line or a signal summary. */
export function diagnosisText(outcome: ProbeOutcome): string {
  const { headline, firstMove } = diagnose(outcome);
  return outcome.ok ? headline : `${headline}; first: ${firstMove}`;
}

function daysText(days: number | null): string {
  if (days === null) return '';
  if (days < 0) return `, certificate expired ${-days} day(s) ago`;
  return `, certificate expires in ${days} day(s)`;
}

function hostPort(url: string): { host: string; port: string } {
  try {
    const parsed = new URL(url);
    return { host: parsed.hostname, port: parsed.port || (parsed.protocol === 'https:' ? '443' : '80') };
  } catch {
    return { host: 'HOST', port: '443' };
  }
}
