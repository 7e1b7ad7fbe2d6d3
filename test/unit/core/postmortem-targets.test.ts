// The post-mortem draft's human loop: "HH:MM — ack by <name> (<via>)" on the timeline, each target of the
// severity table met or missed with its time, and the Duration, built from an incident the router produced.
import { describe, expect, it } from 'vitest';
import type { Incident } from '../../../lambdas/core/incident.ts';
import { renderPostmortem } from '../../../lambdas/core/postmortem.ts';
import { applySignal, resolveIncident } from '../../../lambdas/core/routing-policy.ts';
import { sweepIncident } from '../../../lambdas/core/sweep-policy.ts';
import { settings, signal } from './support.ts';

const S = settings();
const T0 = new Date('2026-11-28T03:00:00Z');
const plus = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
const OPTIONS = { tracebackQuietMinutes: 30 };

function sev1(): Incident {
  return applySignal(undefined, signal({ severity: 'SEV1', observedAt: T0.toISOString() }), T0, S).next;
}

describe('renderPostmortem: acknowledgement and targets', () => {
  it('acked at 03:10 and resolved at 03:50: "03:10 — ack by ana (PagerDuty)", every target met, Duration 00:50', () => {
    const acked: Incident = { ...sev1(), ack: { at: plus(10).toISOString(), by: 'ana', via: 'pagerduty' } };
    const resolved = resolveIncident(acked, plus(50), S, 'healthy again');
    const markdown = renderPostmortem({ incident: resolved, now: plus(60) });
    expect(markdown).toContain('- 03:10 — ack by ana (PagerDuty)\n');
    expect(markdown).toContain(
      'Targets (SEV1, all times UTC): ack by 2026-11-28 03:15: met (03:10); mitigation by 2026-11-28 04:00: met (03:50); resolution by 2026-11-28 07:00: met (03:50).',
    );
    expect(markdown).toMatch(/\*\*Duration:\*\* 00:50 /);
    // The template's own placeholder no longer asks for the ack it already has.
    expect(markdown).toContain('- HH:MM — <mitigation attempted (outcome); root cause identified; status page updated>');
  });

  it('a secondary paged at the missed ack target: its time is on the target line', () => {
    const withSecondary = { ...settings({ routing: { secondary: ['page'] } }), activeSinks: ['pagerduty', 'page', 'chatops'] as const };
    const open = applySignal(undefined, signal({ severity: 'SEV1', observedAt: T0.toISOString() }), T0, withSecondary).next;
    const missed = sweepIncident(open, plus(15), withSecondary, OPTIONS)!;
    expect(renderPostmortem({ incident: missed, now: plus(20) })).toContain('ack by 2026-11-28 03:15: missed; secondary paged 03:15;');
  });

  it('nobody acked: the ack target is missed, mitigation missed, the timeline says when', () => {
    let incident = sweepIncident(sev1(), plus(15), S, OPTIONS)!;
    incident = sweepIncident(incident, plus(60), S, OPTIONS)!;
    incident = { ...incident, ack: { at: plus(70).toISOString(), by: 'bo', via: 'link' } };
    const resolved = resolveIncident(incident, plus(100), S, 'healthy again');
    const markdown = renderPostmortem({ incident: resolved, now: plus(120) });
    expect(markdown).toContain(
      'Targets (SEV1, all times UTC): ack by 2026-11-28 03:15: missed; acknowledged 04:10; mitigation by 2026-11-28 04:00: missed; resolved 04:40; resolution by 2026-11-28 07:00: met (04:40).',
    );
    expect(markdown).toContain(
      '- 03:15 — ack target missed (due 03:15 UTC); no secondary configured (routing.secondary): chatops post only\n',
    );
    expect(markdown).toContain('- 04:10 — ack by bo (ack link)\n');
    expect(markdown).toMatch(/\*\*Duration:\*\* 01:40 /);
  });

  it('an open incident shows the targets still ahead as pending, and a SEV4 shows no target line', () => {
    const markdown = renderPostmortem({ incident: sev1(), now: plus(20) });
    expect(markdown).toContain(
      'ack by 2026-11-28 03:15: missed; mitigation by 2026-11-28 04:00: pending; resolution by 2026-11-28 07:00: pending.',
    );
    const sev4 = applySignal(undefined, signal({ severity: 'SEV4', observedAt: T0.toISOString() }), T0, S).next;
    expect(renderPostmortem({ incident: sev4, now: plus(20) })).not.toContain('Targets (');
  });
});
