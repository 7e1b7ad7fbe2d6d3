// The demo's steps for the later severity-table rows: a leaked key calling a model it never
// used (SEV1 key_compromise_suspected beside a CI burst that stays a SEV3 key_spend_spike), a gateway
// that logs a request body with the customer's prompt (SEV1 prompt_exposure, content never quoted), and
// deprecation warnings that only reach chatops as the next day's SEV4 digest. Real detectors on local data.
import { MemoryLogCounters } from '../lambdas/adapters/memory-log-counters.ts';
import { openSqlJs } from '../lambdas/adapters/sqljs-database.ts';
import { parseConfig } from '../lambdas/core/config.ts';
import { plainLinesBatch } from '../lambdas/core/logs/decode.ts';
import { scanLogBatch } from '../lambdas/core/logs/scan.ts';
import type { Signal } from '../lambdas/core/signal.ts';
import { evaluateTraceDb } from '../lambdas/core/trace-db/evaluate.ts';
import { buildTraceDb, type FixtureRow } from '../tools/trace-db-fixture.ts';
import type { DemoStep } from './demo-scenario.ts';

const HOUR = 3_600_000;
const MIN = 60_000;
export const LEAKED_KEY = 'gk_01JLEAKED0CLIENTX4Q2';
export const CI_KEY = 'gk_01JCI0NIGHTLY00BUILD7';

function call(now: number, agoMs: number, key: string, model: string, cost: number): FixtureRow {
  return {
    type: 'llm.call_completed',
    timestamp: new Date(now - agoMs).toISOString(),
    keyId: key,
    payload: JSON.stringify({
      gateway_key_id: key,
      model,
      provider: 'anthropic',
      stop_reason: 'end_turn',
      usage: { cost_usd: cost },
      latency_ms: 600,
    }),
  };
}

/** Tuesday 11:30: the trace check sees both keys at 10x+ their normal; 11:31: log-watch sees the prompt; the day's noise. */
export async function severityTableSteps(at: Date = new Date('2026-11-24T11:30:00Z')): Promise<DemoStep[]> {
  const now = at.getTime();
  const rules = parseConfig({}).rules;
  const rows: FixtureRow[] = [call(now, 169 * HOUR, 'gk_anchor', 'claude-haiku-4-5', 0)];
  for (let i = 0; i < 168; i++) {
    rows.push(call(now, HOUR + (i + 0.5) * HOUR, LEAKED_KEY, 'claude-haiku-4-5', 0.05));
    rows.push(call(now, HOUR + (i + 0.5) * HOUR, CI_KEY, 'claude-haiku-4-5', 0.1));
  }
  for (let i = 0; i < 40; i++) {
    rows.push(call(now, 55 * MIN - i * MIN, LEAKED_KEY, 'claude-opus-4-1', 0.25)); // $10 on a model it never used
    rows.push(call(now, 55 * MIN - i * MIN, CI_KEY, 'claude-haiku-4-5', 0.05)); // $2: a nightly build on its usual model
  }
  const db = await openSqlJs(await buildTraceDb(rows));
  let keySignals: Signal[];
  try {
    const evaluation = evaluateTraceDb(db, { now: at, rules, meta: { takenAt: at.toISOString() } });
    keySignals = evaluation.signals.filter((s) => s.rule === 'key_compromise_suspected' || s.rule === 'key_spend_spike');
  } finally {
    db.close();
  }

  const logAt = new Date(now + MIN);
  const secret = 'Draft a reply to my landlord about the deposit';
  const lines = [
    'INFO:     10.0.3.17:52144 - "POST /v1/messages HTTP/1.1" 200 OK',
    JSON.stringify({
      level: 'debug',
      event: 'upstream request',
      body: { model: 'claude-haiku-4-5', messages: [{ role: 'user', content: secret }] },
    }),
    '/app/metis/gateway/clock.py:41: DeprecationWarning: datetime.datetime.utcnow() is deprecated',
    JSON.stringify({
      level: 'debug',
      event: 'upstream request',
      body: { model: 'claude-haiku-4-5', messages: [{ role: 'user', content: secret }] },
    }),
    '/app/metis/gateway/clock.py:41: DeprecationWarning: datetime.datetime.utcnow() is deprecated',
  ];
  const scan = await scanLogBatch(
    plainLinesBatch(lines.join('\n'), {
      logGroup: '/metis/prod/gateway',
      logStream: 'gateway/metis-gateway-7d9f8b6c4-x2k8p',
      fallbackTime: now + 30_000,
    }),
    { counters: new MemoryLogCounters(), rules, now: logAt },
  );

  return [
    {
      at,
      title: `trace-check: ${LEAKED_KEY} spends 10x+ on a model it never used (SEV1 key_compromise_suspected); the CI key's burst on its usual model stays SEV3`,
      signals: keySignals,
    },
    {
      at: logAt,
      title:
        'log-watch: request bodies with a customer prompt on stdout (SEV1 prompt_exposure, never quoted); deprecation warnings go to the SEV4 digest',
      signals: scan.signals,
    },
  ];
}

/** The first sweep after midnight posts yesterday's SEV4 digest once. */
export function digestSweepStep(at: Date = new Date('2026-11-25T00:05:00Z')): DemoStep {
  return {
    at,
    title: 'sweeper, first run after midnight UTC: one SEV4 digest per rule for yesterday (UTC) on chatops (never a page)',
    signals: [],
    sweep: true,
  };
}
