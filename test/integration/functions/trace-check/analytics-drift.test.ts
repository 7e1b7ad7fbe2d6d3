// analytics_drift end to end: a real local /analytics/by_key server that checks the window
// parameters and the key header, the trace-check handler (sql.js over a real trace DB, the real HTTP
// source), and its evaluation report through the real router handler (DynamoDB, SNS, the PagerDuty fake):
// a drifting key pages SEV2 with both numbers, agreement resolves it, a down or malformed endpoint is a
// SEV3 analytics_unavailable that neither pages a drift nor resolves one. Plus `check --analytics-url`.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpAnalyticsSource } from '../../../../lambdas/adapters/http-analytics-source.ts';
import { openSnapshot } from '../../../../lambdas/adapters/sqljs-database.ts';
import { analyticsSchema, parseConfig } from '../../../../lambdas/core/config.ts';
import type { EvaluationReport } from '../../../../lambdas/core/signal.ts';
import { makeTraceCheckHandler } from '../../../../lambdas/functions/trace-check/handler.ts';
import { buildTraceDb, type FixtureRow } from '../../../../tools/trace-db-fixture.ts';
import { runCliAsync, startTarget, type TestTarget } from '../../support/probe-targets.ts';
import {
  TUESDAY_10,
  pdCalls,
  published,
  reportEvent,
  routerHandler,
  useRouterWorld,
  type RouterWorld,
} from '../../support/router-fixture.ts';

let world: RouterWorld;
useRouterWorld((created) => (world = created));

const KEY = 'Bearer an-analytics-key-0123456789';
/** What the server answers next: a body (JSON-encoded unless a string), or a status. */
let answerNext: { status: number; body: unknown } = { status: 200, body: [] };
const seen: { from: string | null; to: string | null; authorized: boolean }[] = [];
let server: TestTarget;
let dir: string;

function analyticsHandler(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://x');
  const from = url.searchParams.get('since');
  const to = url.searchParams.get('until');
  seen.push({ from, to, authorized: req.headers.authorization === KEY });
  // The gateway's contract as configured here: GET, both window parameters as ISO-8601 instants, the key.
  if (req.method !== 'GET' || url.pathname !== '/analytics/by_key') return void res.writeHead(404).end();
  if (req.headers.authorization !== KEY) return void res.writeHead(401).end('{"error":"unauthorized"}');
  if (!from || !to || Number.isNaN(Date.parse(from)) || Number.isNaN(Date.parse(to)) || Date.parse(from) >= Date.parse(to))
    return void res.writeHead(400).end('{"error":"bad window"}');
  res.writeHead(answerNext.status, { 'content-type': 'application/json' });
  res.end(typeof answerNext.body === 'string' ? answerNext.body : JSON.stringify(answerNext.body));
}

const NOW = new Date(TUESDAY_10);
const MIN = 60_000;
/** `n` calls of `key` costing `usd` in total, 15-55 minutes before NOW (inside the default window). */
function keyCalls(key: string, n: number, usd: number): FixtureRow[] {
  return Array.from({ length: n }, (_, i) => ({
    type: 'llm.call_completed',
    timestamp: new Date(NOW.getTime() - 55 * MIN + (i * 40 * MIN) / n).toISOString(),
    keyId: key,
    payload: JSON.stringify({ gateway_key_id: key, model: 'claude-haiku-4-5', stop_reason: 'end_turn', usage: { cost_usd: usd / n } }),
  }));
}

let dbBytes: Uint8Array;
beforeAll(async () => {
  server = await startTarget(analyticsHandler, { path: '/analytics/by_key' });
  dbBytes = await buildTraceDb([...keyCalls('gk_ci', 40, 2), ...keyCalls('gk_app', 200, 8)]);
  dir = mkdtempSync(join(tmpdir(), 'analytics-drift-'));
});
afterAll(async () => {
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function config() {
  return parseConfig({
    analytics: { url: server.url, fromParam: 'since', toParam: 'until', headersFromSsm: { authorization: '/metis/analytics/key' } },
  });
}

/** One trace-check run at `at` over the snapshot taken at TUESDAY_10 (the same window each run), its report routed. */
async function traceCheck(at: string): Promise<EvaluationReport> {
  const cfg = config();
  const analytics = cfg.analytics!;
  const reports: EvaluationReport[] = [];
  const source = new HttpAnalyticsSource();
  const run = makeTraceCheckHandler({
    source: { location: 'memory', fetch: async () => ({ kind: 'object', bytes: dbBytes, etag: undefined, meta: { takenAt: TUESDAY_10 } }) },
    open: (bytes) => openSnapshot(bytes),
    publisher: { publish: async (report) => void reports.push(report) },
    rules: cfg.rules,
    clock: () => new Date(at),
    logger: { info: () => {}, warn: () => {}, error: () => {} },
    analytics: { config: analytics, fetch: (window) => source.byKey({ ...analytics, window, headers: { authorization: KEY } }) },
  });
  await run();
  await routerHandler(world, { at })(reportEvent(reports[0], at));
  return reports[0]!;
}

const analyticsSignals = (report: EvaluationReport) => report.signals.filter((s) => s.rule.startsWith('analytics'));

describe('trace check with /analytics/by_key -> router', () => {
  it('gk_ci counted 30 % high by the rollup: one SEV2 page with both numbers; the window went out as since/until', async () => {
    seen.length = 0;
    answerNext = {
      status: 200,
      body: {
        data: [
          { key_id: 'gk_ci', calls: 52, cost_usd: 2.6 },
          { key_id: 'gk_app', calls: 200, cost_usd: 8 },
        ],
      },
    };
    const report = await traceCheck(TUESDAY_10);
    expect(seen).toEqual([{ from: '2026-11-24T08:55:00.000Z', to: '2026-11-24T09:55:00.000Z', authorized: true }]);
    expect(report.evaluated).toEqual(expect.arrayContaining(['analytics_unavailable', 'analytics_drift']));
    const [drift, ...rest] = analyticsSignals(report);
    expect(rest).toEqual([]);
    expect(drift).toMatchObject({
      rule: 'analytics_drift',
      subject: 'gk_ci',
      severity: 'SEV2',
      details: { analytics: { calls: 52, costUsd: 2.6 }, traceDb: { calls: 40, costUsd: 2 }, callsDriftPct: 30, costDriftPct: 30 },
    });
    expect(pdCalls(world)).toEqual([{ action: 'trigger', severity: 'error', dedupKey: 'analytics_drift:gk_ci', status: 202 }]);
    const page = await published(world, world.page);
    expect(page.map((p) => p.attributes.rule)).toEqual(['analytics_drift']);
    // The key sent to the endpoint appears in no alert.
    expect(JSON.stringify({ page, pd: world.pd.requests })).not.toContain('an-analytics-key');
  });

  it('endpoint answers 503: SEV3 analytics_unavailable to chatops, no page, the drift incident stays open', async () => {
    world.pd.reset();
    answerNext = { status: 503, body: '{"error":"down"}' };
    const report = await traceCheck('2026-11-24T10:05:00.000Z');
    expect(report.evaluated).not.toContain('analytics_drift');
    expect(analyticsSignals(report).map((s) => [s.severity, s.dedupKey, s.details.reason])).toEqual([
      ['SEV3', 'analytics_unavailable:by_key', 'HTTP 503'],
    ]);
    expect(pdCalls(world)).toEqual([]);
    expect((await published(world, world.page)).length).toBe(0);
  });

  it('a 200 that is not a by-key table (HTML): analytics_unavailable, not a drift for every key', async () => {
    answerNext = { status: 200, body: '<html>maintenance</html>' };
    const report = await traceCheck('2026-11-24T10:10:00.000Z');
    expect(analyticsSignals(report).map((s) => [s.rule, s.details.reason])).toEqual([
      ['analytics_unavailable', 'HTTP 200 but the body is not JSON'],
    ]);
    expect(pdCalls(world)).toEqual([]);
  });

  it('the rollup agrees again: the drift resolves on PagerDuty, and analytics_unavailable resolves', async () => {
    world.pd.reset();
    answerNext = {
      status: 200,
      body: [
        { key_id: 'gk_ci', calls: 40, cost_usd: 2 },
        { key_id: 'gk_app', calls: 201, cost_usd: 8.1 },
      ],
    };
    const report = await traceCheck('2026-11-24T10:15:00.000Z');
    expect(analyticsSignals(report)).toEqual([]);
    expect(pdCalls(world)).toEqual([{ action: 'resolve', severity: undefined, dedupKey: 'analytics_drift:gk_ci', status: 202 }]);
  });
});

describe('metis-alerts check --analytics-url (real CLI)', () => {
  it('compares the local DB with the endpoint over the same window and prints the drift', async () => {
    const dbPath = join(dir, 'trace.db');
    writeFileSync(dbPath, dbBytes);
    const cfgPath = join(dir, 'config.json');
    writeFileSync(
      cfgPath,
      JSON.stringify({ analytics: analyticsSchema.parse({ url: 'https://unused.example.com/', fromParam: 'since', toParam: 'until' }) }),
    );
    answerNext = { status: 200, body: [{ key_id: 'gk_app', calls: 150, cost_usd: 8 }] };
    const run = await runCliAsync(
      ['check', '--db', dbPath, '--now', TUESDAY_10, '--config', cfgPath, '--analytics-url', server.url, '--json'],
      { METIS_ANALYTICS_AUTHORIZATION: KEY },
    );
    // No --meta: the only stderr line is the disk rule saying it could not judge.
    expect(run.stderr).toBe('disk_usage: could not evaluate: no volume figure in the metadata\n');
    expect(run.status).toBe(0);
    const out = JSON.parse(run.stdout) as { evaluated: string[]; signals: { dedupKey: string; details: Record<string, unknown> }[] };
    expect(out.evaluated).toEqual(expect.arrayContaining(['analytics_drift']));
    // gk_app: 150 vs 200 calls (-25 %); gk_ci: 40 calls the rollup does not list (-100 %).
    expect(out.signals.filter((s) => s.dedupKey.startsWith('analytics')).map((s) => [s.dedupKey, s.details.callsDriftPct])).toEqual([
      ['analytics_drift:gk_app', 25],
      ['analytics_drift:gk_ci', 100],
    ]);
  });

  it('--analytics-url that is not a URL: exit 2, one line', async () => {
    const dbPath = join(dir, 'trace.db');
    writeFileSync(dbPath, dbBytes);
    const run = await runCliAsync(['check', '--db', dbPath, '--now', TUESDAY_10, '--analytics-url', 'not a url']);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe('metis-alerts check: --analytics-url: expected an http:// or https:// URL, got "not a url"\n');
  });
});
