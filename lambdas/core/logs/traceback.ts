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
import { redactText } from '../redact.ts';

export interface Frame {
  file: string;
  line: number | null;
  func: string;
  /** The first source line Python printed under the frame, if any. */
  code?: string;
}

export type TracebackLevel = 'error' | 'below-error' | 'unknown';

export interface TracebackParse {
  /** The exception line of the final block was found. */
  complete: boolean;
  excType?: string;
  /** First line of the exception's message (unredacted: only the excerpt and summary builders read it, through redaction). */
  excValue?: string;
  innermost?: Frame;
  /** Frames of the final block. */
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
}

export const TRACEBACK_MARKER = 'Traceback (most recent call last):';
const HEADER = /^\s*(?:[|+]\s*)*(?:Exception Group )?Traceback \(most recent call last\):\s*$/;
const FRAME = /^\s*(?:\|\s*)*File "(.*)", line (\d+)(?:, in (.+?))?\s*$/;
const CHAIN =
  /^\s*(?:\|\s*)*(?:During handling of the above exception, another exception occurred:|The above exception was the direct cause of the following exception:)\s*$/;
const EXCEPTION = /^((?:[A-Za-z_][A-Za-z0-9_]*\.)*([A-Za-z_][A-Za-z0-9_]*))(?:(:) ?(.*))?$/;
/** An exception line without a message must look like one: `KeyboardInterrupt`, `asyncio.CancelledError`. */
const BARE_EXCEPTION_SUFFIX = /(?:Error|Exception|Interrupt|Exit|Warning|Iteration|Timeout|Cancelled|Exceeded|Failure|Fault)$/;
const LEVEL = /\b(DEBUG|INFO|NOTICE|WARNING|WARN|ERROR|CRITICAL|FATAL|EXCEPTION)\b/;
const LAST_FRAMES = 3;
/** Longest piece of a log line kept for the excerpt (redaction is superlinear on long runs of token characters). */
const MAX_KEPT_LINE = 4000;
/** Lines of other output tolerated between a traceback's lines (another coroutine's log record) before giving up. */
const MAX_FOREIGN_LINES = 20;
const MAX_HEADER_LINES = 2;

interface Block {
  frameCount: number;
  firstFrame?: Frame;
  lastFrames: Frame[];
  excType?: string;
  excValue?: string;
  excLines: string[];
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

  get done(): boolean {
    return this.state === 'done';
  }

  /** The exception line of the current block has been seen (more lines may still extend the chain). */
  get hasException(): boolean {
    return this.state === 'after';
  }

  push(rawLine: string): PushResult {
    const line = rawLine.replace(/\s+$/, '');
    switch (this.state) {
      case 'done':
        return 'done';
      case 'header':
        if (HEADER.test(line)) {
          this.startBlock();
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
        // Multi-line exception messages (pydantic's ValidationError): indented continuation lines.
        if (/^\s/.test(line) && !FRAME.test(line) && block.excLines.length < 3) {
          block.excLines.push(preCut(line, MAX_KEPT_LINE));
          return 'consumed';
        }
        this.state = 'done';
        return 'done';
      }
      case 'chain':
        if (line.trim() === '') return 'consumed';
        if (HEADER.test(line)) {
          this.chained++;
          this.startBlock();
          return 'consumed';
        }
        this.state = 'done';
        return 'done';
    }
  }

  private startBlock(): void {
    if (this.current?.excType !== undefined) this.lastComplete = this.current;
    this.current = { frameCount: 0, lastFrames: [], excLines: [] };
    this.state = 'frames';
  }

  private pushFrameLine(line: string): PushResult {
    const block = this.current!;
    const frame = FRAME.exec(line);
    if (frame) {
      const parsed: Frame = { file: preCut(frame[1]!, 500), line: Number(frame[2]), func: preCut(frame[3] ?? '<module>', 200) };
      block.frameCount++;
      if (!block.firstFrame) block.firstFrame = parsed;
      block.lastFrames.push(parsed);
      if (block.lastFrames.length > LAST_FRAMES) block.lastFrames.shift();
      return 'consumed';
    }
    if (HEADER.test(line)) {
      // A new traceback before this one ended: this one was cut short.
      this.state = 'done';
      return 'done';
    }
    if (line.trim() === '' || /^\s/.test(line)) {
      // Source line, caret markers (3.11+), "[Previous line repeated N more times]".
      const last = block.lastFrames[block.lastFrames.length - 1];
      const code = line.trim();
      if (last && last.code === undefined && code !== '' && !/^[~^\s]+$/.test(code)) last.code = preCut(code, 1000);
      return 'consumed';
    }
    const exception = exceptionLine(line.replace(/^\s*\|\s?/, ''));
    if (exception) {
      block.excType = preCut(exception.type, 200);
      block.excValue = exception.value === undefined ? undefined : preCut(exception.value, 1000);
      block.excLines.push(preCut(line, MAX_KEPT_LINE));
      this.state = 'after';
      return 'consumed';
    }
    this.foreign++;
    if (this.foreign > MAX_FOREIGN_LINES) {
      this.state = 'done';
      return 'done';
    }
    return 'foreign';
  }

  result(): TracebackParse {
    const current = this.current;
    const currentComplete = current?.excType !== undefined;
    const block = currentComplete ? current : (this.lastComplete ?? current);
    const complete = block?.excType !== undefined;
    return {
      complete,
      ...(block?.excType !== undefined ? { excType: block.excType } : {}),
      ...(block?.excValue !== undefined ? { excValue: block.excValue } : {}),
      ...(block?.lastFrames.length ? { innermost: block.lastFrames[block.lastFrames.length - 1]! } : {}),
      frameCount: block?.frameCount ?? 0,
      chained: currentComplete ? this.chained : Math.max(0, this.chained - 1),
      chainIncomplete: !currentComplete && this.lastComplete !== undefined,
      header: [...this.header],
      ...(block?.firstFrame ? { firstFrame: block.firstFrame } : {}),
      lastFrames: block ? [...block.lastFrames] : [],
      excLines: block ? [...block.excLines] : [],
      level: levelOfHeader(this.header),
    };
  }
}

/**
 * `text` cut to at most `max` chars for redaction and display, dropping the run of non-space characters
 * the cut went through: a token cut in half could slip past the redaction patterns, a dropped one cannot.
 */
export function preCut(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max).replace(/\S*$/, '')}…`;
}

/** Parse one piece of text (a message, or a JSON field holding a formatted traceback). */
export function parseTracebackText(text: string): TracebackParse {
  const assembler = new TracebackAssembler();
  for (const line of text.split('\n')) {
    if (assembler.push(line) === 'done') break;
  }
  return assembler.result();
}

export function hasTracebackMarker(text: string): boolean {
  return text.includes('Traceback (most recent call last)');
}

/** `ValueError: bad input` -> { type, value }; undefined for a line that is not an exception line. */
export function exceptionLine(line: string): { type: string; value?: string } | undefined {
  const match = EXCEPTION.exec(line);
  if (!match) return undefined;
  const [, type, last, colon, value] = match;
  if (!/^[A-Z]/.test(last!) || !/[a-z]/.test(last!)) return undefined;
  if (!colon && !(BARE_EXCEPTION_SUFFIX.test(last!) || type!.includes('.'))) return undefined;
  return { type: type!.replace(/^builtins\./, ''), ...(value !== undefined && value !== '' ? { value } : {}) };
}

function levelOfHeader(header: readonly string[]): TracebackLevel {
  for (const line of header) {
    const level = lineLevel(line);
    if (level !== 'unknown') return level;
  }
  return 'unknown';
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
  return {
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
  };
}

/** A path as it identifies code, not an installation (see the file comment). */
export function normalizeFile(file: string): string {
  const path = file.replace(/\\/g, '/').replace(/0x[0-9a-fA-F]{4,}/g, '0x?');
  const packages = /(?:^|\/)(?:site|dist)-packages\/(.*)$/.exec(path);
  if (packages) return packages[1]!;
  const stdlib = /(?:^|\/)lib\/python\d+(?:\.\d+)?\/(.*)$/.exec(path);
  if (stdlib) return `<stdlib>/${stdlib[1]}`;
  return path;
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
 * frames with their source line, the exception line. Everything is redacted before it is cut (a cut
 * must never leave half a token that the redaction patterns no longer recognise) and again after.
 */
export function tracebackExcerpt(parse: TracebackParse, maxChars = 2000): string {
  const lines: string[] = [...parse.header];
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
  if (parse.excLines.length) lines.push(...parse.excLines);
  else lines.push('[exception line not found: the rest of the traceback was not in the log batch and could not be fetched]');
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
