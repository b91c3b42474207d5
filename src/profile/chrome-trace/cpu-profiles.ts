/**
 * V8 CPU profiles inside a trace: a `Profile` event (its thread, its `startTime`) and `ProfileChunk` events with the
 * same id (and pid) carrying nodes — each with a `parent` id, spread over chunks — and samples with `timeDeltas`. The
 * chunks come from the profiler's own thread; the samples belong to the `Profile` event's thread. Older Chrome wrote
 * one `CpuProfile` event holding a whole `.cpuprofile` (nodes with `children`).
 *
 * Sample i of a profile is at startTime + Σ timeDeltas[0..i] µs, the deltas running on across chunks (FlameScope's
 * heat-map rule). Nodes and samples are kept compactly until the end, when every node is known.
 */
import { StoreBuilder } from '../builder';
import { frameSpec, ROOT_NAME } from '../cpuprofile/call-frame';
import { FloatList, IntList } from '../import-kit/growable';
import { splitMicros } from '../import-kit/time';
import { WarningTally } from '../import-kit/warnings';
import { TraceThreads } from './threads';
import { argsData, idKey, isObject, num } from './values';

interface CpuProfile {
  /** The `Profile` event's thread (-1: none seen). */
  thread: number;
  /** The first chunk's thread, used when no `Profile` event came. */
  chunkThread: number;
  startTime: number;
  /** ts of the first chunk: the start when no `Profile` event gave one. */
  firstChunkTs: number;
  /** node id → parent node id (-1: none yet). */
  parent: Map<number, number>;
  /** node id → frame id (-1: `(root)`). */
  frame: Map<number, number>;
  samples: IntList;
  deltas: FloatList;
}

export class CpuProfiles {
  private readonly profiles = new Map<string, CpuProfile>();
  private legacyCount = 0;
  sampleCount = 0;

  constructor(
    private readonly b: StoreBuilder,
    private readonly threads: TraceThreads,
    private readonly warnings: WarningTally
  ) {}

  /** Reads an event if it is one of a CPU profile's; returns whether it was. */
  read(ev: Record<string, unknown>): boolean {
    const name = ev.name;
    // Sample events (`ph: 'P'`); the old whole-profile event was an instant one. A slice named `Profile` is a slice.
    const isProfile = (name === 'Profile' || name === 'ProfileChunk') && ev.ph === 'P';
    if (!isProfile && !(name === 'CpuProfile' && (ev.ph === 'I' || ev.ph === 'P'))) {
      return false;
    }
    const data = argsData(ev);
    if (data === undefined) {
      this.warnings.note('bad-sample', `${name} events without args.data (skipped)`);
      return true;
    }
    if (name === 'Profile') {
      const p = this.profile(ev);
      p.thread = this.threads.ref(ev.pid, ev.tid);
      const start = num(data.startTime);
      p.startTime = Number.isFinite(start) ? start : num(ev.ts);
    } else if (name === 'ProfileChunk') {
      const p = this.profile(ev);
      const cpuProfile = isObject(data.cpuProfile) ? data.cpuProfile : {};
      if (p.chunkThread < 0) {
        p.chunkThread = this.threads.ref(ev.pid, ev.tid);
      }
      this.addChunk(p, num(ev.ts), cpuProfile.nodes, cpuProfile.samples, data.timeDeltas ?? cpuProfile.timeDeltas);
    } else {
      // A whole profile in one event (Chrome before 66).
      const cpuProfile = isObject(data.cpuProfile) ? data.cpuProfile : {};
      const p = this.newProfile(this.threads.ref(ev.pid, ev.tid));
      this.profiles.set(`legacy:${this.legacyCount++}`, p);
      p.startTime = num(cpuProfile.startTime);
      this.addChunk(p, num(ev.ts), cpuProfile.nodes, cpuProfile.samples, cpuProfile.timeDeltas);
    }
    return true;
  }

  /** Adds every profile's samples to the builder. */
  emit(event: number) {
    const time = { sec: 0, nsec: 0 };
    const scratch: number[] = [];
    for (const p of this.profiles.values()) {
      if (p.samples.length === 0) {
        continue;
      }
      if (p.thread < 0) {
        this.warnings.note('bad-sample', 'CPU profiles without a Profile event (placed on the thread of their chunks)');
        p.thread = p.chunkThread;
      }
      let t = Number.isFinite(p.startTime) ? p.startTime : p.firstChunkTs;
      const thread = this.threads.builderId(this.b, p.thread);
      // A sample's node → its store context (stack, thread, event), made on first use: one lookup a sample.
      const contexts = new Map<number, number>();
      this.b.reserve(this.b.sampleCount + p.samples.length);
      for (let i = 0; i < p.samples.length; i++) {
        t += p.deltas.data[i];
        const node = p.samples.data[i];
        let context = contexts.get(node);
        if (context === undefined) {
          const stack = this.stackOf(p, node, scratch);
          context = stack < 0 ? -1 : this.b.contextId(stack, thread, -1, event);
          contexts.set(node, context);
        }
        if (context < 0) {
          this.warnings.note(
            'bad-sample',
            'samples of nodes missing from their profile, or below a missing node (dropped)'
          );
          continue;
        }
        if (!Number.isFinite(t) || t < 0) {
          this.warnings.note('bad-timestamp', 'samples at an unreadable time (dropped)');
          continue;
        }
        splitMicros(t, time);
        this.b.addContextSample(time.sec, time.nsec, context, 1);
        this.sampleCount++;
      }
    }
  }

  /** Samples read so far (emitted or not): whether this trace is a sampled one. */
  get hasSamples(): boolean {
    for (const p of this.profiles.values()) {
      if (p.samples.length > 0) {
        return true;
      }
    }
    return false;
  }

  private profile(ev: Record<string, unknown>): CpuProfile {
    const key = `${idKey(ev.pid)}:${String(ev.id)}`;
    let p = this.profiles.get(key);
    if (!p) {
      p = this.newProfile(-1);
      this.profiles.set(key, p);
    }
    return p;
  }

  private newProfile(thread: number): CpuProfile {
    return {
      thread,
      chunkThread: -1,
      startTime: NaN,
      firstChunkTs: NaN,
      parent: new Map(),
      frame: new Map(),
      samples: new IntList(),
      deltas: new FloatList(),
    };
  }

  private addChunk(p: CpuProfile, ts: number, nodes: unknown, samples: unknown, deltas: unknown) {
    if (Number.isNaN(p.firstChunkTs)) {
      p.firstChunkTs = ts;
    }
    if (Array.isArray(nodes)) {
      for (const node of nodes) {
        this.addNode(p, node);
      }
    }
    // Samples and deltas pair up within a chunk; a chunk's unpaired tail is dropped, so later chunks stay aligned.
    const ids = Array.isArray(samples) ? samples : [];
    const ds = Array.isArray(deltas) ? deltas : [];
    const n = Math.min(ids.length, ds.length);
    if (ids.length !== ds.length) {
      this.warnings.note('bad-sample', 'samples or time deltas without their pair (dropped)', Math.abs(ids.length - n));
    }
    for (let i = 0; i < n; i++) {
      const d = num(ds[i]);
      p.samples.push(Number.isInteger(ids[i]) ? (ids[i] as number) : -1);
      p.deltas.push(Number.isFinite(d) ? d : 0);
    }
  }

  private addNode(p: CpuProfile, node: unknown) {
    if (!isObject(node) || !Number.isInteger(node.id)) {
      this.warnings.note('bad-node', 'profile nodes without an id (skipped)');
      return;
    }
    const id = node.id as number;
    p.frame.set(id, this.frameOf(isObject(node.callFrame) ? node.callFrame : {}));
    if (Number.isInteger(node.parent)) {
      p.parent.set(id, node.parent as number);
    } else if (!p.parent.has(id)) {
      p.parent.set(id, -1);
    }
    // `.cpuprofile`-style nodes list their children instead of their parent.
    if (Array.isArray(node.children)) {
      for (const child of node.children) {
        if (Number.isInteger(child)) {
          p.parent.set(child as number, id);
        }
      }
    }
  }

  /** Frame id of a call frame, named as in a `.cpuprofile` (call-frame.ts); -1 for `(root)`, which is no frame. */
  private frameOf(cf: Record<string, unknown>): number {
    if (cf.functionName === ROOT_NAME && !cf.url) {
      return -1;
    }
    const spec = frameSpec(cf, 0);
    return this.b.frameOf(spec.name, spec.dso, spec.kind, spec.flags);
  }

  /** Builder stack of a node (its frames up to the root), or -1 when the node or an ancestor is undefined. */
  private stackOf(p: CpuProfile, node: number, leafFirst: number[]): number {
    leafFirst.length = 0;
    let n = node;
    for (let depth = 0; ; depth++) {
      const frame = p.frame.get(n);
      // Deeper than the profile has nodes: the parent links make a cycle.
      if (frame === undefined || depth > p.frame.size) {
        return -1;
      }
      if (frame >= 0) {
        leafFirst.push(frame);
      }
      const parent = p.parent.get(n);
      if (parent === undefined || parent < 0) {
        break;
      }
      n = parent;
    }
    return this.b.stackId(Int32Array.from(leafFirst), leafFirst.length);
  }
}
