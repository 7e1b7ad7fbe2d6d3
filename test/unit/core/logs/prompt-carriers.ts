// Every place a Python gateway writes customer text into its logs (prompt_exposure's carriers), as the
// logging libraries print them (shapes taken from the real output in test/fixtures/python-logs/prompt-exposure/),
// and the property both the unit and the slow run check: a scan of the lines raises SEV1 prompt_exposure,
// and no request the router sends for the scan's report (every sink, dry-run, the wire log) holds the text.
import fc from 'fast-check';
import { expect } from 'vitest';
import { routeReplay } from '../../../../cli/commands/route.ts';
import { MemoryLogCounters } from '../../../../lambdas/adapters/memory-log-counters.ts';
import { parseConfig } from '../../../../lambdas/core/config.ts';
import type { LogEvent } from '../../../../lambdas/core/logs/decode.ts';
import { scanBatch } from '../../../../lambdas/core/logs/scan.ts';
import { dataMessage, eventId, LOG_GROUP, rulesWith } from './fixtures.ts';

/** A prompt: words of random letters (so a piece of it cannot occur in any template by chance), spaces and a little punctuation. */
export const PROMPT = fc
  .array(fc.stringMatching(/^[A-Za-z]{3,9}[,.?]?$/), { minLength: 4, maxLength: 14 })
  .map((words) => words.join(' '))
  .filter((p) => p.length >= 24);

const STAMP = '2026-11-24 10:00:00,000';
const FRAMES = [
  '  File "/app/metis/gateway/chat.py", line 7, in complete',
  '    anthropic.send(prompt)',
  '  File "/app/metis/gateway/providers/anthropic.py", line 8, in send',
  '    raise UpstreamError(f"provider rejected prompt: {prompt}")',
].join('\n');

function traceback(exceptionLine: string): string {
  return `Traceback (most recent call last):\n${FRAMES}\n${exceptionLine}`;
}

/** pydantic v2 shows a long string input cut to its first and last 24 characters. */
function pydanticInput(prompt: string): string {
  return prompt.length > 50 ? `${prompt.slice(0, 24)}...${prompt.slice(-24)}` : prompt;
}

export const CARRIERS: Record<string, (prompt: string) => string[]> = {
  'the final exception message': (p) => [
    `${STAMP} ERROR [metis.gateway.chat] upstream call failed request_id=req_01 gateway_key_id=gk_01HXACME\n` +
      traceback(`metis.gateway.errors.UpstreamError: provider rejected prompt: ${p}`),
  ],
  'a chained cause (the final exception says nothing)': (p) => [
    `${STAMP} ERROR [metis.gateway.chat] upstream call failed\n` +
      `${traceback(`ValueError: moderation blocked prompt: ${p}`)}\n\nThe above exception was the direct cause of the following exception:\n\n` +
      traceback('metis.gateway.errors.UpstreamError: provider call failed (status 400)'),
  ],
  'the same traceback split into one event per line': (p) => [
    `${STAMP} ERROR [metis.gateway.chat] upstream call failed request_id=req_01`,
    ...traceback(`metis.gateway.errors.UpstreamError: provider rejected prompt: ${p}`).split('\n'),
  ],
  "structlog's JSON exception field": (p) => [
    JSON.stringify({
      logger: 'metis.gateway.chat',
      event: 'upstream call failed',
      level: 'error',
      timestamp: '2026-11-24T10:00:00.000Z',
      exception: traceback(`metis.gateway.errors.UpstreamError: provider rejected prompt: ${p}`),
    }),
  ],
  "structlog's dict_tracebacks (the cause's exc_value)": (p) => [
    JSON.stringify({
      event: 'upstream call failed',
      level: 'error',
      exception: [
        {
          exc_type: 'UpstreamError',
          exc_value: 'provider call failed (status 400)',
          frames: [{ filename: '/app/metis/gateway/chat.py', lineno: 7, name: 'complete' }],
        },
        { exc_type: 'ValueError', exc_value: `moderation blocked prompt: ${p}`, frames: [] },
      ],
    }),
  ],
  "python-json-logger's exc_info": (p) => [
    JSON.stringify({
      asctime: STAMP,
      levelname: 'ERROR',
      name: 'metis.gateway.chat',
      message: 'upstream call failed',
      exc_info: traceback(`metis.gateway.errors.UpstreamError: provider rejected prompt: ${p}`),
    }),
  ],
  "pydantic v2's input_value": (p) => [
    `${STAMP} ERROR [metis.gateway.validation] invalid request body\n` +
      `${traceback('pydantic_core._pydantic_core.ValidationError: 1 validation error for ChatRequest')}\nmessages\n` +
      `  Input should be a valid list [type=list_type, input_value='${pydanticInput(p)}', input_type=str]\n` +
      '    For further information visit https://errors.pydantic.dev/2.13/v/list_type',
  ],
  "a logged response object's content (repr)": (p) => [
    `${STAMP} INFO [metis.gateway.providers.anthropic] provider response: Message(id='msg_01', content=[TextBlock(text='${p}', type='text')], model='claude-haiku-4-5', role='assistant')`,
  ],
  "a logged response's content (JSON)": (p) => [
    JSON.stringify({
      event: 'provider response',
      gateway_key_id: 'gk_01HXACME',
      response: { choices: [{ index: 0, message: { role: 'assistant', content: p } }] },
    }),
  ],
};

/** Every configured sink: three paging providers, a webhook, the page and chatops topics. */
const CONFIG = parseConfig({
  sinks: {
    pagerduty: { routingKeyParameter: '/metis/pagerduty/routing-key' },
    opsgenie: { apiKeyParameter: '/metis/opsgenie/api-key' },
    splunkOnCall: { restEndpointParameter: '/metis/splunk/rest-endpoint' },
    webhooks: [{ name: 'keep', urlParameter: '/metis/webhooks/keep', format: 'alertmanager' }],
    page: { emails: ['oncall@example.com'], sms: ['+15555550100'] },
    chatops: { emails: ['team@example.com'], slack: { workspaceId: 'T0123ABCD', channelId: 'C0123ABCD' } },
  },
});
const RULES = rulesWith();
/** Monday 10:00 UTC: business hours, so every severity reaches its sinks at once. */
const AT = Date.parse('2026-11-24T10:00:00Z');

/** Every 16-character piece of `text`: no piece may leave (pydantic's cut input is pieces of it). */
export function piecesOf(text: string, size = 16): string[] {
  const pieces: string[] = [];
  for (let i = 0; i + size <= text.length; i++) pieces.push(text.slice(i, i + size));
  return pieces;
}

/** The property for one carrier and prompt: SEV1 fires; no sink's request (the wire log) holds a piece of the prompt. */
export async function checkCarrier(carrier: string, prompt: string): Promise<void> {
  const lines = CARRIERS[carrier]!(prompt);
  const events: LogEvent[] = lines.map((message, i) => ({ id: eventId(i), timestamp: AT + i, message }));
  const scan = await scanBatch(dataMessage(events), { counters: new MemoryLogCounters(), rules: RULES, now: new Date(AT + 60_000) });
  const exposure = scan.signals.filter((s) => s.rule === 'prompt_exposure');
  expect(exposure.map((s) => `${s.severity} ${s.dedupKey}`)).toEqual([`SEV1 prompt_exposure:${LOG_GROUP}`]);

  const report = {
    source: 'logs' as const,
    evaluatedAt: new Date(AT + 60_000).toISOString(),
    evaluated: scan.evaluated,
    healthy: scan.healthy ?? {},
    signals: scan.signals,
  };
  // The report, then the same report 40 minutes later: triggers, then reminders and escalations from the sweeper.
  const routed = await routeReplay(
    [
      { kind: 'report', at: AT + 60_000, report },
      { kind: 'report', at: AT + 41 * 60_000, report: { ...report, evaluatedAt: new Date(AT + 41 * 60_000).toISOString() } },
    ],
    CONFIG,
  );
  const sinks = new Set(routed.wire.map((w) => w.sink));
  for (const sink of ['pagerduty', 'opsgenie', 'splunk-oncall', 'webhook:keep', 'page', 'chatops']) expect(sinks).toContain(sink);
  const wire = JSON.stringify(routed.wire);
  expect(wire).toContain('prompt_exposure');
  for (const piece of piecesOf(prompt)) expect(wire).not.toContain(piece);
}
