import { describe, expect, it } from 'vitest';
import { MemoryLogCounters } from '../../../../lambdas/adapters/memory-log-counters.ts';
import { logMetricPoints } from '../../../../lambdas/core/logs/metrics.ts';
import { scanBatch } from '../../../../lambdas/core/logs/scan.ts';
import { dataMessage, eventsOf, keyRevokedJson, rulesWith, STDLIB_TRACEBACK, UVICORN_ACCESS_401 } from './fixtures.ts';

const T = Date.parse('2026-11-20T12:00:00Z');
const deps = () => ({ counters: new MemoryLogCounters(), rules: rulesWith(), now: new Date(T + 30_000) });

describe('logMetricPoints', () => {
  it('emits only what happened; the volume per class is no metric (it is in the scan stats the handler logs)', async () => {
    const scan = await scanBatch(
      dataMessage(eventsOf([STDLIB_TRACEBACK, keyRevokedJson('gk_01A'), UVICORN_ACCESS_401, 'Traceback (most recent call last):'], T)),
      deps(),
    );
    expect(scan.stats).toMatchObject({ events: 4, tracebacks: 2, quotaExceeded: 0, keyRevoked: 1 });
    expect(logMetricPoints(scan)).toEqual([
      { name: 'SplitTracebacks', unit: 'Count', value: 1 },
      { name: 'TracebacksTypeUnknown', unit: 'Count', value: 1 },
    ]);
  });

  it('a rejected batch is one RejectedBatches, a control message one ControlMessages', async () => {
    expect(logMetricPoints(await scanBatch({ awslogs: { data: '%' } }, deps()))).toEqual([
      { name: 'RejectedBatches', unit: 'Count', value: 1 },
    ]);
    expect(logMetricPoints(await scanBatch({ messageType: 'CONTROL_MESSAGE' }, deps()))).toEqual([
      { name: 'ControlMessages', unit: 'Count', value: 1 },
    ]);
  });
});
