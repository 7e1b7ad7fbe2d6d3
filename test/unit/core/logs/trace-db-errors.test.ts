// trace_db_log_error on real SQLite errors (test/fixtures/python-logs/trace-db/, written by
// tools/python-logs/generate.py: a trace DB with a corrupted page, and one held to a few pages with
// `PRAGMA max_page_count`): one incident per kind with the trace-DB playbook's first moves, never also a
// generic traceback; SEV1 when it repeats as a restart loop (3 in 10 min), counted across batches.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemoryLogCounters } from '../../../../lambdas/adapters/memory-log-counters.ts';
import { MemoryLogFetcher } from '../../../../lambdas/adapters/memory-log-fetcher.ts';
import { plainLinesBatch, type LogEvent } from '../../../../lambdas/core/logs/decode.ts';
import type { LogCounters } from '../../../../lambdas/core/logs/ports.ts';
import { scanBatch, scanLogBatch, type LogScan } from '../../../../lambdas/core/logs/scan.ts';
import { signalSchema } from '../../../../lambdas/core/signal-schema.ts';
import { dataMessage, eventId, LOG_GROUP, MIN, rulesWith, STREAM } from './fixtures.ts';
import { DEFAULT_FILTER, PYTHON_LOGS_DIR } from './python-fixtures.ts';

const T = Date.parse('2026-11-20T12:00:00Z');
const RULES = rulesWith();
const FILTER = DEFAULT_FILTER;

function fixture(name: string): string {
  return readFileSync(join(PYTHON_LOGS_DIR, 'trace-db', `${name}.log`), 'utf8');
}

function lineEvents(text: string, start = T): LogEvent[] {
  return plainLinesBatch(text, { fallbackTime: start }).logEvents.map((e, i) => ({
    id: eventId(i),
    timestamp: start + i,
    message: e.message,
  }));
}

const KINDS = {
  'sqlite-malformed': { kind: 'malformed', type: 'sqlite3.DatabaseError', message: 'database disk image is malformed' },
  'sqlite-disk-full': { kind: 'disk_full', type: 'sqlite3.OperationalError', message: 'database or disk is full' },
} as const;

const FORMS: Record<string, (text: string, counters: LogCounters, at: number) => Promise<LogScan>> = {
  'the whole stream as plain lines': (text, counters, at) =>
    scanLogBatch(
      { ...plainLinesBatch(text, { fallbackTime: at, logGroup: LOG_GROUP, logStream: STREAM }), logEvents: lineEvents(text, at) },
      { counters, rules: RULES, now: new Date(at + 60_000) },
    ),
  'one event per record': (text, counters, at) =>
    scanBatch(dataMessage([{ id: eventId(0), timestamp: at, message: text.trimEnd() }]), {
      counters,
      rules: RULES,
      now: new Date(at + 60_000),
    }),
  'one event per line through the default filter, the rest fetched': (text, counters, at) => {
    const stream = lineEvents(text, at);
    const fetcher = new MemoryLogFetcher();
    fetcher.append(LOG_GROUP, STREAM, stream);
    return scanBatch(dataMessage(stream.filter((e) => FILTER.test(e.message))), {
      counters,
      fetcher,
      rules: RULES,
      now: new Date(at + 60_000),
    });
  },
};

describe.each(Object.entries(KINDS))('%s (real sqlite3 output)', (name, expected) => {
  const text = fixture(name);

  it('is what Python printed for the real error', () => {
    expect(text).toContain(`${expected.type}: ${expected.message}`);
  });

  it.each(Object.keys(FORMS))('%s: one SEV2 trace_db_log_error with the playbook, no generic traceback', async (form) => {
    const scan = await FORMS[form]!(text, new MemoryLogCounters(), T);
    expect(scan.signals.map((s) => `${s.severity} ${s.dedupKey}`)).toEqual([`SEV2 trace_db_log_error:${expected.kind}`]);
    const [signal] = scan.signals;
    expect(signalSchema.safeParse(signal).success).toBe(true);
    expect(signal!.runbook).toBe('Trace DB corruption or disk full');
    expect(signal!.details).toMatchObject({
      kind: expected.kind,
      message: expected.message,
      exceptionType: expected.type,
      restartLoop: false,
      countInBatch: 1,
      countInWindow: 1,
      logGroup: LOG_GROUP,
    });
    for (const move of ['df -h', 'PRAGMA integrity_check on /var/lib/metis/metis.db', 'kubectl scale deploy/metis-gateway --replicas=0']) {
      expect(signal!.summary).toContain(move);
      expect(signal!.details.firstMove).toContain(move);
    }
    expect(signal!.summary).not.toContain('roll back');
    expect(signal!.summary).not.toContain('helm rollback');
  });

  it('a restart loop (one crash per batch, 3 minutes apart) becomes SEV1 at the third occurrence in 10 min', async () => {
    const counters = new MemoryLogCounters();
    const severities: string[] = [];
    for (let i = 0; i < 3; i++) {
      const scan = await FORMS['one event per record']!(text, counters, T + i * 3 * MIN);
      severities.push(scan.signals.map((s) => `${s.severity} ${s.details.value}`).join());
    }
    expect(severities).toEqual(['SEV2 1', 'SEV2 2', 'SEV1 3']);
  });

  it('three occurrences spread over more than 10 minutes stay SEV2 (only the window counts)', async () => {
    const counters = new MemoryLogCounters();
    let last: LogScan | undefined;
    for (const minutes of [0, 6, 12]) last = await FORMS['one event per record']!(text, counters, T + minutes * MIN);
    expect(last!.signals.map((s) => `${s.severity} ${s.details.value}`)).toEqual(['SEV2 2']);
  });
});

describe('trace_db_log_error beyond one traceback', () => {
  it('both kinds in one batch are two incidents; the same error logged without a traceback counts too', async () => {
    const lines = [
      { id: eventId(0), timestamp: T, message: fixture('sqlite-malformed').trimEnd() },
      {
        id: eventId(1),
        timestamp: T + 1000,
        message:
          '2026-11-20 12:00:01,000 ERROR [metis.gateway.chat] trace write failed: sqlite3.OperationalError: database or disk is full',
      },
      {
        id: eventId(2),
        timestamp: T + 2000,
        message: '{"level": "error", "event": "trace write failed", "error": "database or disk is full"}',
      },
    ];
    const scan = await scanBatch(dataMessage(lines), { counters: new MemoryLogCounters(), rules: RULES, now: new Date(T + 60_000) });
    expect(scan.signals.map((s) => `${s.severity} ${s.dedupKey} ${s.details.countInBatch}`).sort()).toEqual([
      'SEV2 trace_db_log_error:disk_full 2',
      'SEV2 trace_db_log_error:malformed 1',
    ]);
    expect(scan.stats.traceDbErrors).toBe(3);
  });

  it('counters that fail: still SEV2 per kind, saying the repeat window could not be judged', async () => {
    const broken: LogCounters = {
      add: async () => {
        throw new Error('ProvisionedThroughputExceededException');
      },
      keys: async () => [],
      read: async () => new Map(),
    };
    const scan = await FORMS['one event per record']!(fixture('sqlite-disk-full'), broken, T);
    expect(scan.counterError).toContain('ProvisionedThroughputExceededException');
    expect(scan.signals.map((s) => `${s.severity} ${s.dedupKey}`)).toEqual(['SEV2 trace_db_log_error:disk_full']);
    expect(scan.signals[0]!.summary).toContain('counters unreadable');
  });

  it('switched off: the SQLite traceback is an ordinary traceback again', async () => {
    const scan = await scanBatch(dataMessage([{ id: eventId(0), timestamp: T, message: fixture('sqlite-disk-full').trimEnd() }]), {
      counters: new MemoryLogCounters(),
      rules: rulesWith({ trace_db_log_error: { enabled: false } }),
      now: new Date(T + 60_000),
    });
    expect(scan.signals.map((s) => s.rule)).toEqual(['traceback']);
  });

  it('a malformed-database error logged at WARNING is not a page', async () => {
    const warning = fixture('sqlite-malformed').replace(' ERROR ', ' WARNING ');
    const scan = await scanBatch(dataMessage([{ id: eventId(0), timestamp: T, message: warning.trimEnd() }]), {
      counters: new MemoryLogCounters(),
      rules: RULES,
      now: new Date(T + 60_000),
    });
    expect(scan.signals).toEqual([]);
    expect(scan.stats.tracebacksBelowError).toBe(1);
  });
});
