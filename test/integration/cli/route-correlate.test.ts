// The `route` replay derives what the deployed router derives: a trace-check report with traffic_stopped
// after a shape-run report with an inbound shape down gives SEV1 gateway_down:traffic-stopped, resolved when
// traffic comes back; rules.gateway_down.enabled false derives nothing.
import { describe, expect, it } from 'vitest';
import { routeReplay } from '../../../cli/commands/route.ts';
import type { ReplayEntry } from '../../../cli/commands/replay-input.ts';
import { parseConfig } from '../../../lambdas/core/config.ts';
import type { EvaluationReport, Signal } from '../../../lambdas/core/signal.ts';

const at = (minute: number) => `2026-11-24T10:${String(minute).padStart(2, '0')}:00.000Z`;
const firing = (source: Signal['source'], rule: string, subject: string, minute: number): Signal => ({
  source,
  rule,
  subject,
  severity: 'SEV2',
  status: 'firing',
  dedupKey: `${rule}:${subject}`,
  summary: `${rule} ${subject}`,
  observedAt: at(minute),
  details: {},
});
const entry = (report: EvaluationReport): ReplayEntry => ({ kind: 'report', at: Date.parse(report.evaluatedAt), report });
const ENTRIES = [
  entry({
    source: 'probe',
    evaluatedAt: at(0),
    evaluated: ['inbound_shape_down'],
    signals: [firing('probe', 'inbound_shape_down', 'chat', 0)],
  }),
  entry({
    source: 'trace-db',
    evaluatedAt: at(5),
    evaluated: ['traffic_stopped'],
    signals: [firing('trace-db', 'traffic_stopped', 'gateway', 5)],
  }),
  entry({
    source: 'trace-db',
    evaluatedAt: at(10),
    evaluated: ['traffic_stopped'],
    healthy: { traffic_stopped: ['gateway'] },
    signals: [],
  }),
];

describe('route: cross-source gateway_down', () => {
  it('derives SEV1 gateway_down:traffic-stopped (paged once) and resolves it with its cause', async () => {
    const { deliveries } = await routeReplay(ENTRIES, parseConfig({}), { sweepMinutes: 0 });
    expect(deliveries.filter((d) => d.sink === 'pagerduty').map((d) => `${d.action} ${d.severity} ${d.dedupKey}`)).toEqual([
      'trigger SEV2 inbound_shape_down:chat',
      'trigger SEV2 traffic_stopped:gateway',
      'trigger SEV1 gateway_down:traffic-stopped',
      'resolve SEV2 traffic_stopped:gateway',
      'resolve SEV1 gateway_down:traffic-stopped',
    ]);
  });

  it('rules.gateway_down.enabled false: nothing derived', async () => {
    const config = parseConfig({ rules: { gateway_down: { enabled: false } } });
    const { deliveries } = await routeReplay(ENTRIES, config, { sweepMinutes: 0 });
    expect(deliveries.some((d) => d.dedupKey.startsWith('gateway_down'))).toBe(false);
  });
});
