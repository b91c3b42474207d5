/**
 * The flame graph of a time range: a call tree (thread name at the top, then callers to callees) merged by display
 * name, emitted as a nested set in depth-first order — the shape Grafana's flame graph reads (level, value, self,
 * label) — with nodes too small to see folded into their parent's self time so big ranges stay small.
 */
import { contextMask, SampleFilter, weightByContext, WeightMode } from './filter';
import { FRAME_KIND_NAMES, FrameKind, FrameKindName } from './frames';
import { renderFrame } from './fold';
import { toDisplayText } from './bytes';
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
  /** Differential graphs only (Grafana's convention): `value`/`self` hold baseline + selection, these the selection. */
  valueRight?: Float64Array;
  selfRight?: Float64Array;
  /** Weight of the root. */
  total: number;
  /** Nodes merged away by maxNodes. */
  droppedNodes: number;
}

const ROOT_LABEL = 'all';

export function computeFlameGraph(store: ProfileStore, options: FlameGraphOptions = {}): FlameGraph {
  return mergeFlameGraphs([{ store, options }], undefined, options.maxNodes ?? 0);
}

export interface FlameGraphPart {
  store: ProfileStore;
  options: FlameGraphOptions;
}

/**
 * One flame graph of several ranges (of one or several profiles: continuous capture), merged by name. With a
 * baseline it is differential: `value`/`self` are baseline + selection and `valueRight`/`selfRight` the selection,
 * as Grafana's flame graph reads a diff.
 */
export function mergeFlameGraphs(selection: FlameGraphPart[], baseline?: FlameGraphPart[], maxNodes = 0): FlameGraph {
  const tree = new CallTree();
  for (const part of baseline ?? []) {
    addRange(tree, part.store, part.options, 0);
  }
  for (const part of selection) {
    addRange(tree, part.store, part.options, baseline ? 1 : 0);
  }
  return tree.toNestedSet(maxNodes, baseline !== undefined);
}

function addRange(tree: CallTree, store: ProfileStore, options: FlameGraphOptions, channel: 0 | 1) {
  const mask = contextMask(store, options);
  const [first, last] = sampleRange(store, options.fromNs ?? -Infinity, options.toNs ?? Infinity);
  const sums = weightByContext(store, first, last, mask, options.weight ?? 'samples');
  const c = store.contexts;
  const memo = new Map<number, Map<number, number>>();
  for (let i = 0; i < c.count; i++) {
    if (sums[i] !== 0) {
      tree.add(store, memo, c.thread[i], c.stack[i], sums[i], channel);
    }
  }
}

/** A frame's name for people: FlameGraph's tidy name, or `[dso]` when perf had no symbol. */
export function displayName(store: ProfileStore, frame: number, java: boolean): string | null {
  const name = store.frames.name[frame];
  if (name === '') {
    return `[${store.frames.dso[frame].replace(/.*\//, '')}]`;
  }
  // Java's leading `L` goes for JIT frames whatever the thread is called (FlameGraph only strips it for comm `java`,
  // but perf names threads, and JVM threads are rarely called java).
  const jit = store.frames.kind[frame] === FrameKind.Jit;
  return renderFrame(store, frame, java || jit, { kernel: false, jit: false, addrs: false });
}

// Display labels per store and frame, made once: a query then only looks them up.
const labelCache = new WeakMap<ProfileStore, Array<Array<string | null | undefined>>>();

function frameLabel(store: ProfileStore, frame: number, java: boolean): string | null {
  let labels = labelCache.get(store);
  if (!labels) {
    labels = [[], []];
    labelCache.set(store, labels);
  }
  const memo = labels[java ? 1 : 0];
  let label = memo[frame];
  if (label === undefined) {
    const name = displayName(store, frame, java);
    label = name === null ? null : toDisplayText(name);
    memo[frame] = label;
  }
  return label;
}

class CallTree {
  private readonly edges = new TupleInterner(2, 1024);
  private readonly labelIds = new Map<string, number>();
  private readonly labels: string[] = [];
  private parent: number[] = [-1];
  private labelOf: number[] = [-1];
  private kindOf: Array<FlameGraph['kind'][number]> = ['root'];
  /** Self weight per node, per channel (0 = the graph, or the baseline of a diff; 1 = a diff's selection). */
  private self: number[][] = [[0], [0]];

  /** Adds `weight` at the node for (thread, stack); `memo` caches, per thread node, stack → tree node for one store. */
  add(
    store: ProfileStore,
    memo: Map<number, Map<number, number>>,
    thread: number,
    stack: number,
    weight: number,
    channel: 0 | 1
  ) {
    const comm = store.threads.comm[thread];
    const top = this.child(0, toDisplayText(comm), 'thread');
    let topMemo = memo.get(top);
    if (!topMemo) {
      topMemo = new Map();
      memo.set(top, topMemo);
    }
    const node = this.nodeFor(store, topMemo, top, stack, comm === 'java');
    this.self[channel][node] += weight;
  }

  private nodeFor(store: ProfileStore, memo: Map<number, number>, top: number, stack: number, java: boolean): number {
    const s = store.stacks;
    const pending: number[] = [];
    let n = stack;
    let node = top;
    while (n !== 0) {
      const hit = memo.get(n);
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
      const label = frameLabel(store, frame, java);
      if (label !== null) {
        node = this.child(node, label, FRAME_KIND_NAMES[store.frames.kind[frame]]);
      }
      memo.set(m, node);
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
      this.self[0].push(0);
      this.self[1].push(0);
    }
    return node;
  }

  toNestedSet(maxNodes: number, diff = false): FlameGraph {
    const count = this.parent.length;
    // value/self carry both channels (a plain graph only uses channel 0); Right arrays the selection alone.
    const selfBoth = Float64Array.from(this.self[0], (v, i) => v + this.self[1][i]);
    const total = sumUp(this.parent, selfBoth);
    const totalRight = diff ? sumUp(this.parent, Float64Array.from(this.self[1])) : undefined;
    const keep = new Uint8Array(count).fill(1);
    let dropped = 0;
    if (maxNodes > 0 && count > maxNodes) {
      // Keep the maxNodes heaviest nodes. A child never outweighs its parent, so this keeps whole top parts of the tree.
      const threshold = Float64Array.from(total).sort().reverse()[maxNodes - 1];
      // The root is always kept; the rest share maxNodes - 1 slots, ties filled in tree order.
      let tieBudget = maxNodes - 1 - total.subarray(1).filter((v) => v > threshold).length;
      for (let n = 1; n < count; n++) {
        const heavy = total[n] > threshold || (total[n] === threshold && tieBudget-- > 0);
        if (!heavy || !keep[this.parent[n]]) {
          keep[n] = 0;
          dropped++;
        }
      }
    }
    // Merged-away nodes give their self time to the nearest kept ancestor, so totals still add up.
    const selfAfter = Float64Array.from(selfBoth);
    const selfRightAfter = Float64Array.from(this.self[1]);
    const children: number[][] = Array.from({ length: count }, () => []);
    for (let n = 1; n < count; n++) {
      if (keep[n]) {
        children[this.parent[n]].push(n);
        continue;
      }
      let a = this.parent[n];
      while (!keep[a]) {
        a = this.parent[a];
      }
      selfAfter[a] += selfBoth[n];
      selfRightAfter[a] += this.self[1][n];
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
    if (totalRight) {
      out.valueRight = new Float64Array(kept);
      out.selfRight = new Float64Array(kept);
    }
    // Depth-first, siblings in name order (stable across ranges, like FlameGraph): rank the names once, then sort
    // siblings by rank.
    const labelRank = new Int32Array(this.labels.length);
    this.labels
      .map((label, id) => [label, id] as const)
      .sort((a, b) => compare(a[0], b[0]))
      .forEach(([, id], rank) => (labelRank[id] = rank));
    const stack: Array<[number, number]> = [[0, 0]];
    let i = 0;
    while (stack.length > 0) {
      const [n, level] = stack.pop()!;
      out.level[i] = level;
      out.value[i] = total[n];
      out.self[i] = selfAfter[n];
      if (totalRight) {
        out.valueRight![i] = totalRight[n];
        out.selfRight![i] = selfRightAfter[n];
      }
      out.label.push(n === 0 ? ROOT_LABEL : this.labels[this.labelOf[n]]);
      out.kind.push(this.kindOf[n]);
      i++;
      const kids = children[n].sort((a, b) => labelRank[this.labelOf[b]] - labelRank[this.labelOf[a]]);
      for (const k of kids) {
        stack.push([k, level + 1]);
      }
    }
    return out;
  }
}

/** Totals from self weights: children come after their parent, so one reverse pass sums bottom-up. */
function sumUp(parent: number[], self: Float64Array): Float64Array {
  const total = Float64Array.from(self);
  for (let n = parent.length - 1; n > 0; n--) {
    total[parent[n]] += total[n];
  }
  return total;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
