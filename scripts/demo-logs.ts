// The log-watch part of `npm run demo`: a realistic gateway log stream (uvicorn access lines, a
// structlog JSON error, a stdlib-logging traceback that the container runtime split into one event per
// line, a tenant flooding its quota, a revoked key still in use) cut into subscription batches the way
// CloudWatch Logs delivers them (only lines matching `?Traceback ?quota_exceeded ?key_revoked`), run
// through the real classifier and rules with in-memory counters and an in-memory stand-in for
// CloudWatch Logs (which answers the split traceback's fetch). Each step carries its evaluation report,
// so the router resolves what stopped firing.
import { MemoryLogCounters } from '../lambdas/adapters/memory-log-counters.ts';
import { MemoryLogFetcher } from '../lambdas/adapters/memory-log-fetcher.ts';
import { parseConfig } from '../lambdas/core/config.ts';
import type { LogEvent } from '../lambdas/core/logs/decode.ts';
import { scanBatch } from '../lambdas/core/logs/scan.ts';
import type { EvaluationReport, Signal } from '../lambdas/core/signal.ts';

export interface LogDemoStep {
  at: Date;
  title: string;
  signals: Signal[];
  /** The log-watch run's report: open logs incidents whose keys it names healthy resolve. */
  report: EvaluationReport;
}

const LOG_GROUP = '/metis/prod/gateway';
const STREAM = 'gateway/metis-gateway-7d9f8b6c4-x2k8p/3f1c2a9e';
const FILTER_TERMS = ['Traceback', 'quota_exceeded', 'key_revoked'];
const ACME = 'gk_01J8ZQ4TENANTACME7Q3V';
const REVOKED = 'gk_01HXYZ8K3M4N5P6Q7R8S';

/** The stream as the runtime wrote it: one event per line, so a traceback is several events. */
function gatewayStream(start: number): LogEvent[] {
  const events: LogEvent[] = [];
  const at = (offsetMs: number, message: string) => events.push({ id: String(events.length), timestamp: start + offsetMs, message });
  const iso = (offsetMs: number) => new Date(start + offsetMs).toISOString();
  const min = 60_000;

  at(1_000, 'INFO:     10.0.3.17:52144 - "POST /v1/chat/completions HTTP/1.1" 200 OK');
  at(
    2_000,
    JSON.stringify({
      timestamp: iso(2_000),
      level: 'info',
      event: 'llm.call_completed',
      model: 'anthropic:claude-haiku-4-5',
      latency_ms: 812,
    }),
  );
  // A stdlib-logging traceback, split by the container runtime: only "Traceback ..." matches the filter.
  const tb = [
    `${iso(5_000).replace('T', ' ').replace('Z', '').replace('.', ',')} ERROR [metis.gateway.app] unhandled error on POST /v1/chat/completions request_id=req_01JA2B3C4D`,
    'Traceback (most recent call last):',
    '  File "/app/.venv/lib/python3.12/site-packages/starlette/middleware/errors.py", line 165, in __call__',
    '    await self.app(scope, receive, _send)',
    '  File "/app/metis/gateway/routes.py", line 212, in chat_completions',
    '    await store.insert_event(event)',
    '  File "/app/metis/gateway/db.py", line 88, in insert_event',
    '    await conn.execute(INSERT_EVENT, params)',
    'sqlite3.OperationalError: database is locked',
  ];
  for (const [i, line] of tb.entries()) at(5_000 + i, line);
  at(9_000, 'INFO:     10.0.3.17:52150 - "POST /v1/chat/completions HTTP/1.1" 500 Internal Server Error');

  // 10:41 - 10:46: tenant ACME floods its cap, 3 rejections a minute.
  for (let m = 1; m <= 6; m++) {
    for (const s of [5, 25, 45]) {
      at(
        m * min + s * 1000,
        JSON.stringify({
          timestamp: iso(m * min + s * 1000),
          level: 'warning',
          event: 'quota.rejected',
          status: 429,
          code: 'quota_exceeded',
          gateway_key_id: ACME,
          daily_cap_usd: 5,
          spent_usd: 5.07,
        }),
      );
    }
  }
  // 10:47 - 10:49: a revoked key is still tried, 4 times a minute, from one client.
  for (let m = 7; m <= 9; m++) {
    for (const s of [3, 18, 33, 48]) {
      at(
        m * min + s * 1000,
        JSON.stringify({
          timestamp: iso(m * min + s * 1000),
          level: 'warning',
          event: 'auth.rejected',
          status: 401,
          code: 'key_revoked',
          gateway_key_id: REVOKED,
          client_ip: '203.0.113.7',
          user_agent: 'acme-batch/2.3 python-httpx/0.27.0',
        }),
      );
    }
  }
  // 10:56: one more revoked-key attempt; everything else is quiet.
  at(
    16 * min,
    JSON.stringify({
      timestamp: iso(16 * min),
      level: 'warning',
      event: 'auth.rejected',
      status: 401,
      code: 'key_revoked',
      gateway_key_id: REVOKED,
      client_ip: '203.0.113.7',
    }),
  );
  return events;
}

/** What CloudWatch delivers for the events of [from, to): the lines matching the filter pattern, as a DATA_MESSAGE. */
function deliveredBatch(stream: readonly LogEvent[], from: number, to: number): unknown {
  const logEvents = stream.filter((e) => e.timestamp >= from && e.timestamp < to && FILTER_TERMS.some((term) => e.message.includes(term)));
  return {
    messageType: 'DATA_MESSAGE',
    owner: '123456789012',
    logGroup: LOG_GROUP,
    logStream: STREAM,
    subscriptionFilters: ['metis-log-watch'],
    logEvents,
  };
}

/** The demo's log-watch runs, 10:40-10:56 on Tuesday 2026-11-24 (business hours) unless `start` says otherwise. */
export async function logDemoSteps(start: Date = new Date('2026-11-24T10:40:00Z')): Promise<LogDemoStep[]> {
  const t0 = start.getTime();
  const min = 60_000;
  const rules = parseConfig({}).rules;
  const counters = new MemoryLogCounters();
  const cloudWatch = new MemoryLogFetcher();
  const stream = gatewayStream(t0);
  cloudWatch.append(LOG_GROUP, STREAM, stream);

  const run = async (from: number, to: number, title: string): Promise<LogDemoStep> => {
    const at = new Date(to);
    const scan = await scanBatch(deliveredBatch(stream, from, to), { counters, fetcher: cloudWatch, rules, now: at });
    const report: EvaluationReport = {
      source: 'logs',
      evaluatedAt: at.toISOString(),
      evaluated: scan.evaluated,
      healthy: scan.healthy ?? {},
      signals: scan.signals,
    };
    return { at, title, signals: scan.signals, report };
  };

  const steps: LogDemoStep[] = [];
  steps.push(
    await run(
      t0,
      t0 + 30_000,
      'log-watch: a traceback split into one event per line, only its first line matched the filter; the rest of the stream is fetched to name the exception (SEV2)',
    ),
  );
  // The flood arrives batch by batch; one batch a minute.
  for (let m = 1; m <= 5; m++) {
    const step = await run(t0 + m * min, t0 + (m + 1) * min, `log-watch: quota_exceeded batch ${m} of tenant ACME`);
    if (m === 5) {
      steps.push({ ...step, title: 'log-watch: tenant ACME over its quota in each of the last 5 minutes (SEV3 quota_exceeded_sustained)' });
    }
  }
  // 10:46 - 10:50 (the last flood minute plus the revoked key) in one batch.
  steps.push(
    await run(
      t0 + 6 * min,
      t0 + 10 * min,
      'log-watch: a revoked key tried 12 times in 3 minutes (SEV3 key_revoked_in_use); ACME stopped at 10:46, so its quota incident resolves',
    ),
  );
  steps.push(
    await run(
      t0 + 10 * min,
      t0 + 16 * min + 1_000,
      'log-watch: one more revoked-key attempt 6 minutes later, below the threshold: key_revoked_in_use resolves',
    ),
  );
  return steps;
}
