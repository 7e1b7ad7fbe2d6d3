// Realistic gateway log lines (what Python's logging, uvicorn, structlog and python-json-logger
// actually print) and helpers that build CloudWatch Logs subscription batches from them.
import { gzipSync } from 'node:zlib';
import { parseConfig } from '../../../../lambdas/core/config.ts';
import type { LogEvent } from '../../../../lambdas/core/logs/decode.ts';
import type { LogRulesConfig } from '../../../../lambdas/core/logs/rules.ts';

export const LOG_GROUP = '/metis/prod/gateway';
export const STREAM = 'gateway/metis-gateway-7d9f8b6c4-x2k8p/3f1c2a9e';
export const MIN = 60_000;

export function rulesWith(overrides: Record<string, unknown> = {}): LogRulesConfig {
  return parseConfig({ rules: overrides }).rules;
}

/** Python stdlib logging: `logger.exception(...)` with the default-ish format, one multi-line event. */
export const STDLIB_TRACEBACK = `2026-11-20 12:00:01,234 ERROR [metis.gateway.app] unhandled error on POST /v1/chat/completions request_id=req_01JA2B3C4D
Traceback (most recent call last):
  File "/app/.venv/lib/python3.12/site-packages/starlette/middleware/errors.py", line 165, in __call__
    await self.app(scope, receive, _send)
  File "/app/metis/gateway/routes.py", line 212, in chat_completions
    await store.insert_event(event)
  File "/app/metis/gateway/db.py", line 88, in insert_event
    await conn.execute(INSERT_EVENT, params)
sqlite3.OperationalError: database is locked`;

/** uvicorn's error logger on an exception in the app (Python 3.11+ caret lines included). */
export const UVICORN_TRACEBACK = `ERROR:    Exception in ASGI application
Traceback (most recent call last):
  File "/usr/local/lib/python3.11/site-packages/uvicorn/protocols/http/httptools_impl.py", line 426, in run_asgi
    result = await app(  # type: ignore[func-returns-value]
             ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  File "/usr/local/lib/python3.11/site-packages/fastapi/applications.py", line 1054, in __call__
    await super().__call__(scope, receive, send)
  File "/app/metis/gateway/providers/anthropic.py", line 141, in stream
    async for chunk in response.aiter_lines():
  File "/usr/local/lib/python3.11/site-packages/httpx/_models.py", line 963, in aiter_lines
    async for text in self.aiter_text():
httpx.ReadTimeout: timed out`;

export const UVICORN_ACCESS_401 = 'INFO:     10.0.3.17:52144 - "POST /v1/chat/completions HTTP/1.1" 401 Unauthorized';
export const UVICORN_ACCESS_429 = 'INFO:     10.0.3.17:52150 - "POST /v1/messages HTTP/1.1" 429 Too Many Requests';
export const UVICORN_STARTUP = 'INFO:     Uvicorn running on http://0.0.0.0:8080 (Press CTRL+C to quit)';

/** structlog JSONRenderer with format_exc_info: the traceback as text in `exception`. */
export const STRUCTLOG_EXCEPTION = JSON.stringify({
  event: 'provider call failed',
  level: 'error',
  logger: 'metis.gateway.providers',
  timestamp: '2026-11-20T12:00:03.120Z',
  request_id: 'req_01JA2B3C4E',
  exception:
    'Traceback (most recent call last):\n' +
    '  File "/app/metis/gateway/providers/openai.py", line 77, in complete\n' +
    '    resp.raise_for_status()\n' +
    '  File "/app/.venv/lib/python3.12/site-packages/httpx/_models.py", line 829, in raise_for_status\n' +
    '    raise HTTPStatusError(message, request=request, response=self)\n' +
    "httpx.HTTPStatusError: Server error '503 Service Unavailable' for url 'https://api.openai.com/v1/chat/completions'",
});

/** structlog's dict_tracebacks: structured frames, with locals holding request data (must never be shown). */
export const STRUCTLOG_DICT_TRACEBACK = JSON.stringify({
  event: 'unhandled error',
  level: 'error',
  logger: 'metis.gateway.routes',
  timestamp: '2026-11-20T12:00:03.500Z',
  exception: [
    {
      exc_type: 'KeyError',
      exc_value: "'model'",
      syntax_error: null,
      is_cause: false,
      frames: [
        {
          filename: '/app/metis/gateway/routes.py',
          lineno: 200,
          name: 'chat_completions',
          line: '',
          locals: { prompt: 'PATIENT RECORD 4711 please summarise' },
        },
        {
          filename: '/app/metis/gateway/routing.py',
          lineno: 51,
          name: 'pick_model',
          line: '',
          locals: { body: { messages: [{ role: 'user', content: 'my secret plan' }] } },
        },
      ],
    },
  ],
});

/** python-json-logger: levelname, name, message and the formatted traceback in `exc_info`. */
export const JSON_LOGGER_EXC_INFO = JSON.stringify({
  asctime: '2026-11-20 12:00:04,001',
  levelname: 'ERROR',
  name: 'metis.gateway.backup',
  message: 'snapshot failed',
  exc_info:
    'Traceback (most recent call last):\n' +
    '  File "/app/metis/gateway/backup.py", line 31, in snapshot\n' +
    '    dst.write(chunk)\n' +
    'OSError: [Errno 28] No space left on device',
});

/** The gateway's 401 for a revoked key (runbook: "Subsequent requests return 401 code='key_revoked'"). */
export function keyRevokedJson(key: string, at = '2026-11-20T12:00:05.512Z', ip = '203.0.113.7'): string {
  return JSON.stringify({
    ts: at,
    level: 'warning',
    event: 'auth.rejected',
    status: 401,
    code: 'key_revoked',
    gateway_key_id: key,
    client_ip: ip,
    user_agent: 'acme-batch/2.3 python-httpx/0.27.0',
    path: '/v1/chat/completions',
  });
}

/** The gateway's 429 when a key hits its cap, OpenAI-style error body with the key as `key_id`. */
export function quotaExceededJson(key: string, at = '2026-11-20T12:00:06.001Z'): string {
  return JSON.stringify({
    ts: at,
    level: 'warning',
    event: 'quota.rejected',
    status: 429,
    error: { code: 'quota_exceeded', type: 'rate_limit_error' },
    key_id: key,
    daily_cap_usd: 5,
    spent_usd: 5.02,
  });
}

export function quotaExceededText(key: string, stamp = '2026-11-20 12:00:06,789'): string {
  return `${stamp} WARNING [metis.gateway.quota] quota_exceeded key=${key} cap_usd=5.00 spent_usd=5.03 path=/v1/messages`;
}

/** A traceback logged at WARNING (logger.warning(..., exc_info=True)): not the runbook's ERROR traceback. */
export const WARNING_TRACEBACK = `2026-11-20 12:00:07,000 WARNING [metis.gateway.cache] cache refresh failed, serving stale
Traceback (most recent call last):
  File "/app/metis/gateway/cache.py", line 40, in refresh
    data = await client.get(url)
ConnectionResetError: [Errno 104] Connection reset by peer`;

/** "During handling of the above exception, another exception occurred": the last one raised counts. */
export const CHAINED_TRACEBACK = `ERROR:root:request failed
Traceback (most recent call last):
  File "/app/metis/gateway/keys.py", line 22, in lookup
    return self._cache[key_id]
KeyError: 'gk_01HXYZ8K3M'

During handling of the above exception, another exception occurred:

Traceback (most recent call last):
  File "/app/metis/gateway/auth.py", line 64, in authenticate
    key = keys.lookup(key_id)
  File "/app/metis/gateway/keys.py", line 25, in lookup
    raise UnknownKey(key_id)
metis.gateway.errors.UnknownKey: gk_01HXYZ8K3M`;

/** A split traceback as separate events: the lines of STDLIB_TRACEBACK, one event each. */
export function splitEvents(text: string, start: number, firstId = 0): LogEvent[] {
  return text.split('\n').map((message, i) => ({ id: eventId(firstId + i), timestamp: start + i, message }));
}

/** CloudWatch event ids are 56-digit strings. */
export function eventId(n: number): string {
  return `3785${String(n).padStart(52, '0')}`;
}

/** A Python traceback with `frames` frames, each in its own file, as printed by Python. */
export function deepTraceback(frames: number, exception = 'RecursionError: maximum recursion depth exceeded'): string {
  const lines = ['ERROR:metis.gateway.render:template failed', 'Traceback (most recent call last):'];
  for (let i = 0; i < frames; i++) {
    lines.push(`  File "/app/metis/gateway/render/node_${i}.py", line ${10 + i}, in visit_${i}`);
    lines.push(`    return self.visit(child_${i})`);
  }
  lines.push(exception);
  return lines.join('\n');
}

export interface DataMessage {
  messageType: 'DATA_MESSAGE' | 'CONTROL_MESSAGE';
  owner: string;
  logGroup: string;
  logStream: string;
  subscriptionFilters: string[];
  logEvents: LogEvent[];
}

export function dataMessage(logEvents: LogEvent[], overrides: Partial<DataMessage> = {}): DataMessage {
  return {
    messageType: 'DATA_MESSAGE',
    owner: '123456789012',
    logGroup: LOG_GROUP,
    logStream: STREAM,
    subscriptionFilters: ['metis-log-watch'],
    logEvents,
    ...overrides,
  };
}

/** The Lambda event CloudWatch Logs sends: base64(gzip(JSON)). */
export function subscriptionEvent(message: unknown): { awslogs: { data: string } } {
  return { awslogs: { data: gzipSync(Buffer.from(JSON.stringify(message))).toString('base64') } };
}

/** Events from messages, one per `stepMs` from `start`. */
export function eventsOf(messages: readonly string[], start: number, stepMs = 1000, firstId = 0): LogEvent[] {
  return messages.map((message, i) => ({ id: eventId(firstId + i), timestamp: start + i * stepMs, message }));
}
