/**
 * Splits a JSON document arriving in byte chunks into its top-level parts, so a trace is never held as one string
 * plus one object tree: a top-level array yields its elements one by one; a top-level object yields each member, and
 * the arrays of chosen members (`traceEvents`, `samples`) element by element. Each part is handed to JSON.parse on its
 * own — this only finds where parts end (brackets outside strings), it parses no values.
 *
 * A file cut short (the Trace Event Format allows a missing `]`, and recorders leave a trailing comma) yields every
 * complete part; `finish` says what was missing. An element that is not valid JSON is reported and skipped.
 */

export interface SplitterSink {
  /** A complete part: `key` is the member it belongs to (null: an element of a top-level array). */
  part(key: string | null, value: unknown): void;
  /** A part that JSON.parse rejected (skipped). */
  badPart(key: string | null): void;
}

export interface SplitEnd {
  /** The document was a JSON array or object (possibly unfinished). */
  recognised: boolean;
  /** The document was closed (its last `]` or `}` was read). */
  complete: boolean;
  /** Bytes of an unfinished last part, dropped. */
  droppedBytes: number;
}

const enum Mode {
  Start,
  /** Between elements of a split array. */
  Array,
  /** Between members of the top-level object, expecting a key or `}`. */
  Key,
  /** After a key, expecting `:`. */
  Colon,
  /** After `:`, expecting a value. */
  Value,
  /** Reading a part (an element, a member's value, or a key). */
  Part,
  Done,
  /** Not JSON we can split: the rest is ignored. */
  Dead,
}

const QUOTE = 34;
const BACKSLASH = 92;

export class JsonSplitter {
  private mode = Mode.Start;
  /** The array being split belongs to this member (null: the top-level array). */
  private arrayKey: string | null = null;
  private topIsArray = false;
  private key: string | null = null;
  private sawBom = false;
  // The part being read: what it is, and the scanner's state (survives chunk boundaries).
  private partIsKey = false;
  private partOwner: string | null = null;
  private depth = 0;
  private inString = false;
  private escape = false;
  private scalar = false;
  private returnMode = Mode.Array;
  // Bytes of the part read so far when a chunk ended inside it.
  private carry = new Uint8Array(0);
  private carryLength = 0;
  private readonly decoder = new TextDecoder('utf-8');

  constructor(
    private readonly splitMembers: ReadonlySet<string>,
    private readonly sink: SplitterSink
  ) {}

  push(chunk: Uint8Array) {
    let i = 0;
    const n = chunk.length;
    while (i < n) {
      if (this.mode === Mode.Part) {
        const start = i;
        let end = this.scan(chunk, i, n);
        if (end < 0) {
          this.appendCarry(chunk, start, n);
          return;
        }
        if (end === start && this.carryLength === 0) {
          // A part that ends before it begins (`[}`): the stray byte is the part, and JSON.parse rejects it.
          end = start + 1;
        }
        this.completePart(chunk, start, end);
        i = end;
        continue;
      }
      i = this.between(chunk, i, n);
    }
  }

  finish(): SplitEnd {
    let droppedBytes = 0;
    if (this.mode === Mode.Part) {
      if (this.scalar && !this.partIsKey) {
        // A number or literal ends at the end of input: `[1, 2` is two elements.
        this.completePart(new Uint8Array(0), 0, 0);
      } else {
        droppedBytes = this.carryLength;
        this.carryLength = 0;
      }
    }
    const recognised = this.mode !== Mode.Start && this.mode !== Mode.Dead;
    return { recognised, complete: this.mode === Mode.Done, droppedBytes };
  }

  /** Handles bytes outside any part; returns where the next unread byte is. */
  private between(b: Uint8Array, i: number, n: number): number {
    const c = b[i];
    if (c === 32 || c === 10 || c === 13 || c === 9) {
      return i + 1;
    }
    switch (this.mode) {
      case Mode.Start:
        if (!this.sawBom && c === 0xef && b[i + 1] === 0xbb && b[i + 2] === 0xbf) {
          this.sawBom = true;
          return i + 3;
        }
        if (c === 91 /* [ */) {
          this.topIsArray = true;
          this.arrayKey = null;
          this.mode = Mode.Array;
        } else if (c === 123 /* { */) {
          this.mode = Mode.Key;
        } else {
          this.mode = Mode.Dead;
          return n;
        }
        return i + 1;
      case Mode.Array:
        if (c === 44 /* , */) {
          return i + 1;
        }
        if (c === 93 /* ] */) {
          this.mode = this.topIsArray ? Mode.Done : Mode.Key;
          return i + 1;
        }
        this.beginPart(c, false, this.arrayKey, Mode.Array);
        return i;
      case Mode.Key:
        if (c === 44) {
          return i + 1;
        }
        if (c === 125 /* } */) {
          this.mode = Mode.Done;
          return i + 1;
        }
        if (c !== QUOTE) {
          this.mode = Mode.Dead;
          return n;
        }
        this.beginPart(c, true, null, Mode.Colon);
        return i;
      case Mode.Colon:
        this.mode = c === 58 /* : */ ? Mode.Value : Mode.Dead;
        return this.mode === Mode.Dead ? n : i + 1;
      case Mode.Value:
        if (c === 91 && this.key !== null && this.splitMembers.has(this.key)) {
          this.arrayKey = this.key;
          this.mode = Mode.Array;
          return i + 1;
        }
        this.beginPart(c, false, this.key, Mode.Key);
        return i;
      default:
        // Done (trailing bytes after the document are ignored) or Dead.
        return n;
    }
  }

  private beginPart(first: number, isKey: boolean, owner: string | null, returnMode: Mode) {
    this.mode = Mode.Part;
    this.partIsKey = isKey;
    this.partOwner = owner;
    this.returnMode = returnMode;
    this.depth = 0;
    this.inString = false;
    this.escape = false;
    this.scalar = first !== QUOTE && first !== 123 && first !== 91;
    this.carryLength = 0;
  }

  /**
   * Scans a part from b[i]; returns the index just past its end, or -1 when it runs past `n`. Strings are skipped
   * with indexOf to the next quote (then checked for an escaping backslash), the rest byte by byte.
   */
  private scan(b: Uint8Array, i: number, n: number): number {
    let depth = this.depth;
    let inString = this.inString;
    let escape = this.escape;
    if (this.scalar) {
      for (; i < n; i++) {
        const c = b[i];
        if (c === 44 || c === 93 || c === 125 || c === 32 || c === 10 || c === 13 || c === 9) {
          return i;
        }
      }
      return -1;
    }
    while (i < n) {
      if (inString) {
        if (escape) {
          escape = false;
          i++;
          continue;
        }
        const q = b.indexOf(QUOTE, i);
        const stop = q < 0 ? n : q;
        // An odd run of backslashes just before the quote escapes it.
        let k = stop - 1;
        while (k >= i && b[k] === BACKSLASH) {
          k--;
        }
        const slashes = stop - 1 - k;
        if (q < 0) {
          escape = slashes % 2 === 1;
          i = n;
          break;
        }
        if (slashes % 2 === 1) {
          i = q + 1;
          continue;
        }
        inString = false;
        i = q + 1;
        if (depth === 0) {
          return i;
        }
        continue;
      }
      const c = b[i++];
      if (c === QUOTE) {
        inString = true;
      } else if (c === 123 || c === 91) {
        depth++;
      } else if (c === 125 || c === 93) {
        depth--;
        if (depth === 0) {
          return i;
        }
      }
    }
    this.depth = depth;
    this.inString = inString;
    this.escape = escape;
    return -1;
  }

  private completePart(b: Uint8Array, start: number, end: number) {
    let bytes: Uint8Array;
    if (this.carryLength > 0) {
      this.appendCarry(b, start, end);
      bytes = this.carry.subarray(0, this.carryLength);
      this.carryLength = 0;
    } else {
      bytes = b.subarray(start, end);
    }
    this.mode = this.returnMode;
    let value: unknown;
    try {
      value = JSON.parse(this.decoder.decode(bytes));
    } catch {
      if (this.partIsKey) {
        this.mode = Mode.Dead;
      } else {
        this.sink.badPart(this.partOwner);
      }
      return;
    }
    if (this.partIsKey) {
      this.key = String(value);
    } else {
      this.sink.part(this.partOwner, value);
    }
    // Don't keep a huge buffer alive after one huge part.
    if (this.carry.length > 1 << 24) {
      this.carry = new Uint8Array(0);
    }
  }

  private appendCarry(b: Uint8Array, start: number, end: number) {
    const need = this.carryLength + (end - start);
    if (need > this.carry.length) {
      const bigger = new Uint8Array(Math.max(need, this.carry.length * 2, 4096));
      bigger.set(this.carry.subarray(0, this.carryLength));
      this.carry = bigger;
    }
    this.carry.set(b.subarray(start, end), this.carryLength);
    this.carryLength = need;
  }
}
