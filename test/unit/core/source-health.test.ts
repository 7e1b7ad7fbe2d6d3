// Stalled detectors (source-health.ts): each expected run is judged by its own heartbeat, so one run's
// reports cannot hide that another stopped; a run that never reported is missed from the right moment:
// the sweeper's first run for a source, the first sweep that expected it for a run of its own.
import { describe, expect, it } from 'vitest';
import {
  heartbeatKey,
  heartbeatKeysOf,
  sourceHealthSignals,
  watchPlan,
  type SourceExpectation,
} from '../../../lambdas/core/source-health.ts';

const NOW = new Date('2026-11-30T10:00:00.000Z');
const ago = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000).toISOString();
const PROBE: SourceExpectation = { source: 'probe', intervalMinutes: 1 };
const SHAPES: SourceExpectation = { source: 'probe', reporter: 'inbound-shape', intervalMinutes: 5 };
const TRACE: SourceExpectation = { source: 'trace-db', intervalMinutes: 5 };

const firing = (signals: ReturnType<typeof sourceHealthSignals>) => signals.filter((s) => s.status === 'firing').map((s) => s.dedupKey);

describe('heartbeat keys', () => {
  it('are the source, or source/reporter for a run of its own', () => {
    expect(heartbeatKey({ source: 'probe' })).toBe('probe');
    expect(heartbeatKey({ source: 'probe', reporter: 'inbound-shape' })).toBe('probe/inbound-shape');
    expect(heartbeatKeysOf([TRACE, PROBE, SHAPES])).toEqual([
      'pipeline',
      'trace-db',
      'probe',
      'probe/inbound-shape',
      'watch/probe/inbound-shape',
    ]);
  });
});

describe('watchPlan', () => {
  it('on the first sweep ever: marks the pipeline and the run, everything watched from now', () => {
    expect(watchPlan([TRACE, SHAPES], {}, NOW)).toEqual({
      since: { 'trace-db': NOW.toISOString(), 'probe/inbound-shape': NOW.toISOString() },
      record: [
        { key: 'pipeline', at: NOW.toISOString() },
        { key: 'watch/probe/inbound-shape', at: NOW.toISOString() },
      ],
    });
  });

  it('after an upgrade that starts expecting a run: the run is watched from this sweep, a source that never reported stays missed', () => {
    const plan = watchPlan([TRACE, PROBE, SHAPES], { pipeline: ago(43_200), probe: ago(0.5) }, NOW);
    expect(plan).toEqual({
      since: { 'trace-db': ago(43_200), probe: ago(43_200), 'probe/inbound-shape': NOW.toISOString() },
      record: [{ key: 'watch/probe/inbound-shape', at: NOW.toISOString() }],
    });
    // No page for the minutes before the run's first report...
    expect(firing(sourceHealthSignals({ probe: ago(0.5) }, [TRACE, PROBE, SHAPES], NOW, plan.since))).toEqual(['source_stale:trace-db']);
  });

  it('on later sweeps: the first mark stands, nothing is written again', () => {
    const plan = watchPlan([SHAPES], { pipeline: ago(43_200), 'watch/probe/inbound-shape': ago(16) }, NOW);
    expect(plan).toEqual({ since: { 'probe/inbound-shape': ago(16) }, record: [] });
    // ...but a run that never reports is missed three intervals after that mark.
    const [signal] = sourceHealthSignals({}, [SHAPES], NOW, plan.since);
    expect(signal).toMatchObject({
      status: 'firing',
      subject: 'probe/inbound-shape',
      dedupKey: 'source_stale:probe/inbound-shape',
      severity: 'SEV2',
      details: { lastReportAt: null, intervalMinutes: 5, missedIntervals: 3 },
    });
    expect(signal!.summary).toBe(
      `Monitoring blind: no probe inbound-shape run evaluation report received since monitoring started at ${ago(16)} (16 min, expected every 5 min). Its open incidents are frozen, neither resolved nor re-checked: look at the probe Lambda's errors and its inbound-shape schedule.`,
    );
  });

  it('a run that reported needs no mark', () => {
    expect(watchPlan([SHAPES], { pipeline: ago(60), 'probe/inbound-shape': ago(2) }, NOW).record).toEqual([]);
  });
});

describe('sourceHealthSignals per run', () => {
  const since = { probe: ago(600), 'probe/inbound-shape': ago(600) };

  it('health rounds stopped while the shape run goes on: source_stale:probe fires (the shape reports do not keep it fresh)', () => {
    expect(firing(sourceHealthSignals({ probe: ago(4), 'probe/inbound-shape': ago(1) }, [PROBE, SHAPES], NOW, since))).toEqual([
      'source_stale:probe',
    ]);
  });

  it('the shape run stopped while the health rounds go on: source_stale:probe/inbound-shape fires', () => {
    expect(firing(sourceHealthSignals({ probe: ago(0.5), 'probe/inbound-shape': ago(16) }, [PROBE, SHAPES], NOW, since))).toEqual([
      'source_stale:probe/inbound-shape',
    ]);
  });

  it('three missed intervals are tolerated, a fourth is not', () => {
    expect(firing(sourceHealthSignals({ probe: ago(0.5), 'probe/inbound-shape': ago(15) }, [PROBE, SHAPES], NOW, since))).toEqual([]);
    const resolved = sourceHealthSignals({ probe: ago(0.5), 'probe/inbound-shape': ago(2) }, [SHAPES], NOW, since)[0]!;
    expect(resolved).toMatchObject({
      status: 'resolved',
      summary: `probe inbound-shape run evaluation reports arrive again (last ${ago(2)})`,
    });
  });
});

describe('a probe vantage in another region', () => {
  const US: SourceExpectation = { source: 'probe', vantage: 'us-east-1', intervalMinutes: 1 };

  it('has a heartbeat of its own (probe@region), watched from the first sweep that expected it', () => {
    expect(heartbeatKey({ source: 'probe', vantage: 'us-east-1' })).toBe('probe@us-east-1');
    expect(heartbeatKey({ source: 'probe', reporter: 'inbound-shape', vantage: 'us-east-1' })).toBe('probe/inbound-shape@us-east-1');
    expect(heartbeatKeysOf([PROBE, US])).toEqual(['pipeline', 'probe', 'probe@us-east-1', 'watch/probe@us-east-1']);
    expect(watchPlan([US], { pipeline: ago(600) }, NOW).record).toEqual([{ key: 'watch/probe@us-east-1', at: NOW.toISOString() }]);
  });

  it('a vantage whose reports stop is source_stale for that vantage alone, and says the vote goes on without it', () => {
    const signals = sourceHealthSignals({ probe: ago(0.5), 'probe@us-east-1': ago(4) }, [PROBE, US], NOW, {});
    expect(firing(signals)).toEqual(['source_stale:probe@us-east-1']);
    const stale = signals.find((s) => s.status === 'firing')!;
    expect(stale).toMatchObject({ subject: 'probe@us-east-1', severity: 'SEV2', details: { vantage: 'us-east-1', missedIntervals: 4 } });
    expect(stale.summary).toBe(
      `Monitoring blind: no probe from us-east-1 evaluation report since ${ago(4)} (4 min, expected every 1 min). The other vantages still vote: look at the probe stack in us-east-1 (its Lambda's errors and schedule, and its permission to put events on the home bus).`,
    );
  });
});
