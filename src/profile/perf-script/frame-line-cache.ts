/**
 * Frame lines seen before, by their exact bytes (the whole line, up to its newline) → what the parser made of them.
 * A profile repeats a few thousand distinct frame lines millions of times, so almost every line is recognised with
 * one pass over its bytes and no parsing:
 * - a line usually follows the line that followed it last time (a function's caller), so that line is tried first;
 * - otherwise a hash of bytes 8–32 (the address and the symbol's start, in perf's layout) finds the candidates;
 * - a candidate matches when its bytes compare equal, a word at a time, and a newline follows them: the line's end is
 *   never searched for.
 * Everything else (new lines, lines cut by a chunk boundary, lines too short or too long to keep) goes the parser's
 * full way and may be added here.
 *
 * Bounded against hostile input: at most CANDIDATES kept lines share a hash (more go the full way each time, never a
 * long probe), and the bytes kept stop growing at MAX_ARENA_BYTES.
 *
 * This is the JavaScript cache; wasm-frame-line-cache.ts is the same cache with its hot path in WebAssembly, used
 * wherever WebAssembly runs (matching every frame line of the bench profile: 313–338 ms here, 175–182 ms there).
 * Both are FrameLineMatchers. The WebAssembly one also takes a new line of a known frame (the same symbol and DSO at
 * another address) by its key (line-match.wat); here such a line goes the full way, as any new line does.
 */

/**
 * What the parser asks of a frame-line cache. A chunk is placed first (where the cache reads it); then runs of kept
 * lines are matched in it, each run reporting the values of its lines, where it stopped and its last line's id.
 */
export interface FrameLineMatcher {
  /** Lines kept. */
  readonly size: number;
  /** The bytes of `input` where this cache reads them, as a plain Uint8Array; positions below are in them. */
  place(input: Uint8Array): Uint8Array;
  /**
   * Matches kept lines one after another from `pos` in the placed chunk, `previous` the id of the line before (-1:
   * none), until a line is not kept: how many matched (0: the line at pos is not). Then runValues[0, matched) are
   * their values, runHasChains says whether a Java chain's value (negative) is among them, runEnd is the position
   * after the last one (its newline included) and runLast its id.
   */
  run(pos: number, previous: number): number;
  /** Valid until the next run (or place, which may move the memory it lies in). */
  readonly runValues: Int32Array;
  readonly runHasChains: boolean;
  readonly runEnd: number;
  readonly runLast: number;
  /** The first newline at or after `pos` in the placed chunk, or -1. */
  newline(pos: number): number;
  /**
   * Keeps buf[s, e) (e: the newline) → value, when it fits the bounds, and returns its id (-1: not kept). A line
   * already kept keeps its id; one whose hash already has CANDIDATES lines is not kept.
   */
  add(buf: Uint8Array, s: number, e: number, value: number): number;
  /** Records that line `next` followed line `previous` (both ids), to be tried first next time. */
  follows(previous: number, next: number): void;
  /** Bytes held, for memory accounting. */
  byteSize(): number;
  /** Memory to read the next chunk into, when placing it there costs no copy. */
  readTarget?(bytes: number): Uint8Array;
  /** The parser is done with this cache (it must not use it again): its memory may serve the next parser. */
  release?(): void;
}

/** Lines shorter than this are not kept (a frame line in perf's layout is 40 bytes at least). */
export const MIN_CACHED_LINE_BYTES = 32;
/** Lines longer than this are rare (huge C++ templates): not kept, so one cannot take the arena. */
export const MAX_CACHED_LINE_BYTES = 4096;
const HASH_FROM = 8;
const HASH_TO = 32;
const CANDIDATES = 8;
/** Per parser (a thread each): the bench profile's 100 k distinct lines take 10 MiB; past this, lines go the full way. */
const MAX_ARENA_BYTES = 16 << 20;
const EMPTY = -1;
// A line's entry: ints side by side in one array, so a lookup touches one cache line.
const START = 0;
const LENGTH = 1;
const VALUE = 2;
/** The lines that followed this one, most recent first (-1: none): 73 % of next lines are the first, 90 % one of 3. */
const NEXT = 3;
const SUCCESSORS = 3;
const STRIDE = NEXT + SUCCESSORS;
/** Values one run reports at most (a longer sample takes several runs). */
const RUN_CAP = 4096;

export class FrameLineCache implements FrameLineMatcher {
  private arena: Uint8Array = new Uint8Array(1 << 16);
  private arenaView: DataView = new DataView(this.arena.buffer);
  private arenaUsed = 0;
  private entries: Int32Array = new Int32Array(STRIDE * 1024);
  /** Open addressing: (hash, id) pairs. */
  private table: Int32Array = new Int32Array(2 * 2048).fill(EMPTY);
  private mask = 2047;
  size = 0;
  // The placed chunk: read through a plain Uint8Array and a DataView; newlines found with the input's own indexOf
  // (Node's Buffer has memchr, far faster than the generic typed-array one).
  private chunk: Uint8Array = new Uint8Array(0);
  private chunkView: DataView = new DataView(new ArrayBuffer(0));
  private search: Uint8Array = this.chunk;
  readonly runValues = new Int32Array(RUN_CAP);
  runHasChains = false;
  runEnd = 0;
  runLast = -1;

  place(input: Uint8Array): Uint8Array {
    this.search = input;
    this.chunk =
      input.constructor === Uint8Array ? input : new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
    this.chunkView = new DataView(input.buffer, input.byteOffset, input.byteLength);
    return this.chunk;
  }

  run(pos: number, previous: number): number {
    const chunk = this.chunk;
    const view = this.chunkView;
    let count = 0;
    let or = 0;
    while (count < RUN_CAP) {
      const id = this.match(chunk, view, pos, previous);
      if (id < 0) {
        break;
      }
      const value = this.entries[STRIDE * id + VALUE];
      this.runValues[count++] = value;
      or |= value;
      pos += this.entries[STRIDE * id + LENGTH] + 1;
      previous = id;
    }
    this.runHasChains = or < 0;
    this.runEnd = pos;
    this.runLast = previous;
    return count;
  }

  newline(pos: number): number {
    return this.search.indexOf(10, pos);
  }

  /**
   * One step of run: the id of the kept line starting at `s` and ending right before a newline in `buf`, or -1.
   * `view` is a DataView over exactly `buf`; `previous` is the id of the line before (-1: none). On a match the line's
   * newline is at s + lineLength(id).
   */
  private match(buf: Uint8Array, view: DataView, s: number, previous: number): number {
    const entries = this.entries;
    if (previous >= 0) {
      const k = STRIDE * previous + NEXT;
      for (let j = 0; j < SUCCESSORS; j++) {
        const next = entries[k + j];
        if (next < 0) {
          break;
        }
        if (this.matches(buf, view, s, next)) {
          // Most recent first.
          for (let i = j; i > 0; i--) {
            entries[k + i] = entries[k + i - 1];
          }
          entries[k] = next;
          return next;
        }
      }
    }
    if (s + HASH_TO > buf.length) {
      return -1;
    }
    const h = hashWindow(view, s);
    const table = this.table;
    let slot = h & this.mask;
    let seen = 0;
    for (;;) {
      const id = table[2 * slot + 1];
      if (id === EMPTY) {
        return -1;
      }
      if (table[2 * slot] === h) {
        if (this.matches(buf, view, s, id)) {
          if (previous >= 0) {
            this.follows(previous, id);
          }
          return id;
        }
        if (++seen === CANDIDATES) {
          return -1;
        }
      }
      slot = (slot + 1) & this.mask;
    }
  }

  private lineLength(id: number): number {
    return this.entries[STRIDE * id + LENGTH];
  }

  add(buf: Uint8Array, s: number, e: number, value: number): number {
    const len = e - s;
    if (len < MIN_CACHED_LINE_BYTES || len > MAX_CACHED_LINE_BYTES || this.arenaUsed + len + 8 > MAX_ARENA_BYTES) {
      return -1;
    }
    // Copied to the arena's free end first (a copy that also finds zero bytes), then hashed and looked up there: it
    // stays only when new.
    const at = this.arenaUsed;
    const padded = (len + 7) & ~7;
    while (at + padded > this.arena.length) {
      const bigger = new Uint8Array(this.arena.length * 2);
      bigger.set(this.arena.subarray(0, this.arenaUsed));
      this.arena = bigger;
      this.arenaView = new DataView(bigger.buffer);
    }
    const arena = this.arena;
    const arenaView = this.arenaView;
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    // Word by word (a byte loop costs ~4 ns a byte here); a word holds a zero byte when (w - 0x01..) & ~w & 0x80.. ≠ 0.
    let zero = 0;
    let i = 0;
    for (; i + 4 <= len; i += 4) {
      const w = view.getInt32(s + i, true);
      arenaView.setInt32(at + i, w, true);
      zero |= (w - 0x01010101) & ~w & 0x80808080;
    }
    for (; i < len; i++) {
      const c = buf[s + i];
      arena[at + i] = c;
      zero |= c === 0 ? 1 : 0;
    }
    if (zero !== 0) {
      return -1;
    }
    const h = hashWindow(arenaView, at);
    let slot = h & this.mask;
    let same = 0;
    for (;;) {
      const id = this.table[2 * slot + 1];
      if (id === EMPTY) {
        break;
      }
      if (this.table[2 * slot] === h) {
        if (
          this.lineLength(id) === len &&
          this.sameBytes(this.arenaView, arena, at, len, this.entries[STRIDE * id + START])
        ) {
          return id;
        }
        if (++same === CANDIDATES) {
          return -1;
        }
      }
      slot = (slot + 1) & this.mask;
    }
    return this.insert(slot, h, at, len, value);
  }

  follows(previous: number, next: number) {
    const k = STRIDE * previous + NEXT;
    for (let i = SUCCESSORS - 1; i > 0; i--) {
      this.entries[k + i] = this.entries[k + i - 1];
    }
    this.entries[k] = next;
  }

  byteSize(): number {
    return this.arena.byteLength + this.table.byteLength + this.entries.byteLength;
  }

  private matches(buf: Uint8Array, view: DataView, s: number, id: number): boolean {
    const k = STRIDE * id;
    const nl = s + this.entries[k + LENGTH];
    return nl < buf.length && buf[nl] === 10 && this.sameBytes(view, buf, s, nl - s, this.entries[k + START]);
  }

  /** Keeps the line just copied to arena[at, at + len). */
  private insert(slot: number, h: number, at: number, len: number, value: number): number {
    const id = this.size++;
    if (STRIDE * id === this.entries.length) {
      const bigger = new Int32Array(this.entries.length * 2);
      bigger.set(this.entries);
      this.entries = bigger;
    }
    // Lines start 8-aligned in the arena and are padded to whole words.
    this.arenaUsed = at + ((len + 7) & ~7);
    const k = STRIDE * id;
    this.entries[k + START] = at;
    this.entries[k + LENGTH] = len;
    this.entries[k + VALUE] = value;
    this.entries.fill(-1, k + NEXT, k + STRIDE);
    this.table[2 * slot] = h;
    this.table[2 * slot + 1] = id;
    if (this.size * 2 > this.mask) {
      this.rehash();
    }
    return id;
  }

  /**
   * buf[s, s + len) equals the arena's bytes at `a`. Eight bytes at a time as float64s (V8 has no fast 64-bit int
   * load): equal floats are equal bits except +0 = -0, which needs seven zero bytes — kept lines hold none (see add) —
   * and NaN, which never equals anything: a miss, never a wrong match.
   */
  private sameBytes(view: DataView, buf: Uint8Array, s: number, len: number, a: number): boolean {
    const arenaView = this.arenaView;
    const end = s + len;
    let i = s;
    for (; i + 8 <= end; i += 8, a += 8) {
      if (view.getFloat64(i, true) !== arenaView.getFloat64(a, true)) {
        return false;
      }
    }
    for (; i + 4 <= end; i += 4, a += 4) {
      if (view.getInt32(i, true) !== arenaView.getInt32(a, true)) {
        return false;
      }
    }
    const arena = this.arena;
    for (; i < end; i++, a++) {
      if (buf[i] !== arena[a]) {
        return false;
      }
    }
    return true;
  }

  private rehash() {
    const capacity = (this.mask + 1) * 2;
    const table = new Int32Array(2 * capacity).fill(EMPTY);
    const mask = capacity - 1;
    const old = this.table;
    for (let slot = 0; slot <= this.mask; slot++) {
      const id = old[2 * slot + 1];
      if (id === EMPTY) {
        continue;
      }
      let to = old[2 * slot] & mask;
      while (table[2 * to + 1] !== EMPTY) {
        to = (to + 1) & mask;
      }
      table[2 * to] = old[2 * slot];
      table[2 * to + 1] = id;
    }
    this.table = table;
    this.mask = mask;
  }
}

/** Murmur3-style mix of bytes [s + HASH_FROM, s + HASH_TO) (little-endian words), finalised. */
function hashWindow(view: DataView, s: number): number {
  let h = 0x9747b28c;
  for (let i = HASH_FROM; i < HASH_TO; i += 4) {
    let k = Math.imul(view.getInt32(s + i, true), 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, 0x1b873593);
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}
