// log-watch throughput (docs/architecture.md, Conventions): events per second through the whole scan (decode,
// classify, traceback assembly, counters, rules, redaction) on 10 000-event subscription batches, against
// a baseline that only gunzips and JSON.parses the same batches, measured in the same run.
import { gunzipSync, gzipSync } from 'node:zlib';
import { MemoryLogCounters } from '../lambdas/adapters/memory-log-counters.ts';
import { parseConfig } from '../lambdas/core/config.ts';
import { decodeLogInput } from '../lambdas/core/logs/decode.ts';
import { FAST_LINE_FIELDS } from '../lambdas/core/logs/fast-line.ts';
import { FlatJsonLine } from '../lambdas/core/logs/flat-json.ts';
import { scanBatch } from '../lambdas/core/logs/scan.ts';
import { markdownTable, median, ratio, type Benchmark } from './harness.ts';

const BATCH_EVENTS = 10_000;
const BATCHES = 5;
const END = Date.parse('2026-11-20T12:00:00Z');

/**
 * A realistic gateway batch: quota and revoked-key rejections, access lines, and multi-line tracebacks.
 * A storm repeats lines (a revoked key retried, the same access line, a crash loop's traceback); with
 * `unique`, every line carries something of its own (a request id, a client port), as in a stream whose
 * logger stamps each line, so no line is seen twice.
 */
function batch(seed: number, unique = false): { awslogs: { data: string } } {
  const logEvents = [];
  for (let i = 0; i < BATCH_EVENTS; i++) {
    const timestamp = END - 5 * 60_000 + Math.floor((i / BATCH_EVENTS) * 5 * 60_000);
    const key = `gk_01BENCH${String((i * 7 + seed) % 40).padStart(4, '0')}KEY`;
    const requestId = unique ? { request_id: `req-${seed}-${i}` } : {};
    const kind = i % 10;
    const message =
      kind < 5
        ? JSON.stringify({
            level: 'warning',
            event: 'request rejected',
            code: 'quota_exceeded',
            gateway_key_id: key,
            path: '/v1/messages',
            ts: new Date(timestamp).toISOString(),
          })
        : kind < 8
          ? JSON.stringify({
              level: 'info',
              status: 401,
              code: 'key_revoked',
              gateway_key_id: key,
              ip: '203.0.113.7',
              prompt: 'never logged but redacted if it were',
              ...requestId,
            })
          : kind < 9
            ? `INFO:     10.0.3.17:${unique ? 20_000 + i : 52144} - "POST /v1/chat/completions HTTP/1.1" 429 Too Many Requests quota_exceeded ${key}`
            : [
                `2026-11-20 11:58:0${i % 10},${unique ? String(i % 1000).padStart(3, '0') : '234'} ERROR [metis.gateway.app] unhandled error on POST /v1/chat/completions`,
                'Traceback (most recent call last):',
                '  File "/app/.venv/lib/python3.12/site-packages/starlette/routing.py", line 74, in app',
                '    response = await func(request)',
                '  File "/app/metis/gateway/router.py", line 412, in route_request',
                '    provider = self.providers[decision.provider]',
                `KeyError: 'provider-${i % 3}'`,
              ].join('\n');
    logEvents.push({ id: eventId(seed, i), timestamp, message });
  }
  const payload = {
    messageType: 'DATA_MESSAGE',
    owner: '111122223333',
    logGroup: '/metis/prod/gateway',
    logStream: `gateway/bench/${seed}`,
    subscriptionFilters: ['metis'],
    logEvents,
  };
  return { awslogs: { data: gzipSync(Buffer.from(JSON.stringify(payload))).toString('base64') } };
}

/**
 * CloudWatch's event ids are 56-digit strings (`31953106606966983378809025079804211143289615424298221568`).
 * The length matters to the baseline: JSON.parse takes longer over 10 000 short ids (an index) than over
 * 10 000 real ones, so short ids slow the baseline down and flatter the ratio.
 */
function eventId(seed: number, index: number): string {
  return `3195310660696698337880902507980421114328961542${seed}${String(index).padStart(9, '0')}`;
}

type Batch = { awslogs: { data: string } };

/** The baseline: the envelope decoded, no line read. */
function decodeOnly(batches: readonly Batch[]): void {
  for (const b of batches) JSON.parse(gunzipSync(Buffer.from(b.awslogs.data, 'base64')).toString('utf8'));
}

/** The least a rule that reads JSON fields does: the envelope decoded and every message given to JSON.parse once. */
function decodeAndParseLines(batches: readonly Batch[]): number {
  let objects = 0;
  for (const b of batches) {
    const envelope = JSON.parse(gunzipSync(Buffer.from(b.awslogs.data, 'base64')).toString('utf8')) as { logEvents: { message: string }[] };
    for (const event of envelope.logEvents) {
      try {
        if (typeof JSON.parse(event.message) === 'object') objects++;
      } catch {
        // A text line: what a full path would then classify as text.
      }
    }
  }
  return objects;
}

/**
 * The least the scan itself does before any rule: its own decoding, then the flat reader over every message
 * (the structure of each line read once, no rule, no memo, nothing counted).
 */
function decodeAndReadStructure(batches: readonly Batch[]): number {
  const flat = new FlatJsonLine(FAST_LINE_FIELDS);
  let flatLines = 0;
  for (const b of batches) {
    const decoded = decodeLogInput(b);
    if (decoded.kind !== 'data') throw new Error(`bench batch did not decode: ${decoded.kind}`);
    for (const event of decoded.batch.logEvents) if (flat.read(event.message)) flatLines++;
  }
  return flatLines;
}

interface Runs {
  scan: number[];
  decode: number[];
  parseLines: number[];
  structure: number[];
  signals: number;
}

/** `runs` paired rounds: the two baselines, then the scan, on the same batches. */
async function measure(batches: readonly Batch[], runs: number, log: (line: string) => void, label: string): Promise<Runs> {
  const rules = parseConfig({}).rules;
  const now = new Date(END);
  // Warm-up: JIT and the first regex compilations are not what a warm Lambda pays per batch.
  await scanBatch(batches[0], { counters: new MemoryLogCounters(), rules, now });
  decodeAndParseLines(batches.slice(0, 1));
  decodeAndReadStructure(batches.slice(0, 1));
  const out: Runs = { scan: [], decode: [], parseLines: [], structure: [], signals: 0 };
  const rate = (start: number) => (batches.length * BATCH_EVENTS) / ((performance.now() - start) / 1000);
  for (let run = 0; run < runs; run++) {
    let start = performance.now();
    decodeOnly(batches);
    out.decode.push(rate(start));
    start = performance.now();
    decodeAndParseLines(batches);
    out.parseLines.push(rate(start));
    start = performance.now();
    decodeAndReadStructure(batches);
    out.structure.push(rate(start));
    const counters = new MemoryLogCounters();
    start = performance.now();
    for (const b of batches) out.signals = (await scanBatch(b, { counters, rules, now })).signals.length;
    out.scan.push(rate(start));
    log(
      `log-watch ${label} run ${run + 1}/${runs}: ${Math.round(out.scan.at(-1)!)} events/s (decode only ${Math.round(out.decode.at(-1)!)}, decode + JSON.parse per line ${Math.round(out.parseLines.at(-1)!)}, decode + flat reader ${Math.round(out.structure.at(-1)!)})`,
    );
  }
  return out;
}

/**
 * Time in units of the baseline's: a 0.5x scan may take 2. What reading the lines' structure (`structure`,
 * a ratio) leaves of that for every rule, counter and the memo, and what the scan (`scan`) spends on them.
 */
function ruleBudget(structure: number, scan: number): string {
  const units = (n: number) => `${n.toFixed(2)}x`;
  return `structure only, no rule and no memo; a 0.5x scan would leave every rule, counter and the memo ${units(2 - 1 / structure)} of the baseline's time, the scan spends ${units(1 / scan - 1 / structure)}`;
}

const fmt = (n: number) => `${Math.round(n).toLocaleString('en-US')} events/s`;
const list = (rates: readonly number[]) => rates.map((r) => Math.round(r).toLocaleString('en-US')).join(', ');
// Paired run by run, so a load spike on the machine hits both sides of a ratio.
const paired = (a: readonly number[], b: readonly number[]) => median(a.map((rate, i) => rate / b[i]!));

export const logWatch: Benchmark = {
  id: 'log-watch',
  title: 'log-watch: events per second on 10 000-event batches',
  metrics: [
    'events/s through the whole scan (decode, classify, counters, rules, redaction)',
    'the same, against decoding + JSON.parse of every line',
    'the same on batches without a repeated line',
    "the scan's decoding + the flat reader over every line, no rule",
  ],
  async run(ctx) {
    const storm = await measure(
      Array.from({ length: BATCHES }, (_, i) => batch(i)),
      ctx.runs,
      ctx.log,
      'storm',
    );
    const unique = await measure(
      Array.from({ length: BATCHES }, (_, i) => batch(i, true)),
      ctx.runs,
      ctx.log,
      'unique lines',
    );
    const mix = `${BATCHES} batches x ${BATCH_EVENTS.toLocaleString('en-US')} events (50 % quota_exceeded, 30 % key_revoked, 10 % access lines, 10 % 7-line tracebacks)`;
    return {
      rows: [
        {
          benchmark: 'log-watch',
          metric: 'events/s through the whole scan (decode, classify, counters, rules, redaction)',
          value: fmt(median(storm.scan)),
          baseline: `gunzip + JSON.parse only: ${fmt(median(storm.decode))}`,
          ratio: ratio(paired(storm.scan, storm.decode), 1),
          note: `median of ${ctx.runs}, ratio paired run by run; ${mix}; in-memory counters`,
        },
        {
          benchmark: 'log-watch',
          metric: 'the same, against decoding + JSON.parse of every line',
          value: fmt(median(storm.scan)),
          baseline: `gunzip + JSON.parse + JSON.parse per line: ${fmt(median(storm.parseLines))}`,
          ratio: ratio(paired(storm.scan, storm.parseLines), 1),
          note:
            'the least a rule reading JSON fields could cost; decoding only is this much faster than it: ' +
            `${ratio(paired(storm.decode, storm.parseLines), 1)}`,
        },
        {
          benchmark: 'log-watch',
          metric: 'the same on batches without a repeated line',
          value: fmt(median(unique.scan)),
          baseline: `gunzip + JSON.parse only: ${fmt(median(unique.decode))}`,
          ratio: ratio(paired(unique.scan, unique.decode), 1),
          note: `every line carries a request id or client port of its own; against decoding + JSON.parse per line: ${ratio(paired(unique.scan, unique.parseLines), 1)}`,
        },
        {
          benchmark: 'log-watch',
          metric: "the scan's decoding + the flat reader over every line, no rule",
          value: fmt(median(storm.structure)),
          baseline: `gunzip + JSON.parse only: ${fmt(median(storm.decode))}`,
          ratio: ratio(paired(storm.structure, storm.decode), 1),
          note: ruleBudget(paired(storm.structure, storm.decode), paired(storm.scan, storm.decode)),
        },
      ],
      details: [
        `Each run decodes the batches (base64 + gzip + JSON, as CloudWatch Logs delivers them, with its 56-digit event ids), then decodes them and gives every message to JSON.parse, then decodes them as the scan does and reads every message with the flat reader (no rule), then scans them with in-memory counters. Storm batches repeat lines as a storm does (a revoked key retried, the same access line, a crash loop's traceback); the unique-line batches give every line a request id or client port of its own. The last storm batch raised ${storm.signals} signals, the last unique-line batch ${unique.signals}.`,
        '',
        markdownTable(
          ['batches', 'measure', 'median', 'runs'],
          [
            ['storm', 'whole scan', fmt(median(storm.scan)), list(storm.scan)],
            ['storm', 'gunzip + JSON.parse only', fmt(median(storm.decode)), list(storm.decode)],
            ['storm', 'gunzip + JSON.parse + JSON.parse per line', fmt(median(storm.parseLines)), list(storm.parseLines)],
            ['storm', 'decoding + the flat reader over every line, no rule', fmt(median(storm.structure)), list(storm.structure)],
            ['unique lines', 'whole scan', fmt(median(unique.scan)), list(unique.scan)],
            ['unique lines', 'gunzip + JSON.parse only', fmt(median(unique.decode)), list(unique.decode)],
            ['unique lines', 'gunzip + JSON.parse + JSON.parse per line', fmt(median(unique.parseLines)), list(unique.parseLines)],
          ],
        ),
      ].join('\n'),
    };
  },
};
