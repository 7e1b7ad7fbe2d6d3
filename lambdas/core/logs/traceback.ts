// Python tracebacks in log text: a streaming parser that can be fed the lines of one message and then
// the following lines of the same stream (a traceback split by the container runtime into one event per
// line), the structured form structlog's dict_tracebacks writes, the fingerprint (exception type +
// innermost frame) and a bounded, redacted excerpt.
//
// Fingerprint decision: `<ExceptionType>@<file>:<function>` of the innermost frame of the exception that
// was finally raised (the last block of a chained traceback). The line number is left out: any deploy
// that touches the file shifts it, and one bug must stay one incident across deploys (the line stays in
// the details). File paths are normalised so the same code gives the same fingerprint in another image
// or Python version: everything up to `site-packages/` / `dist-packages/` is dropped, the standard
// library becomes `<stdlib>/...`, backslashes become `/`. Memory addresses (`0x7f...`) never reach it.
//
// Exception groups (CPython 3.11+, asyncio.TaskGroup) are one traceback: the group's own lines carry a
// `  | ` margin, its sub-exceptions deeper margins (see exception-group.ts). A group is named by its
// type and its innermost frame outside the standard library (a TaskGroup always raises from
// asyncio/taskgroups.py; the `async with` that owns it is what tells one group from another); its
// sub-exceptions go to the details. A SyntaxError's `File "x", line N` (no `in`) is where the bad source
// is, not a frame: the fingerprint keeps the code that compiled or imported it.
import { redactText } from '../redact.ts';
import { exceptionContentOf, exceptionHead, messageHead } from './exception-content.ts';
import type { ExposureKind } from './prompt-exposure.ts';
import { type GroupSummary, isSubExceptionLine, type SubException, SubExceptionCollector } from './exception-group.ts';
import {
  CHAIN,
  exceptionLine,
  type Frame,
  frameLine,
  GROUP_HEADER,
  HEADER,
  isLibraryFrame,
  MARGIN,
  normalizeFile,
  preCut,
  REPEATED,
  TRACEBACK_MARKER,
} from './python-lines.ts';

export { exceptionLine, type Frame, normalizeFile, preCut, TRACEBACK_MARKER };

export type TracebackLevel = 'error' | 'below-error' | 'unknown';

export interface TracebackParse {
  /** The exception line of the final block was found. */
  complete: boolean;
  excType?: string;
  /** First line of the exception's message (unredacted: only the excerpt and summary builders read it, through redaction). */
  excValue?: string;
  /** The frame that names the incident: the innermost one (for a group, the innermost outside the standard library). */
  innermost?: Frame;
  /** Frames of the final block (folded recursion counted). */
  frameCount: number;
  /** Earlier exceptions in the chain ("During handling of the above exception..."). */
  chained: number;
  /** A later block of the chain started and never ended: the type shown is the last one seen complete. */
  chainIncomplete: boolean;
  /** Log line(s) before "Traceback", from the same message (level, logger, request). */
  header: string[];
  firstFrame?: Frame;
  /** Up to LAST_FRAMES frames, innermost last. */
  lastFrames: Frame[];
  /** The exception line and up to two continuation lines. */
  excLines: string[];
  level: TracebackLevel;
  /** The final exception is an ExceptionGroup: its sub-exceptions. */
  group?: GroupSummary;
  /** A SyntaxError's location: the file and line of the bad source. */
  syntaxLocation?: { file: string; line: number | null };
  /** Customer content in an exception message of any block (final or chained), sorted; absent when none. */
  exposure?: readonly ExposureKind[];
}

const LEVEL = /\b(DEBUG|INFO|NOTICE|WARNING|WARN|ERROR|CRITICAL|FATAL|EXCEPTION)\b/;
const LAST_FRAMES = 3;
/** Longest piece of a log line kept for the excerpt (redaction is superlinear on long runs of token characters). */
const MAX_KEPT_LINE = 4000;
/** Lines of other output tolerated between a traceback's lines (another coroutine's log record) before giving up. */
const MAX_FOREIGN_LINES = 20;
const MAX_HEADER_LINES = 2;
/** Lines of one exception's message read after its exception line (pydantic lists every error). */
const MAX_CONTINUATION_LINES = 50;
/** pydantic's ValidationError (v1 and v2): each error's location is an unindented line under the message. */
const VALIDATION_ERRORS = /^\d+ validation errors? for /;
/** The top-level group's header: margin `  + `. */
const TOP_GROUP_HEADER = /^ {2}\+ Exception Group Traceback \(most recent call last\):\s*$/;
/** An HTTP access-log line (uvicorn, gunicorn): never the log record a traceback belongs to. */
const ACCESS_LOG = /"[A-Z]+ \S+ HTTP\/[\d.]+" \d{3}\b/;

interface Block {
  frameCount: number;
  firstFrame?: Frame;
  lastFrames: Frame[];
  /** Innermost frame outside the standard library (names a group). */
  appFrame?: Frame;
  excType?: string;
  excValue?: string;
  excLines: string[];
  group?: SubExceptionCollector;
  location?: { file: string; line: number | null };
  /** The last frame-area line was a SyntaxError location: its source line is not a frame's. */
  atLocation?: boolean;
}

type State = 'header' | 'frames' | 'after' | 'chain' | 'done';
export type PushResult = 'consumed' | 'foreign' | 'done';

/**
 * Feed lines in order with push(): the first message (which holds "Traceback (most recent call
 * last):"), then, if `result().complete` is false, the lines that followed it in the same stream.
 * push() says whether the line belonged to the traceback, was foreign output it skipped, or ended it
 * (the line is not part of it; stop feeding).
 */
export class TracebackAssembler {
  private state: State = 'header';
  private readonly header: string[] = [];
  private current: Block | undefined;
  private lastComplete: Block | undefined;
  private chained = 0;
  private foreign = 0;
  /** An exception group was seen: `  | ` margins are its text, deeper ones its sub-exceptions. */
  private groupMode = false;
  /** Customer content seen in any exception message of the chain. */
  private readonly exposure = new Set<ExposureKind>();
  /** Message lines read after the current block's exception line. */
  private continuation = 0;

  get done(): boolean {
    return this.state === 'done';
  }

  /** No traceback line seen yet: every line so far was the record's own (header). */
  get inHeader(): boolean {
    return this.state === 'header';
  }

  /** `known` (a parse of the same lines from the traceback's first line on) with this assembler's header and level. */
  withHeader(known: TracebackParse): TracebackParse {
    return { ...known, header: [...this.header], level: levelOfHeader(this.header) };
  }

  /** The exception line of the current block has been seen (more lines may still extend the chain). */
  get hasException(): boolean {
    return this.state === 'after';
  }

  push(rawLine: string): PushResult {
    // trimEnd drops exactly what /\s+$/ matches (WhiteSpace and LineTerminator), without a regex per line.
    let line = rawLine.trimEnd();
    if (this.state === 'done') return 'done';
    if (this.state === 'header' || this.state === 'chain') {
      if (TOP_GROUP_HEADER.test(line)) {
        if (this.state === 'chain') this.chained++;
        this.groupMode = true;
        this.startBlock(true);
        return 'consumed';
      }
      // A group that was never raised has no frames: its exception line comes first.
      const margin = MARGIN.exec(line);
      const bare = margin && margin[1]!.length === 2 && margin[2] === '|' ? exceptionLine(margin[3] ?? '') : undefined;
      if (bare && / \(\d+ sub-exceptions?\)$/.test(margin![3]!)) {
        if (this.state === 'chain') this.chained++;
        this.groupMode = true;
        this.startBlock(true);
        return this.pushFrameLine(margin![3]!);
      }
    }
    if (this.groupMode && this.state !== 'header') {
      if (isSubExceptionLine(line)) {
        if (!this.current?.group || this.state !== 'after') return this.foreignLine();
        this.current.group.push(line);
        return 'consumed';
      }
      const margin = MARGIN.exec(line);
      if (margin && margin[1]!.length === 2) {
        // The group's own text. In 'after' it is a note (add_note) or a blank line: still the group's.
        if (this.state === 'after') return 'consumed';
        line = margin[3] ?? '';
      }
    }
    switch (this.state) {
      case 'header':
        if (HEADER.test(line)) {
          this.startBlock(GROUP_HEADER.test(line));
        } else if (line.trim() !== '') {
          this.header.push(preCut(line, MAX_KEPT_LINE));
          if (this.header.length > MAX_HEADER_LINES) this.header.shift();
        }
        return 'consumed';
      case 'frames':
        return this.pushFrameLine(line);
      case 'after': {
        const block = this.current!;
        if (line.trim() === '') return 'consumed';
        if (CHAIN.test(line)) {
          this.state = 'chain';
          return 'consumed';
        }
        // Multi-line exception messages (pydantic's ValidationError): indented continuation lines, and
        // pydantic's unindented error locations (`messages.0.content`). Each is read for customer content.
        const indented = /^\s/.test(line) && !frameLine(line);
        const location = !indented && VALIDATION_ERRORS.test(block.excValue ?? '') && /^\S+$/.test(line) && !exceptionLine(line);
        if ((indented || location) && this.continuation < MAX_CONTINUATION_LINES) {
          this.continuation++;
          this.noteContent(line);
          if (block.excLines.length < 3) block.excLines.push(preCut(line, MAX_KEPT_LINE));
          return 'consumed';
        }
        this.state = 'done';
        return 'done';
      }
      case 'chain':
        if (line.trim() === '') return 'consumed';
        if (HEADER.test(line)) {
          this.chained++;
          this.startBlock(GROUP_HEADER.test(line));
          return 'consumed';
        }
        this.state = 'done';
        return 'done';
    }
  }

  private startBlock(group: boolean): void {
    if (this.current?.excType !== undefined) this.lastComplete = this.current;
    this.current = { frameCount: 0, lastFrames: [], excLines: [], ...(group ? { group: new SubExceptionCollector() } : {}) };
    this.state = 'frames';
  }

  private foreignLine(): PushResult {
    this.foreign++;
    if (this.foreign > MAX_FOREIGN_LINES) {
      this.state = 'done';
      return 'done';
    }
    return 'foreign';
  }

  private pushFrameLine(line: string): PushResult {
    const block = this.current!;
    const frame = frameLine(line);
    if (frame) {
      if (frame.location) {
        block.location = { file: frame.frame.file, line: frame.frame.line };
        block.atLocation = true;
        return 'consumed';
      }
      const parsed = frame.frame;
      block.atLocation = false;
      block.frameCount++;
      if (!block.firstFrame) block.firstFrame = parsed;
      block.lastFrames.push(parsed);
      if (block.lastFrames.length > LAST_FRAMES) block.lastFrames.shift();
      if (!isLibraryFrame(parsed)) block.appFrame = parsed;
      return 'consumed';
    }
    if (HEADER.test(line)) {
      // A new traceback before this one ended: this one was cut short.
      this.state = 'done';
      return 'done';
    }
    const repeated = REPEATED.exec(line);
    if (repeated) {
      block.frameCount += Number(repeated[1]);
      return 'consumed';
    }
    if (line.trim() === '' || /^\s/.test(line)) {
      // Source line, caret markers (3.11+).
      const code = line.trim();
      if (block.atLocation || code === '' || /^[~^\s]+$/.test(code)) return 'consumed';
      const last = block.lastFrames[block.lastFrames.length - 1];
      if (last && last.code === undefined) last.code = preCut(code, 1000);
      return 'consumed';
    }
    const exception = exceptionLine(line);
    if (exception) {
      if (exception.value !== undefined) this.noteContent(exception.value);
      this.continuation = 0;
      block.excType = preCut(exception.type, 200);
      block.excValue = exception.value === undefined ? undefined : preCut(exception.value, 1000);
      block.excLines.push(preCut(line, MAX_KEPT_LINE));
      this.state = 'after';
      return 'consumed';
    }
    return this.foreignLine();
  }

  private noteContent(text: string): void {
    const kind = exceptionContentOf(text);
    if (kind) this.exposure.add(kind);
  }

  result(): TracebackParse {
    const current = this.current;
    const currentComplete = current?.excType !== undefined;
    const block = currentComplete ? current : (this.lastComplete ?? current);
    const complete = block?.excType !== undefined;
    const last = block?.lastFrames[block.lastFrames.length - 1];
    // A SyntaxError without frames (raised while the module itself was compiled): its location stands in.
    const located = block?.location ? { file: block.location.file, line: block.location.line, func: '<module>' } : undefined;
    const innermost = (block?.group ? (block.appFrame ?? last) : last) ?? located;
    return {
      complete,
      ...(block?.excType !== undefined ? { excType: block.excType } : {}),
      ...(block?.excValue !== undefined ? { excValue: block.excValue } : {}),
      ...(innermost ? { innermost } : {}),
      frameCount: block?.frameCount ?? 0,
      chained: currentComplete ? this.chained : Math.max(0, this.chained - 1),
      chainIncomplete: !currentComplete && this.lastComplete !== undefined,
      header: [...this.header],
      ...(block?.firstFrame ? { firstFrame: block.firstFrame } : {}),
      lastFrames: block ? [...block.lastFrames] : [],
      excLines: block ? [...block.excLines] : [],
      level: levelOfHeader(this.header),
      ...(block?.group && complete ? { group: block.group.result() } : {}),
      ...(block?.location ? { syntaxLocation: block.location } : {}),
      ...(this.exposure.size ? { exposure: [...this.exposure].sort() } : {}),
    };
  }
}

/**
 * Parse one piece of text (a message, or a JSON field holding a formatted traceback). A crash loop logs
 * the same traceback under a new record line (time, request id) thousands of times a batch: the lines
 * before the traceback's first line are read every time (they give the header and the level), the rest
 * is parsed once and reused (see BODIES).
 */
export function parseTracebackText(text: string): TracebackParse {
  const assembler = new TracebackAssembler();
  // The same lines as text.split('\n'), without the array: most of them are read from the memo.
  let start = 0;
  let bodyStart = -1;
  for (;;) {
    const newline = text.indexOf('\n', start);
    const end = newline < 0 ? text.length : newline;
    if (bodyStart < 0) {
      const result = assembler.push(text.slice(start, end));
      if (result === 'done') return assembler.result();
      if (!assembler.inHeader) {
        bodyStart = start;
        const known = text.length <= MAX_MEMO_TEXT ? BODIES.get(text.slice(bodyStart)) : undefined;
        if (known) return assembler.withHeader(known);
      }
    } else if (assembler.push(text.slice(start, end)) === 'done') break;
    if (newline < 0) break;
    start = newline + 1;
  }
  const parse = assembler.result();
  if (bodyStart >= 0 && text.length <= MAX_MEMO_TEXT) {
    if (BODIES.size >= MAX_BODIES) BODIES.clear();
    BODIES.set(text.slice(bodyStart), parse);
  }
  return parse;
}

/**
 * Parses by the text from a traceback's first line on: everything in a parse but the header and the level
 * depends on those lines only (the assembler starts the block there from a fresh state). Entries are
 * shared, never mutated (readers copy: see withHeader and jsonTraceback). Bounded; cleared when full.
 */
const BODIES = new Map<string, TracebackParse>();
const MAX_BODIES = 512;
/** Whole texts only up to this: a key is a slice, which keeps the whole text alive (a huge record line with a short traceback). */
const MAX_MEMO_TEXT = 8_192;

export function hasTracebackMarker(text: string): boolean {
  return text.includes('Traceback (most recent call last)');
}

function levelOfHeader(header: readonly string[]): TracebackLevel {
  for (const line of header) {
    const level = lineLevel(line);
    if (level !== 'unknown') return level;
  }
  return 'unknown';
}

/**
 * Whether a line printed just before a split traceback is its log record's own line: it names a level
 * (any level: `logger.warning(..., exc_info=True)` is a WARNING traceback, not a page) and is not an
 * HTTP access-log line, which is never a record that carries a traceback. The caller checks adjacency.
 */
export function isRecordLine(line: string): boolean {
  return lineLevel(line) !== 'unknown' && !ACCESS_LOG.test(line);
}

/** The level a log line names in capitals (`ERROR [app]`, `ERROR:root:`, uvicorn's `ERROR:    `), or unknown. */
export function lineLevel(line: string): TracebackLevel {
  const level = LEVEL.exec(line)?.[1];
  return level ? levelOfName(level) : 'unknown';
}

/** A level name from text or a JSON field: error-or-worse, below error, or not a level. */
export function levelOfName(name: string): TracebackLevel {
  const lower = name.toLowerCase();
  if (['error', 'err', 'critical', 'crit', 'fatal', 'exception', 'alert', 'emergency', 'emerg'].includes(lower)) return 'error';
  if (['debug', 'info', 'notice', 'warning', 'warn', 'trace'].includes(lower)) return 'below-error';
  return 'unknown';
}

/**
 * structlog's dict_tracebacks: `exception: [{exc_type, exc_value, frames: [{filename, lineno, name, line}]}, ...]`.
 * The first stack is the exception that was raised (the rest are its causes); frames run outermost to
 * innermost. Locals (show_locals) are never read: they hold request data.
 */
export function parseStructuredTraceback(stacks: unknown[]): TracebackParse | undefined {
  const [raised] = stacks;
  if (typeof raised !== 'object' || raised === null || Array.isArray(raised)) return undefined;
  const stack = raised as Record<string, unknown>;
  const excType = typeof stack.exc_type === 'string' && stack.exc_type ? preCut(stack.exc_type, 200) : undefined;
  if (!excType && !Array.isArray(stack.frames)) return undefined;
  const frames: Frame[] = (Array.isArray(stack.frames) ? stack.frames : []).flatMap((raw: unknown): Frame[] => {
    if (typeof raw !== 'object' || raw === null) return [];
    const f = raw as Record<string, unknown>;
    if (typeof f.filename !== 'string') return [];
    const code = typeof f.line === 'string' && f.line.trim() ? f.line.trim() : undefined;
    return [
      {
        file: preCut(f.filename, 500),
        line: typeof f.lineno === 'number' ? f.lineno : null,
        func: preCut(typeof f.name === 'string' ? f.name : '<module>', 200),
        ...(code ? { code: preCut(code, 1000) } : {}),
      },
    ];
  });
  const excValue =
    typeof stack.exc_value === 'string' && stack.exc_value !== '' ? preCut(stack.exc_value.split('\n')[0]!, 1000) : undefined;
  const lastFrames = frames.slice(-LAST_FRAMES);
  const exposure = structuredExposure(stacks);
  const syntax = stack.syntax_error;
  const syntaxLocation =
    typeof syntax === 'object' && syntax !== null && typeof (syntax as Record<string, unknown>).filename === 'string'
      ? {
          file: preCut((syntax as Record<string, unknown>).filename as string, 500),
          line:
            typeof (syntax as Record<string, unknown>).lineno === 'number' ? ((syntax as Record<string, unknown>).lineno as number) : null,
        }
      : undefined;
  return {
    ...(syntaxLocation ? { syntaxLocation } : {}),
    complete: excType !== undefined,
    ...(excType ? { excType } : {}),
    ...(excValue !== undefined ? { excValue } : {}),
    ...(lastFrames.length ? { innermost: lastFrames[lastFrames.length - 1]! } : {}),
    frameCount: frames.length,
    chained: Math.max(0, stacks.length - 1),
    chainIncomplete: false,
    header: [],
    ...(frames[0] ? { firstFrame: frames[0] } : {}),
    lastFrames,
    excLines: excType ? [`${excType}${excValue !== undefined ? `: ${excValue}` : ''}`] : [],
    level: 'unknown',
    ...(exposure.length ? { exposure } : {}),
  };
}

/** Customer content in the messages of every stack (the raised exception and its causes), each line read. */
function structuredExposure(stacks: unknown[]): ExposureKind[] {
  const found = new Set<ExposureKind>();
  for (const stack of stacks.slice(0, 20)) {
    const value = typeof stack === 'object' && stack !== null ? (stack as Record<string, unknown>).exc_value : undefined;
    if (typeof value !== 'string') continue;
    for (const line of value.slice(0, 16_384).split('\n')) {
      const kind = exceptionContentOf(line);
      if (kind) found.add(kind);
    }
  }
  return [...found].sort();
}

export function normalizeFunction(func: string): string {
  return func.replace(/0x[0-9a-fA-F]{4,}/g, '0x?').trim() || '<module>';
}

/** Where the exception was raised, for summaries: `metis/gateway/db.py:insert_event`. */
export function frameLabel(frame: Frame | undefined): string | undefined {
  return frame ? `${normalizeFile(frame.file)}:${normalizeFunction(frame.func)}` : undefined;
}

/**
 * The incident key of a traceback: exception type + innermost frame. Without a type, `unknown`; without
 * a frame, the log group stands in so unrelated unknown tracebacks of different services stay apart.
 */
export function fingerprintOf(parse: TracebackParse, logGroup: string): string {
  const type = parse.complete && parse.excType ? parse.excType : 'unknown';
  return `${type}@${frameLabel(parse.innermost) ?? logGroup}`;
}

const LINE_MAX = 300;

/**
 * A bounded excerpt for on-call: the header, the first frame, `[... N frames omitted ...]`, the innermost
 * frames with their source line, the exception's type and a short head of its message (exceptionHead: never
 * the payload after its colon). Everything is redacted before it is cut (a cut must never leave half a
 * token that the redaction patterns no longer recognise) and again after. `withheld`: the line carries
 * customer content (prompt_exposure): its record line and exception messages are described, not quoted.
 */
export function tracebackExcerpt(parse: TracebackParse, maxChars = 2000, withheld = false): string {
  const lines: string[] =
    withheld && parse.header.length ? ['[log record line not quoted: the line carries customer content]'] : [...parse.header];
  lines.push(TRACEBACK_MARKER);
  if (parse.chained > 0) lines.push(`  [${parse.chained} earlier exception${parse.chained === 1 ? '' : 's'} in the chain omitted]`);
  const frameLines = (frame: Frame): string[] => [
    `  File "${frame.file}", line ${frame.line ?? '?'}, in ${frame.func}`,
    ...(frame.code !== undefined ? [`    ${frame.code}`] : []),
  ];
  const shown = parse.lastFrames.length;
  if (parse.firstFrame && parse.frameCount > shown) {
    lines.push(...frameLines(parse.firstFrame));
    if (parse.frameCount > shown + 1) lines.push(`  [... ${parse.frameCount - shown - 1} frames omitted ...]`);
  }
  for (const frame of parse.lastFrames) lines.push(...frameLines(frame));
  if (parse.syntaxLocation) lines.push(`  [the bad source: "${parse.syntaxLocation.file}", line ${parse.syntaxLocation.line ?? '?'}]`);
  if (parse.excType !== undefined) {
    lines.push(exceptionHead(parse.excType, parse.excValue, withheld));
    const more = parse.excLines.length - 1;
    if (more > 0) lines.push(`  [${more}${more === 2 ? '+' : ''} more line${more === 1 ? '' : 's'} of the message not quoted]`);
  } else lines.push('[exception line not found: the rest of the traceback was not in the log batch and could not be fetched]');
  for (const sub of parse.group?.subExceptions ?? []) lines.push(`  | ${sub.path}: ${subExceptionText(sub, withheld)}`);
  const more = (parse.group?.total ?? 0) - (parse.group?.subExceptions.length ?? 0);
  if (more > 0) lines.push(`  | [${more} more sub-exception${more === 1 ? '' : 's'}]`);
  const redacted = redactText(lines.join('\n'))
    .split('\n')
    .map((line) => (line.length > LINE_MAX ? `${line.slice(0, LINE_MAX - 1)}…` : line));
  let text = redacted.join('\n');
  if (text.length > maxChars) {
    // Keep the end (innermost frames and the exception line matter most) and the first line.
    const head = redacted[0] ?? '';
    const tailBudget = maxChars - head.length - 20;
    text = `${head}\n[...]\n${text.slice(text.length - Math.max(0, tailBudget))}`;
  }
  return redactText(text);
}

function subExceptionText(sub: SubException, withheld: boolean): string {
  const what = exceptionHead(sub.type ?? 'unknown', sub.value, withheld);
  return sub.frame ? `${what} (at ${frameLabel(sub.frame)}, line ${sub.frame.line ?? '?'})` : what;
}

/** For the summary: ` with 2 sub-exceptions (TimeoutError, ValueError)` for a group, else nothing. */
export function groupNote(parse: TracebackParse): string {
  if (!parse.group) return '';
  const { direct } = parse.group;
  const types = [...new Set(parse.group.subExceptions.filter((s) => !s.path.includes('.')).map((s) => s.type ?? 'unknown'))].slice(0, 5);
  return ` with ${direct} sub-exception${direct === 1 ? '' : 's'}${types.length ? ` (${types.join(', ')})` : ''}`;
}

/** What a traceback signal's details add for a group (its sub-exceptions) and a SyntaxError (the bad source). */
export function tracebackExtraDetails(parse: TracebackParse, withheld = false): Record<string, unknown> {
  return {
    ...(parse.group
      ? {
          exceptionGroup: {
            direct: parse.group.direct,
            total: parse.group.total,
            subExceptions: parse.group.subExceptions.map((sub) => ({
              path: sub.path,
              type: sub.type ?? null,
              message: messageHead(sub.value, withheld) ?? null,
              at: sub.frame ? frameLabel(sub.frame) : null,
              line: sub.frame?.line ?? null,
            })),
          },
        }
      : {}),
    ...(parse.syntaxLocation ? { syntaxError: { file: parse.syntaxLocation.file, line: parse.syntaxLocation.line } } : {}),
  };
}
