/**
 * The flame graph of a time range: a call tree (thread name at the top, then callers to callees) merged by display
 * name, emitted as a nested set in depth-first order — the shape Grafana's flame graph reads (level, value, self,
 * label) — with nodes too small to see folded into their parent's self time so big ranges stay small.
 *
 * Linear in the stacks' total depth and the tree's size, whatever the input: every pass over the tree is one forward
 * or backward sweep, and stacks deeper than MAX_FLAME_DEPTH keep their outermost and innermost frames with one
 * `[… N frames elided]` frame between (as perf's --max-stack bounds what it records). Written as a sliced generator
 * (see sliced.ts) so a server can interleave it with other work and stop it.
 */
import { contextMask, SampleFilter, weightByContext, WeightMode } from './filter';
import { FRAME_KIND_NAMES, FrameKind, FrameKindName } from './frames';
import { renderFrame } from './fold';
import { toDisplayText } from './bytes';
import { runToEnd, Sliced, SLICE_STEPS } from './sliced';
import { ProfileStore, sampleRange } from './store';
import { TupleInterner } from './tuple-interner';

/** Deepest stack drawn in full; deeper ones keep OUTER_FRAMES callers and INNER_FRAMES callees. */
export const MAX_FLAME_DEPTH = 1024;
const OUTER_FRAMES = 512;
const INNER_FRAMES = MAX_FLAME_DEPTH - OUTER_FRAMES - 1;

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
  /** Weight of the samples whose stacks were deeper than MAX_FLAME_DEPTH (drawn with their middle elided). */
  elidedWeight: number;
  /** With a focus: whether its frame was found, and how many nodes below it were merged away. */
  focus?: { found: boolean; droppedNodes: number };
}

/**
 * Full detail under one frame (the one a user zoomed into): the graph outside it is pruned to maxNodes as usual, the
 * frame's subtree separately to its own budget, so "show all" for a zoom costs what that subtree costs.
 */
export interface FlameFocus {
  /** Frame names from below the root ("all") down to the focused frame: thread name first. */
  path: string[];
  /** Nodes kept below the focused frame; 0 keeps all. */
  maxNodes: number;
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
export function mergeFlameGraphs(
  selection: FlameGraphPart[],
  baseline?: FlameGraphPart[],
  maxNodes = 0,
  focus?: FlameFocus
): FlameGraph {
  return runToEnd(mergeFlameGraphsSliced(selection, baseline, maxNodes, focus));
}

/** mergeFlameGraphs as a sliced computation. */
export function* mergeFlameGraphsSliced(
  selection: FlameGraphPart[],
  baseline?: FlameGraphPart[],
  maxNodes = 0,
  focus?: FlameFocus
): Sliced<FlameGraph> {
  const tree = new CallTree();
  for (const part of baseline ?? []) {
    yield* addRange(tree, part.store, part.options, 0);
  }
  for (const part of selection) {
    yield* addRange(tree, part.store, part.options, baseline ? 1 : 0);
  }
  return yield* tree.toNestedSet(maxNodes, baseline !== undefined, focus);
}

function* addRange(tree: CallTree, store: ProfileStore, options: FlameGraphOptions, channel: 0 | 1): Sliced<void> {
  const mask = contextMask(store, options);
  const [first, last] = sampleRange(store, options.fromNs ?? -Infinity, options.toNs ?? Infinity);
  const sums = weightByContext(store, first, last, mask, options.weight ?? 'samples');
  yield;
  const c = store.contexts;
  const memo = new Map<number, Map<number, number>>();
  // Steps are frames walked: a context with a memoised stack costs one, a new deep stack its depth.
  let steps = 0;
  for (let i = 0; i < c.count; i++) {
    if (sums[i] !== 0) {
      steps += tree.add(store, memo, c.thread[i], c.stack[i], sums[i], channel);
      if (steps >= SLICE_STEPS) {
        steps = 0;
        yield;
      }
    }
  }
}

/** A frame's name for people: FlameGraph's tidy name, or `[dso]` when perf had no symbol. */
export function displayName(store: ProfileStore, frame: number, java: boolean): string | null {
  const name = store.frames.name[frame];
  if (name === '' && store.format === 'perf-script') {
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
  /**
   * For the store being added (a tree may merge several): frame (negated for Java threads, whose labels differ) →
   * label id, or -1 for a frame not shown.
   */
  private frameLabels = new Map<number, number>();
  private frameLabelsStore: ProfileStore | undefined;
  private readonly labels: string[] = [];
  private parent: number[] = [-1];
  private labelOf: number[] = [-1];
  private kindOf: Array<FlameGraph['kind'][number]> = ['root'];
  /** Self weight per node, per channel (0 = the graph, or the baseline of a diff; 1 = a diff's selection). */
  private self: number[][] = [[0], [0]];
  private elidedWeight = 0;
  /** Scratch: one stack's trie nodes, leaf first. */
  private readonly path: number[] = [];

  /**
   * Adds `weight` at the node for (thread, stack); `memo` caches, per thread node, stack → tree node for one store.
   * Returns the number of stack nodes walked (the work done).
   */
  add(
    store: ProfileStore,
    memo: Map<number, Map<number, number>>,
    thread: number,
    stack: number,
    weight: number,
    channel: 0 | 1
  ): number {
    const comm = store.threads.comm[thread];
    const top = this.child(0, toDisplayText(comm), 'thread');
    let topMemo = memo.get(top);
    if (!topMemo) {
      topMemo = new Map();
      memo.set(top, topMemo);
    }
    const java = comm === 'java';
    const depth = store.stacks.depth[stack];
    const known = topMemo.has(stack);
    let node: number;
    if (depth > MAX_FLAME_DEPTH) {
      node = this.deepNodeFor(store, topMemo, top, stack, java);
      this.elidedWeight += weight;
    } else {
      node = this.nodeFor(store, topMemo, top, stack, java);
    }
    this.self[channel][node] += weight;
    return known ? 1 : 1 + depth;
  }

  /** A stack deeper than MAX_FLAME_DEPTH: its outermost and innermost frames, and one frame saying how many are left out. */
  private deepNodeFor(
    store: ProfileStore,
    memo: Map<number, number>,
    top: number,
    stack: number,
    java: boolean
  ): number {
    const s = store.stacks;
    const inner: number[] = [];
    let n = stack;
    for (let i = 0; i < INNER_FRAMES; i++) {
      inner.push(n);
      n = s.parent[n];
    }
    const elided = s.depth[n] - OUTER_FRAMES;
    while (s.depth[n] > OUTER_FRAMES) {
      n = s.parent[n];
    }
    // The outer part is an ordinary (memoised) stack; the rest hangs below it, not memoised: it depends on the leaf.
    let node = this.child(this.nodeFor(store, memo, top, n, java), `[… ${elided} frames elided]`, 'root');
    for (let i = inner.length - 1; i >= 0; i--) {
      const frame = s.frame[inner[i]];
      const label = frameLabel(store, frame, java);
      if (label !== null) {
        node = this.child(node, label, FRAME_KIND_NAMES[store.frames.kind[frame]]);
      }
    }
    return node;
  }

  /**
   * The tree node for a whole stack under `top`. Only whole stacks are memoised (contexts that differ by cpu or event
   * share them): memoising every prefix costs a map entry per trie node — hundreds of MB on dense profiles — to save
   * a walk that is linear in the stack's depth anyway.
   */
  private nodeFor(store: ProfileStore, memo: Map<number, number>, top: number, stack: number, java: boolean): number {
    const hit = memo.get(stack);
    if (hit !== undefined) {
      return hit;
    }
    const s = store.stacks;
    const path = this.path;
    let length = 0;
    for (let n = stack; n !== 0; n = s.parent[n]) {
      path[length++] = n;
    }
    let node = top;
    for (let i = length - 1; i >= 0; i--) {
      const frame = s.frame[path[i]];
      const label = this.frameLabelId(store, frame, java);
      if (label >= 0) {
        node = this.childWithLabel(node, label, FRAME_KIND_NAMES[store.frames.kind[frame]]);
      }
    }
    memo.set(stack, node);
    return node;
  }

  /** A frame's label id in this tree (-1: the frame is not shown), so a walk looks up no label by its text. */
  private frameLabelId(store: ProfileStore, frame: number, java: boolean): number {
    if (store !== this.frameLabelsStore) {
      this.frameLabelsStore = store;
      this.frameLabels = new Map();
    }
    const key = java ? -frame - 1 : frame;
    let id = this.frameLabels.get(key);
    if (id === undefined) {
      const label = frameLabel(store, frame, java);
      id = label === null ? -1 : this.labelId(label);
      this.frameLabels.set(key, id);
    }
    return id;
  }

  /**
   * Which nodes are the focused frame's ancestors (and itself) and which are below it, in one forward pass: a node is
   * on the path when its parent is and its name is the path's next name.
   */
  private focusZones(parent: Int32Array, path: string[]): { zone: Uint8Array; focusNode?: number } {
    const count = parent.length;
    const zone = new Uint8Array(count);
    const depth = new Int32Array(count);
    const pathIds = path.map((name) => this.labelIds.get(name) ?? -1);
    let focusNode: number | undefined = path.length === 0 ? 0 : undefined;
    zone[0] = path.length === 0 ? IN_FOCUS : ON_PATH;
    for (let n = 1; n < count; n++) {
      const p = parent[n];
      depth[n] = depth[p] + 1;
      if (zone[p] === IN_FOCUS || (zone[p] === ON_PATH && p === focusNode)) {
        zone[n] = IN_FOCUS;
      } else if (zone[p] === ON_PATH && depth[n] <= path.length && this.labelOf[n] === pathIds[depth[n] - 1]) {
        zone[n] = ON_PATH;
        if (depth[n] === path.length) {
          focusNode = n;
        }
      }
    }
    return { zone, focusNode };
  }

  private labelId(label: string): number {
    let id = this.labelIds.get(label);
    if (id === undefined) {
      id = this.labels.length;
      this.labels.push(label);
      this.labelIds.set(label, id);
    }
    return id;
  }

  private child(parent: number, label: string, kind: FlameGraph['kind'][number]): number {
    return this.childWithLabel(parent, this.labelId(label), kind);
  }

  private childWithLabel(parent: number, id: number, kind: FlameGraph['kind'][number]): number {
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

  *toNestedSet(maxNodes: number, diff = false, focus?: FlameFocus): Sliced<FlameGraph> {
    const count = this.parent.length;
    const parent = Int32Array.from(this.parent);
    // value/self carry both channels (a plain graph only uses channel 0); Right arrays the selection alone.
    const selfRight = Float64Array.from(this.self[1]);
    // Plain loops: TypedArray.from with a mapping function calls it per element, several times slower.
    const selfBoth = Float64Array.from(this.self[0]);
    for (let n = 0; n < count; n++) {
      selfBoth[n] += selfRight[n];
    }
    const total = sumUp(parent, selfBoth);
    const totalRight = diff ? sumUp(parent, selfRight) : undefined;
    yield;
    // The maxNodes heaviest nodes, chosen over the whole tree so that outside a focus the graph is exactly the one
    // without it; below the focused frame, its own budget.
    const zone = focus ? this.focusZones(parent, focus.path) : undefined;
    const heavyOutside = heaviest(total, count, maxNodes - 1);
    const heavyInside =
      zone?.focusNode !== undefined
        ? heaviest(total, count, focus!.maxNodes || count, (n) => zone.zone[n] === IN_FOCUS)
        : undefined;
    yield;
    const keep = new Uint8Array(count);
    keep[0] = 1;
    let dropped = 0;
    let droppedInFocus = 0;
    for (let n = 1; n < count; n++) {
      const where = zone ? zone.zone[n] : OUTSIDE;
      const heavy = where === ON_PATH || (where === IN_FOCUS ? heavyInside![n] : heavyOutside[n]);
      if (heavy && keep[parent[n]]) {
        keep[n] = 1;
      } else {
        dropped++;
        if (where === IN_FOCUS) {
          droppedInFocus++;
        }
      }
    }
    yield;
    // Merged-away nodes give their self time to the nearest kept ancestor, so totals still add up. Parents come before
    // their children, so one forward pass finds every node's nearest kept ancestor (itself when kept).
    const selfAfter = Float64Array.from(selfBoth);
    const selfRightAfter = Float64Array.from(selfRight);
    const keptAncestor = new Int32Array(count);
    const childCount = new Int32Array(count);
    for (let n = 1; n < count; n++) {
      if (keep[n]) {
        keptAncestor[n] = n;
        childCount[parent[n]]++;
      } else {
        const a = keptAncestor[parent[n]];
        keptAncestor[n] = a;
        selfAfter[a] += selfBoth[n];
        selfRightAfter[a] += selfRight[n];
      }
    }
    yield;
    // Children lists as one flat array (CSR): no array per node.
    const childStart = new Int32Array(count + 1);
    for (let n = 0; n < count; n++) {
      childStart[n + 1] = childStart[n] + childCount[n];
    }
    const fill = childStart.slice(0, count);
    const childList = new Int32Array(childStart[count]);
    for (let n = 1; n < count; n++) {
      if (keep[n]) {
        childList[fill[parent[n]]++] = n;
      }
    }
    yield;
    const kept = count - dropped;
    const out: FlameGraph = {
      level: new Int32Array(kept),
      value: new Float64Array(kept),
      self: new Float64Array(kept),
      label: [],
      kind: [],
      total: total[0],
      droppedNodes: dropped,
      elidedWeight: this.elidedWeight,
    };
    if (focus) {
      out.focus = { found: zone!.focusNode !== undefined, droppedNodes: droppedInFocus };
    }
    if (totalRight) {
      out.valueRight = new Float64Array(kept);
      out.selfRight = new Float64Array(kept);
    }
    // Depth-first, siblings in name order (stable across ranges, like FlameGraph). Only siblings are compared: most
    // nodes have one child, and sorting every distinct name up front costs more than the rest of the pass.
    const labels = this.labels;
    const labelOf = this.labelOf;
    const byNameDescending = (a: number, b: number) => compare(labels[labelOf[b]], labels[labelOf[a]]);
    const stackNode = new Int32Array(kept);
    const stackLevel = new Int32Array(kept);
    let top = 0;
    stackNode[0] = 0;
    stackLevel[0] = 0;
    top = 1;
    let i = 0;
    while (top > 0) {
      top--;
      const n = stackNode[top];
      const level = stackLevel[top];
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
      // Pushed in reverse name order, so they pop in name order.
      const kids = childList.subarray(childStart[n], childStart[n + 1]);
      if (kids.length > 1) {
        kids.sort(byNameDescending);
      }
      for (let k = 0; k < kids.length; k++) {
        stackNode[top] = kids[k];
        stackLevel[top] = level + 1;
        top++;
      }
      if ((i & (SLICE_STEPS - 1)) === 0) {
        yield;
      }
    }
    return out;
  }
}

const OUTSIDE = 0;
const ON_PATH = 1;
const IN_FOCUS = 2;

/**
 * 1 for the `slots` heaviest non-root nodes among those `among` accepts (all when unset), ties filled in tree order.
 * A child never outweighs its parent, so the heaviest nodes are whole top parts of the tree.
 */
function heaviest(total: Float64Array, count: number, slots: number, among?: (n: number) => boolean): Uint8Array {
  const heavy = new Uint8Array(count);
  const candidates: number[] = [];
  for (let n = 1; n < count; n++) {
    if (!among || among(n)) {
      candidates.push(n);
    }
  }
  if (slots < 0 || candidates.length <= slots) {
    for (const n of candidates) {
      heavy[n] = 1;
    }
    return heavy;
  }
  if (slots === 0) {
    return heavy;
  }
  const weights = new Float64Array(candidates.length);
  for (let i = 0; i < candidates.length; i++) {
    weights[i] = total[candidates[i]];
  }
  const threshold = nthLargest(weights, slots - 1);
  let tieBudget = slots;
  for (const n of candidates) {
    if (total[n] > threshold) {
      tieBudget--;
    }
  }
  for (const n of candidates) {
    heavy[n] = total[n] > threshold || (total[n] === threshold && tieBudget-- > 0) ? 1 : 0;
  }
  return heavy;
}

/** The k-th largest value (0-based) without sorting everything: quickselect on a copy, expected linear time. */
export function nthLargest(values: Float64Array, k: number): number {
  const a = Float64Array.from(values);
  let lo = 0;
  let hi = a.length - 1;
  while (lo < hi) {
    // Median of three as the pivot, so sorted and constant inputs stay linear.
    const mid = (lo + hi) >>> 1;
    const pivot = median3(a[lo], a[mid], a[hi]);
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] > pivot) {
        i++;
      }
      while (a[j] < pivot) {
        j--;
      }
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) {
      hi = j;
    } else if (k >= i) {
      lo = i;
    } else {
      return a[k];
    }
  }
  return a[k];
}

function median3(a: number, b: number, c: number): number {
  return a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;
}

/** Totals from self weights: children come after their parent, so one reverse pass sums bottom-up. */
function sumUp(parent: Int32Array, self: Float64Array): Float64Array {
  const total = Float64Array.from(self);
  for (let n = parent.length - 1; n > 0; n--) {
    total[parent[n]] += total[n];
  }
  return total;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
