/**
 * The sample store: a parsed profile, columnar and compact, sorted by time.
 *
 * A sample is (time, context, weight). A context interns everything else a sample carries — stack, thread, cpu,
 * event — so a sample costs 12 bytes (16 with weights) and filters are evaluated once per context, not per sample.
 * Times are exact integers: nanoseconds since `startSec`, the whole second of the first sample on the perf clock.
 * All text is byte strings (see bytes.ts).
 */
import { FrameKind } from './frames';

export interface ProfileHeader {
  capturedOn?: string;
  hostname?: string;
  osRelease?: string;
  perfVersion?: string;
  arch?: string;
  nrcpusOnline?: number;
  nrcpusAvailable?: number;
  cpuDescription?: string;
  cmdline?: string;
  totalMemory?: string;
  /** Events named in `# event : name = …` lines. */
  events: string[];
  /** `# time of first sample : 12345.678` (perf 5.x), in perf-clock seconds as printed. */
  timeOfFirstSample?: string;
  timeOfLastSample?: string;
  /**
   * perf's `tod` field of the first sample that had it (`perf script -F +tod`): the recording host's local wall-clock
   * time at perf-clock `sec`.`nsec`.
   */
  timeOfDay?: { wallClock: string; sec: number; nsec: number };
  /**
   * An exact wall-clock anchor the file itself states (a Chrome trace's `metadata.startTime`): the profile-clock
   * instant `sec`.`nsec` was `epochMs`. Preferred over every other anchor but epoch timestamps.
   */
  wallClock?: { epochMs: number; sec: number; nsec: number };
  /** Every `# key : value` line, as written. */
  fields: Record<string, string>;
}

export interface ParseWarning {
  code:
    | 'garbage-line'
    | 'bad-frame-line'
    | 'missing-timestamp'
    | 'bad-timestamp'
    | 'truncated'
    | 'mixed-timestamps'
    | 'no-samples'
    /** A JSON profile's node that cannot be used (no id, no call frame, an unknown or second parent). */
    | 'bad-node'
    /** A JSON profile's sample that cannot be placed (an unknown node, no time delta). */
    | 'bad-sample';
  message: string;
  count: number;
  /** 1-based line number of the first occurrence, when known. */
  firstLine?: number;
}

export interface FrameTable {
  count: number;
  /** Symbol as perf printed it, minus a `+0x…` offset; one part of a Java `a->b` chain. */
  name: string[];
  dso: string[];
  kind: Uint8Array;
  /** Second or later part of an `a->b->c` chain (FlameGraph's `_[i]`). */
  chainPart: Uint8Array;
  /** Raw address, kept only for `[unknown]` symbols when parsing for `--addrs`. */
  address: Array<string | undefined>;
  /** FRAME_IDLE / FRAME_IRQ bits. */
  flags: Uint8Array;
}

/** Stack trie: node 0 is the root (no frame); every other node is (parent, frame). */
export interface StackTable {
  count: number;
  parent: Int32Array;
  frame: Int32Array;
  depth: Int32Array;
  /** OR of the frame flags from the root down to this node. */
  flags: Uint8Array;
}

export interface ThreadTable {
  count: number;
  comm: string[];
  /** -1 when perf did not print it. */
  pid: Int32Array;
  tid: Int32Array;
}

export interface ContextTable {
  count: number;
  stack: Int32Array;
  thread: Int32Array;
  /** -1 when perf did not print a cpu. */
  cpu: Int32Array;
  event: Int32Array;
  idle: Uint8Array;
}

/**
 * The input formats (what FlameScope opens, and folded stacks): perf script text, a V8 `.cpuprofile`, a Chrome
 * trace (DevTools Performance recordings and trace-event JSON), Netflix's nflxprofile protobuf, FlameGraph's folded
 * stacks.
 */
export type ProfileFormat = 'perf-script' | 'cpuprofile' | 'chrome-trace' | 'nflxprofile' | 'folded';

export interface ProfileStore {
  format: ProfileFormat;
  header: ProfileHeader;
  warnings: ParseWarning[];
  /** Bytes of (decompressed) input consumed. */
  bytesRead: number;
  sampleCount: number;
  /** False when perf script was run without the time field: no heat map, no range queries. */
  hasTimestamps: boolean;
  /** Decimal places the timestamps had (6 = µs, 9 = ns). */
  timePrecisionDigits: number;
  /** floor(first sample) in perf-clock seconds. */
  startSec: number;
  /** Per sample: ns since startSec, ascending. */
  time: Float64Array;
  context: Int32Array;
  /**
   * Per sample weight; null when every sample weighs 1. With hasPeriods it is perf's period; without, each sample
   * stands for that many samples (a folded line `a;b 42` is one sample of weight 42), so sample counts weigh by it.
   */
  weight: Uint32Array | Float64Array | null;
  hasPeriods: boolean;
  events: string[];
  /**
   * The event stackcollapse-perf.pl keeps by default: that of the first sample whose header line ends with its event
   * (samples with a tracepoint payload or an inline frame are never filtered by it).
   */
  foldEvent: string | undefined;
  frames: FrameTable;
  stacks: StackTable;
  threads: ThreadTable;
  contexts: ContextTable;
}

export { FrameKind };

/** Index of the first sample with time >= t (ns since startSec). */
export function lowerBound(time: Float64Array, t: number, count = time.length): number {
  let lo = 0;
  let hi = count;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (time[mid] < t) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

/** Sample indices [first, last) whose time lies in [fromNs, toNs), both ns since startSec. */
export function sampleRange(store: ProfileStore, fromNs: number, toNs: number): [number, number] {
  if (!store.hasTimestamps) {
    return [0, store.sampleCount];
  }
  const first = lowerBound(store.time, fromNs, store.sampleCount);
  const last = Math.max(first, lowerBound(store.time, toNs, store.sampleCount));
  return [first, last];
}

/**
 * A wall-clock instant (epoch ms) as ns since startSec, for a store whose time 0 is at `startEpochMs`. Rounded to the
 * store's time precision (at most 1 ms): epoch-sized ms carry ~0.2 µs of float error, which must not move a range
 * boundary past a sample — anchored ranges fall on that grid (an instant in ms, plus a first sample in µs).
 */
export function wallMsToNs(store: ProfileStore, startEpochMs: number, ms: number): number {
  const ns = (ms - startEpochMs) * 1e6;
  if (!Number.isFinite(ns)) {
    return ns;
  }
  const unit = 10 ** (9 - Math.min(9, Math.max(3, store.timePrecisionDigits || 9)));
  return Math.round(ns / unit) * unit;
}

/** Time span of the profile: [first, last] sample, ns since startSec. */
export function timeSpan(store: ProfileStore): { firstNs: number; lastNs: number } | undefined {
  if (!store.hasTimestamps || store.sampleCount === 0) {
    return undefined;
  }
  return { firstNs: store.time[0], lastNs: store.time[store.sampleCount - 1] };
}

/** Bytes held by the store's typed arrays, an estimate for cache budgets. */
export function storeByteSize(store: ProfileStore): number {
  let bytes = store.time.byteLength + store.context.byteLength + (store.weight?.byteLength ?? 0);
  bytes += store.stacks.count * 13 + store.contexts.count * 17 + store.threads.count * 40;
  for (let i = 0; i < store.frames.count; i++) {
    bytes += 64 + 2 * (store.frames.name[i].length + store.frames.dso[i].length);
  }
  return bytes;
}

/** Weight of sample i. */
export function sampleWeight(store: ProfileStore, i: number): number {
  return store.weight === null ? 1 : store.weight[i];
}

/** Whether `weight` holds sample counts (folded stacks) rather than perf's periods. */
export function weightsAreCounts(store: ProfileStore): boolean {
  return store.weight !== null && !store.hasPeriods;
}

/** How many samples the store stands for: its sample count, or the sum of a folded profile's counts. */
export function totalSamples(store: ProfileStore): number {
  if (!weightsAreCounts(store)) {
    return store.sampleCount;
  }
  let total = 0;
  for (let i = 0; i < store.sampleCount; i++) {
    total += store.weight![i];
  }
  return total;
}

/** Why a store without timestamps has no heat map and no place in time, in one clause users can act on. */
export function untimedReason(store: ProfileStore): string {
  return store.format === 'folded'
    ? 'folded stacks carry no timestamps'
    : 'the profile has no timestamps (perf script was run without the time field)';
}
