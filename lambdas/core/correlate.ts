// Signals that only the router can derive, because their causes come from different detectors. The one
// today: the trace DB says traffic stopped (traffic_stopped) while the probe says an inbound shape fails
// (inbound_shape_down): the runbook's total gateway outage even when /healthz answers, SEV1 gateway_down.
// The derived incident resolves when either cause resolves, naming which. Pure: the routed signals and the
// open incidents come in; the derived signals go out, routed after their causes.
import type { Incident } from './incident.ts';
import { GATEWAY_DOWN_RULE, GATEWAY_DOWN_RUNBOOK } from './probe/gateway-down.ts';
import { INBOUND_SHAPE_RULE } from './probe/inbound-shape.ts';
import { redactText, redactValue } from './redact.ts';
import { makeDedupKey, oneLine, type Signal, type SignalSource } from './signal.ts';
import { TRAFFIC_STOPPED } from './trace-db/traffic-stopped.ts';

/** The derived incident's subject: one per deployment (traffic_stopped is about the whole gateway). */
export const TRAFFIC_OUTAGE_SUBJECT = 'traffic-stopped';
export const TRAFFIC_OUTAGE_KEY = makeDedupKey(GATEWAY_DOWN_RULE, TRAFFIC_OUTAGE_SUBJECT);

const CAUSE_RULES = new Set([TRAFFIC_STOPPED, INBOUND_SHAPE_RULE]);
/** The sources whose open incidents correlation reads. */
export const CORRELATED_SOURCES: readonly SignalSource[] = ['trace-db', 'probe'];

interface CorrelationOptions {
  /** rules.gateway_down.enabled: off, nothing is derived (an open derived incident still resolves). */
  gatewayDown: boolean;
}

/** Whether these signals can change a derived incident (so the router reads the other sources' open incidents only then). */
export function needsCorrelation(signals: readonly Signal[]): boolean {
  return signals.some((s) => CAUSE_RULES.has(s.rule));
}

export function correlate(
  signals: readonly Signal[],
  open: readonly Incident[],
  options: CorrelationOptions = { gatewayDown: true },
): Signal[] {
  if (!needsCorrelation(signals)) return [];
  const at = signals
    .map((s) => s.observedAt)
    .sort()
    .at(-1)!;
  // The causes as they stand once this batch is applied: open incidents, plus what fires now, minus what resolves now.
  const causes = new Map<string, Signal>();
  for (const incident of open)
    if (incident.status === 'open' && CAUSE_RULES.has(incident.rule)) causes.set(incident.dedupKey, incident.lastSignal);
  const resolvedNow: Signal[] = [];
  for (const signal of signals) {
    if (!CAUSE_RULES.has(signal.rule)) continue;
    if (signal.status === 'firing') causes.set(signal.dedupKey, signal);
    else if (causes.delete(signal.dedupKey) || open.some((i) => i.dedupKey === signal.dedupKey)) resolvedNow.push(signal);
  }
  const traffic = [...causes.values()].filter((s) => s.rule === TRAFFIC_STOPPED);
  const shapes = [...causes.values()].filter((s) => s.rule === INBOUND_SHAPE_RULE);
  const derivedOpen = open.some((i) => i.dedupKey === TRAFFIC_OUTAGE_KEY && i.status === 'open');

  if (traffic.length > 0 && shapes.length > 0) {
    const firingNow = signals.some((s) => CAUSE_RULES.has(s.rule) && s.status === 'firing');
    return options.gatewayDown && firingNow ? [trafficOutage(traffic, shapes, at)] : [];
  }
  if (!derivedOpen) return [];
  const gone = resolvedNow.filter((s) => (s.rule === TRAFFIC_STOPPED ? traffic.length === 0 : shapes.length === 0));
  if (gone.length === 0) return [];
  return [resolvedOutage(gone, at)];
}

function trafficOutage(traffic: Signal[], shapes: Signal[], at: string): Signal {
  const names = shapes.map((s) => s.subject).join(', ');
  const summary =
    `gateway_down SEV1: total gateway outage: no traffic reaches the trace DB (${traffic.map((s) => s.dedupKey).join(', ')}) ` +
    `while inbound shape${shapes.length === 1 ? '' : 's'} ${names} fail${shapes.length === 1 ? 's' : ''}, even if /healthz answers. ` +
    'First: no client is being served; read the app logs (kubectl logs -n metis-gateway deploy/metis-gateway --tail=100 -c gateway), ' +
    'roll back a recent deploy (helm rollback metis-gateway), check the ingress routes for the API paths';
  return {
    source: 'probe',
    rule: GATEWAY_DOWN_RULE,
    subject: TRAFFIC_OUTAGE_SUBJECT,
    severity: 'SEV1',
    status: 'firing',
    dedupKey: TRAFFIC_OUTAGE_KEY,
    summary: oneLine(redactText(summary)),
    observedAt: at,
    details: redactValue({
      cause: 'traffic_stopped while an inbound shape fails',
      causes: [...traffic, ...shapes].map((s) => s.dedupKey),
      traffic: traffic.map((s) => ({
        dedupKey: s.dedupKey,
        observedAt: s.observedAt,
        ...pick(s.details, ['window', 'callsSameWindowDayAgo', 'newestEventAt']),
      })),
      shapes: shapes.map((s) => ({
        dedupKey: s.dedupKey,
        observedAt: s.observedAt,
        ...pick(s.details, ['shape', 'url', 'status', 'failure', 'latencyMs', 'detail', 'healthTarget', 'healthStatus']),
      })),
    }) as Record<string, unknown>,
    runbook: GATEWAY_DOWN_RUNBOOK,
  };
}

function resolvedOutage(gone: Signal[], at: string): Signal {
  const keys = gone.map((s) => s.dedupKey);
  return {
    source: 'probe',
    rule: GATEWAY_DOWN_RULE,
    subject: TRAFFIC_OUTAGE_SUBJECT,
    severity: 'SEV1',
    status: 'resolved',
    dedupKey: TRAFFIC_OUTAGE_KEY,
    summary: oneLine(redactText(`gateway_down resolved: its cause ${keys.join(', ')} resolved`)),
    observedAt: at,
    details: { resolvedBy: keys },
    runbook: GATEWAY_DOWN_RUNBOOK,
  };
}

function pick(details: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((k) => k in details).map((k) => [k, details[k]]));
}
