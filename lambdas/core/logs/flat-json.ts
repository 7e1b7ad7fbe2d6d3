// A cheap reader for the common structured log line: one JSON object whose values are all strings without
// escapes, numbers, booleans or null (structlog / python-json-logger lines without nested fields). It finds
// where each member is with native substring searches, without building the object, so log-watch reads
// only the fields its rules look at. Anything else (an escape, a control or C1 character, a lone or paired
// surrogate, a nested object or array, odd whitespace, invalid JSON) is refused: the caller then parses the
// line with JSON.parse, so this reader never decides what JSON means.

/**
 * Characters the reader leaves to JSON.parse: controls (invalid raw in a JSON string), backslash (escapes),
 * C1 controls and surrogates (which sanitize() in message.ts would rewrite). Without them a string ends
 * at the next quote and the text is already what applicationText() would return.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const NOT_PLAIN = /[\u0000-\u001f\\\u007f-\u009f\ud800-\udfff]/;

const QUOTE = 0x22;
const COMMA = 0x2c;
const COLON = 0x3a;
const SPACE = 0x20;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;

/** Members of one line, at most this many (a line with more goes to JSON.parse). */
const MAX_MEMBERS = 64;

/**
 * Reused across lines (one per scan): where each member's key and value are in the last line read.
 * Lookups keep JSON.parse's meaning: a duplicate key's last value wins.
 */
export class FlatJsonLine {
  private text = '';
  private count = 0;
  private readonly keyStart = new Int32Array(MAX_MEMBERS);
  private readonly keyLength = new Int32Array(MAX_MEMBERS);
  private readonly valueStart = new Int32Array(MAX_MEMBERS);
  private readonly valueEnd = new Int32Array(MAX_MEMBERS);
  /** Ids of the indexed names by length: a member's key is matched once, while the line is read. */
  private readonly byLength: number[][] = [];
  private readonly names: string[];
  /** First character of each indexed name: most candidates of the same length are ruled out without a string compare. */
  private readonly firstCodes: Int32Array;
  /** Per indexed name, the member that holds it last (-1: none). */
  private readonly slots: Int32Array;
  /** A bit per indexed name among the first 32 that the line has (see hasAny). */
  private present = 0;
  /** mayHaveAny's masks by name list (-1: a list it cannot answer for). */
  private readonly groupMasks = new Map<readonly string[], number>();

  /** `indexed`: the names looked up on every line (any other name is still found, by a walk over the members). */
  constructor(indexed: readonly string[] = []) {
    this.names = [...new Set(indexed)];
    this.slots = new Int32Array(this.names.length).fill(-1);
    this.firstCodes = Int32Array.from(this.names, (name) => (name === '' ? -1 : name.charCodeAt(0)));
    this.names.forEach((name, id) => {
      const sameLength = this.byLength[name.length] ?? [];
      sameLength.push(id);
      this.byLength[name.length] = sameLength;
    });
  }

  /**
   * Index `text` when it is a flat, plain JSON object (see the file comment); false leaves nothing to
   * read and means "ask JSON.parse", never "not JSON".
   */
  read(text: string): boolean {
    this.text = text;
    this.count = 0;
    this.present = 0;
    this.slots.fill(-1);
    const last = text.length - 1;
    if (text.charCodeAt(0) !== OPEN_BRACE || text.charCodeAt(last) !== CLOSE_BRACE || NOT_PLAIN.test(text)) return false;
    let i = skipSpaces(text, 1);
    if (i === last) return true;
    for (;;) {
      if (this.count === MAX_MEMBERS || text.charCodeAt(i) !== QUOTE) return this.refuse();
      // No backslash and no control character: the string ends at the next quote and is valid as it is.
      const keyEnd = text.indexOf('"', i + 1);
      if (keyEnd < 0) return this.refuse();
      const member = this.count++;
      this.keyStart[member] = i + 1;
      this.keyLength[member] = keyEnd - i - 1;
      const candidates = this.byLength[keyEnd - i - 1];
      if (candidates !== undefined) {
        const first = text.charCodeAt(i + 1);
        // Indexed loops here and below: this runs per member of every line, and for-of may allocate an iterator.
        for (let c = 0; c < candidates.length; c++) {
          const id = candidates[c]!;
          if ((this.firstCodes[id] === first || this.firstCodes[id] === -1) && text.startsWith(this.names[id]!, i + 1)) {
            this.slots[id] = member;
            if (id < 32) this.present |= 1 << id;
            break;
          }
        }
      }
      i = skipSpaces(text, keyEnd + 1);
      if (text.charCodeAt(i) !== COLON) return this.refuse();
      i = skipSpaces(text, i + 1);
      this.valueStart[member] = i;
      if (text.charCodeAt(i) === QUOTE) {
        const valueEnd = text.indexOf('"', i + 1);
        if (valueEnd < 0) return this.refuse();
        i = valueEnd + 1;
      } else {
        i = literalEnd(text, i);
        if (i < 0) return this.refuse();
      }
      this.valueEnd[member] = i;
      i = skipSpaces(text, i);
      const next = text.charCodeAt(i);
      if (next === CLOSE_BRACE) return i === last || this.refuse();
      if (next !== COMMA) return this.refuse();
      i = skipSpaces(text, i + 1);
    }
  }

  /** Members of the last line read (duplicates included). */
  get size(): number {
    return this.count;
  }

  /**
   * The bits of `names` for hasAny: each must be one of the first 32 indexed names (a programming error
   * otherwise, thrown where the reader is set up).
   */
  maskOf(names: readonly string[]): number {
    let mask = 0;
    for (const name of names) {
      const id = this.names.indexOf(name);
      if (id < 0 || id >= 32) throw new Error(`FlatJsonLine.maskOf: ${JSON.stringify(name)} is not among the first 32 indexed names`);
      mask |= 1 << id;
    }
    return mask;
  }

  /** Whether the last line read has a member named by one of the bits of `mask` (maskOf): one test instead of a lookup per name. */
  hasAny(mask: number): boolean {
    return (this.present & mask) !== 0;
  }

  /**
   * Whether the last line read may have a member named in `names`: false when all of them are among the
   * first 32 indexed names and none is there; true otherwise (then ask get()).
   */
  mayHaveAny(names: readonly string[]): boolean {
    let mask = this.groupMasks.get(names);
    if (mask === undefined) {
      mask = names.every((name) => this.names.indexOf(name) >= 0 && this.names.indexOf(name) < 32) ? this.maskOf(names) : -1;
      this.groupMasks.set(names, mask);
    }
    return mask === -1 || (this.present & mask) !== 0;
  }

  /** Whether the last line read has a member called `name`. */
  has(name: string): boolean {
    return this.find(name) >= 0;
  }

  /** The value of `name` as JSON.parse gives it (the last duplicate), or undefined when there is no such key. */
  get(name: string): unknown {
    const member = this.find(name);
    return member < 0 ? undefined : this.value(member);
  }

  /** Which of `options` the string value of `name` is (-1: none, or no such string member), compared in place: no string built. */
  stringIndexOf(name: string, options: readonly string[]): number {
    const member = this.find(name);
    if (member < 0 || this.text.charCodeAt(this.valueStart[member]!) !== QUOTE) return -1;
    const start = this.valueStart[member]! + 1;
    const length = this.valueEnd[member]! - start - 1;
    for (let o = 0; o < options.length; o++) {
      const option = options[o]!;
      if (option.length === length && this.text.startsWith(option, start)) return o;
    }
    return -1;
  }

  /** Whether member `member`'s value is a string whose first character is `{` or might be whitespace (an object logged as a string). */
  valueMayHoldObject(member: number): boolean {
    const start = this.valueStart[member]!;
    if (this.text.charCodeAt(start) !== QUOTE || start + 1 === this.valueEnd[member]! - 1) return false;
    const first = this.text.charCodeAt(start + 1);
    return first === OPEN_BRACE || first <= SPACE || first >= 0x85;
  }

  /** The value of member `member` as JSON.parse gives it. */
  private value(member: number): unknown {
    const text = this.text;
    const start = this.valueStart[member]!;
    const end = this.valueEnd[member]!;
    const c = text.charCodeAt(start);
    if (c === QUOTE) return text.slice(start + 1, end - 1);
    if (c === 0x74) return true;
    if (c === 0x66) return false;
    if (c === 0x6e) return null;
    return Number(text.slice(start, end));
  }

  /** The last member called `name`, or -1: keys are compared in place, no string built. */
  private find(name: string): number {
    // The indexed names of this length: a few comparisons of (usually the same, interned) strings, no hashing.
    const candidates = this.byLength[name.length];
    if (candidates !== undefined) {
      for (let c = 0; c < candidates.length; c++) if (this.names[candidates[c]!] === name) return this.slots[candidates[c]!]!;
    }
    for (let member = this.count - 1; member >= 0; member--) {
      if (this.keyLength[member] === name.length && this.text.startsWith(name, this.keyStart[member])) return member;
    }
    return -1;
  }

  private refuse(): false {
    this.count = 0;
    this.present = 0;
    this.slots.fill(-1);
    return false;
  }
}

/** JSON whitespace between tokens (space, tab, LF, CR; NOT_PLAIN already refused the last three). */
function skipSpaces(text: string, i: number): number {
  while (text.charCodeAt(i) === SPACE) i++;
  return i;
}

/** End of `true`, `false`, `null` or a JSON number starting at `i`, or -1. */
function literalEnd(text: string, i: number): number {
  if (text.startsWith('true', i) || text.startsWith('null', i)) return i + 4;
  if (text.startsWith('false', i)) return i + 5;
  if (text.charCodeAt(i) === MINUS) i++;
  const first = text.charCodeAt(i);
  if (first === ZERO) i++;
  else if (first > ZERO && first <= NINE) i = digitsEnd(text, i);
  else return -1;
  if (text.charCodeAt(i) === DOT) {
    const after = digitsEnd(text, i + 1);
    if (after === i + 1) return -1;
    i = after;
  }
  const e = text.charCodeAt(i);
  if (e === 0x65 || e === 0x45) {
    i++;
    const sign = text.charCodeAt(i);
    if (sign === PLUS || sign === MINUS) i++;
    const after = digitsEnd(text, i);
    if (after === i) return -1;
    i = after;
  }
  return i;
}

function digitsEnd(text: string, i: number): number {
  for (;;) {
    const c = text.charCodeAt(i);
    if (c < ZERO || c > NINE) return i;
    i++;
  }
}
