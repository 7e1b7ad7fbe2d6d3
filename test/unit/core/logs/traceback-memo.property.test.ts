// Property: parseTracebackText reuses the parse of a traceback it has seen under another record line
// (traceback.ts, BODIES), and gives exactly what a fresh assembler fed the same lines gives: the header
// and the level are the occurrence's own, the rest the body's. Texts mix record lines at every level,
// blank and indented lines, tracebacks of every shape in the fixtures, cuts and trailing newlines.
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseTracebackText, TracebackAssembler } from '../../../../lambdas/core/logs/traceback.ts';
import { CHAINED_TRACEBACK, deepTraceback, STDLIB_TRACEBACK, UVICORN_TRACEBACK, WARNING_TRACEBACK } from './fixtures.ts';
import { PYTHON_LOGS_DIR } from './python-fixtures.ts';
import { propertyRuns } from '../../../support/property-runs.ts';

/** The reference: one assembler over text.split('\n'), no memo. */
function freshParse(text: string) {
  const assembler = new TracebackAssembler();
  for (const line of text.split('\n')) if (assembler.push(line) === 'done') break;
  return assembler.result();
}

/** A fixture's lines from its first traceback line on (its own record line dropped). */
const bodyOf = (text: string) => text.slice(text.search(/^.*Traceback \(most recent call last\)/m));
const BODIES = [
  ...[STDLIB_TRACEBACK, UVICORN_TRACEBACK, WARNING_TRACEBACK, CHAINED_TRACEBACK, deepTraceback(12)].map(bodyOf),
  // Every fixture, the prompt-exposure and trace-DB ones in their folders too.
  ...readdirSync(PYTHON_LOGS_DIR, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.log'))
    .map((name) => readFileSync(`${PYTHON_LOGS_DIR}${name}`, 'utf8'))
    .filter((text) => text.includes('Traceback (most recent call last)'))
    .map(bodyOf),
  'Traceback (most recent call last):\n  File "/app/x.py", line 1, in f\n',
  '  | ExceptionGroup: eg (1 sub-exception)\n  +-+---------------- 1 ----------------\n    | ValueError: v\n    +------------------------------------',
];
const RECORD = fc.constantFrom(
  '2026-11-20 11:58:01,234 ERROR [metis.gateway.app] unhandled error',
  '2026-11-20 11:58:02,001 WARNING [metis.gateway.cache] stale',
  'ERROR:root:request failed',
  'INFO:     10.0.3.17:52144 - "POST /v1/chat/completions HTTP/1.1" 500',
  'CRITICAL boom',
  'no level here',
  '',
  '   ',
  '  indented record line',
);

describe('parseTracebackText with its memo of traceback bodies', () => {
  it('gives a fresh assembler’s parse for any record lines before a body it may have seen', () => {
    fc.assert(
      fc.property(
        fc.array(RECORD, { maxLength: 3 }),
        fc.constantFrom(...BODIES),
        fc.nat(),
        fc.constantFrom('', '\n', '\n\n'),
        (records, body, cut, tail) => {
          // Some texts cut short (a split traceback's first event), some whole with trailing newlines.
          const whole = body + tail;
          const piece = cut % 3 === 0 ? whole.slice(0, cut % (whole.length + 1)) : whole;
          const text = [...records, piece].join('\n');
          expect(parseTracebackText(text)).toEqual(freshParse(text));
          // Again: now from the memo, same answer.
          expect(parseTracebackText(text)).toEqual(freshParse(text));
        },
      ),
      { numRuns: propertyRuns(3000) },
    );
  });

  it('reads the level of each occurrence from its own record line (an ERROR body seen first does not make a WARNING page)', () => {
    const body = bodyOf(STDLIB_TRACEBACK);
    const error = parseTracebackText(`2026-11-20 12:00:01,234 ERROR [app] boom\n${body}`);
    const warning = parseTracebackText(`2026-11-20 12:00:02,234 WARNING [app] retrying\n${body}`);
    const bare = parseTracebackText(body);
    expect([error.level, warning.level, bare.level]).toEqual(['error', 'below-error', 'unknown']);
    expect(warning.header).toEqual(['2026-11-20 12:00:02,234 WARNING [app] retrying']);
    expect(bare.header).toEqual([]);
    expect(warning.excType).toBe('sqlite3.OperationalError');
  });

  it('hands out a new header array per occurrence (a caller that changes one changes no other)', () => {
    const body = bodyOf(WARNING_TRACEBACK);
    const first = parseTracebackText(`ERROR:root:a\n${body}`);
    const second = parseTracebackText(`ERROR:root:a\n${body}`);
    expect(second.header).not.toBe(first.header);
    expect(second).toEqual(first);
  });
});
