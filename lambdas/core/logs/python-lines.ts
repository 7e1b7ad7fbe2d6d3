// The line grammar of CPython's traceback printer (3.8-3.13), shared by the traceback assembler and the
// ExceptionGroup collector: headers, frames, chain messages, exception lines, the "+ | " margins of
// exception groups, and the path normalisation the fingerprint uses.

export interface Frame {
  file: string;
  line: number | null;
  func: string;
  /** The first source line Python printed under the frame, if any. */
  code?: string;
}

export const TRACEBACK_MARKER = 'Traceback (most recent call last):';
/** A traceback's first line; `Exception Group Traceback` is the header of a group's own frames. */
export const HEADER = /^\s*(?:Exception Group )?Traceback \(most recent call last\):\s*$/;
export const GROUP_HEADER = /^\s*Exception Group Traceback \(most recent call last\):\s*$/;
/** `File "x", line N, in f`; without `, in f` it is a SyntaxError's location, not a frame. */
export const FRAME = /^\s*File "(.*)", line (\d+)(?:, in (.+?))?\s*$/;
export const CHAIN =
  /^\s*(?:During handling of the above exception, another exception occurred:|The above exception was the direct cause of the following exception:)\s*$/;
/** Python folds recursion: the frame above it repeated N more times. */
export const REPEATED = /^\s*\[Previous line repeated (\d+) more times?\]\s*$/;
/**
 * An exception group's margin: `  | text` (its own lines; `  + ` on the top-level group's header), two
 * spaces of indent per nesting depth. Every line of a group's text carries it, blank ones as `  |`.
 */
export const MARGIN = /^((?: {2})+)([|+])(?: (.*))?$/;
/** `+-+---------------- 1 ----------------` opens a group's first sub-exception, `+---------------- 2 ---...` the next ones. */
export const SEPARATOR = /^((?: {2})*)(\+-)?\+-{16} (\d+|\.\.\.) -{16}$/;
/** `+------------------------------------`: the end of a group's sub-exceptions (not always printed). */
export const CLOSE = /^((?: {2})*)\+-{36}$/;
/** `and 3 more exceptions` after the 15 a group prints at most. */
export const MORE = /^and (\d+) more exceptions?$/;

const EXCEPTION = /^((?:[A-Za-z_][A-Za-z0-9_]*\.)*([A-Za-z_][A-Za-z0-9_]*))(?:(:) ?(.*))?$/;
/** An exception line without a message must look like one: `KeyboardInterrupt`, `asyncio.CancelledError`. */
const BARE_EXCEPTION_SUFFIX = /(?:Error|Exception|Interrupt|Exit|Warning|Iteration|Timeout|Cancelled|Exceeded|Failure|Fault|Group)$/;

/** `ValueError: bad input` -> { type, value }; undefined for a line that is not an exception line. */
export function exceptionLine(line: string): { type: string; value?: string } | undefined {
  const match = EXCEPTION.exec(line);
  if (!match) return undefined;
  const [, type, last, colon, value] = match;
  if (!/^[A-Z]/.test(last!) || !/[a-z]/.test(last!)) return undefined;
  if (!colon && !(BARE_EXCEPTION_SUFFIX.test(last!) || type!.includes('.'))) return undefined;
  return { type: type!.replace(/^builtins\./, ''), ...(value !== undefined && value !== '' ? { value } : {}) };
}

/** A frame line as a Frame (cut to sane lengths), or undefined; `location` is true for a SyntaxError's `File "x", line N`. */
export function frameLine(line: string): { frame: Frame; location: boolean } | undefined {
  const match = FRAME.exec(line);
  if (!match) return undefined;
  return {
    frame: { file: preCut(match[1]!, 500), line: Number(match[2]), func: preCut(match[3] ?? '<module>', 200) },
    location: match[3] === undefined,
  };
}

/**
 * `text` cut to at most `max` chars for redaction and display, dropping the run of non-space characters
 * the cut went through: a token cut in half could slip past the redaction patterns, a dropped one cannot.
 */
export function preCut(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max).replace(/\S*$/, '')}…`;
}

/**
 * A path as it identifies code, not an installation: everything up to `site-packages/` /
 * `dist-packages/` is dropped, the standard library becomes `<stdlib>/...` (POSIX `lib/python3.x/`,
 * Windows `PythonXY\Lib\`), backslashes become `/`, memory addresses `0x?`.
 */
export function normalizeFile(file: string): string {
  let normalized = NORMALIZED_FILES.get(file);
  if (normalized === undefined) {
    normalized = normalizeFileUncached(file);
    if (file.length > 1000) return normalized;
    if (NORMALIZED_FILES.size >= MAX_NORMALIZED_FILES) NORMALIZED_FILES.clear();
    NORMALIZED_FILES.set(file, normalized);
  }
  return normalized;
}

/** Normalised paths by raw path: a crash loop prints the same few files on every traceback. Bounded; cleared when full. */
const NORMALIZED_FILES = new Map<string, string>();
const MAX_NORMALIZED_FILES = 4096;

function normalizeFileUncached(file: string): string {
  const path = file.replace(/\\/g, '/').replace(/0x[0-9a-fA-F]{4,}/g, '0x?');
  const packages = /(?:^|\/)(?:site|dist)-packages\/(.*)$/i.exec(path);
  if (packages) return packages[1]!;
  const stdlib = /(?:^|\/)lib\/python\d+(?:\.\d+)?\/(.*)$/.exec(path) ?? /(?:^|\/)python3\d*\/lib\/(.*)$/i.exec(path);
  if (stdlib) return `<stdlib>/${stdlib[1]}`;
  return path;
}

/** Standard library, frozen or generated code (`<frozen importlib._bootstrap>`, `<string>`): not where an application bug lives. */
export function isLibraryFrame(frame: Frame): boolean {
  return normalizeFile(frame.file).startsWith('<');
}
