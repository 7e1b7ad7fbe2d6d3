// Errors spread thin over many models, and every timestamp form a writer may use.
import { describe, expect, it } from 'vitest';
import { byRule, call, calls, evaluateRows, MIN, NOW, only, raw } from './helpers.ts';

describe('error_rate_overall', () => {
  const models = Array.from({ length: 10 }, (_, i) => `model-${i}`);

  it('errors spread thin over ten models, each below minCalls, page as one SEV2 over all models', async () => {
    // 6 calls per model, 1 error each: 10 of 60 (16.7 %), no model reaches model_error_rate's 20 calls.
    const rows = models.flatMap((model) => calls(6, { fromAgo: 9 * MIN, model, errors: 1 }));
    const result = await evaluateRows(rows, { rules: only(['model_error_rate', 'error_rate_overall']) });
    expect(byRule(result, 'model_error_rate')).toEqual([]);
    const [overall] = byRule(result, 'error_rate_overall');
    expect(overall).toMatchObject({ dedupKey: 'error_rate_overall:all-models', severity: 'SEV2' });
    expect(overall!.details).toMatchObject({ calls: 60, errors: 10, modelsWithErrors: 10, errorPct: 16.67 });
    expect(overall!.summary).toContain('10 of 60 calls');
  });

  it('below 50 calls and 10 errors nothing fires and nothing is healthy; at or below 5 % it is healthy', async () => {
    // 9 errors in 40 calls (22 %): below both minimums.
    const few = models.slice(0, 4).flatMap((model, i) => calls(10, { fromAgo: 9 * MIN, model, errors: i === 0 ? 3 : 2 }));
    const fewResult = await evaluateRows(few, { rules: only(['error_rate_overall']) });
    expect(fewResult.signals).toEqual([]);
    expect(fewResult.healthy.error_rate_overall).toBeUndefined();
    // Exactly 5 %: not strictly above the threshold.
    const fine = models.flatMap((model, i) => calls(10, { fromAgo: 9 * MIN, model, errors: i < 5 ? 1 : 0 }));
    const fineResult = await evaluateRows(fine, { rules: only(['error_rate_overall']) });
    expect(fineResult.signals).toEqual([]);
    expect(fineResult.healthy.error_rate_overall).toEqual(['all-models']);
  });

  describe('minErrors: a quiet gateway failing every call pages', () => {
    const rules = only(['error_rate_overall']);
    // Spread over three models so no single one would reach model_error_rate's minimums either.
    const failing = (n: number, errors: number, total = n) =>
      models.slice(0, 3).flatMap((model, i) => {
        const share = Math.floor(total / 3) + (i < total % 3 ? 1 : 0);
        const errs = Math.floor(errors / 3) + (i < errors % 3 ? 1 : 0);
        return calls(share, { fromAgo: 9 * MIN, model, errors: errs });
      });

    it('9 of 9 calls failing stay quiet', async () => {
      const result = await evaluateRows(failing(9, 9), { rules });
      expect(result.signals).toEqual([]);
      expect(result.healthy.error_rate_overall).toBeUndefined();
    });

    it('10 of 10 calls failing fire SEV2 over all models', async () => {
      const result = await evaluateRows(failing(10, 10), { rules });
      const [overall, ...rest] = byRule(result, 'error_rate_overall');
      expect(rest).toEqual([]);
      expect(overall).toMatchObject({ dedupKey: 'error_rate_overall:all-models', severity: 'SEV2' });
      expect(overall!.details).toMatchObject({ calls: 10, errors: 10, errorPct: 100, minCalls: 50, minErrors: 10 });
      expect(overall!.summary).toContain('below 50 calls but at least 10 errors');
    });

    it('10 errors in 300 calls (3.3 %) stay quiet and healthy', async () => {
      const result = await evaluateRows(failing(300, 10), { rules });
      expect(result.signals).toEqual([]);
      expect(result.healthy.error_rate_overall).toEqual(['all-models']);
    });
  });
});

describe('every timestamp form counts', () => {
  const instant = new Date(NOW.getTime() - 5 * MIN); // 14:55:00Z
  const FORMS = {
    'T and Z': '2026-11-20T14:55:00Z',
    'lowercase t and z': '2026-11-20t14:55:00z',
    space: '2026-11-20 14:55:00',
    'nine fraction digits': '2026-11-20T14:55:00.123456789Z',
    'one fraction digit': '2026-11-20T14:55:00.5Z',
    '+hh:mm offset': '2026-11-20T16:55:00+02:00',
    '+hhmm offset': '2026-11-20T16:55:00+0200',
    '-hhmm offset with a fraction': '2026-11-20T09:25:00.250-0530',
    'no seconds': '2026-11-20T14:55Z',
  };

  for (const [name, timestamp] of Object.entries(FORMS)) {
    it(`counts a call stamped "${timestamp}" (${name}) in the 10-minute window`, async () => {
      const row = call({ ago: NOW.getTime() - instant.getTime(), model: 'm', error: true });
      const rows = [...calls(19, { fromAgo: 8 * MIN, model: 'm' }), { ...row, timestamp }];
      const result = await evaluateRows(rows, { rules: only(['model_error_rate', 'trace_db_bad_timestamps']) });
      expect(result.metrics.errorShareByModel?.m).toMatchObject({ calls: 20, errors: 1 });
      expect(result.signals).toEqual([]);
      expect(result.healthy.trace_db_bad_timestamps).toEqual(['trace-db']);
    });
  }

  it('rows whose timestamp still does not parse are counted as trace_db_bad_timestamps (SEV4), never dropped silently', async () => {
    const rows = [
      ...calls(20, { fromAgo: 8 * MIN, model: 'm' }),
      raw('llm.call_completed', '20/11/2026 14:55', '{"model":"m","stop_reason":"error"}'),
      raw('llm.call_completed', '1763650500', '{"model":"m","stop_reason":"error"}'),
      raw('route.decided', 'yesterday', '{"chain":[]}'),
    ];
    const result = await evaluateRows(rows, { rules: only(['trace_db_bad_timestamps']) });
    const [bad] = byRule(result, 'trace_db_bad_timestamps');
    expect(bad).toMatchObject({ dedupKey: 'trace_db_bad_timestamps:trace-db', severity: 'SEV4' });
    expect(bad!.details).toMatchObject({
      value: 3,
      byType: [
        { type: 'llm.call_completed', count: 2, example: '1763650500' },
        { type: 'route.decided', count: 1, example: 'yesterday' },
      ],
    });
    expect(result.healthy.trace_db_bad_timestamps).toBeUndefined();
  });
});
