/**
 * Streaming parser for `perf script` text (and simpleperf's TAB-separated variant). Push byte chunks of any size;
 * lines are found with Uint8Array.indexOf and read in place, so a profile is never held as one string and the
 * per-line work is a byte scan plus a hash lookup. Malformed input never throws: what cannot be read is counted in
 * the store's warnings.
 */
import { byteString, CHAR_CR, CHAR_LF, isBlank, isHexDigit } from '../bytes';
import { StoreBuilder } from '../builder';
import { ByteInterner } from '../interner';
import { PartialStore } from '../merge';
import { ProfileParser } from '../parser';
import { ProfileStore } from '../store';
import { emptyEventLine, EventLine, parseEventLine } from './event-line';
import { FrameLineCache, FrameLineMatcher } from './frame-line-cache';
import { parseHeaderLine } from './header';
import { createWasmFrameLineCache } from './wasm-frame-line-cache';

export interface PerfScriptOptions {
  /** Keep the address of `[unknown]` frames (FlameGraph's `--addrs`); costs a frame per distinct address. */
  keepUnknownAddresses?: boolean;
  /** Read every frame line the full way (tests compare the two ways). */
  noFrameLineCache?: boolean;
  /** Use the JavaScript frame-line cache even where the WebAssembly one runs (tests compare the two). */
  javascriptFrameLineCache?: boolean;
  /** A parser of chunks (chunked.ts): stacks kept as frame sequences for the merge, no trie (see BuilderOptions). */
  stacksAsSequences?: boolean;
}

/** frameValue's answer for a line that is not a frame. */
const NOT_A_FRAME = -1;

/** Lines longer than this are garbage (a binary file, say): they are skipped, not buffered without bound. */
export const MAX_LINE_BYTES = 1 << 20;
const UNKNOWN = [91, 117, 110, 107, 110, 111, 119, 110, 93]; // "[unknown]"
/**
 * A cache reads the chunk in its own memory (the WebAssembly one copies it there): a bigger input (a whole file pushed
 * at once) goes in pieces of this size, so that copy stays small. Threaded chunks (8 MiB and the rest of a sample)
 * stay whole.
 */
export const MAX_PLACED_BYTES = 16 << 20;

export class PerfScriptParser implements ProfileParser {
  private readonly b: StoreBuilder;
  private carry: Uint8Array | null = null;
  private carryLength = 0;
  private skippingLongLine = false;
  private lineNo = 0;
  private seenSample = false;
  private inSample = false;
  /** The sample being read is dropped (a bad timestamp): its frame lines are consumed, not interned. */
  private skipSample = false;
  private readonly ev: EventLine = emptyEventLine();
  // The sample being read.
  private sec = -1;
  private nsec = 0;
  private thread = 0;
  private cpu = -1;
  private event = 0;
  private period = 1;
  private stack = new Int32Array(256);
  private depth = 0;
  // Frame lines seen so far: (symbol, dso) bytes → frame id, or -(chain + 2) for a Java `a->b` chain.
  private readonly lineKeys = new ByteInterner();
  private lineFrame = new Int32Array(1024);
  private readonly chains: Int32Array[] = [];
  private resolvedKeys = 0;
  // Whole frame lines seen before → their frame value: most lines are matched here with one pass over their bytes.
  private readonly frameLines: FrameLineMatcher | null;
  private readScratch: Uint8Array = new Uint8Array(0);
  /** The cache's id of the frame line just read (-1: none, or not kept): the next line is likely what followed it. */
  private lastLine = -1;
  private released = false;

  constructor(private readonly options: PerfScriptOptions = {}) {
    this.b = new StoreBuilder({ stacksAsSequences: options.stacksAsSequences });
    this.frameLines = options.noFrameLineCache
      ? null
      : ((options.javascriptFrameLineCache ? null : createWasmFrameLineCache(!options.keepUnknownAddresses)) ??
        new FrameLineCache());
  }

  get bytesRead(): number {
    return this.b.bytesRead;
  }

  /**
   * The same memory for every read: push reads a chunk through, keeping only an unfinished line's copy. With the
   * WebAssembly cache it is that cache's memory, where the chunk must be anyway.
   */
  readTarget(bytes: number): Uint8Array {
    if (this.frameLines?.readTarget) {
      return this.frameLines.readTarget(bytes);
    }
    if (this.readScratch.length < bytes) {
      this.readScratch = new Uint8Array(bytes);
    }
    return this.readScratch.subarray(0, bytes);
  }

  push(input: Uint8Array): void {
    if (this.released) {
      throw new Error('this parser has finished: it takes no more input');
    }
    if (this.frameLines !== null && input.length > MAX_PLACED_BYTES) {
      for (let at = 0; at < input.length; at += MAX_PLACED_BYTES) {
        this.push(input.subarray(at, Math.min(input.length, at + MAX_PLACED_BYTES)));
      }
      return;
    }
    // Bytes are read through a plain Uint8Array view (Node's Buffer is a subclass: one shape keeps the hot path
    // monomorphic), but without a cache lines are found with the input's own indexOf (Buffer's is memchr, far faster
    // than the generic typed-array one). A cache reads the chunk where it placed it, and finds newlines there.
    const cache = this.frameLines;
    const chunk =
      cache !== null
        ? cache.place(input)
        : input.constructor === Uint8Array
          ? input
          : new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
    this.b.bytesRead += chunk.length;
    let pos = 0;
    if (this.carryLength > 0 || this.skippingLongLine) {
      const nl = cache !== null ? cache.newline(0) : input.indexOf(CHAR_LF);
      if (nl < 0) {
        this.appendCarry(chunk, 0, chunk.length);
        return;
      }
      if (this.skippingLongLine) {
        this.skippingLongLine = false;
        this.lineNo++;
      } else {
        this.appendCarry(chunk, 0, nl);
        if (!this.skippingLongLine) {
          this.line(this.carry!, 0, this.carryLength);
        } else {
          this.skippingLongLine = false;
          this.lineNo++;
        }
      }
      this.carryLength = 0;
      pos = nl + 1;
    }
    for (;;) {
      if (cache !== null && this.inSample && !this.skipSample) {
        // The hot path: a run of frame lines read before (usually the rest of the sample).
        const matched = cache.run(pos, this.lastLine);
        if (matched > 0) {
          this.pushValues(cache.runValues, matched, cache.runHasChains);
          this.lineNo += matched;
          this.lastLine = cache.runLast;
          pos = cache.runEnd;
        }
      }
      const nl = cache !== null ? cache.newline(pos) : input.indexOf(CHAR_LF, pos);
      if (nl < 0) {
        break;
      }
      this.line(chunk, pos, nl);
      pos = nl + 1;
    }
    if (pos < chunk.length) {
      this.appendCarry(chunk, pos, chunk.length);
    }
  }

  /** The store, once the input has ended. The parser is done: it takes no more input. */
  finish(): ProfileStore {
    this.end();
    this.release();
    return this.b.finish();
  }

  /** Frees what only parsing needs (a cache's memory goes to the next parser), for a parser given no more input. */
  release() {
    this.frameLines?.release?.();
    this.released = true;
  }

  /**
   * The input so far was one chunk of a profile, cut where a sample starts (chunks.ts): what it added, to be merged in
   * order with the other chunks (merge.ts) into the store `finish` would have made from the whole input. The parser
   * may then take a later chunk of the same profile (see startChunk).
   */
  finishPartial(): PartialStore {
    this.end();
    return this.b.partial(this.lineNo);
  }

  /**
   * Begins a later chunk of the same profile: as a fresh parser would (line 1, no sample open), keeping only what
   * was interned — the caches of frame lines and stacks that make repeated lines cheap.
   */
  startChunk() {
    this.carryLength = 0;
    this.skippingLongLine = false;
    this.lineNo = 0;
    this.seenSample = false;
    this.inSample = false;
    this.skipSample = false;
    this.b.startChunk();
  }

  private end() {
    if (this.carryLength > 0) {
      this.line(this.carry!, 0, this.carryLength);
      this.carryLength = 0;
    }
    if (this.inSample) {
      this.endSample();
    }
  }

  /** Records that the input ended early (a truncated download or gzip stream). */
  noteTruncated(message: string): void {
    this.b.warn('truncated', message);
  }

  private appendCarry(chunk: Uint8Array, start: number, end: number) {
    if (this.skippingLongLine) {
      return;
    }
    const need = this.carryLength + end - start;
    if (need > MAX_LINE_BYTES) {
      this.b.warn('garbage-line', `a line longer than ${MAX_LINE_BYTES} bytes was skipped`, this.lineNo + 1);
      this.skippingLongLine = true;
      this.carryLength = 0;
      return;
    }
    if (this.carry === null || this.carry.length < need) {
      const bigger = new Uint8Array(Math.max(need, 4096) * 2);
      if (this.carry) {
        bigger.set(this.carry.subarray(0, this.carryLength));
      }
      this.carry = bigger;
    }
    this.carry.set(chunk.subarray(start, end), this.carryLength);
    this.carryLength = need;
  }

  private line(buf: Uint8Array, start: number, lineEnd: number) {
    this.lineNo++;
    let end = lineEnd;
    if (end - start > MAX_LINE_BYTES) {
      // Same rule whether the line arrived in one chunk or many (see appendCarry).
      this.b.warn('garbage-line', `a line longer than ${MAX_LINE_BYTES} bytes was skipped`, this.lineNo);
      return;
    }
    if (end > start && buf[end - 1] === CHAR_CR) {
      end--;
    }
    let first = start;
    while (first < end && isBlank(buf[first])) {
      first++;
    }
    if (first === end) {
      if (this.inSample) {
        this.endSample();
      }
      return;
    }
    if (buf[first] === 35 /* # */) {
      if (!this.seenSample) {
        parseHeaderLine(byteString(buf, first, end), this.b.header);
      }
      return;
    }
    if (this.inSample) {
      if (this.skipSample) {
        if (isFrameLine(buf, first, end)) {
          return;
        }
      } else {
        const value = this.frameValue(buf, first, end);
        if (value !== NOT_A_FRAME) {
          this.pushValue(value);
          if (this.frameLines !== null) {
            const id = this.frameLines.add(buf, start, lineEnd, value);
            if (id >= 0 && this.lastLine >= 0) {
              this.frameLines.follows(this.lastLine, id);
            }
            this.lastLine = id;
          }
          return;
        }
      }
      if (parseEventLine(buf, start, end, this.ev)) {
        this.endSample();
        this.startSample(buf, end);
        return;
      }
      this.b.warn('bad-frame-line', 'lines inside a sample that are not frames were skipped', this.lineNo);
      return;
    }
    if (parseEventLine(buf, start, end, this.ev)) {
      this.startSample(buf, end);
    } else {
      this.b.warn('garbage-line', 'lines that are neither a sample header nor a frame were skipped', this.lineNo);
    }
  }

  private startSample(buf: Uint8Array, end: number) {
    const ev = this.ev;
    this.lastLine = -1;
    this.seenSample = true;
    this.inSample = true;
    this.depth = 0;
    this.skipSample = ev.badTimestamp;
    if (ev.badTimestamp) {
      // Nothing of it is kept (no thread, event or frames that no sample uses).
      this.b.warn('bad-timestamp', 'samples with a negative timestamp were skipped', this.lineNo);
      return;
    }
    this.sec = ev.sec;
    this.nsec = ev.nsec;
    if (ev.sec >= 0) {
      this.b.noteTimePrecision(ev.fracDigits);
    }
    this.cpu = ev.cpu;
    this.period = ev.period;
    if (ev.todStart >= 0 && ev.sec >= 0 && this.b.header.timeOfDay === undefined) {
      // One (wall clock, perf clock) pair places the whole profile.
      this.b.header.timeOfDay = { wallClock: byteString(buf, ev.todStart, ev.todEnd), sec: ev.sec, nsec: ev.nsec };
    }
    this.thread = this.b.threadId(buf, ev.commStart, ev.commEnd, ev.pid, ev.tid);
    this.event = ev.eventStart >= 0 ? this.b.eventId(buf, ev.eventStart, ev.eventEnd) : this.b.eventId(buf, 0, 0);
    if (ev.payloadStart < 0 && ev.eventStart >= 0) {
      this.b.noteBareEvent(this.event);
    } else if (ev.payloadStart >= 0) {
      // Without call chains perf prints the only frame on the sample line; otherwise this is a tracepoint payload.
      const value = this.frameValue(buf, ev.payloadStart, end);
      if (value !== NOT_A_FRAME) {
        this.pushValue(value);
      }
    }
  }

  private endSample() {
    if (this.skipSample) {
      this.skipSample = false;
      this.inSample = false;
      return;
    }
    const stack = this.b.stackId(this.stack, this.depth);
    this.b.addSample(this.sec, this.nsec, stack, this.thread, this.cpu, this.event, this.period);
    this.inSample = false;
  }

  /**
   * `   7f26dc479340 __write_nocancel+0x10 (/lib/x86_64-linux-gnu/libpthread-2.19.so)`: address, symbol, and the DSO
   * as the last parenthesised group (paths may hold spaces and parens). Returns the line's frame value (see
   * pushValue), or NOT_A_FRAME.
   */
  private frameValue(buf: Uint8Array, start: number, end: number): number {
    const addrStart = skipBlanks(buf, start, end);
    const addrEnd = addressEnd(buf, addrStart, end);
    if (addrEnd < 0) {
      return NOT_A_FRAME;
    }
    let p = addrEnd;
    while (p < end && isBlank(buf[p])) {
      p++;
    }
    const symStart = p;
    let q = end;
    while (q > symStart && isBlank(buf[q - 1])) {
      q--;
    }
    let symEnd = q;
    let dsoStart = q;
    let dsoEnd = q;
    if (q > symStart && buf[q - 1] === 41 /* ) */) {
      // The DSO's '(' is the last one, unless the DSO itself holds parens: then match them up.
      let r = q - 2;
      while (r >= symStart && buf[r] !== 40 /* ( */ && buf[r] !== 41) {
        r--;
      }
      if (r >= symStart && buf[r] === 41) {
        r = openingParen(buf, symStart, q - 1);
      }
      if (r >= symStart && (r === symStart || isBlank(buf[r - 1]))) {
        dsoStart = r + 1;
        dsoEnd = q - 1;
        symEnd = r;
        while (symEnd > symStart && isBlank(buf[symEnd - 1])) {
          symEnd--;
        }
      }
    }
    // Strip a `+0x1f` offset: the same function at another instruction is the same frame.
    let t = symEnd;
    while (t > symStart && isHexDigit(buf[t - 1])) {
      t--;
    }
    if (t < symEnd && t - 3 >= symStart && buf[t - 1] === 120 && buf[t - 2] === 48 && buf[t - 3] === 43) {
      symEnd = t - 3;
    }

    if (this.options.keepUnknownAddresses && isUnknown(buf, symStart, symEnd)) {
      return this.b.frameId(
        byteString(buf, symStart, symEnd),
        byteString(buf, dsoStart, dsoEnd),
        false,
        byteString(buf, addrStart, addrEnd)
      );
    }
    const key = this.lineKeys.intern(buf, symStart, symEnd, dsoStart, dsoEnd);
    if (key === this.resolvedKeys) {
      this.resolveKey(key, byteString(buf, symStart, symEnd), byteString(buf, dsoStart, dsoEnd));
    }
    return this.lineFrame[key];
  }

  /** Pushes a frame value: a frame id, or -(chain + 2) for the frames of a Java `a->b` chain. */
  private pushValue(value: number) {
    if (value >= 0) {
      this.pushFrame(value);
    } else {
      const chain = this.chains[-value - 2];
      for (let i = 0; i < chain.length; i++) {
        this.pushFrame(chain[i]);
      }
    }
  }

  /** Pushes values[0, n): a plain copy when none is a chain (the usual case: most of a sample's frames, at once). */
  private pushValues(values: Int32Array, n: number, hasChains: boolean) {
    if (hasChains) {
      for (let i = 0; i < n; i++) {
        this.pushValue(values[i]);
      }
      return;
    }
    this.reserveStack(n);
    const stack = this.stack;
    const at = this.depth;
    for (let i = 0; i < n; i++) {
      stack[at + i] = values[i];
    }
    this.depth = at + n;
  }

  private resolveKey(key: number, symbol: string, dso: string) {
    if (key === this.lineFrame.length) {
      const bigger = new Int32Array(this.lineFrame.length * 2);
      bigger.set(this.lineFrame);
      this.lineFrame = bigger;
    }
    const parts = splitInlineChain(symbol);
    if (parts.length === 1) {
      this.lineFrame[key] = this.b.frameId(symbol, dso, false);
    } else {
      // Stored leaf first, as the stack buffer is.
      const ids = new Int32Array(parts.length);
      for (let i = 0; i < parts.length; i++) {
        ids[parts.length - 1 - i] = this.b.frameId(parts[i], dso, i > 0);
      }
      this.chains.push(ids);
      this.lineFrame[key] = -(this.chains.length - 1) - 2;
    }
    this.resolvedKeys = key + 1;
  }

  private pushFrame(frame: number) {
    this.reserveStack(1);
    this.stack[this.depth++] = frame;
  }

  /** Room for `n` more frames on the stack being read. */
  private reserveStack(n: number) {
    if (this.depth + n > this.stack.length) {
      let length = this.stack.length * 2;
      while (this.depth + n > length) {
        length *= 2;
      }
      const bigger = new Int32Array(length);
      bigger.set(this.stack);
      this.stack = bigger;
    }
  }
}

/** Whether frameValue would take buf[start, end) as a frame: an address, then a blank. */
function isFrameLine(buf: Uint8Array, start: number, end: number): boolean {
  return addressEnd(buf, skipBlanks(buf, start, end), end) >= 0;
}

function skipBlanks(buf: Uint8Array, p: number, end: number): number {
  while (p < end && isBlank(buf[p])) {
    p++;
  }
  return p;
}

/** The end of a hex address starting at `p` and followed by a blank, or -1 when there is none. */
function addressEnd(buf: Uint8Array, p: number, end: number): number {
  const start = p;
  while (p < end && isHexDigit(buf[p])) {
    p++;
  }
  return p > start && p < end && isBlank(buf[p]) ? p : -1;
}

/** Index of the '(' matching the ')' at `close`, or -1. */
function openingParen(buf: Uint8Array, start: number, close: number): number {
  let depth = 0;
  for (let r = close; r >= start; r--) {
    const c = buf[r];
    if (c === 41) {
      depth++;
    } else if (c === 40 && --depth === 0) {
      return r;
    }
  }
  return -1;
}

function isUnknown(buf: Uint8Array, s: number, e: number): boolean {
  if (e - s !== UNKNOWN.length) {
    return false;
  }
  for (let i = 0; i < UNKNOWN.length; i++) {
    if (buf[s + i] !== UNKNOWN[i]) {
      return false;
    }
  }
  return true;
}

/** Java inlining as printed with perf-map-agent's unfoldall: `outer->inlined->innermost`. Not C++ `operator->`. */
export function splitInlineChain(symbol: string): string[] {
  if (symbol.indexOf('->') < 0) {
    return [symbol];
  }
  const parts: string[] = [];
  let from = 0;
  let at = symbol.indexOf('->');
  while (at >= 0) {
    if (!symbol.slice(Math.max(0, at - 8), at).endsWith('operator')) {
      parts.push(symbol.slice(from, at));
      from = at + 2;
    }
    at = symbol.indexOf('->', at + 2);
  }
  parts.push(symbol.slice(from));
  return parts;
}
