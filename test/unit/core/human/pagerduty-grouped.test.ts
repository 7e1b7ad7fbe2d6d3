// A PagerDuty incident grouped from several alerts: the person's action maps to each of our incidents its
// alerts' keys name, once per key; an ack, unack or reassignment skips alerts already resolved (an episode
// of ours that is over), a resolve takes them all.
import { describe, expect, it } from 'vitest';
import type { UnkeyedAction } from '../../../../lambdas/core/human/action.ts';
import { actionsForGroupedIncident } from '../../../../lambdas/core/human/pagerduty-grouped.ts';

const action = (kind: UnkeyedAction['kind']): UnkeyedAction => ({
  kind,
  at: '2026-11-24T10:07:00.000Z',
  by: 'Tenex Engineer',
  via: 'pagerduty',
  eventId: 'ev-1',
});

describe('actionsForGroupedIncident', () => {
  it('an ack of a grouped incident acknowledges each active alert key once, keeping who, when and the event id', () => {
    const alerts = [
      { alertKey: 'healthz_down:gateway', status: 'triggered' },
      { alertKey: 'error_rate_overall:all', status: 'triggered' },
      { alertKey: 'healthz_down:gateway', status: 'triggered' },
    ];
    expect(actionsForGroupedIncident(action('ack'), alerts)).toEqual([
      { ...action('ack'), dedupKey: 'healthz_down:gateway' },
      { ...action('ack'), dedupKey: 'error_rate_overall:all' },
    ]);
  });

  it('ack, unack and reassign skip resolved alerts; a resolve takes every key, resolved or not', () => {
    const alerts = [
      { alertKey: 'healthz_down:gateway', status: 'resolved' },
      { alertKey: 'latency_p95:all', status: 'triggered' },
    ];
    for (const kind of ['ack', 'unack', 'reassign'] as const)
      expect(actionsForGroupedIncident(action(kind), alerts).map((a) => a.dedupKey)).toEqual(['latency_p95:all']);
    expect(actionsForGroupedIncident(action('resolve'), alerts).map((a) => a.dedupKey)).toEqual([
      'healthz_down:gateway',
      'latency_p95:all',
    ]);
  });

  it('a status PagerDuty adds later counts as active; an empty key or one over 255 characters names nothing', () => {
    const alerts = [
      { alertKey: 'a:1', status: 'suppressed' },
      { alertKey: '', status: 'triggered' },
      { alertKey: 'k'.repeat(256), status: 'triggered' },
    ];
    expect(actionsForGroupedIncident(action('ack'), alerts).map((a) => a.dedupKey)).toEqual(['a:1']);
  });

  it('no alerts: no action', () => {
    expect(actionsForGroupedIncident(action('resolve'), [])).toEqual([]);
  });
});
