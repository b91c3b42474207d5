/**
 * V8 CPU profiles: `node --cpu-prof`, DevTools' "Save profile", the inspector's Profiler.stop — `{nodes, samples,
 * timeDeltas, startTime}` — and the older tree form (`{head, samples, timestamps}`, v8-profiler). Sample i is at
 * `startTime + Σ timeDeltas[0..i]` µs (FlameScope's heat-map rule; its flame-graph code shifts each sample by one
 * delta and drops the last, which we do not copy). Every sample weighs 1, as in FlameScope.
 *
 * The whole file is parsed with JSON.parse at the end (see json-input.ts); a file that is not JSON, or not a CPU
 * profile, is one ImportError sentence; nodes and samples that cannot be used are skipped and counted as warnings —
 * among them samples timed far outside the recording's startTime–endTime (a damaged number, often years away).
 * The thread is one, named `main`: a V8 profile is of one isolate and does not say which thread ran it.
 */
import { StoreBuilder } from '../builder';
import { ImportError } from '../import-error';
import { JsonInput } from '../json-input';
import { ProfileParser } from '../parser';
import { ProfileStore } from '../store';
import { CallFrame, frameSpec, ROOT_NAME } from './call-frame';

export const CPUPROFILE_THREAD = 'main';
/** The per-sample arrays, read from the bytes as Float64Arrays (most of a long recording's bytes). */
const NUMBER_ARRAYS = ['samples', 'timeDeltas', 'timestamps'];

export class CpuProfileParser implements ProfileParser {
  private readonly input = new JsonInput('the .cpuprofile');
  private truncated: string | undefined;

  get bytesRead(): number {
    return this.input.bytes;
  }

  push(chunk: Uint8Array): void {
    this.input.push(chunk);
  }

  noteTruncated(message: string): void {
    this.truncated = message;
  }

  finish(): ProfileStore {
    const b = new StoreBuilder();
    b.format = 'cpuprofile';
    b.bytesRead = this.input.bytes;
    if (this.truncated !== undefined) {
      b.warn('truncated', this.truncated);
    }
    // The parsed JSON is not kept past this call: its arrays can go before finish() builds the store's columns.
    addCpuProfile(b, this.input.parse(this.truncated !== undefined, NUMBER_ARRAYS));
    return b.finish();
  }
}

interface Profile {
  nodes: unknown[];
  samples: unknown;
  /** µs between samples (the first: since startTime). */
  timeDeltas?: unknown;
  /** Absolute µs per sample (the old tree form). */
  timestamps?: unknown;
  startTime?: unknown;
  /** [start, end] of the recording in µs, from startTime/endTime, when both are there and in order. */
  recorded?: { start: number; end: number };
  /** Line numbers counted from 0 (DevTools protocol) or 1 (the old tree form). */
  lineBase: 0 | 1;
}

/** Adds a parsed `.cpuprofile` (either form) to `b` as samples of one thread. */
export function addCpuProfile(b: StoreBuilder, json: unknown) {
  const profile = asProfile(json);
  const bytes = new Uint8Array(Array.from(CPUPROFILE_THREAD, (c) => c.charCodeAt(0)));
  const thread = b.threadId(bytes, 0, bytes.length, -1, -1);
  const event = b.eventId(bytes, 0, 0);
  const { index, stackOf } = nodeStacks(b, profile);
  addSamples(b, profile, index, stackOf, thread, event);
}

function asProfile(json: unknown): Profile {
  if (!isObject(json)) {
    throw new ImportError('the .cpuprofile is not a JSON object with "nodes", "samples" and "timeDeltas"');
  }
  if (Array.isArray(json.nodes)) {
    return {
      ...json,
      nodes: json.nodes,
      samples: json.samples,
      recorded: recordedSpan(json.startTime, json.endTime, 1),
      lineBase: 0,
    };
  }
  if (isObject(json.head)) {
    if (isObject(json.head.callFrame) && 'selfSize' in json.head) {
      throw new ImportError('this is a V8 heap (sampling) profile, not a CPU profile');
    }
    return {
      nodes: flattenTree(json.head),
      samples: json.samples,
      timestamps: json.timestamps,
      // The old form's startTime is in seconds; its timestamps are absolute µs and need no start.
      startTime: 0,
      // Its startTime and endTime are whole seconds, rounded down.
      recorded: recordedSpan(json.startTime, typeof json.endTime === 'number' ? json.endTime + 1 : undefined, 1e6),
      lineBase: 1,
    };
  }
  throw new ImportError('the .cpuprofile has no "nodes" array (nor an old-style "head" tree)');
}

/** The old form's nested tree as today's flat nodes with child ids (iteratively: trees can be deep). */
function flattenTree(head: Record<string, unknown>): unknown[] {
  const nodes: unknown[] = [];
  const todo: unknown[] = [head];
  while (todo.length > 0) {
    const node = todo.pop();
    if (!isObject(node)) {
      continue;
    }
    const children = Array.isArray(node.children) ? node.children : [];
    nodes.push({
      id: node.id,
      callFrame: node,
      children: children.map((c) => (isObject(c) ? c.id : undefined)),
    });
    for (let i = children.length - 1; i >= 0; i--) {
      todo.push(children[i]);
    }
  }
  return nodes;
}

/**
 * The stack-trie node of every node in the tree: parents from `children` (or `parent` ids, as Chrome traces give
 * them), walked from the roots, so a node in a cycle or under an unknown parent never gets one.
 */
function nodeStacks(b: StoreBuilder, profile: Profile): { index: Map<number, number>; stackOf: Int32Array } {
  const nodes = profile.nodes;
  const n = nodes.length;
  const index = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const node = nodes[i];
    if (!isObject(node) || typeof node.id !== 'number' || !isObject(node.callFrame) || index.has(node.id)) {
      b.warn('bad-node', 'nodes without an id or a call frame, or with an id already used, were skipped');
      continue;
    }
    index.set(node.id, i);
  }
  // parent[i]: the parent's position; -1 for a root.
  const parent = new Int32Array(n).fill(-1);
  const claimed = new Uint8Array(n);
  for (const i of index.values()) {
    const children = (nodes[i] as Record<string, unknown>).children;
    if (!Array.isArray(children)) {
      continue;
    }
    for (const id of children) {
      const j = typeof id === 'number' ? index.get(id) : undefined;
      if (j === undefined || claimed[j]) {
        b.warn(
          'bad-node',
          'child links to nodes that are not in the profile, or to a node a second time, were skipped'
        );
        continue;
      }
      claimed[j] = 1;
      parent[j] = i;
    }
  }
  for (const j of index.values()) {
    const p = (nodes[j] as Record<string, unknown>).parent;
    if (claimed[j] || p === undefined) {
      continue;
    }
    const i = typeof p === 'number' ? index.get(p) : undefined;
    if (i === undefined) {
      b.warn('bad-node', 'nodes whose parent is not in the profile were skipped');
      parent[j] = -2;
    } else {
      parent[j] = i;
    }
  }

  // Children lists from the parent links, then a depth-first walk from each root.
  const firstChild = new Int32Array(n).fill(-1);
  const nextSibling = new Int32Array(n).fill(-1);
  for (const j of index.values()) {
    const p = parent[j];
    if (p >= 0) {
      nextSibling[j] = firstChild[p];
      firstChild[p] = j;
    }
  }
  const stackOf = new Int32Array(n).fill(-1);
  const frames = new Map<string, number>();
  const todo: number[] = [];
  for (const root of index.values()) {
    if (parent[root] !== -1) {
      continue;
    }
    const cf = (nodes[root] as Record<string, unknown>).callFrame as CallFrame;
    stackOf[root] = cf.functionName === ROOT_NAME ? 0 : b.stackChild(0, frameOf(b, frames, cf, profile.lineBase));
    todo.push(root);
    while (todo.length > 0) {
      const i = todo.pop()!;
      for (let j = firstChild[i]; j >= 0; j = nextSibling[j]) {
        const child = (nodes[j] as Record<string, unknown>).callFrame as CallFrame;
        stackOf[j] = b.stackChild(stackOf[i], frameOf(b, frames, child, profile.lineBase));
        todo.push(j);
      }
    }
  }
  for (const i of index.values()) {
    if (stackOf[i] < 0 && parent[i] !== -2) {
      b.warn('bad-node', 'nodes no root leads to (a cycle in the tree) were skipped');
    }
  }
  return { index, stackOf };
}

/** Frame id of a call frame, made once per distinct (function, script, line). */
function frameOf(b: StoreBuilder, frames: Map<string, number>, cf: CallFrame, lineBase: 0 | 1): number {
  const key = `${String(cf.functionName)}\u0000${String(cf.url)}\u0000${String(cf.lineNumber)}\u0000${String(cf.scriptId)}`;
  let id = frames.get(key);
  if (id === undefined) {
    const spec = frameSpec(cf, lineBase);
    id = b.frameOf(spec.name, spec.dso, spec.kind, spec.flags);
    frames.set(key, id);
  }
  return id;
}

function addSamples(
  b: StoreBuilder,
  profile: Profile,
  index: Map<number, number>,
  stackOf: Int32Array,
  thread: number,
  event: number
) {
  const samples = profile.samples;
  if (!isNumbers(samples)) {
    if (samples !== undefined) {
      b.warn('bad-sample', 'the "samples" field is not an array: the profile has no samples');
    }
    return;
  }
  b.reserve(samples.length);
  const contextOf = new ContextLookup(b, index, stackOf, thread, event);
  const clock = new SampleClock(profile, samples.length);
  const keep = clock.timed ? recordedWindow(profile.recorded, clock, samples.length) : undefined;
  clock.restart();
  let fractional = false;
  for (let i = 0; i < samples.length; i++) {
    let sec = -1;
    let nsec = 0;
    if (clock.timed) {
      const t = clock.next(i);
      if (Number.isNaN(t)) {
        b.warn(
          clock.problem,
          clock.problem === 'bad-sample'
            ? 'samples without a valid time delta were skipped'
            : 'samples with a negative timestamp were skipped'
        );
        continue;
      }
      if (keep !== undefined && (t < keep.start || t > keep.end)) {
        b.warn('bad-timestamp', "samples timed outside the recording's startTime–endTime were skipped");
        continue;
      }
      const ns = Math.round(t * 1000);
      fractional ||= t !== Math.floor(t);
      sec = Math.floor(ns / 1e9);
      nsec = ns - sec * 1e9;
    }
    const context = contextOf.get(samples[i]);
    if (context < 0) {
      b.warn('bad-sample', "samples of nodes that are not in the profile's tree were skipped");
      continue;
    }
    b.addContextSample(sec, nsec, context, 1);
  }
  b.noteTimePrecision(fractional ? 9 : 6);
}

/**
 * Sample i's time in µs, read in order (deltas add up): NaN when it has none or it is negative, `problem` then saying
 * which. Read twice (the window, then the samples) rather than kept: a long recording has millions of samples.
 */
class SampleClock {
  private readonly deltas: ArrayLike<unknown> | undefined;
  private readonly stamps: ArrayLike<unknown> | undefined;
  private readonly stampOffset: number;
  private readonly startTime: number;
  private t = 0;
  problem: 'bad-sample' | 'bad-timestamp' = 'bad-sample';

  constructor(profile: Profile, count: number) {
    this.deltas = isNumbers(profile.timeDeltas) ? profile.timeDeltas : undefined;
    this.stamps = this.deltas === undefined && isNumbers(profile.timestamps) ? profile.timestamps : undefined;
    // A converted old profile may list the start time first, then one timestamp per sample.
    this.stampOffset = this.stamps !== undefined && this.stamps.length === count + 1 ? 1 : 0;
    this.startTime =
      typeof profile.startTime === 'number' && Number.isFinite(profile.startTime) ? profile.startTime : 0;
  }

  /** Whether the profile gives times at all (if not, its samples are kept untimed). */
  get timed(): boolean {
    return this.deltas !== undefined || this.stamps !== undefined;
  }

  restart() {
    this.t = this.startTime;
  }

  next(i: number): number {
    const d = this.deltas !== undefined ? this.deltas[i] : this.stamps![i + this.stampOffset];
    if (typeof d !== 'number' || !Number.isFinite(d)) {
      this.problem = 'bad-sample';
      return NaN;
    }
    this.t = this.deltas !== undefined ? this.t + d : d;
    if (Math.round(this.t * 1000) < 0) {
      this.problem = 'bad-timestamp';
      return NaN;
    }
    return this.t;
  }
}

/** The least slack (µs) around startTime–endTime: V8's deltas can step back a little. */
const MIN_SLACK_US = 1e6;

/**
 * The window samples must fall in: the recording's startTime–endTime, widened on each side by its own length (at least
 * 1 s). A sample beyond that has a damaged time (one digit too many puts it years away, and its heat map would have
 * to span them), so it is skipped (a warning counts them). The slack is wide because writers other than V8 may set
 * endTime loosely, and a heat map over 3× the recording is still a picture. If most samples lie outside, it is
 * startTime or endTime that is wrong: no window then.
 */
function recordedWindow(
  recorded: Profile['recorded'],
  clock: SampleClock,
  count: number
): { start: number; end: number } | undefined {
  if (recorded === undefined) {
    return undefined;
  }
  const slack = Math.max(MIN_SLACK_US, recorded.end - recorded.start);
  const start = recorded.start - slack;
  const end = recorded.end + slack;
  let timed = 0;
  let outside = 0;
  clock.restart();
  for (let i = 0; i < count; i++) {
    const t = clock.next(i);
    if (!Number.isNaN(t)) {
      timed++;
      if (t < start || t > end) {
        outside++;
      }
    }
  }
  return outside === 0 || outside * 2 > timed ? undefined : { start, end };
}

/** startTime–endTime in µs (`unitUs` µs to their unit), when both are finite numbers in order. */
function recordedSpan(startTime: unknown, endTime: unknown, unitUs: number): Profile['recorded'] {
  if (typeof startTime !== 'number' || typeof endTime !== 'number') {
    return undefined;
  }
  const start = startTime * unitUs;
  const end = endTime * unitUs;
  return Number.isFinite(start) && Number.isFinite(end) && start <= end ? { start, end } : undefined;
}

/**
 * A sample's node id → its store context (stack, the thread, no cpu, the event), made on first use: one table load
 * per sample instead of a hash of the id and another of the context. Ids are small integers (1..n) in every
 * profile V8 writes, so the table is dense; anything else goes through the id map.
 */
class ContextLookup {
  private readonly dense: Int32Array;
  private readonly sparse = new Map<number, number>();

  constructor(
    private readonly b: StoreBuilder,
    private readonly index: Map<number, number>,
    private readonly stackOf: Int32Array,
    private readonly thread: number,
    private readonly event: number
  ) {
    let max = -1;
    for (const id of index.keys()) {
      if (Number.isInteger(id) && id > max) {
        max = id;
      }
    }
    // Unknown yet: -2; no context (an id not in the tree): -1.
    this.dense = new Int32Array(max < 4 * index.size + 1024 ? max + 1 : 0).fill(-2);
  }

  get(id: unknown): number {
    if (typeof id !== 'number') {
      return -1;
    }
    const known = this.dense[id];
    if (known !== undefined && known !== -2) {
      return known;
    }
    if (known === undefined) {
      return this.sparse.get(id) ?? this.make(id);
    }
    return this.make(id);
  }

  private make(id: number): number {
    const node = this.index.get(id);
    const context =
      node === undefined || this.stackOf[node] < 0
        ? -1
        : this.b.contextId(this.stackOf[node], this.thread, -1, this.event);
    if (id >= 0 && id < this.dense.length && Number.isInteger(id)) {
      this.dense[id] = context;
    } else {
      this.sparse.set(id, context);
    }
    return context;
  }
}

/** A JSON array, or one json-arrays.ts read from the bytes. */
function isNumbers(v: unknown): v is ArrayLike<unknown> {
  return Array.isArray(v) || v instanceof Float64Array;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
