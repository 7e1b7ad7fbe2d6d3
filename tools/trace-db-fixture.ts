// Generates Metis trace DBs for tests, the demo and the benchmark: realistic `events` rows
// (route.decided + llm.call_completed per request, quota.alert now and then) over `days` ending at
// `end`, plus injectable anomalies that each trace-DB rule should catch. Deterministic by seed.
//
//   npx tsx tools/trace-db-fixture.ts --out FILE --events N --days D --end ISO [--seed S]
//        [--anomalies all|none|name,name] [--gzip] [--index type_ts|ts|none] [--key-id-column]
//        [--timestamps python|iso-z|space|mixed] [--writer auto|sqlite3|sqljs]
//
// Large files are written by the native `sqlite3` CLI from a generated CSV when it is on PATH (about
// 10x faster than sql.js for 1 M events), else with sql.js in one transaction.
import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import initSqlJs from 'sql.js';
import { errorMessage } from '../lambdas/core/errors.ts';

// ---------------------------------------------------------------------------------------------
// Options and anomalies

export interface ErrorSpike {
  /** `$.model` whose calls fail. */
  model: string;
  provider: string;
  calls: number;
  /** Share of those calls with stop_reason 'error'. */
  errorShare: number;
  /** They happen in the last `minutes` before `end`. */
  minutes: number;
}
export interface ProviderDown {
  provider: string;
  model: string;
  requests: number;
  minutes: number;
  /** Where routing failed over to; absent = no failover (every hop unavailable). */
  failoverTo?: { provider: string; model: string };
}
export interface KeySpendSpike {
  key: string;
  usd: number;
  calls: number;
  minutes: number;
}
export interface QuotaAlerts {
  key: string;
  count: number;
  minutes: number;
}
export interface LatencySpike {
  calls: number;
  latencyMs: number;
  minutes: number;
}
export interface BudgetOverrun {
  /** Multiplies the cost of every call since 00:00 UTC of `end`'s day. */
  costMultiplier: number;
}
export interface ClockSkew {
  count: number;
  /** How far after `end` the skewed events are stamped. */
  aheadMinutes: number;
}
export interface BadPayloads {
  /** llm.call_completed rows whose payload is not JSON, in the last 10 minutes. */
  invalidJson: number;
  /** llm.call_completed rows with `{}` or a non-object payload. */
  missingFields: number;
}

export interface FixtureAnomalies {
  errorSpike?: ErrorSpike;
  providerDownNoFailover?: ProviderDown;
  providerDownFailover?: ProviderDown;
  keySpendSpike?: KeySpendSpike;
  quotaAlerts?: QuotaAlerts;
  latencySpike?: LatencySpike;
  budgetOverrun?: BudgetOverrun;
  clockSkew?: ClockSkew;
  badPayloads?: BadPayloads;
}

/** Every anomaly, with the subjects the rules should name (tests import these). */
export const ALL_ANOMALIES = {
  errorSpike: { model: 'gpt-4.1', provider: 'openai', calls: 60, errorShare: 0.3, minutes: 8 },
  providerDownNoFailover: { provider: 'anthropic', model: 'claude-sonnet-4-5', requests: 24, minutes: 12 },
  providerDownFailover: {
    provider: 'google',
    model: 'gemini-2.5-flash',
    requests: 30,
    minutes: 12,
    failoverTo: { provider: 'openrouter', model: 'google/gemini-2.5-flash' },
  },
  keySpendSpike: { key: 'gk_01JSPIKE0000000000000000', usd: 12, calls: 40, minutes: 50 },
  quotaAlerts: { key: 'gk_01JQUOTA0000000000000000', count: 3, minutes: 12 },
  latencySpike: { calls: 120, latencyMs: 24_000, minutes: 9 },
  budgetOverrun: { costMultiplier: 4 },
  clockSkew: { count: 5, aheadMinutes: 45 },
  badPayloads: { invalidJson: 3, missingFields: 3 },
} as const satisfies Required<FixtureAnomalies>;

export type AnomalyName = keyof FixtureAnomalies;
export const ANOMALY_NAMES = Object.keys(ALL_ANOMALIES) as AnomalyName[];

export type TimestampStyle = 'python' | 'iso-z' | 'space' | 'mixed';
export type IndexStyle = 'type_ts' | 'ts' | 'none';

export interface FixtureOptions {
  /** Approximate total number of rows (base traffic is sized so the total comes close). */
  events: number;
  days: number;
  end: Date;
  seed?: number;
  anomalies?: FixtureAnomalies | 'all' | 'none';
  /** How timestamps are written; default 'python' (`2026-11-20T12:00:00.123456+00:00`, Python's isoformat()). */
  timestamps?: TimestampStyle;
  /** Add a `key_id` column (some deployments have it). Default false. */
  keyIdColumn?: boolean;
  /** Index on the events table. Default 'type_ts' = (type, timestamp). */
  index?: IndexStyle;
}

/** A row to insert: `keyId` goes to the `key_id` column when the DB has one. */
export interface FixtureRow {
  type: string;
  timestamp: string;
  payload: string;
  keyId?: string | null;
}

export interface FixtureEvent {
  type: string;
  /** Unix ms (for ordering); `timestamp` is the text written. */
  ms: number;
  timestamp: string;
  keyId: string | null;
  payload: string;
}

// ---------------------------------------------------------------------------------------------
// Deterministic randomness

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
function ulidLike(rand: () => number, ms: number): string {
  let time = '';
  let t = Math.floor(ms);
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[t % 32]! + time;
    t = Math.floor(t / 32);
  }
  let tail = '';
  for (let i = 0; i < 16; i++) tail += CROCKFORD[Math.floor(rand() * 32)]!;
  return time + tail;
}

function gaussian(rand: () => number): number {
  const u = Math.max(rand(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

// ---------------------------------------------------------------------------------------------
// Traffic model

interface ModelSpec {
  provider: string;
  model: string;
  weight: number;
  /** USD per 1 M input / output tokens. */
  priceIn: number;
  priceOut: number;
  medianLatencyMs: number;
}

const MODELS: ModelSpec[] = [
  { provider: 'anthropic', model: 'claude-haiku-4-5', weight: 30, priceIn: 1, priceOut: 5, medianLatencyMs: 700 },
  { provider: 'anthropic', model: 'claude-sonnet-4-5', weight: 20, priceIn: 3, priceOut: 15, medianLatencyMs: 1600 },
  { provider: 'openai', model: 'gpt-4o-mini', weight: 20, priceIn: 0.15, priceOut: 0.6, medianLatencyMs: 600 },
  { provider: 'openai', model: 'gpt-4.1', weight: 12, priceIn: 2, priceOut: 8, medianLatencyMs: 1400 },
  { provider: 'google', model: 'gemini-2.5-flash', weight: 18, priceIn: 0.3, priceOut: 2.5, medianLatencyMs: 650 },
];
const MODEL_WEIGHT = MODELS.reduce((s, m) => s + m.weight, 0);
const STOP_REASONS = ['end_turn', 'end_turn', 'end_turn', 'end_turn', 'tool_use', 'max_tokens', 'stop_sequence'];
const SHAPES = ['anthropic.messages', 'openai.chat_completions', 'openai.responses'];
/** Base error share per call: low enough that a normal 10-minute window never crosses 5 %. */
const BASE_ERROR_RATE = 0.002;

function makeKeys(rand: () => number, count: number): { id: string; weight: number }[] {
  const keys: { id: string; weight: number }[] = [];
  for (let i = 0; i < count; i++) {
    let id = 'gk_01J';
    for (let j = 0; j < 20; j++) id += CROCKFORD[Math.floor(rand() * 32)]!;
    keys.push({ id, weight: 1 / (i + 1) ** 0.8 });
  }
  return keys;
}

function pickWeighted<T extends { weight: number }>(items: readonly T[], total: number, r: number): T {
  let x = r * total;
  for (const item of items) {
    x -= item.weight;
    if (x <= 0) return item;
  }
  return items[items.length - 1]!;
}

function pickModel(r: number): ModelSpec {
  return pickWeighted(MODELS, MODEL_WEIGHT, r);
}

function formatTimestamp(ms: number, style: TimestampStyle, rand: () => number): string {
  const iso = new Date(ms).toISOString(); // 2026-11-20T12:00:00.123Z
  const s = style === 'mixed' ? (['python', 'iso-z', 'space'] as const)[Math.floor(rand() * 3)]! : style;
  switch (s) {
    case 'python':
      return `${iso.slice(0, 23)}${String(Math.floor(rand() * 1000)).padStart(3, '0')}+00:00`;
    case 'iso-z':
      return iso;
    case 'space':
      return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
  }
}

function cost(spec: ModelSpec, inTok: number, outTok: number): number {
  return Math.round(((inTok * spec.priceIn + outTok * spec.priceOut) / 1e6) * 1e6) / 1e6;
}

interface CallShape {
  ms: number;
  key: string;
  spec: ModelSpec;
  provider?: string;
  stopReason?: string;
  latencyMs?: number;
  costUsd?: number;
  chain?: { provider: string; model: string; verdict: string }[];
  /** Omit the llm.call_completed (the request failed before any call). */
  noCall?: boolean;
  pinned?: boolean;
}

class EventFactory {
  constructor(
    private readonly rand: () => number,
    private readonly style: TimestampStyle,
    private readonly costMultiplierFrom: number,
    private readonly costMultiplier: number,
    /** The daily cap each key was issued with; a key absent here was issued without one. */
    private readonly dailyCaps: ReadonlyMap<string, number> = new Map(),
  ) {}

  request(shape: CallShape): FixtureEvent[] {
    const { rand } = this;
    const requestId = `req_${ulidLike(rand, shape.ms)}`;
    const chain = shape.chain ?? [{ provider: shape.spec.provider, model: shape.spec.model, verdict: 'ok' }];
    const routeMs = shape.ms;
    const out: FixtureEvent[] = [
      {
        type: 'route.decided',
        ms: routeMs,
        timestamp: formatTimestamp(routeMs, this.style, rand),
        keyId: shape.key,
        payload: JSON.stringify({
          request_id: requestId,
          gateway_key_id: shape.key,
          requested_model: shape.spec.model,
          pinned: shape.pinned ?? rand() < 0.3,
          chain: chain.map((h) =>
            h.verdict === 'ok'
              ? { provider: h.provider, model: h.model, verdict: h.verdict }
              : { provider: h.provider, model: h.model, verdict: h.verdict, reason: 'adapter_probe_failed' },
          ),
          decision_ms: 1 + Math.floor(rand() * 3),
        }),
      },
    ];
    if (shape.noCall) return out;
    const served = chain.find((h) => h.verdict === 'ok') ?? chain[0]!;
    const inTok = 200 + Math.floor(rand() * 3000);
    const outTok = 50 + Math.floor(rand() * 900);
    const latency = shape.latencyMs ?? Math.round(shape.spec.medianLatencyMs * Math.exp(0.45 * gaussian(rand)));
    let usd = shape.costUsd ?? cost(shape.spec, inTok, outTok);
    if (shape.costUsd === undefined && shape.ms >= this.costMultiplierFrom) usd = Math.round(usd * this.costMultiplier * 1e6) / 1e6;
    const stop = shape.stopReason ?? (rand() < BASE_ERROR_RATE ? 'error' : STOP_REASONS[Math.floor(rand() * STOP_REASONS.length)]!);
    const doneMs = shape.ms + Math.min(latency, 1000);
    out.push({
      type: 'llm.call_completed',
      ms: doneMs,
      timestamp: formatTimestamp(doneMs, this.style, rand),
      keyId: shape.key,
      payload: JSON.stringify({
        request_id: requestId,
        gateway_key_id: shape.key,
        model: served.model,
        provider: shape.provider ?? served.provider,
        stop_reason: stop,
        usage: {
          input_tokens: inTok,
          output_tokens: stop === 'error' ? 0 : outTok,
          cache_read_tokens: rand() < 0.2 ? Math.floor(inTok / 2) : 0,
          cost_usd: stop === 'error' ? 0 : usd,
        },
        latency_ms: latency,
        ttft_ms: Math.round(latency * 0.3),
        stream: rand() < 0.6,
        inbound_shape: SHAPES[Math.floor(rand() * SHAPES.length)],
        // The key's policy on each call; the runbook says to issue every key with --daily-cap-usd.
        ...(this.dailyCaps.has(shape.key) ? { daily_cap_usd: this.dailyCaps.get(shape.key) } : {}),
      }),
    });
    return out;
  }
}

function resolveAnomalies(anomalies: FixtureOptions['anomalies']): FixtureAnomalies {
  if (anomalies === undefined || anomalies === 'none') return {};
  if (anomalies === 'all') return structuredClone(ALL_ANOMALIES) as FixtureAnomalies;
  return anomalies;
}

/** Anomaly rows, unsorted. */
function anomalyEvents(
  a: FixtureAnomalies,
  endMs: number,
  factory: EventFactory,
  rand: () => number,
  keys: { id: string }[],
): FixtureEvent[] {
  const out: FixtureEvent[] = [];
  const within = (minutes: number, i: number, n: number) => endMs - minutes * 60_000 + ((i + 0.5) / n) * (minutes * 60_000 - 2000);
  const specOf = (provider: string, model: string): ModelSpec =>
    MODELS.find((m) => m.model === model) ?? { ...MODELS[0]!, provider, model };
  const anyKey = () => keys[Math.floor(rand() * keys.length)]!.id;

  if (a.errorSpike) {
    const s = a.errorSpike;
    const errors = Math.round(s.calls * s.errorShare);
    for (let i = 0; i < s.calls; i++) {
      // Exactly `errors` failures, spread evenly over the calls.
      const isError = Math.floor(((i + 1) * errors) / s.calls) > Math.floor((i * errors) / s.calls);
      out.push(
        ...factory.request({
          ms: within(s.minutes, i, s.calls),
          key: anyKey(),
          spec: specOf(s.provider, s.model),
          stopReason: isError ? 'error' : 'end_turn',
        }),
      );
    }
  }
  for (const down of [a.providerDownNoFailover, a.providerDownFailover]) {
    if (!down) continue;
    for (let i = 0; i < down.requests; i++) {
      const spec = specOf(down.provider, down.model);
      const chain = [{ provider: down.provider, model: down.model, verdict: 'unavailable' }];
      if (down.failoverTo) chain.push({ provider: down.failoverTo.provider, model: down.failoverTo.model, verdict: 'ok' });
      out.push(
        ...factory.request({
          ms: within(down.minutes, i, down.requests),
          key: anyKey(),
          spec,
          chain,
          noCall: !down.failoverTo,
          pinned: !down.failoverTo,
        }),
      );
    }
  }
  if (a.keySpendSpike) {
    const s = a.keySpendSpike;
    const spec = MODELS[1]!;
    for (let i = 0; i < s.calls; i++) {
      out.push(
        ...factory.request({ ms: within(s.minutes, i, s.calls), key: s.key, spec, costUsd: Math.round((s.usd / s.calls) * 1e6) / 1e6 }),
      );
    }
  }
  if (a.quotaAlerts) {
    const s = a.quotaAlerts;
    for (let i = 0; i < s.count; i++) {
      const ms = within(s.minutes, i, s.count);
      out.push({
        type: 'quota.alert',
        ms,
        timestamp: formatTimestamp(ms, 'python', rand),
        keyId: s.key,
        payload: JSON.stringify({ gateway_key_id: s.key, kind: 'daily_cap_soft', threshold_pct: 80, spent_usd: 4 + i * 0.05, cap_usd: 5 }),
      });
    }
  }
  if (a.latencySpike) {
    const s = a.latencySpike;
    for (let i = 0; i < s.calls; i++) {
      const spec = MODELS[i % MODELS.length]!;
      out.push(
        ...factory.request({
          ms: within(s.minutes, i, s.calls),
          key: anyKey(),
          spec,
          latencyMs: Math.round(s.latencyMs * (0.8 + 0.4 * rand())),
          stopReason: 'end_turn',
        }),
      );
    }
  }
  if (a.clockSkew) {
    const s = a.clockSkew;
    for (let i = 0; i < s.count; i++) {
      out.push(
        ...factory.request({ ms: endMs + s.aheadMinutes * 60_000 + i * 1000, key: anyKey(), spec: MODELS[0]!, stopReason: 'error' }),
      );
    }
  }
  if (a.badPayloads) {
    const s = a.badPayloads;
    const n = s.invalidJson + s.missingFields;
    for (let i = 0; i < n; i++) {
      const ms = within(10, i, n);
      const payload =
        i < s.invalidJson ? `{"model": "claude-haiku-4-5", "stop_reason": "error", truncated` : i % 2 ? '{}' : '"just a string"';
      out.push({ type: 'llm.call_completed', ms, timestamp: formatTimestamp(ms, 'python', rand), keyId: null, payload });
    }
  }
  return out;
}

function insertSorted(list: FixtureEvent[], e: FixtureEvent): void {
  let i = list.length;
  while (i > 0 && list[i - 1]!.ms > e.ms) i--;
  list.splice(i, 0, e);
}

/** The daily cap of every regular key (its calls carry it): far above any key's spend here. */
export const FIXTURE_DAILY_CAP_USD = 500;

/** Rows per request of base traffic (route.decided + llm.call_completed) plus the rare quota.alert. */
const ROWS_PER_REQUEST = 2;

/**
 * The events of a fixture in time order (as the gateway appends them). Deterministic by seed.
 */
export function* generateEvents(options: FixtureOptions): Generator<FixtureEvent> {
  const seed = options.seed ?? 1;
  const rand = mulberry32(seed);
  const style = options.timestamps ?? 'python';
  const endMs = options.end.getTime();
  const startMs = endMs - options.days * 86_400_000;
  const anomalies = resolveAnomalies(options.anomalies);
  const dayStart = Date.UTC(options.end.getUTCFullYear(), options.end.getUTCMonth(), options.end.getUTCDate());
  const keys = makeKeys(mulberry32(seed ^ 0x5eed), 40);
  const factory = new EventFactory(
    rand,
    style,
    anomalies.budgetOverrun ? dayStart : Infinity,
    anomalies.budgetOverrun?.costMultiplier ?? 1,
    // Every regular key is capped far above its spend; the anomaly keys were issued without a cap.
    new Map(keys.map((k) => [k.id, FIXTURE_DAILY_CAP_USD])),
  );
  const keyWeight = keys.reduce((s, k) => s + k.weight, 0);
  const special = new Set<string>([anomalies.keySpendSpike?.key, anomalies.quotaAlerts?.key].filter((k): k is string => !!k));
  // The spike key is a real, quiet key with a little history; the quota key too.
  const baseKeys = [...keys, ...[...special].map((id) => ({ id, weight: 0.05 }))];
  const baseKeyWeight = keyWeight + special.size * 0.05;

  const extra = anomalyEvents(anomalies, endMs, factory, mulberry32(seed ^ 0xa11), keys).sort((x, y) => x.ms - y.ms);
  const requests = Math.max(0, Math.floor((options.events - extra.length) / ROWS_PER_REQUEST));
  const span = endMs - startMs - 2000;
  const step = requests > 0 ? span / requests : 0;
  let next = 0;
  const pending: FixtureEvent[] = [];

  for (let i = 0; i < requests; i++) {
    const ms = startMs + (i + rand()) * step;
    const key = pickWeighted(baseKeys, baseKeyWeight, rand()).id;
    const batch = factory.request({ ms, key, spec: pickModel(rand()) });
    // Occasional quota alerts long ago (must not fire now): about one per 5000 requests.
    // A soft daily-cap alert exists only under a cap.
    if (rand() < 0.0002 && ms < endMs - 3_600_000 && !special.has(key)) {
      batch.push({
        type: 'quota.alert',
        ms: ms + 5,
        timestamp: formatTimestamp(ms + 5, style, rand),
        keyId: key,
        payload: JSON.stringify({
          gateway_key_id: key,
          kind: 'daily_cap_soft',
          threshold_pct: 80,
          spent_usd: 0.8 * FIXTURE_DAILY_CAP_USD,
          cap_usd: FIXTURE_DAILY_CAP_USD,
        }),
      });
    }
    for (const e of batch) insertSorted(pending, e);
    // Emit everything that can no longer be overtaken (a call completes at most 1 s after routing).
    while (pending.length && pending[0]!.ms < ms) {
      const head = pending.shift()!;
      while (next < extra.length && extra[next]!.ms <= head.ms) yield extra[next++]!;
      yield head;
    }
  }
  for (const head of pending) {
    while (next < extra.length && extra[next]!.ms <= head.ms) yield extra[next++]!;
    yield head;
  }
  while (next < extra.length) yield extra[next++]!;
}

// ---------------------------------------------------------------------------------------------
// Writers

export function schemaSql(options: Pick<FixtureOptions, 'keyIdColumn' | 'index'>): string {
  const cols = ['id INTEGER PRIMARY KEY', 'type TEXT NOT NULL', 'timestamp TEXT NOT NULL'];
  if (options.keyIdColumn) cols.push('key_id TEXT');
  cols.push('payload TEXT NOT NULL');
  return `CREATE TABLE events (${cols.join(', ')});`;
}

export function indexSql(index: IndexStyle = 'type_ts'): string {
  switch (index) {
    case 'type_ts':
      return 'CREATE INDEX idx_events_type_ts ON events(type, timestamp);';
    case 'ts':
      return 'CREATE INDEX idx_events_ts ON events(timestamp);';
    case 'none':
      return '';
  }
}

let sqlJs: ReturnType<typeof initSqlJs> | undefined;

/** A fixture DB as SQLite file bytes, built in memory with sql.js (for tests and small files). */
export async function generateTraceDb(options: FixtureOptions): Promise<Uint8Array> {
  return buildTraceDb(generateEvents(options), options);
}

/** SQLite file bytes holding exactly these events (tests build hand-made DBs with it). */
export async function buildTraceDb(
  events: Iterable<FixtureRow>,
  options: Pick<FixtureOptions, 'keyIdColumn' | 'index'> = {},
): Promise<Uint8Array> {
  sqlJs ??= initSqlJs({ useOldExtensionFunctions: false } as Parameters<typeof initSqlJs>[0]);
  const SQL = await sqlJs;
  const db = new SQL.Database();
  try {
    db.run(schemaSql(options));
    db.run('BEGIN');
    const stmt = db.prepare(
      options.keyIdColumn
        ? 'INSERT INTO events (type, timestamp, key_id, payload) VALUES (?, ?, ?, ?)'
        : 'INSERT INTO events (type, timestamp, payload) VALUES (?, ?, ?)',
    );
    for (const e of events) {
      stmt.run(options.keyIdColumn ? [e.type, e.timestamp, e.keyId ?? null, e.payload] : [e.type, e.timestamp, e.payload]);
    }
    stmt.free();
    db.run('COMMIT');
    const index = indexSql(options.index);
    if (index) db.run(index);
    return db.export();
  } finally {
    db.close();
  }
}

function csvField(value: string | null): string {
  if (value === null) return '';
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function hasSqlite3Cli(): boolean {
  const r = spawnSync('sqlite3', ['-version'], { encoding: 'utf8' });
  return r.status === 0;
}

/** Write a fixture file with the native sqlite3 CLI: CSV to a temp dir, then `.import` in one go. */
export async function writeWithSqlite3(path: string, options: FixtureOptions): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'trace-db-fixture-'));
  try {
    const csv = join(dir, 'events.csv');
    const out = createWriteStream(csv, { highWaterMark: 1 << 20 });
    let count = 0;
    let chunk = '';
    for (const e of generateEvents(options)) {
      count++;
      chunk += options.keyIdColumn
        ? `${count},${csvField(e.type)},${csvField(e.timestamp)},${csvField(e.keyId)},${csvField(e.payload)}\n`
        : `${count},${csvField(e.type)},${csvField(e.timestamp)},${csvField(e.payload)}\n`;
      if (chunk.length > 1 << 20) {
        if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
        chunk = '';
      }
    }
    out.end(chunk);
    await new Promise<void>((res, rej) => out.on('finish', () => res()).on('error', rej));
    const db = join(dir, 'events.db');
    const script = [
      'PRAGMA journal_mode=OFF;',
      'PRAGMA synchronous=OFF;',
      'PRAGMA page_size=4096;',
      schemaSql(options),
      '.mode csv',
      `.import ${csv} events`,
      indexSql(options.index),
      '',
    ].join('\n');
    const r = spawnSync('sqlite3', [db], { input: script, encoding: 'utf8', maxBuffer: 1 << 26 });
    if (r.status !== 0 || r.stderr.trim()) throw new Error(`sqlite3 failed: ${r.stderr.trim() || `exit ${r.status}`}`);
    renameOrCopy(db, path);
    return count;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function renameOrCopy(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch {
    writeFileSync(to, readFileSync(from));
  }
}

// ---------------------------------------------------------------------------------------------
// CLI

interface CliArgs {
  out: string;
  options: FixtureOptions;
  gzip: boolean;
  writer: 'auto' | 'sqlite3' | 'sqljs';
}

function parseArgs(argv: string[]): CliArgs {
  const args = new Map<string, string>();
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) throw new Error(`unexpected argument "${a}"`);
    const name = a.slice(2);
    if (['gzip', 'key-id-column', 'help'].includes(name)) flags.add(name);
    else {
      const value = argv[++i];
      if (value === undefined) throw new Error(`--${name} needs a value`);
      args.set(name, value);
    }
  }
  if (flags.has('help')) {
    process.stdout.write(
      'npx tsx tools/trace-db-fixture.ts --out FILE --events N --days D --end ISO [--seed S] [--anomalies all|none|a,b] [--gzip] [--index type_ts|ts|none] [--key-id-column] [--timestamps python|iso-z|space|mixed] [--writer auto|sqlite3|sqljs]\n' +
        `anomalies: ${ANOMALY_NAMES.join(', ')}\n`,
    );
    process.exit(0);
  }
  const out = args.get('out');
  if (!out) throw new Error('--out FILE is required');
  const events = Number(args.get('events') ?? '10000');
  const days = Number(args.get('days') ?? '7');
  const endText = args.get('end') ?? new Date().toISOString();
  const end = new Date(endText);
  if (!Number.isInteger(events) || events < 0) throw new Error('--events must be a non-negative integer');
  if (!(days > 0)) throw new Error('--days must be positive');
  if (Number.isNaN(end.getTime())) throw new Error(`--end "${endText}" is not an ISO date`);
  const anomaliesArg = args.get('anomalies') ?? 'all';
  let anomalies: FixtureOptions['anomalies'];
  if (anomaliesArg === 'all' || anomaliesArg === 'none') anomalies = anomaliesArg;
  else {
    const picked: Record<string, unknown> = {};
    for (const name of anomaliesArg.split(',')) {
      if (!(name in ALL_ANOMALIES)) throw new Error(`unknown anomaly "${name}" (known: ${ANOMALY_NAMES.join(', ')})`);
      picked[name] = ALL_ANOMALIES[name as AnomalyName];
    }
    anomalies = picked as FixtureAnomalies;
  }
  const index = (args.get('index') ?? 'type_ts') as IndexStyle;
  if (!['type_ts', 'ts', 'none'].includes(index)) throw new Error('--index must be type_ts, ts or none');
  const timestamps = (args.get('timestamps') ?? 'python') as TimestampStyle;
  if (!['python', 'iso-z', 'space', 'mixed'].includes(timestamps)) throw new Error('--timestamps must be python, iso-z, space or mixed');
  const writer = (args.get('writer') ?? 'auto') as CliArgs['writer'];
  if (!['auto', 'sqlite3', 'sqljs'].includes(writer)) throw new Error('--writer must be auto, sqlite3 or sqljs');
  return {
    out: resolve(out),
    gzip: flags.has('gzip'),
    writer,
    options: {
      events,
      days,
      end,
      seed: Number(args.get('seed') ?? '1'),
      anomalies,
      index,
      timestamps,
      keyIdColumn: flags.has('key-id-column'),
    },
  };
}

async function main(argv: string[]): Promise<void> {
  const { out, options, gzip, writer } = parseArgs(argv);
  const started = Date.now();
  const tmp = join(mkdtempSync(join(dirname(out), '.fixture-')), 'events.db');
  try {
    const useCli = writer === 'sqlite3' || (writer === 'auto' && hasSqlite3Cli());
    if (useCli) await writeWithSqlite3(tmp, options);
    else writeFileSync(tmp, await generateTraceDb(options));
    if (gzip) await pipeline(createReadStream(tmp), createGzip({ level: 6 }), createWriteStream(out));
    else renameOrCopy(tmp, out);
    const size = statSync(out).size;
    process.stderr.write(
      `wrote ${out}: ${(size / 1e6).toFixed(1)} MB, ~${options.events} events over ${options.days} d ending ${options.end.toISOString()} with ${useCli ? 'sqlite3' : 'sql.js'} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
    );
  } finally {
    rmSync(dirname(tmp), { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`trace-db-fixture: ${errorMessage(error)}\n`);
    process.exit(2);
  });
}
