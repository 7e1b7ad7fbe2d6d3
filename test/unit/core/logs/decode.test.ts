import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeAwsLogsData, decodeLogInput, lineTimestamp, plainLinesBatch } from '../../../../lambdas/core/logs/decode.ts';
import { applicationText, sanitize } from '../../../../lambdas/core/logs/message.ts';
import { dataMessage, eventsOf, LOG_GROUP, STDLIB_TRACEBACK, STREAM, subscriptionEvent } from './fixtures.ts';

const T = Date.parse('2026-11-20T12:00:00Z');

describe('decodeLogInput: the subscription event', () => {
  it('decodes base64(gzip(JSON)) into the batch: group, stream, filters, events', () => {
    const decoded = decodeLogInput(subscriptionEvent(dataMessage(eventsOf(['a', 'b'], T))));
    expect(decoded.kind).toBe('data');
    if (decoded.kind !== 'data') return;
    expect(decoded.batch).toMatchObject({
      logGroup: LOG_GROUP,
      logStream: STREAM,
      subscriptionFilters: ['metis-log-watch'],
      owner: '123456789012',
      contiguous: false,
      malformedEvents: 0,
    });
    expect(decoded.batch.logEvents.map((e) => [e.timestamp, e.message])).toEqual([
      [T, 'a'],
      [T + 1000, 'b'],
    ]);
  });

  it('decodes messages the same whether the payload is ASCII (read as latin1) or UTF-8, escaped or raw', () => {
    const messages = ['plain ascii', 'caf\u00e9 \u2014 \ud83d\ude00', 'C1 \u0085 and DEL \u007f', 'tab\there\nnewline'];
    const json = JSON.stringify(dataMessage(eventsOf(messages, T)));
    // JSON.stringify leaves non-ASCII raw (a UTF-8 payload); the ASCII form escapes it as CloudWatch may.
    const asciiJson = json.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    expect(Buffer.from(asciiJson).every((byte) => byte < 0x80)).toBe(true);
    for (const payload of [json, asciiJson]) {
      const decoded = decodeAwsLogsData(gzipSync(Buffer.from(payload)).toString('base64'));
      expect(decoded.kind === 'data' && decoded.batch.logEvents.map((e) => e.message)).toEqual(messages);
    }
  });

  it('returns CONTROL_MESSAGE as control (CloudWatch checks the destination with it)', () => {
    const decoded = decodeLogInput(
      subscriptionEvent({
        messageType: 'CONTROL_MESSAGE',
        owner: 'CloudwatchLogs',
        logGroup: '',
        logStream: '',
        subscriptionFilters: [],
        logEvents: [{ id: '', timestamp: T, message: 'CWL CONTROL MESSAGE: Checking health of destination Lambda.' }],
      }),
    );
    expect(decoded.kind).toBe('control');
  });

  it('accepts an already decoded DATA_MESSAGE object', () => {
    const decoded = decodeLogInput(dataMessage(eventsOf(['x'], T)));
    expect(decoded.kind === 'data' && decoded.batch.logEvents[0]!.message).toBe('x');
  });

  it.each([
    ['data that is not base64', { awslogs: { data: 'this is *not* base64!' } }, 'not_base64'],
    ['base64 with a bad length', { awslogs: { data: 'abc' } }, 'not_base64'],
    ['base64 that is not gzip', { awslogs: { data: Buffer.from('{"logEvents":[]} plain json').toString('base64') } }, 'not_gzip'],
    [
      'gzip cut in the middle',
      {
        awslogs: {
          data: gzipSync(Buffer.from(JSON.stringify(dataMessage(eventsOf(['a'.repeat(5000)], T)))))
            .subarray(0, 60)
            .toString('base64'),
        },
      },
      'not_gzip',
    ],
    [
      'gzip of something that is not JSON',
      { awslogs: { data: gzipSync(Buffer.from('Traceback (most recent call last):')).toString('base64') } },
      'not_json',
    ],
    ['gzip of a JSON array', { awslogs: { data: gzipSync(Buffer.from('[1,2,3]')).toString('base64') } }, 'not_json'],
    [
      'a DATA_MESSAGE without logEvents',
      subscriptionEvent({ messageType: 'DATA_MESSAGE', logGroup: LOG_GROUP, logStream: STREAM }),
      'no_log_events',
    ],
    ['a DATA_MESSAGE with an empty logEvents', subscriptionEvent(dataMessage([])), 'no_log_events'],
    ['logEvents that is not an array', subscriptionEvent({ messageType: 'DATA_MESSAGE', logEvents: { 0: 'x' } }), 'no_log_events'],
    ['an event that is not a subscription event', { Records: [] }, 'not_subscription_event'],
    ['awslogs.data that is a number', { awslogs: { data: 42 } }, 'not_subscription_event'],
    ['null', null, 'not_subscription_event'],
  ])('%s is a DecodeFailure value, not a throw', (_name, input, reason) => {
    const decoded = decodeLogInput(input);
    expect(decoded).toMatchObject({ kind: 'failure', reason });
    expect(decoded.kind === 'failure' && decoded.message.length).toBeGreaterThan(10);
  });

  it('refuses a gzip bomb instead of inflating it', () => {
    const bomb = gzipSync(Buffer.alloc(8 * 1024 * 1024, 0x20));
    expect(decodeAwsLogsData(bomb.toString('base64'), { maxDecodedBytes: 1024 * 1024 })).toMatchObject({
      kind: 'failure',
      reason: 'too_large',
    });
  });

  it('drops and counts events without a numeric timestamp or a string message', () => {
    const decoded = decodeLogInput(
      dataMessage([
        { id: '1', timestamp: T, message: 'ok' },
        { id: '2', timestamp: 'soon', message: 'bad time' } as never,
        { id: '3', timestamp: T, message: { nested: true } } as never,
        null as never,
      ]),
    );
    expect(decoded.kind === 'data' && [decoded.batch.logEvents.length, decoded.batch.malformedEvents]).toEqual([1, 3]);
  });
});

describe('plain log lines', () => {
  it('stamps each line with its own time, continuation lines with the previous line time', () => {
    const batch = plainLinesBatch(`${STDLIB_TRACEBACK}\n2026-11-20T12:00:09Z INFO done\n`, { fallbackTime: 0 });
    expect(batch.contiguous).toBe(true);
    expect(batch.logEvents).toHaveLength(10);
    expect(batch.logEvents[0]!.timestamp).toBe(Date.parse('2026-11-20T12:00:01.234Z'));
    expect(batch.logEvents[8]!.timestamp).toBe(Date.parse('2026-11-20T12:00:01.234Z'));
    expect(batch.logEvents[9]!.timestamp).toBe(Date.parse('2026-11-20T12:00:09Z'));
  });

  it('uses the fallback time when no line has a stamp, and the first stamp for lines before it', () => {
    expect(plainLinesBatch('a\nb', { fallbackTime: T }).logEvents.map((e) => e.timestamp)).toEqual([T, T]);
    expect(plainLinesBatch('a\n2026-11-20 12:00:05 x', { fallbackTime: 0 }).logEvents.map((e) => e.timestamp)).toEqual([
      T + 5000,
      T + 5000,
    ]);
  });

  it.each([
    ['2026-11-20 12:00:01,234 ERROR x', '2026-11-20T12:00:01.234Z'],
    ['2026-11-20T12:00:01.5+01:00 x', '2026-11-20T11:00:01.500Z'],
    ['[2026-11-20 12:00:01] x', '2026-11-20T12:00:01.000Z'],
    ['2026-11-20T12:00:01.123456789Z stderr F Traceback', '2026-11-20T12:00:01.123Z'],
    ['{"timestamp": "2026-11-20T12:00:03.120Z", "event": "x"}', '2026-11-20T12:00:03.120Z'],
    ['{"created": 1795435200.5, "msg": "x"}', new Date(1795435200500).toISOString()],
    ['{"asctime": "2026-11-20 12:00:04,001"}', '2026-11-20T12:00:04.001Z'],
  ])('reads the time of %s', (line, iso) => {
    expect(new Date(lineTimestamp(line)!).toISOString()).toBe(iso);
  });

  it('has no time for a line without one', () => {
    expect(lineTimestamp('INFO:     Uvicorn running on http://0.0.0.0:8080')).toBeUndefined();
  });
});

describe('the application text of a message', () => {
  it('unwraps Docker / Fluent Bit JSON and strips the trailing newline', () => {
    expect(applicationText('{"log":"Traceback (most recent call last):\\n","stream":"stderr","time":"2026-11-20T12:00:01.1Z"}')).toBe(
      'Traceback (most recent call last):',
    );
    expect(applicationText(JSON.stringify({ log: 'x', kubernetes: { pod_name: 'p' } }))).toBe('x');
  });

  it('leaves an application JSON line alone (a `log` field without container fields)', () => {
    const line = JSON.stringify({ log: 'x', level: 'error' });
    expect(applicationText(line)).toBe(line);
  });

  it('strips the CRI prefix (containerd / CRI-O)', () => {
    expect(applicationText('2026-11-20T12:00:01.123456789Z stderr P Traceback (most recent call last):')).toBe(
      'Traceback (most recent call last):',
    );
  });

  it('makes binary garbage printable: control bytes and lone surrogates become U+FFFD, tabs and newlines stay', () => {
    expect(sanitize('a\u0000b\u001bc\td\ne\ud800f\udc00g\u0085')).toBe('a\uFFFDb\uFFFDc\td\ne\uFFFDf\uFFFDg\uFFFD');
    expect(sanitize('emoji \ud83d\ude00 stays')).toBe('emoji \ud83d\ude00 stays');
  });
});
