/**
 * The sandwich view of one function: who calls it (callers) and what it calls (callees), each merged across every
 * place the function occurs in the flame graph — as Pyroscope's and speedscope's sandwich views. Pure (no DOM).
 *
 * - callees: the subtrees rooted at the function's outermost frames (a frame with no frame of the same name above
 *   it), merged by name path into one tree whose root is the function. Recursive calls inside stay where they are in
 *   those subtrees (f → g → f shows as such), so no sample is counted twice;
 * - callers: for each outermost frame, its call path read upwards (the function, its caller, the caller's caller, …
 *   up to the thread frame; the synthetic root "all" is left out), weighted by that frame's value, merged by name
 *   path into one tree whose root is the function: its children are the direct callers. A leaf's self weight is the
 *   samples whose call path ends there;
 * - so both roots weigh the function's total (each sample once, recursion included), as `topFunctions` counts it;
 *   `self` adds every frame's self weight (nested recursive frames too), as `topFunctions` does;
 * - differential trees (valueRight on the root) carry valueRight through: every merged node sums its frames'
 *   valueRight;
 * - merged nodes take the kind of the first frame merged into them (depth-first order); children are in first-seen
 *   order (renderers sort as they like). A function that does not occur gives empty trees (value 0) and totals 0.
 */
import { FlameNode } from '../model';
import { runToEnd, Sliced, SLICE_STEPS } from '../../profile/sliced';

export interface Sandwich {
  /** The function, its callers as children, their callers below them, …: an inverted call tree. */
  callers: FlameNode;
  /** The function and what it calls, merged over every place it occurs. */
  callees: FlameNode;
  /** Samples with the function on the stack (once per stack). Equal to callers.value and callees.value. */
  total: number;
  /** Samples where the function is the leaf. */
  self: number;
  /** Differential trees only: the selection's part of total (callers.valueRight, callees.valueRight). */
  totalRight?: number;
  /** Differential trees only: the selection's part of self. */
  selfRight?: number;
}

/** The callers and callees of `name` in the tree (see the module comment for the merging rules). */
export function sandwich(root: FlameNode, name: string): Sandwich {
  return runToEnd(sandwichSliced(root, name));
}

/** Merged trees: children found by name in one Map per node. */
class Merger {
  private readonly index = new Map<FlameNode, Map<string, FlameNode>>();

  constructor(private readonly diff: boolean) {}

  node(like: FlameNode): FlameNode {
    const node: FlameNode = { name: like.name, value: 0, kind: like.kind, children: [] };
    if (this.diff) {
      node.valueRight = 0;
    }
    return node;
  }

  /** The child of `parent` named like `like` (made on first use), with `value`/`valueRight` added to it. */
  add(parent: FlameNode, like: FlameNode, value: number, valueRight: number | undefined): FlameNode {
    let byName = this.index.get(parent);
    if (!byName) {
      byName = new Map();
      this.index.set(parent, byName);
    }
    let child = byName.get(like.name);
    if (!child) {
      child = this.node(like);
      byName.set(like.name, child);
      parent.children.push(child);
    }
    addValue(child, value, valueRight);
    return child;
  }
}

function addValue(node: FlameNode, value: number, valueRight: number | undefined) {
  node.value += value;
  if (node.valueRight !== undefined) {
    node.valueRight += valueRight ?? 0;
  }
}

/** sandwich as a sliced computation (src/profile/sliced.ts): it yields every few thousand frames. */
export function* sandwichSliced(root: FlameNode, name: string): Sliced<Sandwich> {
  const diff = root.valueRight !== undefined;
  const merger = new Merger(diff);
  let callers: FlameNode | undefined;
  let callees: FlameNode | undefined;
  let self = 0;
  let selfRight = 0;

  // path[d]: the frame at depth d on the current path (path[0] is the root). Explicit stack, as in tree.ts: deep
  // trees must not overflow. Each entry: a frame, its depth and, inside an occurrence of the function, the merged
  // callees node of the frame's parent (null outside).
  const path: FlameNode[] = [root];
  const nodes: FlameNode[] = [];
  const depths: number[] = [];
  const targets: Array<FlameNode | null> = [];
  for (let i = root.children.length - 1; i >= 0; i--) {
    nodes.push(root.children[i]);
    depths.push(1);
    targets.push(null);
  }
  let steps = 0;
  while (nodes.length > 0) {
    const node = nodes.pop()!;
    const depth = depths.pop()!;
    const parentTarget = targets.pop()!;
    path.length = depth;
    path.push(node);

    let target: FlameNode | null = null;
    if (parentTarget) {
      target = merger.add(parentTarget, node, node.value, node.valueRight);
    } else if (node.name === name) {
      // An outermost occurrence: its subtree merges into the callees, its call path into the callers.
      callees ??= merger.node(node);
      callers ??= merger.node(node);
      target = callees;
      addValue(callees, node.value, node.valueRight);
      addValue(callers, node.value, node.valueRight);
      let caller = callers;
      for (let d = depth - 1; d >= 1; d--) {
        caller = merger.add(caller, path[d], node.value, node.valueRight);
      }
    }

    let childValue = 0;
    let childRight = 0;
    for (let i = node.children.length - 1; i >= 0; i--) {
      const child = node.children[i];
      childValue += child.value;
      childRight += child.valueRight ?? 0;
      nodes.push(child);
      depths.push(depth + 1);
      targets.push(target);
    }
    if (node.name === name) {
      // As tree.ts's selfValue/toFolded: never negative, and the selection's self never above the frame's self.
      const frameSelf = Math.max(0, node.value - childValue);
      self += frameSelf;
      selfRight += Math.min(frameSelf, Math.max(0, (node.valueRight ?? 0) - childRight));
    }
    if (++steps % SLICE_STEPS === 0) {
      yield;
    }
  }

  const empty = (): FlameNode => ({ name, value: 0, kind: 'user', children: [], ...(diff ? { valueRight: 0 } : {}) });
  callers ??= empty();
  callees ??= empty();
  const result: Sandwich = { callers, callees, total: callees.value, self };
  if (diff) {
    result.totalRight = callees.valueRight ?? 0;
    result.selfRight = selfRight;
  }
  return result;
}
