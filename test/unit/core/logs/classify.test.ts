import { describe, expect, it } from 'vitest';
import { classifyMessage, sanitizeKey } from '../../../../lambdas/core/logs/classify.ts';
import { applicationText } from '../../../../lambdas/core/logs/message.ts';
import { fingerprintOf, frameLabel } from '../../../../lambdas/core/logs/traceback.ts';
import {
  CHAINED_TRACEBACK,
  JSON_LOGGER_EXC_INFO,
  keyRevokedJson,
  quotaExceededJson,
  quotaExceededText,
  STDLIB_TRACEBACK,
  STRUCTLOG_DICT_TRACEBACK,
  STRUCTLOG_EXCEPTION,
  UVICORN_ACCESS_401,
  UVICORN_ACCESS_429,
  UVICORN_STARTUP,
  UVICORN_TRACEBACK,
  WARNING_TRACEBACK,
} from './fixtures.ts';

function traceback(message: string) {
  const finding = classifyMessage(message).traceback;
  if (!finding) throw new Error(`no traceback found in: ${message.slice(0, 80)}`);
  return { ...finding, fingerprint: fingerprintOf(finding.parse, '/metis/prod/gateway'), frame: frameLabel(finding.parse.innermost) };
}

describe('tracebacks in text', () => {
  it('Python stdlib logging: type, innermost frame, ERROR level, frame count', () => {
    const t = traceback(STDLIB_TRACEBACK);
    expect(t).toMatchObject({ format: 'text', level: 'error' });
    expect(t.parse).toMatchObject({ complete: true, excType: 'sqlite3.OperationalError', excValue: 'database is locked', frameCount: 3 });
    expect(t.parse.innermost).toEqual({
      file: '/app/metis/gateway/db.py',
      line: 88,
      func: 'insert_event',
      code: 'await conn.execute(INSERT_EVENT, params)',
    });
    expect(t.fingerprint).toBe('sqlite3.OperationalError@/app/metis/gateway/db.py:insert_event');
  });

  it('uvicorn "Exception in ASGI application": innermost frame in a library, site-packages path dropped, carets skipped', () => {
    const t = traceback(UVICORN_TRACEBACK);
    expect(t.level).toBe('error');
    expect(t.fingerprint).toBe('httpx.ReadTimeout@httpx/_models.py:aiter_lines');
    expect(t.parse.frameCount).toBe(4);
    expect(t.parse.firstFrame!.code).toBe('result = await app(  # type: ignore[func-returns-value]');
  });

  it('a chained traceback is fingerprinted by the exception finally raised', () => {
    const t = traceback(CHAINED_TRACEBACK);
    expect(t.parse).toMatchObject({ complete: true, excType: 'metis.gateway.errors.UnknownKey', chained: 1, frameCount: 2 });
    expect(t.fingerprint).toBe('metis.gateway.errors.UnknownKey@/app/metis/gateway/keys.py:lookup');
  });

  it('a traceback logged at WARNING is below the runbook ERROR traceback', () => {
    expect(traceback(WARNING_TRACEBACK).level).toBe('below-error');
  });

  it('only the first line ("split by the runtime") is an incomplete traceback of unknown type', () => {
    const t = traceback('Traceback (most recent call last):');
    expect(t.parse).toMatchObject({ complete: false, frameCount: 0 });
    expect(t.parse.excType).toBeUndefined();
    expect(t.fingerprint).toBe('unknown@/metis/prod/gateway');
  });

  it('a traceback cut before its exception line keeps its frames but not a type', () => {
    const cut = STDLIB_TRACEBACK.split('\n').slice(0, -1).join('\n');
    const t = traceback(cut);
    expect(t.parse.complete).toBe(false);
    expect(t.fingerprint).toBe('unknown@/app/metis/gateway/db.py:insert_event');
  });

  it('a SyntaxError frame has no function; a bare KeyboardInterrupt is an exception line', () => {
    const syntax = traceback(
      'Traceback (most recent call last):\n  File "/app/plugins/x.py", line 3\n    def f(:\n          ^\nSyntaxError: invalid syntax',
    );
    expect(syntax.fingerprint).toBe('SyntaxError@/app/plugins/x.py:<module>');
    const interrupt = traceback(
      'Traceback (most recent call last):\n  File "/app/main.py", line 9, in <module>\n    serve()\nKeyboardInterrupt',
    );
    expect(interrupt.parse.excType).toBe('KeyboardInterrupt');
  });

  it('a log line in capitals between frames is foreign output, not the exception line', () => {
    const t = traceback('Traceback (most recent call last):\n  File "/app/a.py", line 1, in f\n    g()\nINFO: unrelated\nValueError: bad');
    expect(t.parse).toMatchObject({ complete: true, excType: 'ValueError', excValue: 'bad' });
  });

  it('unwrapped container output: Docker JSON around a whole traceback', () => {
    const wrapped = JSON.stringify({ log: `${STDLIB_TRACEBACK}\n`, stream: 'stderr', time: '2026-11-20T12:00:01.234Z' });
    expect(traceback(applicationText(wrapped)).fingerprint).toBe('sqlite3.OperationalError@/app/metis/gateway/db.py:insert_event');
  });
});

describe('tracebacks in JSON log lines', () => {
  it('structlog with format_exc_info (`exception` text)', () => {
    const t = traceback(STRUCTLOG_EXCEPTION);
    expect(t).toMatchObject({ format: 'json', level: 'error' });
    expect(t.fingerprint).toBe('httpx.HTTPStatusError@httpx/_models.py:raise_for_status');
    expect(t.parse.header).toEqual(['ERROR [metis.gateway.providers] provider call failed']);
  });

  it('structlog dict_tracebacks: structured frames, locals never read', () => {
    const t = traceback(STRUCTLOG_DICT_TRACEBACK);
    expect(t.fingerprint).toBe('KeyError@/app/metis/gateway/routing.py:pick_model');
    expect(t.parse).toMatchObject({ complete: true, excValue: "'model'", frameCount: 2 });
    expect(JSON.stringify(t.parse)).not.toContain('PATIENT RECORD');
    expect(JSON.stringify(t.parse)).not.toContain('secret plan');
  });

  it('python-json-logger (`levelname`, `exc_info`)', () => {
    const t = traceback(JSON_LOGGER_EXC_INFO);
    expect(t).toMatchObject({ format: 'json', level: 'error' });
    expect(t.fingerprint).toBe('OSError@/app/metis/gateway/backup.py:snapshot');
  });

  it('`exc_info: true` without text: an exception of unknown type', () => {
    const t = traceback(JSON.stringify({ event: 'boom', level: 'error', exc_info: true }));
    expect(t.parse.complete).toBe(false);
    expect(t.fingerprint).toBe('unknown@/metis/prod/gateway');
  });

  it('`exception` with only the exception line still gives the type', () => {
    expect(traceback(JSON.stringify({ event: 'x', level: 'critical', exception: 'ValueError: bad config' })).fingerprint).toBe(
      'ValueError@/metis/prod/gateway',
    );
  });

  it('a JSON line at warning level with exc_info is below error', () => {
    expect(
      traceback(
        JSON.stringify({
          event: 'retrying',
          level: 'warning',
          exc_info: 'Traceback (most recent call last):\n  File "/app/a.py", line 1, in f\n    g()\nTimeoutError',
        }),
      ).level,
    ).toBe('below-error');
  });

  it('a JSON line without any exception field is not a traceback', () => {
    expect(classifyMessage(JSON.stringify({ event: 'llm.call_completed', level: 'info', model: 'x' })).traceback).toBeUndefined();
  });
});

describe('quota_exceeded and key_revoked', () => {
  it("the gateway's 401 key_revoked JSON: key and who sent it", () => {
    expect(classifyMessage(keyRevokedJson('gk_01HXYZ8K3M4N5P6Q7R8S'))).toEqual({
      keyHits: [
        {
          kind: 'key_revoked',
          key: 'gk_01HXYZ8K3M4N5P6Q7R8S',
          client: { ip: '203.0.113.7', userAgent: 'acme-batch/2.3 python-httpx/0.27.0' },
        },
      ],
    });
  });

  it('a 429 quota_exceeded JSON with an OpenAI-style error body and `key_id`', () => {
    expect(classifyMessage(quotaExceededJson('gk_01J8ZQ4TENANTACME')).keyHits).toEqual([
      { kind: 'quota_exceeded', key: 'gk_01J8ZQ4TENANTACME' },
    ]);
  });

  it('plain text with the word and a gk_ key id', () => {
    expect(classifyMessage(quotaExceededText('gk_01TENANTB')).keyHits).toEqual([{ kind: 'quota_exceeded', key: 'gk_01TENANTB' }]);
    expect(classifyMessage('WARNING key_revoked request for gk_01ABCDEF from 10.0.0.9').keyHits).toEqual([
      { kind: 'key_revoked', key: 'gk_01ABCDEF' },
    ]);
  });

  it('the word without a key id, or a key id without the word, is not counted', () => {
    expect(classifyMessage('WARNING quota_exceeded for an unknown key').keyHits).toEqual([]);
    expect(classifyMessage('INFO key gk_01ABCDEF used model x').keyHits).toEqual([]);
    expect(classifyMessage(JSON.stringify({ code: 'quota_exceeded', level: 'warning' })).keyHits).toEqual([]);
  });

  it('a gateway token (gw_...) is never taken for a key id', () => {
    expect(classifyMessage('quota_exceeded token=gw_live_4f9a8b7c6d5e4f3a').keyHits).toEqual([]);
  });

  it('a key id field holding a secret is redacted before it becomes a counter key', () => {
    expect(classifyMessage(JSON.stringify({ code: 'key_revoked', key_id: 'sk-ant-api03-abcdefghijklmnop' })).keyHits[0]!.key).toBe(
      '_REDACTED_',
    );
    expect(sanitizeKey('gk_01ABC')).toBe('gk_01ABC');
  });

  it.each([
    ['uvicorn access 401', UVICORN_ACCESS_401],
    ['uvicorn access 429', UVICORN_ACCESS_429],
    ['uvicorn startup', UVICORN_STARTUP],
  ])('%s is neither a traceback nor a key event', (_name, line) => {
    expect(classifyMessage(line)).toEqual({ keyHits: [] });
  });
});

describe('binary garbage', () => {
  it('a message of random bytes classifies as nothing and does not throw', () => {
    const garbage = applicationText(Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 131 + 7) % 256)).toString('latin1'));
    expect(classifyMessage(garbage)).toEqual({ keyHits: [] });
  });

  it('garbage after "Traceback" is an incomplete traceback, not a crash', () => {
    const t = traceback(applicationText(`Traceback (most recent call last):\n\u0000\u0001\u00ff\ud800${'\u0007'.repeat(50)}`));
    expect(t.parse.complete).toBe(false);
  });
});
