/**
 * One perf script profile parsed on several threads. Bytes arrive as they are read (or inflated); past the first
 * PARALLEL_MIN_BYTES they are cut where a sample starts (src/profile/perf-script/chunks.ts) into chunks of
 * ~CHUNK_BYTES that worker threads (and this one) parse, and the chunks' partial stores are merged in file order on
 * this thread while later ones are still parsing (src/profile/merge.ts). The result is the store the single-thread
 * parse makes, byte for byte.
 *
 * Inputs smaller than PARALLEL_MIN_BYTES are the single-thread parse itself, as are formats other than perf script.
 * A file of known size does not come here: its threads read their own ranges of it (file-range-parse.ts).
 * `push` returns a promise while too many chunks are in flight: the caller waits, so reading (and inflating) never
 * runs ahead of the parse by more than a few chunks — memory stays bounded however large the input.
 */
import {
  createParser,
  DETECT_WINDOWS,
  detectFormat,
  ParseOptions,
  PerfScriptOptions,
  PerfScriptParser,
  ProfileStore,
} from '../../src/profile';
import { ChunkParser } from '../../src/profile/perf-script/chunked';
import { findChunkStart } from '../../src/profile/perf-script/chunks';
import { ChunkMerger } from '../../src/profile/merge';
import { giveChunkMemory, takeChunkMemory } from './chunk-memory';
import { ChunkResult, ChunkWorkers } from './chunk-workers';

/** The parser parseStream drives: a ProfileParser whose push may ask it to wait and whose finish may be async. */
export interface StreamParser {
  readonly bytesRead: number;
  push(chunk: Uint8Array): void | Promise<void>;
  noteTruncated(message: string): void;
  finish(): ProfileStore | Promise<ProfileStore>;
  /** Stops any threads (the read failed). */
  abort(): void;
  /** The input's expected size, when known before its first byte is pushed (see ParallelOptions.sizeHint). */
  expectBytes(bytes: number): void;
  /**
   * Memory the next `bytes` of input may be read into, so that pushing them costs no copy (undefined: any buffer).
   * The caller pushes what it read there, before asking again.
   */
  readTarget?(bytes: number): Uint8Array | undefined;
}

export interface ParallelOptions {
  /** Threads parsing one profile; 1: this thread only. */
  threads: number;
  /** Inputs smaller than this are parsed on this thread (and the first bytes of larger ones, unless sizeHint says). */
  minBytes?: number;
  /**
   * The input's expected size, when known (a file's, an object's; a guess for gzip): at least minBytes, and the
   * threads start at the first cut instead of after minBytes streamed on this thread.
   */
  sizeHint?: number;
  /** Target chunk size. */
  chunkBytes?: number;
  /** With no place to cut in this many bytes, the rest is parsed on this thread (tests make it small). */
  maxUncutBytes?: number;
  /** The chunk worker script (tests). */
  workerScript?: string;
}

/**
 * The first bytes, and inputs smaller than this, are parsed on one thread. Measured with `npm run bench --
 * --parse-only` (the crossover rows: prefixes of the 262 MB bench profile, 1 thread against 2) on a 2-vCPU VM shared
 * with other work. Streamed from memory, two threads lose below 16 MiB (0.35–0.94×) and are noisy around 32–128 MiB
 * (0.94–1.45×). As files read in ranges (file-range-parse.ts) they mostly lose below 32 MiB (0.74–0.88×, once
 * 1.19×), break even at 32 MiB (1.00–1.19×) and win from 64 MiB (1.22–1.45×; 1.32–1.90× at 128 MiB). A thread's
 * frame-line cache and tables start empty, and the merge builds the trie on this thread: small inputs do not pay
 * that back. FLAMESCOPE_PARALLEL_MIN_BYTES overrides it (tests, and measuring on other machines).
 */
export const PARALLEL_MIN_BYTES = envBytes('FLAMESCOPE_PARALLEL_MIN_BYTES') ?? 64 << 20;
export const CHUNK_BYTES = 8 << 20;
/** Room past a chunk's size in its buffer: the read that crosses it, and the rest of the sample it ends in. */
const PENDING_SLACK = 2 << 20;
/** No sample boundary in this many bytes (perf script without call chains has no blank lines): one thread. */
export const MAX_UNCUT_BYTES = 64 << 20;

function envBytes(name: string): number | undefined {
  const value = Number(process.env[name]);
  return process.env[name] !== undefined && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

export { defaultParseThreads } from './parse-threads';

export function createStreamParser(options: ParseOptions, parallel?: ParallelOptions): StreamParser {
  if (!parallel || parallel.threads <= 1 || (options.format !== undefined && options.format !== 'perf-script')) {
    return new SingleThread(createParser(options));
  }
  return new Deferred(options, parallel);
}

/** A plain ProfileParser. */
class SingleThread implements StreamParser {
  constructor(private readonly parser: ReturnType<typeof createParser>) {}
  get bytesRead() {
    return this.parser.bytesRead;
  }
  push(chunk: Uint8Array) {
    this.parser.push(chunk);
  }
  noteTruncated(message: string) {
    this.parser.noteTruncated(message);
  }
  finish() {
    return this.parser.finish();
  }
  abort() {}
  expectBytes() {}
  readTarget(bytes: number) {
    return this.parser.readTarget?.(bytes);
  }
}

/**
 * Holds the first bytes until the format is known, as the detecting parser does (4 KiB almost always, 1 MiB at
 * most): then perf script goes to ParallelPerfParser, any other format to its importer on this thread. An input that
 * ends first is read on this thread, exactly as without threads.
 */
class Deferred implements StreamParser {
  private held: Uint8Array[] = [];
  private heldBytes = 0;
  private inner: StreamParser | undefined;
  private sizeHint: number | undefined;
  /** The next detection window to try (as the detecting parser does: fixed sizes, so chunking never matters). */
  private window = 0;

  constructor(
    private readonly options: ParseOptions,
    private readonly parallel: ParallelOptions
  ) {}

  get bytesRead() {
    return this.inner ? this.inner.bytesRead : this.heldBytes;
  }

  push(chunk: Uint8Array): void | Promise<void> {
    if (this.inner) {
      return this.inner.push(chunk);
    }
    this.held.push(chunk);
    this.heldBytes += chunk.length;
    const chosen = this.choose();
    if (chosen) {
      return this.start(chosen);
    }
  }

  noteTruncated(message: string) {
    if (!this.inner) {
      this.start(new SingleThread(createParser(this.options)));
    }
    this.inner!.noteTruncated(message);
  }

  finish() {
    if (!this.inner) {
      this.start(new SingleThread(createParser(this.options)));
    }
    return this.inner!.finish();
  }

  abort() {
    this.inner?.abort();
  }

  expectBytes(bytes: number) {
    this.sizeHint = bytes;
  }

  readTarget(bytes: number): Uint8Array | undefined {
    return this.inner?.readTarget?.(bytes);
  }

  /**
   * The format as the detecting parser tells it (the first window that decides, else perf script), or undefined while
   * the next window is not filled yet; then the parser for it.
   */
  private choose(): StreamParser | undefined {
    let format = this.options.format;
    while (format === undefined && this.window < DETECT_WINDOWS.length) {
      const size = DETECT_WINDOWS[this.window];
      if (this.heldBytes < size) {
        return undefined;
      }
      format = detectFormat(Buffer.concat(this.held, size), false);
      this.window++;
    }
    return (format ?? 'perf-script') === 'perf-script'
      ? new ParallelPerfParser(this.options, { sizeHint: this.sizeHint, ...this.parallel })
      : new SingleThread(createParser(this.options));
  }

  private start(inner: StreamParser): void | Promise<void> {
    this.inner = inner;
    const held = this.held;
    this.held = [];
    let wait: void | Promise<void> = undefined;
    for (const chunk of held) {
      wait = inner.push(chunk);
    }
    return wait;
  }
}

/**
 * The merge's source numbers (past any worker's): the streaming parser's first chunk, the chunks this thread parses
 * after it, and the tail.
 */
const FIRST = -1;
const TAIL = -2;
const THIS_THREAD = -3;

/**
 * perf script on `threads` threads: this one and threads - 1 workers. The first `minBytes` stream through one parser
 * on this thread, exactly the single-thread parse — an input that ends there never meets a thread or a merge. Past
 * them, the input is cut at the next sample boundary: what that parser read becomes chunk 0, and the rest is cut
 * into chunks for the workers (each posted two ahead). This thread reads, cuts and merges, and parses the oldest
 * chunk no worker has picked up whenever every worker has its next one posted, or when it would otherwise wait for
 * the merge: so the threads match the cores. Chunk parsers keep stacks as frame sequences; the merge builds the trie.
 */
export class ParallelPerfParser implements StreamParser {
  bytesRead = 0;
  private workers: ChunkWorkers | undefined;
  private readonly workerCount: number;
  private readonly workerScript: string | undefined;
  private readonly minBytes: number;
  /** The parser on this thread: streaming (no chunk cut yet), then the parser of this thread's chunks. */
  private readonly direct: PerfScriptParser;
  private here: ChunkParser | undefined;
  private readonly chunkBytes: number;
  private readonly maxUncutBytes: number;
  private readonly perfOptions: PerfScriptOptions;
  private readonly merger = new ChunkMerger();
  private readonly truncations: string[] = [];
  // Bytes not yet cut off: pending[0, pendingLength). A chunk leaves in its buffer: shared memory the workers read in
  // place, reused for a later chunk once parsed (moving or allocating 10 MB per chunk instead counts as new external
  // memory each time, and V8 answers with a full GC every few chunks).
  private pending: Buffer;
  private pendingLength = 0;
  /** Where the search for the next cut resumes. */
  private searchFrom = 0;
  /** Chunks sent, by index; merged in index order as they come back. */
  private sent = 0;
  private readonly done = new Map<number, ChunkResult>();
  private merged = 0;
  private readonly maxInFlight: number;
  private waiter: (() => void) | undefined;
  private failure: Error | undefined;
  /** No cut found in MAX_UNCUT_BYTES: the rest is parsed here, as one last chunk. */
  private tail: PerfScriptParser | undefined;

  constructor(options: ParseOptions, parallel: ParallelOptions) {
    this.perfOptions = { keepUnknownAddresses: options.keepUnknownAddresses };
    this.chunkBytes = parallel.chunkBytes ?? CHUNK_BYTES;
    this.maxUncutBytes = parallel.maxUncutBytes ?? MAX_UNCUT_BYTES;
    this.workerCount = Math.max(1, parallel.threads - 1);
    this.workerScript = parallel.workerScript;
    const minBytes = parallel.minBytes ?? PARALLEL_MIN_BYTES;
    this.minBytes = (parallel.sizeHint ?? 0) >= minBytes ? 0 : minBytes;
    this.direct = new PerfScriptParser(this.perfOptions);
    // Two chunks per thread: one parsing, one waiting to be picked up.
    this.maxInFlight = parallel.threads * 2;
    this.pending = takeChunkMemory(this.chunkBytes + PENDING_SLACK);
  }

  push(chunk: Uint8Array): void | Promise<void> {
    this.bytesRead += chunk.length;
    if (this.failure) {
      throw this.failure;
    }
    if (this.tail) {
      this.tail.push(chunk);
      return;
    }
    if (!this.here && this.bytesRead - chunk.length < this.minBytes) {
      // Still streaming on this thread; once past minBytes, the rest waits in `pending` for the first cut.
      const keep = Math.min(chunk.length, this.minBytes - (this.bytesRead - chunk.length));
      this.direct.push(chunk.subarray(0, keep));
      chunk = chunk.subarray(keep);
      if (chunk.length === 0) {
        return;
      }
    }
    this.append(chunk);
    if (!this.here) {
      // The first cut: what the streaming parser read, up to it, is chunk 0.
      const at = findChunkStart(this.pending, Math.max(1, this.searchFrom), this.pendingLength);
      if (at < 0) {
        this.searchFrom = -at - 1;
        if (this.pendingLength > this.maxUncutBytes) {
          this.tail = this.direct;
          this.tail.push(this.pending.subarray(0, this.pendingLength));
          this.releasePending();
        }
        return;
      }
      this.direct.push(this.pending.subarray(0, at));
      const partial = this.direct.finishPartial();
      this.direct.release();
      // Its later chunks on a parser of chunks (stacks as sequences, no trie: the merge builds the one trie).
      this.here = new ChunkParser(this.perfOptions);
      this.workers = new ChunkWorkers(this.workerCount, this.workerScript);
      this.sent = 1;
      this.done.set(0, { partial, source: FIRST });
      this.pending.copy(this.pending, 0, at, this.pendingLength);
      this.pendingLength -= at;
      this.searchFrom = 0;
      this.mergeReady();
    }
    while (this.pendingLength >= this.chunkBytes) {
      const at = findChunkStart(this.pending, Math.max(this.searchFrom, this.chunkBytes), this.pendingLength);
      if (at < 0) {
        this.searchFrom = -at - 1;
        if (this.pendingLength > this.maxUncutBytes) {
          this.tail = new PerfScriptParser(this.perfOptions);
          this.tail.push(this.pending.subarray(0, this.pendingLength));
          this.releasePending();
        }
        break;
      }
      this.send(at, []);
    }
    this.helpWhileBusy();
    if (this.sent - this.merged >= this.maxInFlight) {
      return new Promise((resolve) => (this.waiter = resolve));
    }
  }

  noteTruncated(message: string) {
    this.truncations.push(message);
  }

  async finish(): Promise<ProfileStore> {
    if (!this.here) {
      // Never cut: the single-thread parse, as it is (a tail that found no cut is the same streaming parser).
      if (!this.tail) {
        this.direct.push(this.pending.subarray(0, this.pendingLength));
      }
      this.releasePending();
      for (const message of this.truncations) {
        this.direct.noteTruncated(message);
      }
      return this.direct.finish();
    }
    try {
      if (this.tail) {
        for (const message of this.truncations) {
          this.tail.noteTruncated(message);
        }
        const last = this.sent++;
        this.done.set(last, { partial: this.tail.finishPartial(), source: TAIL });
        this.tail.release();
      } else {
        this.send(this.pendingLength, this.truncations);
      }
      for (;;) {
        if (this.failure) {
          throw this.failure;
        }
        this.mergeReady();
        if (this.merged === this.sent) {
          break;
        }
        if (this.workers!.waiting > 0) {
          this.parseQueuedHere();
          continue;
        }
        await new Promise<void>((resolve) => (this.waiter = resolve));
      }
      if (this.failure) {
        throw this.failure;
      }
      return this.merger.finish();
    } finally {
      this.here?.release();
      this.releasePending();
      void this.workers?.close();
    }
  }

  /** Gives back the pending buffer (read all, or left behind by the last chunk) to the pool. */
  private releasePending() {
    giveChunkMemory(this.pending.buffer);
    this.pending = Buffer.alloc(0);
    this.pendingLength = 0;
  }

  abort() {
    this.failure ??= new Error('the parse was stopped');
    void this.workers?.close();
  }

  expectBytes() {
    // Only read when constructed (Deferred passes it on).
  }

  private append(chunk: Uint8Array) {
    const need = this.pendingLength + chunk.length;
    if (need > this.pending.length) {
      const bigger = Buffer.allocUnsafeSlow(Math.max(need, this.pending.length * 2));
      this.pending.copy(bigger, 0, 0, this.pendingLength);
      this.pending = bigger;
    }
    this.pending.set(chunk, this.pendingLength);
    this.pendingLength = need;
  }

  /** Sends pending[0, end) as the next chunk; the rest starts the next one. */
  private send(end: number, truncations: string[]) {
    const chunk = this.pending;
    const rest = this.pendingLength - end;
    this.pending = takeChunkMemory(Math.max(this.chunkBytes + PENDING_SLACK, rest));
    chunk.copy(this.pending, 0, end, this.pendingLength);
    this.pendingLength = rest;
    this.searchFrom = 0;
    const index = this.sent++;
    const bytes = new Uint8Array(chunk.buffer, chunk.byteOffset, end);
    this.workers!.parse({ id: index, bytes, options: this.perfOptions, truncations }).then(
      // A worker moves back a buffer that was moved to it; shared memory stays here all along.
      (result) => this.parsed(index, { ...result, buffer: result.buffer ?? chunk.buffer }),
      (e: Error) => {
        this.failure ??= e;
        this.wake();
      }
    );
  }

  /**
   * This thread parses chunks the workers have not picked up while they have enough (every one has its next chunk
   * posted), or while it would otherwise wait for the merge to catch up: its own chunks, like theirs, in file order.
   */
  private helpWhileBusy() {
    const workers = this.workers;
    while (
      workers !== undefined &&
      workers.waiting > 0 &&
      (workers.waiting >= this.workerCount || this.sent - this.merged >= this.maxInFlight)
    ) {
      this.parseQueuedHere();
    }
  }

  /** Parses the oldest chunk no worker has picked up, on this thread (its parser carries on from its last chunk). */
  private parseQueuedHere() {
    const taken = this.workers!.takeQueued()!;
    const { truncations } = taken.job;
    const bytes = taken.job.bytes!;
    try {
      // A Buffer view: the parser finds lines with Buffer's indexOf (memchr).
      const partial = this.here!.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), truncations);
      taken.resolve({ partial, source: THIS_THREAD, buffer: bytes.buffer });
    } catch (e) {
      taken.reject(e as Error);
    }
  }

  private parsed(index: number, result: ChunkResult) {
    giveChunkMemory(result.buffer);
    result.buffer = undefined;
    this.done.set(index, result);
    this.mergeReady();
    this.wake();
  }

  /** Merges every chunk whose predecessors are merged (file order is what makes the ids come out the same). */
  private mergeReady() {
    for (;;) {
      const result = this.done.get(this.merged);
      if (!result) {
        return;
      }
      this.done.delete(this.merged);
      this.merger.add(result.partial, result.source);
      this.merged++;
    }
  }

  private wake() {
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.();
  }
}
