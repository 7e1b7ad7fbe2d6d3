// The rules of the runbook's severity table, each from its real detector through the
// router handler against moto (DynamoDB, SNS -> SQS) and the PagerDuty fake: key compromise (SEV1 page)
// next to the CI-burst spike (SEV3 chatops), prompt exposure (SEV1 page, content never sent), a stale
// backup (SEV3, resolved by a fresh one), blast radius in the page, and the SEV4 digest (never paged,
// one chatops post per rule and day by the sweeper).
import { describe, expect, it } from 'vitest';
import { DynamoDbDigestStore } from '../../../lambdas/adapters/dynamodb-digest-store.ts';
import { DynamoDbIncidentStore } from '../../../lambdas/adapters/dynamodb-incident-store.ts';
import { DynamoDbReportHeartbeats } from '../../../lambdas/adapters/dynamodb-report-heartbeats.ts';
import { MemoryLogCounters } from '../../../lambdas/adapters/memory-log-counters.ts';
import { openSqlJs } from '../../../lambdas/adapters/sqljs-database.ts';
import { parseConfig } from '../../../lambdas/core/config.ts';
import { plainLinesBatch } from '../../../lambdas/core/logs/decode.ts';
import { scanLogBatch } from '../../../lambdas/core/logs/scan.ts';
import type { SnapshotMeta } from '../../../lambdas/core/trace-db/context.ts';
import { evaluateTraceDb, toEvaluationReport } from '../../../lambdas/core/trace-db/evaluate.ts';
import { makeSweeperHandler } from '../../../lambdas/functions/sweeper/handler.ts';
import { buildTraceDb, type FixtureRow } from '../../../tools/trace-db-fixture.ts';
import {
  DEFAULT_SETTINGS,
  TUESDAY_10,
  createTable,
  firing,
  headlines,
  pdCalls,
  published,
  report,
  reportEvent,
  resolved,
  routerHandler,
  useRouterWorld,
  worldNotifiers,
  type RouterWorld,
} from '../support/router-fixture.ts';

let world: RouterWorld;
useRouterWorld((created) => (world = created));

const NOW = new Date(TUESDAY_10);
const HOUR = 3_600_000;
const MIN = 60_000;
// The keys here carry no daily cap: key_without_cap's digest entries have their own tests.
const RULES = parseConfig({ rules: { key_without_cap: { enabled: false } } }).rules;

function call(agoMs: number, key: string, model: string, cost: number, error = false): FixtureRow {
  const iso = new Date(NOW.getTime() - agoMs).toISOString();
  return {
    type: 'llm.call_completed',
    timestamp: iso,
    keyId: key,
    payload: JSON.stringify({
      gateway_key_id: key,
      model,
      provider: 'anthropic',
      stop_reason: error ? 'error' : 'end_turn',
      usage: { cost_usd: cost },
      latency_ms: 400,
    }),
  };
}

/** A 7-day hourly history per key on its usual model, then the last hour's calls. */
function history(key: string, usd: number, model = 'claude-haiku-4-5'): FixtureRow[] {
  return Array.from({ length: 168 }, (_, i) => call(HOUR + (i + 0.5) * HOUR, key, model, usd));
}
const lastHour = (key: string, usd: number, model: string): FixtureRow[] =>
  Array.from({ length: 4 }, (_, i) => call(50 * MIN - i * 10 * MIN, key, model, usd / 4));

async function traceReport(rows: FixtureRow[], meta: SnapshotMeta = {}, at = NOW) {
  const db = await openSqlJs(await buildTraceDb(rows));
  try {
    // A fresh snapshot: snapshot_stale stays out of the way.
    return toEvaluationReport(evaluateTraceDb(db, { now: at, rules: RULES, meta: { takenAt: at.toISOString(), ...meta } }), at);
  } finally {
    db.close();
  }
}

describe('key_compromise_suspected through the router', () => {
  it('a leaked key calling a new model pages SEV1 with the commands; the CI burst beside it is a SEV3 chatops post', async () => {
    const rows = [
      call(169 * HOUR, 'gk_anchor', 'claude-haiku-4-5', 0),
      ...history('gk_01LEAK', 0.1),
      ...lastHour('gk_01LEAK', 3, 'claude-opus-4'),
      ...history('gk_01CI', 0.1),
      ...lastHour('gk_01CI', 3, 'claude-haiku-4-5'),
    ];
    const detail = await traceReport(rows);
    const outcome = await routerHandler(world, { at: TUESDAY_10 })(reportEvent(detail));
    expect(outcome).toMatchObject({ status: 'routed' });
    expect(pdCalls(world)).toEqual([
      { action: 'trigger', severity: 'critical', dedupKey: 'key_compromise_suspected:gk_01LEAK', status: 202 },
    ]);
    const body = world.pd.requests[0]!.body as { payload: { summary: string; custom_details: { details: Record<string, unknown> } } };
    expect(body.payload.summary).toContain('suspected compromised');
    expect(body.payload.custom_details.details).toMatchObject({
      newModels: ['claude-opus-4'],
      commands: { revoke: 'metis gateway revoke-key gk_01LEAK' },
      scope24hByModel: [
        { model: 'claude-opus-4', calls: 4, cost: 3 },
        { model: 'claude-haiku-4-5', calls: 23, cost: 2.3 },
      ],
    });
    expect(await headlines(world, world.page)).toEqual([firing('SEV1', 'key_compromise_suspected', 'gk_01LEAK')]);
    expect((await headlines(world, world.chatops)).sort((a, b) => a.subject!.localeCompare(b.subject!))).toEqual([
      firing('SEV1', 'key_compromise_suspected', 'gk_01LEAK'),
      firing('SEV3', 'key_spend_spike', 'gk_01CI'),
      firing('SEV3', 'key_spend_spike', 'gk_01LEAK'),
    ]);
  });
});

describe('prompt_exposure through the router', () => {
  it('a request body logged to stdout pages SEV1 naming group, stream and line count; the content never leaves', async () => {
    const secret = 'Please summarise the attached divorce settlement';
    const lines = [
      'INFO:     10.0.3.17:52144 - "POST /v1/chat/completions HTTP/1.1" 200 OK',
      JSON.stringify({
        level: 'debug',
        event: 'upstream request',
        body: { model: 'gpt-5', messages: [{ role: 'user', content: secret }] },
      }),
      `DEBUG llm call prompt="${secret}" model=gpt-5`,
    ];
    const batch = plainLinesBatch(lines.join('\n'), {
      logGroup: '/metis/prod/gateway',
      logStream: 'gateway/pod-1',
      fallbackTime: NOW.getTime() - 5000,
    });
    const scan = await scanLogBatch(batch, { counters: new MemoryLogCounters(), rules: RULES, now: NOW });
    const detail = report(TUESDAY_10, scan.evaluated, scan.signals, 'logs');
    await routerHandler(world, { at: TUESDAY_10 })(reportEvent(detail, TUESDAY_10, 'metis-alerts.logs'));
    expect(pdCalls(world)).toEqual([
      { action: 'trigger', severity: 'critical', dedupKey: 'prompt_exposure:/metis/prod/gateway', status: 202 },
    ]);
    const page = await published(world, world.page);
    expect(page.map((p) => p.subject)).toEqual(['[SEV1] FIRING prompt_exposure: /metis/prod/gateway']);
    expect(page[0]!.message).toContain('2 lines');
    expect(page[0]!.message).toContain('gateway/pod-1');
    const chatops = await published(world, world.chatops);
    for (const text of [JSON.stringify(world.pd.requests), page[0]!.message, ...chatops.map((c) => c.message)]) {
      expect(text).not.toContain('divorce');
    }
  });
});

describe('backup_stale through the router', () => {
  it('a 30 h old backup posts SEV3 to chatops; a fresh one resolves it; no metadata resolves nothing', async () => {
    const rows = [call(5 * MIN, 'gk_a', 'm', 0.001)];
    const stale = await traceReport(rows, { lastBackupAt: new Date(NOW.getTime() - 30 * HOUR).toISOString() });
    await routerHandler(world, { at: TUESDAY_10 })(reportEvent(stale));
    expect(pdCalls(world)).toEqual([]);
    expect(await headlines(world, world.page)).toEqual([]);
    expect(await headlines(world, world.chatops)).toEqual([firing('SEV3', 'backup_stale', 'trace-db')]);

    const later = new Date(NOW.getTime() + 10 * MIN);
    const unwatched = await traceReport(rows, {}, later);
    expect(unwatched.evaluated).not.toContain('backup_stale');
    await routerHandler(world, { at: later.toISOString() })(reportEvent(unwatched, later.toISOString()));
    expect(await headlines(world, world.chatops)).toEqual([]);

    const fresh = await traceReport(rows, { lastBackupAt: new Date(later.getTime() - 12 * HOUR).toISOString() }, later);
    await routerHandler(world, { at: later.toISOString() })(reportEvent(fresh, later.toISOString()));
    expect(await headlines(world, world.chatops)).toEqual([resolved('SEV3', 'backup_stale', 'trace-db')]);
  });
});

describe('blastRadius through the router', () => {
  it('the SEV2 model_error_rate page carries per-key calls and errors over 15 min and the unavailable providers', async () => {
    const rows = [
      ...Array.from({ length: 30 }, (_, i) => call((i + 1) * 15_000, 'gk_hurt', 'sick-model', 0.001, i < 10)),
      {
        type: 'route.decided',
        timestamp: new Date(NOW.getTime() - 2 * MIN).toISOString(),
        keyId: null,
        payload: JSON.stringify({
          chain: [
            { provider: 'openai', model: 'gpt-5', verdict: 'unavailable' },
            { provider: 'anthropic', model: 'claude', verdict: 'ok' },
          ],
        }),
      },
    ];
    await routerHandler(world, { at: TUESDAY_10 })(reportEvent(await traceReport(rows)));
    const trigger = world.pd.requests.find((r) => (r.body as { dedup_key?: string }).dedup_key === 'model_error_rate:sick-model');
    const details = (trigger!.body as { payload: { custom_details: { details: { blastRadius: unknown } } } }).payload.custom_details
      .details;
    expect(details.blastRadius).toMatchObject({
      keys: [{ gateway_key_id: 'gk_hurt', calls: 30, errors: 10 }],
      totals: { keys: 1, calls: 30, errors: 10 },
      unavailableProviders: [{ provider: 'openai', model: 'gpt-5', requests: 1 }],
    });
    await published(world, world.page);
    await published(world, world.chatops);
  });
});

describe('the SEV4 digest against DynamoDB', () => {
  it('log_noise is never paged: folded per rule and day, posted once to chatops after midnight', async () => {
    // Its own table: the incidents opened above would get their status reminders from this sweeper.
    const tableName = await createTable(world, 'metis-incidents-digest');
    const digests = new DynamoDbDigestStore({ client: world.dynamo, tableName });
    const warn = '/app/metis/clock.py:12: DeprecationWarning: datetime.utcnow() is deprecated';
    for (const at of ['2026-11-24T10:00:00.000Z', '2026-11-24T15:30:00.000Z']) {
      const batch = plainLinesBatch([warn, warn].join('\n'), {
        logGroup: '/metis/prod/gateway',
        logStream: 'gateway/pod-1',
        fallbackTime: Date.parse(at) - 1000,
      });
      const scan = await scanLogBatch(batch, { counters: new MemoryLogCounters(), rules: RULES, now: new Date(at) });
      expect(scan.signals.map((s) => `${s.severity} ${s.rule}`)).toEqual(['SEV4 log_noise']);
      const outcome = await routerHandler(world, { at, digests, tableName })(
        reportEvent(report(at, scan.evaluated, scan.signals, 'logs'), at, 'metis-alerts.logs'),
      );
      expect(outcome).toEqual({ status: 'routed', signals: 1, deliveries: 0 });
    }
    expect(pdCalls(world)).toEqual([]);
    expect(await headlines(world, world.page)).toEqual([]);
    expect(await headlines(world, world.chatops)).toEqual([]);
    expect(await digests.get('digest#log_noise#2026-11-24')).toMatchObject({
      count: 2,
      subjects: {
        'DeprecationWarning@/app/metis/clock.py:12': { count: 2, firstAt: '2026-11-24T10:00:00.000Z', lastAt: '2026-11-24T15:30:00.000Z' },
      },
    });

    const sweeper = (at: string) =>
      makeSweeperHandler({
        store: new DynamoDbIncidentStore({ client: world.dynamo, tableName }),
        notifiers: worldNotifiers(world),
        settings: DEFAULT_SETTINGS,
        digests,
        heartbeats: new DynamoDbReportHeartbeats({ client: world.dynamo, tableName }),
        expectedSources: [],
        options: { tracebackQuietMinutes: 30 },
        clock: () => new Date(at),
        logger: { info: () => {}, warn: () => {}, error: () => {} },
      })();
    await sweeper('2026-11-24T23:55:00.000Z');
    expect(await headlines(world, world.chatops)).toEqual([]);
    await sweeper('2026-11-25T00:00:00.000Z');
    const posts = await published(world, world.chatops);
    expect(posts.map((p) => [p.subject, p.attributes])).toEqual([
      ['[SEV4] DIGEST log_noise 2026-11-24: 1 subject, 2 signals', { severity: 'SEV4', rule: 'log_noise', status: 'digest' }],
    ]);
    expect(posts[0]!.message).toContain('DeprecationWarning@/app/metis/clock.py:12: 2x (10:00-15:30 UTC)');
    await sweeper('2026-11-25T00:05:00.000Z');
    expect(await headlines(world, world.chatops)).toEqual([]);
    expect((await digests.get('digest#log_noise#2026-11-24'))?.postedAt).toBe('2026-11-25T00:00:00.000Z');
  });
});
