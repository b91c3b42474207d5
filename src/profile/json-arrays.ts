/**
 * The big number arrays of a JSON profile (a .cpuprofile's `samples` and `timeDeltas`: nine tenths of a long
 * recording's bytes) read straight from the bytes into Float64Arrays, so JSON.parse only sees the rest: no string
 * of those bytes, no JS arrays of millions of numbers. Strict JSON: an array holding anything but numbers (or any
 * syntax error in one) is left in the text for JSON.parse, which then reads it — or reports the error — as usual.
 */

/** A top-level array taken out of the text: its key and values; [start, end) are its bytes (`[` to `]`). */
export interface NumberArray {
  key: string;
  values: Float64Array;
  start: number;
  end: number;
}

const LF = 10;
const CR = 13;
const SPACE = 32;
const TAB = 9;

/**
 * The top-level number arrays under `keys` in the JSON object `buf` holds, in the order they appear; an array that is
 * not strictly numbers is not among them. Only the outer object's own keys are looked at (nested ones are its data).
 */
export function findNumberArrays(input: Uint8Array, keys: readonly string[]): NumberArray[] {
  // Read through a plain Uint8Array (Node's Buffer is a subclass: one shape keeps the loops monomorphic).
  const buf =
    input.constructor === Uint8Array ? input : new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  const found: NumberArray[] = [];
  let depth = 0;
  for (let i = 0; i < buf.length; i++) {
    const c = buf[i];
    if (c === 0x22 /* " */) {
      const end = stringEnd(buf, i + 1);
      if (end < 0) {
        return found;
      }
      if (depth === 1) {
        const key = keyAt(buf, i + 1, end, keys);
        const colon = skipWhitespace(buf, end + 1);
        const open = buf[colon] === 0x3a /* : */ ? skipWhitespace(buf, colon + 1) : -1;
        if (key !== undefined && open >= 0 && buf[open] === 0x5b /* [ */) {
          const array = readNumbers(buf, open);
          if (array !== undefined) {
            found.push({ key, ...array });
            i = array.end - 1;
            continue;
          }
        }
      }
      i = end;
    } else if (c === 0x7b || c === 0x5b) {
      depth++;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
  return found;
}

/** The numbers of the array opening at `open`, and the index past its `]`; undefined when it is not all numbers. */
function readNumbers(buf: Uint8Array, open: number): { values: Float64Array; start: number; end: number } | undefined {
  // Sized once: an array of numbers holds no `]` but its last, and one comma fewer than numbers.
  const close = buf.indexOf(0x5d /* ] */, open);
  if (close < 0) {
    return undefined;
  }
  let commas = 0;
  for (let i = open + 1; i < close; i++) {
    if (buf[i] === 0x2c) {
      commas++;
    }
  }
  const values = new Float64Array(commas + 1);
  let n = 0;
  let p = skipWhitespace(buf, open + 1);
  if (p === close) {
    return { values: values.subarray(0, 0), start: open, end: p + 1 };
  }
  // Past the end buf[p] is undefined, which every comparison below rejects.
  for (;;) {
    const start = p;
    let c = buf[p];
    const negative = c === 0x2d; /* - */
    if (negative) {
      c = buf[++p];
    }
    const digits = p;
    let v = 0;
    while (c >= 48 && c <= 57) {
      v = v * 10 + (c - 48);
      c = buf[++p];
    }
    const count = p - digits;
    if (count === 0 || (count > 1 && buf[digits] === 48)) {
      return undefined; // no digits, or a leading zero (not JSON)
    }
    if (c === 0x2e /* . */ || c === 0x65 /* e */ || c === 0x45 /* E */ || count > 15) {
      // A fraction, an exponent, or more digits than a double holds exactly: the general (slower) reading.
      p = numberEnd(buf, p);
      if (p < 0) {
        return undefined;
      }
      v = Number(ascii(buf, start, p));
      c = buf[p];
    } else if (negative) {
      v = -v;
    }
    if (n === values.length) {
      return undefined; // more numbers than commas allow: not a plain array
    }
    values[n++] = v;
    if (c !== 0x2c /* , */ && c !== 0x5d /* ] */) {
      p = skipWhitespace(buf, p);
      c = buf[p];
    }
    if (c === 0x2c) {
      p++;
      if (buf[p] < 0x2d) {
        p = skipWhitespace(buf, p); // whitespace (all below '-') after the comma
      }
    } else if (c === 0x5d) {
      return p === close && n === values.length ? { values, start: open, end: p + 1 } : undefined;
    } else {
      return undefined;
    }
  }
}

/** The end of a JSON number's fraction and exponent from `p` (after its integer digits), or -1 when malformed. */
function numberEnd(buf: Uint8Array, p: number): number {
  while (p < buf.length && buf[p] >= 48 && buf[p] <= 57) {
    p++;
  }
  if (buf[p] === 0x2e) {
    const digits = ++p;
    while (p < buf.length && buf[p] >= 48 && buf[p] <= 57) {
      p++;
    }
    if (p === digits) {
      return -1;
    }
  }
  if (buf[p] === 0x65 || buf[p] === 0x45) {
    p++;
    if (buf[p] === 0x2b || buf[p] === 0x2d) {
      p++;
    }
    const digits = p;
    while (p < buf.length && buf[p] >= 48 && buf[p] <= 57) {
      p++;
    }
    if (p === digits) {
      return -1;
    }
  }
  return p;
}

function skipWhitespace(buf: Uint8Array, p: number): number {
  while (p < buf.length && (buf[p] === SPACE || buf[p] === TAB || buf[p] === LF || buf[p] === CR)) {
    p++;
  }
  return p;
}

/** Index of the quote closing a JSON string whose text starts at `p`, or -1 when it runs past the buffer. */
export function stringEnd(buf: Uint8Array, p: number): number {
  for (; p < buf.length; p++) {
    if (buf[p] === 0x5c /* \ */) {
      p++;
    } else if (buf[p] === 0x22) {
      return p;
    }
  }
  return -1;
}

/** The key at [start, end) when it is one of `keys` (compared as bytes: keys are ASCII). */
function keyAt(buf: Uint8Array, start: number, end: number, keys: readonly string[]): string | undefined {
  for (const key of keys) {
    if (key.length === end - start) {
      let same = true;
      for (let i = 0; i < key.length && same; i++) {
        same = buf[start + i] === key.charCodeAt(i);
      }
      if (same) {
        return key;
      }
    }
  }
  return undefined;
}

function ascii(buf: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let i = start; i < end; i++) {
    s += String.fromCharCode(buf[i]);
  }
  return s;
}
