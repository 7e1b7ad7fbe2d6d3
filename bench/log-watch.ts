// log-watch throughput (docs/architecture.md, Conventions): events per second through the whole scan (decode,
// classify, traceback assembly, counters, rules, redaction) on 10 000-event subscription batches, against
// a baseline that only gunzips and JSON.parses the same batches, measured in the same run.
import { gunzipSync, gzipSync } from 'node:zlib';
import { MemoryLogCounters } from '../lambdas/adapters/memory-log-counters.ts';
import { parseConfig } from '../lambdas/core/config.ts';
import { scanBatch } from '../lambdas/core/logs/scan.ts';
import { markdownTable, median, ratio, type Benchmark } from './harness.ts';

const BATCH_EVENTS = 10_000;
const BATCHES = 5;
const END = Date.parse('2026-11-20T12:00:00Z');

/** A realistic gateway batch: quota and revoked-key rejections, access lines, and multi-line tracebacks. */
function batch(seed: number): { awslogs: { data: string } } {
  const logEvents = [];
  for (let i = 0; i < BATCH_EVENTS; i++) {
    const timestamp = END - 5 * 60_000 + Math.floor((i / BATCH_EVENTS) * 5 * 60_000);
    const key = `gk_01BENCH${String((i * 7 + seed) % 40).padStart(4, '0')}KEY`;
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
            })
          : kind < 9
            ? `INFO:     10.0.3.17:52144 - "POST /v1/chat/completions HTTP/1.1" 429 Too Many Requests quota_exceeded ${key}`
            : [
                `2026-11-20 11:58:0${i % 10},234 ERROR [metis.gateway.app] unhandled error on POST /v1/chat/completions`,
                'Traceback (most recent call last):',
                '  File "/app/.venv/lib/python3.12/site-packages/starlette/routing.py", line 74, in app',
                '    response = await func(request)',
                '  File "/app/metis/gateway/router.py", line 412, in route_request',
                '    provider = self.providers[decision.provider]',
                `KeyError: 'provider-${i % 3}'`,
              ].join('\n');
    logEvents.push({ id: String(i), timestamp, message });
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

export const logWatch: Benchmark = {
  id: 'log-watch',
  title: 'log-watch: events per second on 10 000-event batches',
  metrics: ['events/s through the whole scan (decode, classify, counters, rules, redaction)'],
  async run(ctx) {
    const rules = parseConfig({}).rules;
    const batches = Array.from({ length: BATCHES }, (_, i) => batch(i));
    const now = new Date(END);
    // Warm-up: JIT and the first regex compilations are not what a warm Lambda pays per batch.
    await scanBatch(batches[0], { counters: new MemoryLogCounters(), rules, now });
    const scanRates: number[] = [];
    const baselineRates: number[] = [];
    let signals = 0;
    for (let run = 0; run < ctx.runs; run++) {
      let start = performance.now();
      for (const b of batches) JSON.parse(gunzipSync(Buffer.from(b.awslogs.data, 'base64')).toString('utf8'));
      baselineRates.push((BATCHES * BATCH_EVENTS) / ((performance.now() - start) / 1000));
      const counters = new MemoryLogCounters();
      start = performance.now();
      for (const b of batches) signals = (await scanBatch(b, { counters, rules, now })).signals.length;
      scanRates.push((BATCHES * BATCH_EVENTS) / ((performance.now() - start) / 1000));
      ctx.log(
        `log-watch run ${run + 1}/${ctx.runs}: ${Math.round(scanRates.at(-1)!)} events/s (baseline ${Math.round(baselineRates.at(-1)!)})`,
      );
    }
    const scan = median(scanRates);
    const base = median(baselineRates);
    // Paired run by run, so a load spike on the machine hits both sides of a ratio.
    const paired = median(scanRates.map((rate, i) => rate / baselineRates[i]!));
    const fmt = (n: number) => `${Math.round(n).toLocaleString('en-US')} events/s`;
    return {
      rows: [
        {
          benchmark: 'log-watch',
          metric: 'events/s through the whole scan (decode, classify, counters, rules, redaction)',
          value: fmt(scan),
          baseline: `gunzip + JSON.parse only: ${fmt(base)}`,
          ratio: ratio(paired, 1),
          note: `median of ${ctx.runs}, ratio paired run by run; ${BATCHES} batches x ${BATCH_EVENTS.toLocaleString('en-US')} events (50 % quota_exceeded, 30 % key_revoked, 10 % access lines, 10 % 7-line tracebacks); in-memory counters`,
        },
      ],
      details: [
        `Each run scans ${BATCHES} subscription batches of ${BATCH_EVENTS.toLocaleString('en-US')} events (base64 + gzip + JSON, as CloudWatch Logs delivers them) with in-memory counters, after the baseline decodes the same batches. The last batch raised ${signals} signals.`,
        '',
        markdownTable(
          ['measure', 'median', 'runs'],
          [
            ['whole scan', fmt(scan), scanRates.map((r) => Math.round(r).toLocaleString('en-US')).join(', ')],
            ['gunzip + JSON.parse only', fmt(base), baselineRates.map((r) => Math.round(r).toLocaleString('en-US')).join(', ')],
          ],
        ),
      ].join('\n'),
    };
  },
};
