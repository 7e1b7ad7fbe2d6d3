import { describe, expect, it } from 'vitest';
import { REDACTED } from '../../../../lambdas/core/redact.ts';
import { fingerprintOf, normalizeFile, parseTracebackText, tracebackExcerpt } from '../../../../lambdas/core/logs/traceback.ts';
import { deepTraceback, STDLIB_TRACEBACK } from './fixtures.ts';

const fingerprint = (text: string) => fingerprintOf(parseTracebackText(text), '/metis/prod/gateway');

describe('fingerprint: exception type + innermost frame, stable across noise', () => {
  const base = STDLIB_TRACEBACK;

  it('ignores line numbers (a deploy that shifts the file keeps one incident)', () => {
    expect(fingerprint(base.replace('line 88', 'line 131').replace('line 212', 'line 9'))).toBe(fingerprint(base));
  });

  it('ignores the exception message and memory addresses in it', () => {
    expect(fingerprint(base.replace('database is locked', 'database is locked (conn <Connection at 0x7f3a2b1c9d40>)'))).toBe(
      fingerprint(base),
    );
  });

  it('ignores memory addresses in function names', () => {
    const a = 'Traceback (most recent call last):\n  File "/app/a.py", line 1, in <lambda at 0x7f3a2b1c9d40>\n    x()\nValueError: bad';
    const b = a.replace('0x7f3a2b1c9d40', '0x55d1e0a0b0c8');
    expect(fingerprint(a)).toBe(fingerprint(b));
    expect(fingerprint(a)).toBe('ValueError@/app/a.py:<lambda at 0x?>');
  });

  it('ignores where the virtualenv and the Python version live', () => {
    const lib = (path: string) =>
      `Traceback (most recent call last):\n  File "${path}", line 963, in aiter_lines\n    x\nhttpx.ReadTimeout: timed out`;
    const fingerprints = [
      '/app/.venv/lib/python3.12/site-packages/httpx/_models.py',
      '/usr/local/lib/python3.11/site-packages/httpx/_models.py',
      '/usr/lib/python3/dist-packages/httpx/_models.py',
      'C:\\venv\\Lib\\site-packages\\httpx\\_models.py',
    ].map((p) => fingerprint(lib(p)));
    expect(new Set(fingerprints)).toEqual(new Set(['httpx.ReadTimeout@httpx/_models.py:aiter_lines']));
    expect(normalizeFile('/usr/local/lib/python3.12/asyncio/tasks.py')).toBe('<stdlib>/asyncio/tasks.py');
  });

  it('tells different exception types and different innermost frames apart', () => {
    expect(fingerprint(base.replace('sqlite3.OperationalError', 'sqlite3.DatabaseError'))).not.toBe(fingerprint(base));
    expect(fingerprint(base.replace('in insert_event', 'in insert_events'))).not.toBe(fingerprint(base));
  });
});

describe('a 500-frame traceback', () => {
  const text = deepTraceback(500);

  it('finds the innermost frame and the type', () => {
    const parse = parseTracebackText(text);
    expect(parse).toMatchObject({ complete: true, excType: 'RecursionError', frameCount: 500 });
    expect(parse.innermost).toMatchObject({ file: '/app/metis/gateway/render/node_499.py', line: 509, func: 'visit_499' });
    expect(parse.lastFrames).toHaveLength(3);
  });

  it('gives a bounded excerpt: the first frame, the count of omitted frames, the innermost frames, the exception', () => {
    const excerpt = tracebackExcerpt(parseTracebackText(text));
    expect(excerpt.length).toBeLessThanOrEqual(2000);
    expect(excerpt).toContain('node_0.py');
    expect(excerpt).toContain('[... 496 frames omitted ...]');
    expect(excerpt).toContain('visit_499');
    expect(excerpt.split('\n').at(-1)).toBe('RecursionError: maximum recursion depth exceeded');
    expect(excerpt).not.toContain('node_250.py');
  });

  it('stays bounded when every line is huge', () => {
    const huge = deepTraceback(500, `ValueError: ${'bad input '.repeat(20_000)}`).replace(/visit_/g, `visit_${'y'.repeat(2000)}_`);
    const excerpt = tracebackExcerpt(parseTracebackText(huge));
    expect(excerpt.length).toBeLessThanOrEqual(2000);
    expect(excerpt).toContain('ValueError: bad input bad input');
    // A 100 000-char token (a base64 blob) is dropped at the bound, not redacted char by char for seconds.
    const blob = tracebackExcerpt(parseTracebackText(deepTraceback(3, `ValueError: ${'x'.repeat(100_000)}`)));
    expect(blob.split('\n').at(-1)).toBe('ValueError: …');
  });
});

describe('the excerpt is redacted', () => {
  it('redacts tokens, keys, e-mails and prompt fields anywhere in it', () => {
    const text = [
      '2026-11-20 12:00:01,234 ERROR [metis.gateway.app] request from ops@example.com with Authorization: Bearer gw_live_4f9a8b7c6d5e4f3a2b1c',
      'Traceback (most recent call last):',
      '  File "/app/metis/gateway/providers/openai.py", line 77, in complete',
      '    client = OpenAI(api_key="sk-proj-AbCdEfGhIjKlMnOpQrStUvWx")',
      "openai.BadRequestError: Error code: 400 - {'error': {'message': 'bad'}, 'messages': [{'role': 'user', 'content': 'my medical history'}]}",
    ].join('\n');
    const excerpt = tracebackExcerpt(parseTracebackText(text));
    for (const secret of ['ops@example.com', 'gw_live_4f9a8b7c6d5e4f3a2b1c', 'sk-proj-AbCdEfGhIjKlMnOpQrStUvWx', 'my medical history']) {
      expect(excerpt).not.toContain(secret);
    }
    expect(excerpt).toContain(REDACTED);
    expect(excerpt).toContain('openai.BadRequestError');
  });

  it('redacts a token before cutting a long line (no half token survives the cut)', () => {
    const token = `sk-ant-api03-${'Q'.repeat(120)}`;
    const text = `Traceback (most recent call last):\n  File "/app/a.py", line 1, in f\n    g()\nValueError: ${'p'.repeat(280)} ${token}`;
    const excerpt = tracebackExcerpt(parseTracebackText(text));
    expect(excerpt).not.toContain('QQQQQQQQQQ');
    expect(excerpt).not.toContain('sk-ant');
  });
});
