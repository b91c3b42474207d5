/**
 * The flame graph of a time range: a call tree (thread name at the top, then callers to callees) merged by display
 * name, emitted as a nested set in depth-first order — the shape Grafana's flame graph reads (level, value, self,
 * label) — with nodes too small to see folded into their parent's self time so big ranges stay small.
 */
import { contextMask, SampleFilter, weightByContext, WeightMode } from './filter';
import { FRAME_KIND_NAMES, FrameKindName } from './frames';
import { renderFrame } from './fold';
import { ProfileStore, sampleRange } from './store';
import { TupleInterner } from './tuple-interner';

export interface FlameGraphOptions extends SampleFilter {
  fromNs?: number;
  toNs?: number;
  weight?: WeightMode;
  /** Keep at most this many nodes (the largest); 0 or unset keeps all. */
  maxNodes?: number;
}

export interface FlameGraph {
  /** Depth-first order; node 0 is the root ("all"). */
  level: Int32Array;
  value: Float64Array;
  self: Float64Array;
  label: string[];
  kind: Array<FrameKindName | 'root' | 'thread'>;
  /** Weight of the root. */
  total: number;
  /** Nodes merged away by maxNodes. */
  droppedNodes: number;
}

const ROOT_LABEL = 'all';

export function computeFlameGraph(store: ProfileStore, options: FlameGraphOptions = {}): FlameGraph {
  const mask = contextMask(store, options);
  const [first, last] = sampleRange(store, options.fromNs ?? -Infinity, options.toNs ?? Infinity);
  const sums = weightByContext(store, first, last, mask, options.weight ?? 'samples');
  const tree = new CallTree(store);
  const c = store.contexts;
  for (let i = 0; i < c.count; i++) {
    if (sums[i] !== 0) {
      tree.add(c.thread[i], c.stack[i], sums[i]);
    }
  }
  return tree.toNestedSet(options.maxNodes ?? 0);
}

/** A frame's name for people: FlameGraph's tidy name, or `[dso]` when perf had no symbol. */
export function displayName(store: ProfileStore, frame: number, java: boolean): string | null {
  const name = store.frames.name[frame];
  if (name === '') {
    return `[${store.frames.dso[frame].replace(/.*\//, '')}]`;
  }
  return renderFrame(store, frame, java, { kernel: false, jit: false, addrs: false });
}

class CallTree {
  private readonly edges = new TupleInterner(2, 1024);
  private readonly labelIds = new Map<string, number>();
  private readonly labels: string[] = [];
  private parent: number[] = [-1];
  private labelOf: number[] = [-1];
  private kindOf: Array<FlameGraph['kind'][number]> = ['root'];
  private self: number[] = [0];
  /** (thread comm label, stack node) → tree node. */
  private readonly memo = new Map<number, number>();

  constructor(private readonly store: ProfileStore) {}

  add(thread: number, stack: number, weight: number) {
    const comm = this.store.threads.comm[thread];
    const top = this.child(0, comm, 'thread');
    const node = this.nodeFor(top, stack, comm === 'java');
    this.self[node] += weight;
  }

  private nodeFor(top: number, stack: number, java: boolean): number {
    const s = this.store.stacks;
    const pending: number[] = [];
    let n = stack;
    let node = top;
    while (n !== 0) {
      const hit = this.memo.get(n * 2097152 + top);
      if (hit !== undefined) {
        node = hit;
        break;
      }
      pending.push(n);
      n = s.parent[n];
    }
    for (let i = pending.length - 1; i >= 0; i--) {
      const m = pending[i];
      const frame = s.frame[m];
      const label = displayName(this.store, frame, java);
      if (label !== null) {
        node = this.child(node, label, FRAME_KIND_NAMES[this.store.frames.kind[frame]]);
      }
      this.memo.set(m * 2097152 + top, node);
    }
    return node;
  }

  private child(parent: number, label: string, kind: FlameGraph['kind'][number]): number {
    let id = this.labelIds.get(label);
    if (id === undefined) {
      id = this.labels.length;
      this.labels.push(label);
      this.labelIds.set(label, id);
    }
    const node = this.edges.intern2(parent, id) + 1;
    if (node === this.parent.length) {
      this.parent.push(parent);
      this.labelOf.push(id);
      this.kindOf.push(kind);
      this.self.push(0);
    }
    return node;
  }

  toNestedSet(maxNodes: number): FlameGraph {
    const count = this.parent.length;
    // Children are created after their parent, so one reverse pass sums totals bottom-up.
    const total = Float64Array.from(this.self);
    for (let n = count - 1; n > 0; n--) {
      total[this.parent[n]] += total[n];
    }
    const keep = new Uint8Array(count).fill(1);
    let dropped = 0;
    if (maxNodes > 0 && count > maxNodes) {
      const threshold = Float64Array.from(total).sort().reverse()[maxNodes - 1];
      for (let n = 1; n < count; n++) {
        if (total[n] < threshold || !keep[this.parent[n]]) {
          keep[n] = 0;
          dropped++;
        }
      }
    }
    const selfAfter = Float64Array.from(this.self);
    const children: number[][] = Array.from({ length: count }, () => []);
    for (let n = 1; n < count; n++) {
      if (keep[n]) {
        children[this.parent[n]].push(n);
      } else {
        // Merged away: its time becomes the nearest kept ancestor's self time, so totals still add up.
        let a = this.parent[n];
        while (!keep[a]) {
          a = this.parent[a];
        }
        selfAfter[a] += this.self[n];
      }
    }
    const kept = count - dropped;
    const out: FlameGraph = {
      level: new Int32Array(kept),
      value: new Float64Array(kept),
      self: new Float64Array(kept),
      label: [],
      kind: [],
      total: total[0],
      droppedNodes: dropped,
    };
    // Depth-first, siblings in name order (stable across ranges, like FlameGraph).
    const stack: Array<[number, number]> = [[0, 0]];
    let i = 0;
    while (stack.length > 0) {
      const [n, level] = stack.pop()!;
      out.level[i] = level;
      out.value[i] = total[n];
      out.self[i] = selfAfter[n];
      out.label.push(n === 0 ? ROOT_LABEL : this.labels[this.labelOf[n]]);
      out.kind.push(this.kindOf[n]);
      i++;
      const kids = children[n].sort((a, b) => compare(this.labels[this.labelOf[b]], this.labels[this.labelOf[a]]));
      for (const k of kids) {
        stack.push([k, level + 1]);
      }
    }
    return out;
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
