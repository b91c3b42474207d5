/**
 * Builds a ProfileStore from a stream of samples: interns frames, stacks (a trie), threads, events and sample
 * contexts, appends columns, and at the end sorts by time. Parsers for any format feed it; it knows no syntax.
 */
import { byteStringToBytes } from './bytes';
import { ByteInterner } from './interner';
import type { PartialStore } from './merge';
import { classifyFrame, frameFlags, FRAME_IDLE, FRAME_IDLE_STATE, FRAME_IRQ, FrameKind } from './frames';
import {
  ContextTable,
  FrameTable,
  ParseWarning,
  ProfileFormat,
  ProfileHeader,
  ProfileStore,
  StackTable,
  ThreadTable,
} from './store';
import { TupleInterner } from './tuple-interner';
import { StackCache } from './stack-cache';
import { StackChildren } from './stack-children';

const NS_PER_SEC = 1e9;

export interface BuilderOptions {
  /**
   * For a chunk parsed apart (see merge.ts): stacks are kept as their frame sequences, numbered in first-seen order,
   * and never built into a trie — the merge builds the one trie of the whole profile from them. Such a builder only
   * makes partials (no `finish`, no `stackChild`).
   */
  stacksAsSequences?: boolean;
}

export class StoreBuilder {
  header: ProfileHeader = { events: [], fields: {} };
  private readonly sequences: boolean;
  /** Stacks numbered so far, in sequence mode. */
  private sequenceCount = 0;

  constructor(options: BuilderOptions = {}) {
    this.sequences = options.stacksAsSequences === true;
    this.chunkStart.stacks = this.sequences ? 0 : 1;
  }

  /** What the store says it was read from: each importer sets its own. */
  format: ProfileFormat = 'perf-script';
  /** Weights are sample counts (folded stacks), not perf's periods: the store says so with hasPeriods false. */
  weightsAreCounts = false;
  /** False for formats that never carry time (folded stacks): no "no timestamps" warning then. */
  timestampsExpected = true;
  private warnings = new Map<ParseWarning['code'], ParseWarning>();

  // frames
  private frameIndex = new Map<string, number>();
  private frames: FrameTable = {
    count: 0,
    name: [],
    dso: [],
    kind: new Uint8Array(256),
    chainPart: new Uint8Array(256),
    address: [],
    flags: new Uint8Array(256),
  };
  // stacks
  private children = new StackChildren();
  private stacks: StackTable = {
    count: 1,
    parent: new Int32Array(4096).fill(-1, 0, 1),
    frame: new Int32Array(4096).fill(-1, 0, 1),
    depth: new Int32Array(4096),
    flags: new Uint8Array(4096),
  };
  // threads, events, contexts
  private commInterner = new ByteInterner();
  private commNames: string[] = [];
  private threadKeys = new TupleInterner(4, 256);
  private threads: ThreadTable = { count: 0, comm: [], pid: new Int32Array(256), tid: new Int32Array(256) };
  private eventInterner = new ByteInterner();
  private events: string[] = [];
  private foldEvent = -1;
  private contextKeys = new TupleInterner(4, 4096);
  // samples
  private count = 0;
  private secs: Float64Array = new Float64Array(1 << 16);
  private nsecs: Int32Array = new Int32Array(1 << 16);
  private context: Int32Array = new Int32Array(1 << 16);
  private weight: Float64Array | null = null;
  private withTime = 0;
  private withoutTime = 0;
  private timePrecisionDigits = 0;
  bytesRead = 0;

  /** A warning seen `count` times, first at `line`: the merge of a chunk parsed apart (see merge.ts). */
  absorbWarning(w: ParseWarning, lineOffset: number) {
    const mine = this.warnings.get(w.code);
    if (mine) {
      mine.count += w.count;
    } else {
      const firstLine = w.firstLine === undefined ? undefined : w.firstLine + lineOffset;
      this.warnings.set(w.code, { code: w.code, message: w.message, count: w.count, firstLine });
    }
  }

  warn(code: ParseWarning['code'], message: string, line?: number) {
    const w = this.warnings.get(code);
    if (w) {
      w.count++;
    } else {
      this.warnings.set(code, { code, message, count: 1, firstLine: line });
    }
  }

  /** Frame id for (name, dso); chainPart marks the 2nd+ part of a Java `a->b` chain. */
  frameId(name: string, dso: string, chainPart: boolean, address?: string): number {
    const key = (chainPart ? '1' : '0') + name + '\0' + dso + (address === undefined ? '' : '\0' + address);
    const id = this.frameIndex.get(key);
    if (id !== undefined) {
      return id;
    }
    const kind = classifyFrame(dso, chainPart);
    return this.addFrame(key, name, dso, kind, chainPart, frameFlags(name, kind), address);
  }

  /**
   * Frame id for (name, dso) whose kind and flags the importer knows (formats other than perf script name their
   * runtimes, libraries and idle states themselves). The first call for a (name, dso) decides its kind.
   */
  frameOf(name: string, dso: string, kind: FrameKind, flags = 0): number {
    const key = '0' + name + '\0' + dso;
    return this.frameIndex.get(key) ?? this.addFrame(key, name, dso, kind, false, flags, undefined);
  }

  private addFrame(
    key: string,
    name: string,
    dso: string,
    kind: FrameKind,
    chainPart: boolean,
    flags: number,
    address: string | undefined
  ): number {
    const f = this.frames;
    const id = f.count++;
    if (id === f.kind.length) {
      f.kind = growU8(f.kind);
      f.chainPart = growU8(f.chainPart);
      f.flags = growU8(f.flags);
    }
    f.name.push(name);
    f.dso.push(dso);
    f.address.push(address);
    f.kind[id] = kind;
    f.chainPart[id] = chainPart ? 1 : 0;
    f.flags[id] = flags;
    this.frameIndex.set(key, id);
    return id;
  }

  // Whole stacks seen before → their trie node (in sequence mode, their number): see stack-cache.ts.
  private stackCache = new StackCache();

  /** Stack node for `frames` listed leaf first (perf's order), frames[0..n). */
  stackId(frames: Int32Array, n: number): number {
    const cached = this.stackCache.find(frames, n);
    if (cached >= 0) {
      return cached;
    }
    if (this.sequences) {
      // Every new stack is kept (its number is its place in the cache), however many there are.
      const id = this.sequenceCount++;
      this.stackCache.add(frames, n, id);
      return id;
    }
    const node = this.walkStack(frames, n);
    if (this.stackCache.framesUsed + n <= MAX_STACK_CACHE_INTS) {
      this.stackCache.add(frames, n, node);
    }
    return node;
  }

  /**
   * Walks (and extends) the trie from the root for a stack not in the cache. A node's depth and flags follow from the
   * walk itself (its step, and the OR of the frames' flags so far): a new node needs nothing read from its parent.
   */
  private walkStack(frames: Int32Array, n: number): number {
    const frameFlags = this.frames.flags;
    let node = 0;
    let flags = 0;
    for (let j = 0; j < n; j++) {
      const frame = frames[n - 1 - j];
      flags |= frameFlags[frame];
      const found = this.children.find(node, frame, this.stacks.parent);
      node = found >= 0 ? found : this.newNode(node, frame, j + 1, flags);
    }
    return node;
  }

  /** Stack node for `frame` called from stack node `parent` (0: the root): formats whose stacks come as a tree. */
  stackChild(parent: number, frame: number): number {
    if (this.sequences) {
      throw new Error('a builder of stack sequences has no trie');
    }
    const s = this.stacks;
    const found = this.children.find(parent, frame, s.parent);
    return found >= 0
      ? found
      : this.newNode(parent, frame, s.depth[parent] + 1, s.flags[parent] | this.frames.flags[frame]);
  }

  private newNode(parent: number, frame: number, depth: number, flags: number): number {
    const s = this.stacks;
    const child = s.count++;
    if (child === s.parent.length) {
      s.parent = growI32(s.parent);
      s.frame = growI32(s.frame);
      s.depth = growI32(s.depth);
      s.flags = growU8(s.flags);
    }
    s.parent[child] = parent;
    s.frame[child] = frame;
    s.depth[child] = depth;
    s.flags[child] = flags;
    this.children.add(parent, child, frame, s.parent);
    return child;
  }

  threadId(buf: Uint8Array, commStart: number, commEnd: number, pid: number, tid: number): number {
    const comm = this.commInterner.intern(buf, commStart, commEnd);
    if (comm === this.commNames.length) {
      this.commNames.push(this.commInterner.text(comm));
    }
    const id = this.threadKeys.intern4(comm, pid, tid, 0);
    const t = this.threads;
    if (id === t.count) {
      if (id === t.pid.length) {
        t.pid = growI32(t.pid);
        t.tid = growI32(t.tid);
      }
      t.comm.push(this.commNames[comm]);
      t.pid[id] = pid;
      t.tid[id] = tid;
      t.count++;
    }
    return id;
  }

  /** threadId for a comm already read as a byte string (a chunk's thread, merged). */
  threadOf(comm: string, pid: number, tid: number): number {
    const bytes = byteStringToBytes(comm);
    return this.threadId(bytes, 0, bytes.length, pid, tid);
  }

  /** eventId for a name already read as a byte string. */
  eventOf(name: string): number {
    const bytes = byteStringToBytes(name);
    return this.eventId(bytes, 0, bytes.length);
  }

  eventId(buf: Uint8Array, start: number, end: number): number {
    const id = this.eventInterner.intern(buf, start, end);
    if (id === this.events.length) {
      this.events.push(this.eventInterner.text(id));
    }
    return id;
  }

  /**
   * Appends one sample. `sec`/`nsec` are the integer parts of its timestamp; pass sec < 0 when it has none.
   * `weight` is perf's period (1 when absent).
   */
  addSample(sec: number, nsec: number, stack: number, thread: number, cpu: number, event: number, weight: number) {
    this.addContextSample(sec, nsec, this.contextKeys.intern4(stack, thread, cpu, event), weight);
  }

  /** The context (stack, thread, cpu, event) a sample is filed under: an importer that meets it again may keep it. */
  contextId(stack: number, thread: number, cpu: number, event: number): number {
    return this.contextKeys.intern4(stack, thread, cpu, event);
  }

  /** addSample for a context from contextId. */
  addContextSample(sec: number, nsec: number, context: number, weight: number) {
    const i = this.count;
    if (i === this.secs.length) {
      this.reserve(i + 1);
    }
    if (sec >= 0) {
      this.withTime++;
    } else {
      this.withoutTime++;
    }
    this.secs[i] = sec;
    this.nsecs[i] = nsec;
    this.context[i] = context;
    if (weight !== 1 && this.weight === null) {
      this.weight = new Float64Array(this.secs.length).fill(1, 0, i);
    }
    if (this.weight !== null) {
      this.weight[i] = weight;
    }
    this.count++;
  }

  /**
   * addContextSample for n samples at once (a chunk's, merged): `context` already in this builder's ids; `weight`
   * null when every weight is 1.
   */
  addContextSamples(sec: Float64Array, nsec: Int32Array, context: Int32Array, weight: Float64Array | null, n: number) {
    const at = this.count;
    this.reserve(at + n);
    this.secs.set(sec.subarray(0, n), at);
    this.nsecs.set(nsec.subarray(0, n), at);
    this.context.set(context.subarray(0, n), at);
    const timed = countTimed(sec, n);
    this.withTime += timed;
    this.withoutTime += n - timed;
    // A chunk sends weights only when one of them is not 1 (its builder starts keeping them then).
    if (weight !== null && this.weight === null) {
      this.weight = new Float64Array(this.secs.length).fill(1, 0, at);
    }
    if (this.weight !== null) {
      if (weight !== null) {
        this.weight.set(weight.subarray(0, n), at);
      } else {
        this.weight.fill(1, at, at + n);
      }
    }
    this.count += n;
  }

  get sampleCount(): number {
    return this.count;
  }

  /** Room for `samples` in all (an importer that knows its count spares the regrowing): at least doubles. */
  reserve(samples: number) {
    if (samples <= this.secs.length) {
      return;
    }
    const size = Math.max(samples, this.secs.length * 2);
    this.secs = resizeF64(this.secs, size);
    this.nsecs = resizeI32(this.nsecs, size);
    this.context = resizeI32(this.context, size);
    if (this.weight) {
      this.weight = resizeF64(this.weight, size);
    }
  }

  /** The sample just added had an event line ending with its event (no payload). */
  noteBareEvent(event: number) {
    if (this.foldEvent < 0) {
      this.foldEvent = event;
    }
  }

  noteTimePrecision(digits: number) {
    if (digits > this.timePrecisionDigits) {
      this.timePrecisionDigits = digits;
    }
  }

  // Table sizes when the current chunk began (see startChunk).
  // Stacks count from the trie's root (node 0, never sent), or from 0 in sequence mode.
  private chunkStart = { frames: 0, stacks: 1, threads: 0, events: 0, contexts: 0 };

  /**
   * Starts the next chunk of a profile parsed in pieces: the samples, warnings and byte count start over, the
   * interned tables stay (a thread parses several chunks, in file order, and later ones mostly reuse what earlier
   * ones interned) and `partial` sends only what the chunk added to them.
   */
  startChunk() {
    this.chunkStart = {
      frames: this.frames.count,
      stacks: this.sequences ? this.sequenceCount : this.stacks.count,
      threads: this.threads.count,
      events: this.events.length,
      contexts: this.contextKeys.size,
    };
    this.warnings = new Map();
    this.count = 0;
    this.weight = null;
    this.bytesRead = 0;
  }

  /**
   * The current chunk, unsorted and with nothing concluded (no end-of-input warnings): what it added to the tables
   * and its samples, to be merged in file order (merge.ts).
   */
  partial(lines: number): PartialStore {
    const n = this.count;
    const first = this.chunkStart;
    const contextKeys = this.contextKeys.keyArray().slice(first.contexts * 4, this.contextKeys.size * 4);
    const f = this.frames;
    const s = this.stacks;
    const t = this.threads;
    return {
      header: this.header,
      warnings: [...this.warnings.values()],
      lines,
      bytesRead: this.bytesRead,
      timePrecisionDigits: this.timePrecisionDigits,
      foldEvent: this.foldEvent,
      first: { ...first },
      frames: {
        name: f.name.slice(first.frames),
        dso: f.dso.slice(first.frames),
        chainPart: f.chainPart.slice(first.frames, f.count),
        address: f.address.slice(first.frames),
      },
      stacks: this.sequences
        ? this.stackCache.since(first.stacks)
        : { parent: s.parent.slice(first.stacks, s.count), frame: s.frame.slice(first.stacks, s.count) },
      threads: {
        comm: t.comm.slice(first.threads),
        pid: t.pid.slice(first.threads, t.count),
        tid: t.tid.slice(first.threads, t.count),
      },
      events: this.events.slice(first.events),
      contextKeys,
      samples: {
        count: n,
        sec: this.secs.slice(0, n),
        nsec: this.nsecs.slice(0, n),
        context: this.context.slice(0, n),
        weight: this.weight ? this.weight.slice(0, n) : null,
      },
    };
  }

  finish(): ProfileStore {
    if (this.sequences) {
      throw new Error('a builder of stack sequences only makes partials');
    }
    const n = this.count;
    const hasTimestamps = this.withTime > 0;
    if (hasTimestamps && this.withoutTime > 0) {
      this.warn('mixed-timestamps', `${this.withoutTime} samples had no timestamp and were given the previous one's`);
    }
    if (!hasTimestamps && n > 0 && this.timestampsExpected) {
      this.warn('missing-timestamp', 'samples have no timestamps (perf script without the time field): no heat map');
    }
    if (n === 0) {
      this.warn('no-samples', 'no samples found');
    }

    // Times as exact integer ns relative to the whole second of the earliest sample.
    const startSec = hasTimestamps ? earliestSecond(this.secs, n) : 0;
    const time = new Float64Array(n);
    if (hasTimestamps) {
      relativeTimes(this.secs, this.nsecs, n, startSec, time);
    }
    let context = this.context.subarray(0, n);
    let weight64 = this.weight ? this.weight.subarray(0, n) : null;
    let sortedTime = time;
    if (hasTimestamps && !isSorted(time)) {
      const order = sortOrder(time);
      sortedTime = permute(time, order, new Float64Array(n));
      context = permute(context, order, new Int32Array(n));
      weight64 = weight64 ? permute(weight64, order, new Float64Array(n)) : null;
    }

    return {
      format: this.format,
      header: this.header,
      warnings: [...this.warnings.values()],
      bytesRead: this.bytesRead,
      sampleCount: n,
      hasTimestamps,
      timePrecisionDigits: this.timePrecisionDigits,
      startSec: hasTimestamps ? startSec : 0,
      time: sortedTime,
      context: context.slice(),
      weight: weight64 ? compactWeights(weight64) : null,
      hasPeriods: weight64 !== null && !this.weightsAreCounts,
      events: this.events,
      foldEvent: this.foldEvent >= 0 ? this.events[this.foldEvent] : undefined,
      frames: this.frames,
      stacks: this.stacks,
      threads: this.threads,
      contexts: this.buildContexts(),
    };
  }

  private buildContexts(): ContextTable {
    const count = this.contextKeys.size;
    const c: ContextTable = {
      count,
      stack: new Int32Array(count),
      thread: new Int32Array(count),
      cpu: new Int32Array(count),
      event: new Int32Array(count),
      idle: new Uint8Array(count),
    };
    splitContextKeys(this.contextKeys.keyArray(), c);
    markIdle(c, swapperThreads(this.threads), this.stacks.flags);
    return c;
  }
}

// Loops over a whole table (finish's, and a merged chunk's samples), each a function of its own over typed arrays:
// finish runs once per parse, so a loop in its body ran unoptimised (over 100 k samples and contexts that was 30-40 ms
// of every parse); a small function gets optimised while its loop runs.

function countTimed(secs: Float64Array, n: number): number {
  let timed = 0;
  for (let i = 0; i < n; i++) {
    if (secs[i] >= 0) {
      timed++;
    }
  }
  return timed;
}

function earliestSecond(secs: Float64Array, n: number): number {
  let earliest = Infinity;
  for (let i = 0; i < n; i++) {
    const sec = secs[i];
    if (sec >= 0 && sec < earliest) {
      earliest = sec;
    }
  }
  return earliest;
}

/** A sample without a timestamp (sec < 0) gets the previous one's. */
function relativeTimes(secs: Float64Array, nsecs: Int32Array, n: number, startSec: number, time: Float64Array) {
  let previous = 0;
  for (let i = 0; i < n; i++) {
    const sec = secs[i];
    previous = sec >= 0 ? (sec - startSec) * NS_PER_SEC + nsecs[i] : previous;
    time[i] = previous;
  }
}

/** (stack, thread, cpu, event) tuples, 4 ints each, into the context table's columns. */
function splitContextKeys(keys: Int32Array, c: ContextTable) {
  const { stack, thread, cpu, event } = c;
  for (let i = 0, k = 0; i < c.count; i++, k += 4) {
    stack[i] = keys[k];
    thread[i] = keys[k + 1];
    cpu[i] = keys[k + 2];
    event[i] = keys[k + 3];
  }
}

/** Per thread, 1 when it is the swapper (pid 0). */
function swapperThreads(threads: ThreadTable): Uint8Array {
  const swapper = new Uint8Array(threads.count);
  for (let t = 0; t < threads.count; t++) {
    swapper[t] = threads.comm[t] === 'swapper' || threads.pid[t] === 0 || threads.tid[t] === 0 ? 1 : 0;
  }
  return swapper;
}

function markIdle(c: ContextTable, swapper: Uint8Array, stackFlags: Uint8Array) {
  for (let i = 0; i < c.count; i++) {
    c.idle[i] = isIdle(swapper[c.thread[i]] === 1, stackFlags[c.stack[i]]) ? 1 : 0;
  }
}

/**
 * Idle: the swapper (pid 0) running an idle loop — unless the stack shows interrupt or soft-IRQ work, which is real
 * CPU time spent on an otherwise idle CPU. A runtime's own idle state (V8's `(idle)`) is idle on any thread.
 */
function isIdle(swapper: boolean, stackFlags: number): boolean {
  if ((stackFlags & FRAME_IDLE_STATE) !== 0) {
    return true;
  }
  return swapper && (stackFlags & FRAME_IDLE) !== 0 && (stackFlags & FRAME_IRQ) === 0;
}

/** 4 M frame ids (16 MB) of cached stacks at most. */
const MAX_STACK_CACHE_INTS = 1 << 22;

function isSorted(a: Float64Array): boolean {
  for (let i = 1; i < a.length; i++) {
    if (a[i] < a[i - 1]) {
      return false;
    }
  }
  return true;
}

/** Stable order of indices by time. */
function sortOrder(time: Float64Array): Uint32Array {
  const order = new Uint32Array(time.length);
  for (let i = 0; i < order.length; i++) {
    order[i] = i;
  }
  return order.sort((a, b) => time[a] - time[b] || a - b);
}

function permute<T extends Float64Array | Int32Array>(src: T, order: Uint32Array, dst: T): T {
  for (let i = 0; i < order.length; i++) {
    dst[i] = src[order[i]];
  }
  return dst;
}

/** Periods fit 32 bits almost always; keep 8 bytes per sample only when one does not. */
function compactWeights(w: Float64Array): Uint32Array | Float64Array {
  for (let i = 0; i < w.length; i++) {
    if (w[i] > 0xffffffff || w[i] < 0 || !Number.isInteger(w[i])) {
      return w.slice();
    }
  }
  return Uint32Array.from(w);
}

function growI32(a: Int32Array): Int32Array {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}
function growU8(a: Uint8Array): Uint8Array {
  const b = new Uint8Array(a.length * 2);
  b.set(a);
  return b;
}
function resizeI32(a: Int32Array, size: number): Int32Array {
  const b = new Int32Array(size);
  b.set(a);
  return b;
}
function resizeF64(a: Float64Array, size: number): Float64Array {
  const b = new Float64Array(size);
  b.set(a);
  return b;
}

export { FrameKind };
