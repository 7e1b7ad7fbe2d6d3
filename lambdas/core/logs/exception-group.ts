// The sub-exceptions of an ExceptionGroup traceback (asyncio.TaskGroup, `raise ExceptionGroup(...)`), as
// CPython 3.11+ prints them under the group's own frames:
//
//   | ExceptionGroup: unhandled errors in a TaskGroup (2 sub-exceptions)
//   +-+---------------- 1 ----------------
//     | Traceback (most recent call last):
//     |   File "/app/fanout.py", line 6, in call_provider
//     | TimeoutError: openai: no response within 30 s
//     +---------------- 2 ----------------
//     | Exception Group Traceback (most recent call last):     <- a nested group: its own
//     | ExceptionGroup: ... (1 sub-exception)                      sub-exceptions are one level deeper
//     +-+---------------- 1 ----------------
//       | ...
//
// Each sub-exception is told by its margin depth and the separator that opened it; its own lines may
// hold a chain ("During handling ...") whose last exception is the one that counts. The group stays one
// incident: these are its details, bounded in number and size.
import {
  CHAIN,
  CLOSE,
  exceptionLine,
  type Frame,
  frameLine,
  HEADER,
  isLibraryFrame,
  MARGIN,
  MORE,
  preCut,
  SEPARATOR,
} from './python-lines.ts';

export interface SubException {
  /** `1`, `2`, `2.1` (the second sub-exception's first sub-exception). */
  path: string;
  /** The exception finally raised in this sub-exception (unknown when its exception line was not seen). */
  type?: string;
  /** First line of its message (unredacted here; redacted wherever it leaves). */
  value?: string;
  /** Its innermost frame; for a nested group, the innermost frame outside the standard library. */
  frame?: Frame;
}

export interface GroupSummary {
  /** Sub-exceptions at every depth, in print order, at most MAX_SUB_EXCEPTIONS. */
  subExceptions: SubException[];
  /** The group's own sub-exceptions (what its `(N sub-exceptions)` counts), including those Python elided (`and N more exceptions`). */
  direct: number;
  /** Sub-exceptions at every depth, including those past the bound and those Python elided. */
  total: number;
}

export const MAX_SUB_EXCEPTIONS = 20;
/** The collector serves a top-level group (margin depth 1): its own sub-exceptions sit at depth 2. */
const TOP_CHILD_DEPTH = 2;

/** Is this line part of a group's sub-exception area (a separator, the closing rule, or a margin two or more levels deep)? */
export function isSubExceptionLine(line: string): boolean {
  if (SEPARATOR.test(line) || CLOSE.test(line)) return true;
  const margin = MARGIN.exec(line);
  return margin !== null && margin[1]!.length >= 4;
}

interface Open {
  depth: number;
  /** Its entry in the summary (filled when it closes), absent past MAX_SUB_EXCEPTIONS. */
  slot?: SubException;
  frames: Frame[];
  /** Innermost frame outside the standard library in the current block (for nested groups). */
  appFrame?: Frame;
  group: boolean;
  type?: string;
  value?: string;
  frame?: Frame;
}

export class SubExceptionCollector {
  private readonly done: SubException[] = [];
  private readonly open: Open[] = [];
  private total = 0;
  private direct = 0;

  push(line: string): void {
    const separator = SEPARATOR.exec(line);
    if (separator) {
      const indent = separator[1]!.length / 2;
      const depth = separator[2] ? indent + 1 : indent;
      this.closeFrom(depth);
      const parent = this.open[this.open.length - 1];
      const title = separator[3]!;
      const path = parent?.slot ? `${parent.slot.path}.${title}` : title;
      // Slots are taken in print order, so the summary lists sub-exceptions as Python printed them.
      const slot = title !== '...' && this.done.length < MAX_SUB_EXCEPTIONS ? { path } : undefined;
      if (slot) this.done.push(slot);
      this.open.push({ depth, ...(slot ? { slot } : {}), frames: [], group: false });
      if (title !== '...') {
        this.total++;
        if (depth === TOP_CHILD_DEPTH) this.direct++;
      }
      return;
    }
    const close = CLOSE.exec(line);
    if (close) {
      this.closeFrom(close[1]!.length / 2);
      return;
    }
    const margin = MARGIN.exec(line);
    if (!margin) return;
    const depth = margin[1]!.length / 2;
    // A shallower line: the deeper sub-exceptions ended without their closing rule.
    this.closeFrom(depth + 1);
    const current = this.open[this.open.length - 1];
    if (!current || current.depth !== depth) return;
    this.pushOwnLine(current, margin[3] ?? '');
  }

  /** The sub-exceptions seen so far (call when the traceback ended). */
  result(): GroupSummary {
    this.closeFrom(0);
    return { subExceptions: this.done.map((s) => ({ ...s })), direct: this.direct, total: this.total };
  }

  private pushOwnLine(entry: Open, text: string): void {
    if (HEADER.test(text) || CHAIN.test(text)) {
      // A new block of this sub-exception's chain (or its own group header): the last one counts.
      entry.frames = [];
      entry.appFrame = undefined;
      entry.group = /Exception Group/.test(text);
      return;
    }
    const more = MORE.exec(text);
    if (more) {
      this.total += Number(more[1]);
      if (entry.depth === TOP_CHILD_DEPTH) this.direct += Number(more[1]);
      return;
    }
    const frame = frameLine(text);
    if (frame) {
      if (frame.location) return;
      entry.frames.push(frame.frame);
      if (entry.frames.length > 3) entry.frames.shift();
      if (!isLibraryFrame(frame.frame)) entry.appFrame = frame.frame;
      return;
    }
    if (/^\s/.test(text)) return; // source line, carets, notes
    const exception = exceptionLine(text);
    if (!exception) return;
    entry.type = preCut(exception.type, 200);
    entry.value = exception.value === undefined ? undefined : preCut(exception.value, 300);
    const innermost = entry.frames[entry.frames.length - 1];
    entry.frame = entry.group ? (entry.appFrame ?? innermost) : innermost;
  }

  private closeFrom(depth: number): void {
    while (this.open.length > 0 && this.open[this.open.length - 1]!.depth >= depth) {
      const entry = this.open.pop()!;
      if (!entry.slot) continue;
      if (entry.type !== undefined) entry.slot.type = entry.type;
      if (entry.value !== undefined) entry.slot.value = entry.value;
      if (entry.frame) entry.slot.frame = entry.frame;
    }
  }
}
