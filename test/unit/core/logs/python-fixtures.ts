// What log-watch must make of each real Python log in test/fixtures/python-logs/ (written by
// tools/python-logs/generate.py, which runs the code): the one traceback incident it gives, or none.
// Shared by the scan unit test and the `scan-logs` CLI test.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_LOG_FILTER_PATTERN } from '../../../../lambdas/core/logs/filter-pattern.ts';

export const PYTHON_LOGS_DIR = fileURLToPath(new URL('../../../fixtures/python-logs/', import.meta.url));

/** The default subscription filter's terms as one regular expression: only matching events reach log-watch. */
export const DEFAULT_FILTER = new RegExp(
  DEFAULT_LOG_FILTER_PATTERN.split(' ')
    .map((term) =>
      term
        .replace(/^\?/, '')
        .replace(/^"|"$/g, '')
        .replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
    )
    .join('|'),
);

export function pythonLog(name: string): string {
  return readFileSync(join(PYTHON_LOGS_DIR, `${name}.log`), 'utf8');
}

export interface ExpectedIncident {
  /** The signal's subject: final exception type @ normalised file : function. */
  fingerprint: string;
  exceptionType: string;
  innermostFrame: { file: string; line: number; function: string };
  chainedExceptions: number;
  /** Extra details the signal must carry (exceptionGroup, syntaxError), compared exactly. */
  details?: Record<string, unknown>;
}

const SUB = (path: string, type: string, message: string, at: string | null, line: number | null) => ({ path, type, message, at, line });

/** Each fixture -> its incident, or null when it must not page (a traceback logged below ERROR). */
export const PYTHON_FIXTURES: Record<string, ExpectedIncident | null> = {
  'stdlib-exception': {
    fingerprint: 'sqlite3.OperationalError@/app/metis/gateway/db.py:insert_event',
    exceptionType: 'sqlite3.OperationalError',
    innermostFrame: { file: '/app/metis/gateway/db.py', line: 11, function: 'insert_event' },
    chainedExceptions: 0,
  },
  // "The above exception was the direct cause": named by UnknownKey (raised last), not the KeyError.
  'chained-direct-cause': {
    fingerprint: 'metis.gateway.errors.UnknownKey@/app/metis/gateway/keys.py:lookup_or_raise',
    exceptionType: 'metis.gateway.errors.UnknownKey',
    innermostFrame: { file: '/app/metis/gateway/keys.py', line: 14, function: 'lookup_or_raise' },
    chainedExceptions: 1,
  },
  // "During handling of the above exception": named by UpstreamError, not the JSONDecodeError in the stdlib.
  'chained-during-handling': {
    fingerprint: 'metis.gateway.errors.UpstreamError@/app/metis/gateway/providers/openai.py:parse_response',
    exceptionType: 'metis.gateway.errors.UpstreamError',
    innermostFrame: { file: '/app/metis/gateway/providers/openai.py', line: 8, function: 'parse_response' },
    chainedExceptions: 1,
  },
  // One incident named by the group and the `async with` that owns it (not asyncio/taskgroups.py).
  'taskgroup-exception-group': {
    fingerprint: 'ExceptionGroup@/app/metis/gateway/fanout.py:fan_out',
    exceptionType: 'ExceptionGroup',
    innermostFrame: { file: '/app/metis/gateway/fanout.py', line: 12, function: 'fan_out' },
    chainedExceptions: 0,
    details: {
      exceptionGroup: {
        direct: 2,
        total: 2,
        subExceptions: [
          SUB('1', 'TimeoutError', 'openai: no response within 30 s', '/app/metis/gateway/fanout.py:call_provider', 6),
          SUB('2', 'ValueError', "anthropic: unexpected stop_reason 'refusal'", '/app/metis/gateway/fanout.py:call_provider', 8),
        ],
      },
    },
  },
  'taskgroup-nested': {
    fingerprint: 'ExceptionGroup@/app/metis/gateway/fanout.py:warm_region',
    exceptionType: 'ExceptionGroup',
    innermostFrame: { file: '/app/metis/gateway/fanout.py', line: 17, function: 'warm_region' },
    chainedExceptions: 0,
    details: {
      exceptionGroup: {
        direct: 2,
        total: 3,
        subExceptions: [
          SUB('1', 'TimeoutError', 'openai: no response within 30 s', '/app/metis/gateway/fanout.py:call_provider', 6),
          SUB('2', 'ExceptionGroup', 'unhandled errors in a TaskGroup (1 sub-exception)', '/app/metis/gateway/fanout.py:fan_out', 12),
          SUB('2.1', 'ValueError', "anthropic: unexpected stop_reason 'refusal'", '/app/metis/gateway/fanout.py:call_provider', 8),
        ],
      },
    },
  },
  // A group caught and turned into one error: the error raised last names it, the group is its context.
  'taskgroup-then-raise': {
    fingerprint: 'metis.gateway.errors.UpstreamError@/app/metis/gateway/app.py:answer_or_fail',
    exceptionType: 'metis.gateway.errors.UpstreamError',
    innermostFrame: { file: '/app/metis/gateway/app.py', line: 42, function: 'answer_or_fail' },
    chainedExceptions: 1,
  },
  'warning-exc-info': null,
  'info-exc-info': null,
  'structlog-json-exception': {
    fingerprint: 'httpx.HTTPStatusError@httpx/_models.py:raise_for_status',
    exceptionType: 'httpx.HTTPStatusError',
    innermostFrame: { file: '/app/.venv/lib/python3.11/site-packages/httpx/_models.py', line: 12, function: 'raise_for_status' },
    chainedExceptions: 0,
  },
  'structlog-json-warning': null,
  'structlog-json-exception-group': {
    fingerprint: 'ExceptionGroup@/app/metis/gateway/fanout.py:fan_out',
    exceptionType: 'ExceptionGroup',
    innermostFrame: { file: '/app/metis/gateway/fanout.py', line: 12, function: 'fan_out' },
    chainedExceptions: 0,
    details: {
      exceptionGroup: {
        direct: 2,
        total: 2,
        subExceptions: [
          SUB('1', 'TimeoutError', 'openai: no response within 30 s', '/app/metis/gateway/fanout.py:call_provider', 6),
          SUB('2', 'ValueError', "anthropic: unexpected stop_reason 'refusal'", '/app/metis/gateway/fanout.py:call_provider', 8),
        ],
      },
    },
  },
  // structlog's dict_tracebacks names the class without its module; the raised exception is the first stack.
  'structlog-dict-tracebacks': {
    fingerprint: 'UnknownKey@/app/metis/gateway/keys.py:lookup_or_raise',
    exceptionType: 'UnknownKey',
    innermostFrame: { file: '/app/metis/gateway/keys.py', line: 14, function: 'lookup_or_raise' },
    chainedExceptions: 1,
  },
  'python-json-logger-exc-info': {
    fingerprint: 'sqlite3.OperationalError@/app/metis/gateway/db.py:insert_event',
    exceptionType: 'sqlite3.OperationalError',
    innermostFrame: { file: '/app/metis/gateway/db.py', line: 11, function: 'insert_event' },
    chainedExceptions: 0,
  },
  // The bad plugin's location is not a frame: the loader that compiled it names the incident.
  'syntax-error': {
    fingerprint: 'SyntaxError@/app/metis/gateway/plugins.py:load',
    exceptionType: 'SyntaxError',
    innermostFrame: { file: '/app/metis/gateway/plugins.py', line: 4, function: 'load' },
    chainedExceptions: 0,
    details: { syntaxError: { file: '/app/plugins/redact_prompts.py', line: 2 } },
  },
  'recursion-error': {
    fingerprint: 'RecursionError@/app/metis/gateway/render.py:visit',
    exceptionType: 'RecursionError',
    innermostFrame: { file: '/app/metis/gateway/render.py', line: 7, function: 'visit' },
    chainedExceptions: 0,
    // 4 frames printed + "[Previous line repeated 994 more times]".
    details: { frames: 998 },
  },
  'windows-paths': {
    fingerprint: 'metis_sdk.client.QuotaExceeded@metis_sdk/client.py:send',
    exceptionType: 'metis_sdk.client.QuotaExceeded',
    innermostFrame: { file: 'C:\\venv\\Lib\\site-packages\\metis_sdk\\client.py', line: 5, function: 'send' },
    chainedExceptions: 0,
  },
  'site-packages': {
    fingerprint: 'httpx.HTTPStatusError@httpx/_models.py:raise_for_status',
    exceptionType: 'httpx.HTTPStatusError',
    innermostFrame: { file: '/app/.venv/lib/python3.11/site-packages/httpx/_models.py', line: 12, function: 'raise_for_status' },
    chainedExceptions: 0,
  },
  // uvicorn's "Exception in ASGI application": named by the route's KeyError, not uvicorn's or starlette's frames.
  'uvicorn-asgi-exception': {
    fingerprint: 'KeyError@/app/metis/gateway/routes.py:chat_completions',
    exceptionType: 'KeyError',
    innermostFrame: { file: '/app/metis/gateway/routes.py', line: 8, function: 'chat_completions' },
    chainedExceptions: 0,
  },
};
