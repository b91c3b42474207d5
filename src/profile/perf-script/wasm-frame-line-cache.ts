/**
 * The frame-line cache (frame-line-cache.ts explains what it does) with its hot path in WebAssembly (line-match.wat):
 * the same way (the last successors first, then a hash of bytes 8–32) and the same kinds of bounds. JavaScript
 * compares bytes at ~0.6 ns a byte; here 16 bytes are one compare, and the whole run of frame lines in a sample is one
 * call. Matching every frame line of the bench profile on a warm cache: 175–182 ms here, 313–338 ms in JavaScript.
 *
 * It also matches a line it never saw when the line's frame is known — the same symbol and DSO at another address,
 * read as the parser reads them (line-match.wat says which lines qualify) — and keeps it. On the bench profile that
 * is 63 k of the 69 k lines that went the parser's full way (~1.2 µs each, parsed and interned in JavaScript): a
 * thread now takes ~6 k new frames that way, instead of relearning every new address of them.
 *
 * The chunk being parsed must be in the module's memory: `readTarget` gives memory to read it into (no copy), and
 * `place` copies any other chunk there. Where WebAssembly (with SIMD) is unavailable — an old browser, a page whose
 * Content-Security-Policy forbids it — `createWasmFrameLineCache` returns null and the parser uses the JavaScript
 * cache.
 */
import type { FrameLineMatcher } from './frame-line-cache';
import { LINE_MATCH_WASM } from './line-match-wasm';

const PAGE = 65536;
const MiB = 1 << 20;
/** Values one run reports at most (a sample is rarely over 200 frames; a longer one takes several runs). */
const OUT_CAP = 4096;
const OUT = 64;
const TABLE = PAGE;
/** Kept lines at most: the arena's bytes ÷ the smallest record (a 24-byte head and a 32-byte line). */
const MAX_LINES = 1 << 19;
/** The table doubles while kept lines are over half its slots: 2^21 slots of 8 bytes for MAX_LINES. */
const TABLE_BYTES = 16 * MiB;
/**
 * Frame keys (symbol and DSO) kept at most, for lines read by their key (line-match.wat): the bench profile has
 * ~7 k; a key is a 24-byte record and two table slots of 8 bytes.
 */
const MAX_KEYS = 1 << 17;
const KEY_TABLE = TABLE + TABLE_BYTES;
const KEY_TABLE_BYTES = 4 * MiB;
const KEYS = KEY_TABLE + KEY_TABLE_BYTES;
const ARENA = KEYS + MAX_KEYS * 24;
/** The bench profile's 100 k distinct lines take 12 MiB (their bytes, and 24 bytes a line). */
const ARENA_BYTES = 28 * MiB;
/** Compares read up to 15 bytes past a line's end. */
const SLACK = PAGE;
const INPUT = ARENA + ARENA_BYTES + SLACK;
/**
 * Memory is reserved for the largest table and arena, but a page costs memory only once written: a profile with few
 * distinct lines uses little of it.
 */
const INITIAL_INPUT = MiB;

interface LineMatchExports {
  init(
    out: number,
    table: number,
    maxLines: number,
    arena: number,
    arenaBytes: number,
    keyTable: number,
    keys: number,
    maxKeys: number,
    keysOn: number
  ): void;
  size(): number;
  arenaUsed(): number;
  tableBytes(): number;
  keyCount(): number;
  keyBytes(): number;
  run(pos: number, end: number, previous: number, cap: number): number;
  newline(pos: number, end: number): number;
  reserve(len: number): number;
  add(len: number, value: number): number;
  follows(previous: number, next: number): void;
}

let compiled: WebAssembly.Module | null | undefined;

/**
 * The module, compiled once per thread (3 KB: under the 4 KB a browser's main thread may compile synchronously; keep
 * it so — line-match-wasm.test.ts checks).
 */
function lineMatchModule(): WebAssembly.Module | null {
  if (compiled === undefined) {
    try {
      compiled = new WebAssembly.Module(decodeBase64(LINE_MATCH_WASM));
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

/**
 * Caches whose parser finished, kept for the next parser on this thread: a fresh memory costs a page fault per page
 * written (~12 MiB of arena on a dense profile, and the input), which a VM makes slow; a reused one is already there.
 * One is kept (a thread parses one profile at a time; its parsers finish one after another), and none after IDLE_MS
 * unused.
 */
const idle: WasmFrameLineCache[] = [];
const MAX_IDLE = 1;
const IDLE_MS = 30_000;
let idleTimer: ReturnType<typeof setTimeout> | undefined;

/**
 * A cache of its own (one per parser), or null where WebAssembly with SIMD cannot run here. `byKey`: a line never
 * seen whose frame is known (the same symbol and DSO at another address) is matched by its key (line-match.wat) —
 * for a parser whose frame values depend on the symbol and DSO only (not with keepUnknownAddresses).
 */
export function createWasmFrameLineCache(byKey = true): WasmFrameLineCache | null {
  const reused = idle.pop();
  if (reused) {
    reused.reset(byKey);
    return reused;
  }
  const module = typeof WebAssembly === 'object' ? lineMatchModule() : null;
  if (module === null) {
    return null;
  }
  try {
    return new WasmFrameLineCache(module, byKey);
  } catch {
    // Address space refused (a 32-bit browser with many parsers, say): the JavaScript cache does the same work.
    return null;
  }
}

export class WasmFrameLineCache implements FrameLineMatcher {
  private readonly memory: WebAssembly.Memory;
  private readonly wasm: LineMatchExports;
  private bytes: Uint8Array;
  private ints: Int32Array;
  /** Where run writes the values it matched. */
  private values: Int32Array;
  private inputCapacity = INITIAL_INPUT;
  /** The placed chunk's length: it sits at INPUT. */
  private chunkLength = 0;

  constructor(module: WebAssembly.Module, byKey = true) {
    this.memory = new WebAssembly.Memory({ initial: Math.ceil((INPUT + INITIAL_INPUT + SLACK) / PAGE) });
    const instance = new WebAssembly.Instance(module, { env: { memory: this.memory } });
    this.wasm = instance.exports as unknown as LineMatchExports;
    this.reset(byKey);
    this.bytes = new Uint8Array(this.memory.buffer);
    this.ints = new Int32Array(this.memory.buffer);
    this.values = new Int32Array(this.memory.buffer, OUT, OUT_CAP);
  }

  /** Empties the cache. */
  reset(byKey = true) {
    this.wasm.init(OUT, TABLE, MAX_LINES, ARENA, ARENA_BYTES, KEY_TABLE, KEYS, MAX_KEYS, byKey ? 1 : 0);
    this.chunkLength = 0;
  }

  /** The parser is done with this cache: the next one on this thread may take it (see `idle`). */
  release() {
    if (idle.length >= MAX_IDLE || idle.includes(this)) {
      return;
    }
    idle.push(this);
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => idle.splice(0), IDLE_MS);
    // Never what keeps a process (or a worker thread) alive.
    (idleTimer as { unref?: () => void }).unref?.();
  }

  get size(): number {
    return this.wasm.size();
  }

  /** Memory to read the next chunk into: pushing a view of it (from its start) copies nothing. */
  readTarget(bytes: number): Uint8Array {
    this.reserveInput(bytes);
    return new Uint8Array(this.memory.buffer, INPUT, bytes);
  }

  place(input: Uint8Array): Uint8Array {
    const length = input.byteLength;
    if (input.buffer !== this.memory.buffer || input.byteOffset !== INPUT) {
      // A view of this memory elsewhere is copied out first: growing the memory would detach it.
      const source = input.buffer === this.memory.buffer ? input.slice() : input;
      this.reserveInput(length);
      this.bytes.set(source, INPUT);
    }
    this.chunkLength = length;
    return new Uint8Array(this.memory.buffer, INPUT, length);
  }

  run(pos: number, previous: number): number {
    return this.wasm.run(INPUT + pos, INPUT + this.chunkLength, previous, OUT_CAP);
  }

  get runValues(): Int32Array {
    return this.values;
  }

  get runHasChains(): boolean {
    return this.ints[2] < 0;
  }

  get runEnd(): number {
    return this.ints[0] - INPUT;
  }

  get runLast(): number {
    return this.ints[1];
  }

  newline(pos: number): number {
    const at = this.wasm.newline(INPUT + pos, INPUT + this.chunkLength);
    return at < 0 ? -1 : at - INPUT;
  }

  add(buf: Uint8Array, s: number, e: number, value: number): number {
    const at = this.wasm.reserve(e - s);
    if (at < 0) {
      return -1;
    }
    if (buf.buffer === this.memory.buffer) {
      // From the placed chunk (the usual case): set() would first copy the source out of the shared buffer.
      this.bytes.copyWithin(at, buf.byteOffset + s, buf.byteOffset + e);
    } else {
      this.bytes.set(buf.subarray(s, e), at);
    }
    return this.wasm.add(e - s, value);
  }

  follows(previous: number, next: number): void {
    this.wasm.follows(previous, next);
  }

  /** The memory written so far (pages never written cost nothing), for memory accounting. */
  byteSize(): number {
    return TABLE + this.wasm.tableBytes() + this.wasm.keyBytes() + this.wasm.arenaUsed() + this.inputCapacity;
  }

  private reserveInput(bytes: number) {
    if (bytes <= this.inputCapacity) {
      return;
    }
    const capacity = Math.max(bytes, this.inputCapacity * 2);
    const need = Math.ceil((INPUT + capacity + SLACK) / PAGE) - this.memory.buffer.byteLength / PAGE;
    if (need > 0) {
      this.memory.grow(need);
    }
    this.inputCapacity = capacity;
    // Growing replaces the memory's buffer: views of the old one are detached.
    this.bytes = new Uint8Array(this.memory.buffer);
    this.ints = new Int32Array(this.memory.buffer);
    this.values = new Int32Array(this.memory.buffer, OUT, OUT_CAP);
  }
}

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) {
    bytes[i] = binary.charCodeAt(i);
  }
  return bytes;
}
