/**
 * Which format a profile is, from its first bytes (never its name; gzip is unwrapped before this). Detection looks
 * at fixed prefixes — the first 4 KiB, then 64 KiB, then 1 MiB while it cannot decide — so however the input is
 * chunked, the same bytes give the same answer.
 *
 *   nflxprofile   protobuf: the Profile message's first field (start_time, a double: tag 0x09), then end_time (0x11)
 *   cpuprofile    a JSON object whose top-level keys are a V8 CPU profile's (nodes, timeDeltas, startTime, head…)
 *   chrome-trace  a JSON array of objects, or an object with traceEvents / metadata / displayTimeUnit …
 *   folded        lines of `frame;frame;… count` (FlameGraph's format)
 *   perf-script   anything else (its parser says what it could not read)
 */
import { ProfileFormat } from './store';
import { stringEnd } from './json-arrays';

export const DETECT_WINDOWS: readonly number[] = [4096, 65536, 1 << 20];

/** Top-level keys only a V8 CPU profile has (the new `nodes`/`timeDeltas` shape, and the old `head`/`timestamps`). */
const CPUPROFILE_KEYS = new Set(['nodes', 'timeDeltas', 'startTime', 'endTime', 'head', 'timestamps']);
/** Top-level keys of the Trace Event Format's object form and of DevTools recordings. */
const TRACE_KEYS = new Set([
  'traceEvents',
  'metadata',
  'displayTimeUnit',
  'systemTraceEvents',
  'otherData',
  'stackFrames',
  'powerTraceAsString',
]);
/** Folded lines looked at: enough to tell a folded file from text that merely ends lines with a number. */
const MAX_FOLDED_LINES = 64;

const LF = 10;
const CR = 13;
const SPACE = 32;
const TAB = 9;

/**
 * The format of an input that starts with `head`; undefined when more bytes are needed to tell. `complete`: `head`
 * is the whole input (then the answer is never undefined).
 */
export function detectFormat(head: Uint8Array, complete: boolean): ProfileFormat | undefined {
  const nflx = isNflxprofile(head);
  if (nflx !== false) {
    return nflx === true ? 'nflxprofile' : complete ? 'perf-script' : undefined;
  }
  let p = head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  p = skipWhitespace(head, p);
  if (p === head.length) {
    return complete ? 'perf-script' : undefined;
  }
  if (head[p] === 0x5b /* [ */) {
    // A trace's bare array form: `[` then an event object (or nothing, `[]`).
    const q = skipWhitespace(head, p + 1);
    if (q === head.length) {
      return complete ? 'perf-script' : undefined;
    }
    return head[q] === 0x7b || head[q] === 0x5d ? 'chrome-trace' : 'perf-script';
  }
  if (head[p] === 0x7b /* { */) {
    return jsonObjectFormat(head, p) ?? (complete ? 'perf-script' : undefined);
  }
  const folded = looksFolded(head, p, complete);
  if (folded === undefined) {
    return undefined;
  }
  return folded ? 'folded' : 'perf-script';
}

/** true: nflxprofile; false: not; undefined: too few bytes to tell (a TAB that may start text or a protobuf). */
function isNflxprofile(head: Uint8Array): boolean | undefined {
  if (head.length === 0 || head[0] !== 0x09) {
    return false;
  }
  if (head.length < 10) {
    return undefined;
  }
  // start_time as a little-endian double, then end_time's tag: text never puts a 0x11 there.
  const start = new DataView(head.buffer, head.byteOffset + 1, 8).getFloat64(0, true);
  return head[9] === 0x11 && Number.isFinite(start);
}

function skipWhitespace(buf: Uint8Array, p: number): number {
  while (p < buf.length && (buf[p] === SPACE || buf[p] === TAB || buf[p] === LF || buf[p] === CR)) {
    p++;
  }
  return p;
}

/** The format a JSON object's top-level keys say, reading keys until one decides; undefined if none does. */
function jsonObjectFormat(buf: Uint8Array, start: number): ProfileFormat | undefined {
  let depth = 0;
  for (let i = start; i < buf.length; i++) {
    const c = buf[i];
    if (c === 0x22 /* " */) {
      const end = stringEnd(buf, i + 1);
      if (end < 0) {
        return undefined;
      }
      if (depth === 1) {
        const colon = skipWhitespace(buf, end + 1);
        if (colon < buf.length && buf[colon] === 0x3a /* : */) {
          const key = asciiKey(buf, i + 1, end);
          if (CPUPROFILE_KEYS.has(key)) {
            return 'cpuprofile';
          }
          if (TRACE_KEYS.has(key)) {
            return 'chrome-trace';
          }
        }
      }
      i = end;
    } else if (c === 0x7b || c === 0x5b) {
      depth++;
    } else if (c === 0x7d || c === 0x5d) {
      if (--depth === 0) {
        return undefined; // the object ended without a key of either format
      }
    }
  }
  return undefined;
}

function asciiKey(buf: Uint8Array, start: number, end: number): string {
  if (end - start > 32) {
    return '';
  }
  let key = '';
  for (let i = start; i < end; i++) {
    key += String.fromCharCode(buf[i]);
  }
  return key;
}

/**
 * Whether the lines from `p` are folded stacks: at least nine in ten lines `stack count` (a torn line does not make a
 * folded file perf script), and a stack with a `;` (so `comm pid` lines of a perf script without call chains are not
 * taken for folded). Decided on up to 64 lines; undefined while the window holds too few to tell.
 */
function looksFolded(buf: Uint8Array, p: number, complete: boolean): boolean | undefined {
  let good = 0;
  let bad = 0;
  let semicolons = false;
  while (p < buf.length && good + bad < MAX_FOLDED_LINES) {
    let nl = buf.indexOf(LF, p);
    if (nl < 0) {
      if (!complete) {
        break;
      }
      nl = buf.length;
    }
    const end = nl > p && buf[nl - 1] === CR ? nl - 1 : nl;
    if (end > p) {
      const line = foldedLine(buf, p, end);
      if (line === undefined) {
        bad++;
      } else {
        good++;
        semicolons ||= line.semicolon;
      }
    }
    p = nl + 1;
  }
  const lines = good + bad;
  const enough = complete || lines >= MAX_FOLDED_LINES;
  if (semicolons && bad * 10 <= lines && (enough || bad === 0)) {
    return true;
  }
  return enough || bad * 10 > MAX_FOLDED_LINES ? false : undefined;
}

/** A folded line's parts: the stack's end and the count's start; undefined when the line is not one. */
export function foldedLine(
  buf: Uint8Array,
  start: number,
  end: number
): { stackEnd: number; countStart: number; semicolon: boolean } | undefined {
  const first = buf[start];
  if (first === SPACE || first === TAB || first === 0x23 /* # */) {
    return undefined;
  }
  let q = end;
  while (q > start && isDigit(buf[q - 1])) {
    q--;
  }
  if (q < end && q - 1 > start && buf[q - 1] === 0x2e /* . */ && isDigit(buf[q - 2])) {
    // A fractional count (`a;b 12.5`), which flamegraph.pl accepts.
    q--;
    while (q > start && isDigit(buf[q - 1])) {
      q--;
    }
  }
  if (q === end || q === start || (buf[q - 1] !== SPACE && buf[q - 1] !== TAB)) {
    return undefined;
  }
  // One blank separates the count (flamegraph.pl's `\s+?`): a stack may end in blanks (perl's name for a frame
  // without a symbol is a space).
  const stackEnd = q - 1;
  let semicolon = false;
  for (let i = start; i < stackEnd; i++) {
    const c = buf[i];
    if (c === 0x3b /* ; */) {
      semicolon = true;
    } else if (c < 0x20 && c !== TAB) {
      return undefined; // control bytes: binary, not text
    }
  }
  return { stackEnd, countStart: q, semicolon };
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
