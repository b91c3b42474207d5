/**
 * Flame-graph trees: built from the data source's nested-set frame, searched as plain text and written back out as
 * folded stacks. Pure (no DOM, no d3).
 */
import { DataFrame, Field, FieldType } from '@grafana/data';
import { FlameNode, FRAME_KINDS, FrameKind } from '../model';

const KINDS: ReadonlySet<string> = new Set<FrameKind>(FRAME_KINDS);

/**
 * The flame-graph frame (Grafana's nested set: rows in depth-first order, `level` 0 for the root) as a tree. Fields
 * are found by name: level, value, label, kind and, for differential graphs, valueRight. `self`/`selfRight` are not
 * needed: a node's self is its value less its children's. An empty frame gives an empty root.
 */
export function treeFromFrame(frame: DataFrame): FlameNode {
  const level = field(frame, 'level');
  const value = field(frame, 'value');
  const label = field(frame, 'label');
  const kind = field(frame, 'kind');
  const valueRight = field(frame, 'valueRight');
  const labelText = enumText(label);

  const makeNode = (i: number): FlameNode => {
    const node: FlameNode = {
      name: labelText(i),
      value: num(value?.values[i]),
      kind: kindAt(kind, i),
      children: [],
    };
    if (valueRight) {
      node.valueRight = num(valueRight.values[i]);
    }
    return node;
  };

  if (frame.length === 0 || !level) {
    return { name: 'all', value: 0, kind: 'root', children: [], ...(valueRight ? { valueRight: 0 } : {}) };
  }
  const root = makeNode(0);
  root.kind = 'root';
  // path[d] is the latest node seen at depth d: a row's parent is the latest node one level up.
  const path: FlameNode[] = [root];
  for (let i = 1; i < frame.length; i++) {
    // Clamp malformed levels (a second root, or a jump of more than one level) so every row still gets a parent.
    const depth = Math.min(Math.max(1, num(level.values[i])), path.length);
    const node = makeNode(i);
    path[depth - 1].children.push(node);
    path.length = depth;
    path.push(node);
  }
  return root;
}

function field(frame: DataFrame, name: string): Field | undefined {
  return frame.fields.find((f) => f.name === name);
}

function num(v: unknown): number {
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : 0;
}

/** Labels as text: Grafana's own flame-graph frames may carry them as an enum field (indices into config text). */
function enumText(label: Field | undefined): (i: number) => string {
  if (!label) {
    return () => '';
  }
  const text = label.type === FieldType.enum ? label.config.type?.enum?.text : undefined;
  if (text) {
    return (i) => String(text[num(label.values[i])] ?? '');
  }
  return (i) => String(label.values[i] ?? '');
}

function kindAt(kind: Field | undefined, i: number): FrameKind {
  const k = kind?.values[i];
  return typeof k === 'string' && KINDS.has(k) ? (k as FrameKind) : 'user';
}

/** A node's own weight: its value less its children's (never negative, in case of rounding in the source). */
export function selfValue(node: FlameNode): number {
  let children = 0;
  for (const c of node.children) {
    children += c.value;
  }
  return Math.max(0, node.value - children);
}

/** Plain-text, case-insensitive search: the term is never a regular expression, so `operator((` is just text. */
export function nameMatcher(term: string): (name: string) => boolean {
  const needle = term.toLowerCase();
  if (needle === '') {
    return () => false;
  }
  return (name) => name.toLowerCase().includes(needle);
}

export interface SearchResult {
  /** Frames whose name contains the term. */
  count: number;
  /** Weight of the matched frames, each sample counted once (a match inside another match adds nothing). */
  value: number;
  /** value as a percentage of the root's value (0 when the root is empty). */
  percent: number;
}

/** What a search for `term` finds in the tree, counted as FlameGraph does: matched samples, not matched frames' sum. */
export function findMatches(root: FlameNode, term: string): SearchResult {
  const matches = nameMatcher(term);
  let count = 0;
  let value = 0;
  if (term !== '') {
    // Explicit stack: deep stacks (thousands of frames) must not overflow the call stack.
    const stack: Array<[FlameNode, boolean]> = [[root, false]];
    while (stack.length > 0) {
      const [node, insideMatch] = stack.pop()!;
      const hit = matches(node.name);
      if (hit) {
        count++;
        if (!insideMatch) {
          value += node.value;
        }
      }
      for (const child of node.children) {
        stack.push([child, insideMatch || hit]);
      }
    }
  }
  return { count, value, percent: root.value > 0 ? (100 * value) / root.value : 0 };
}

export interface FoldedOptions {
  /**
   * Two counts per line (baseline, then selection) as FlameGraph's difffolded.pl writes them, for `flamegraph.pl`
   * differential graphs. Needs valueRight; without it the single count is written.
   */
  diff?: boolean;
  /** Suffix kernel/jit/inlined frames with `_[k]`/`_[j]`/`_[i]` as stackcollapse-perf.pl does, for `--color=java`. */
  annotateKinds?: boolean;
}

const KIND_SUFFIX: Partial<Record<FrameKind, string>> = { kernel: '_[k]', jit: '_[j]', inlined: '_[i]' };

/**
 * Folded stacks (`a;b;c 12` per line, with self weights), the input of FlameGraph's flamegraph.pl. The root ("all")
 * is not a frame and is left out; so is the root's own self weight, which has no stack to put it on.
 */
export function toFolded(root: FlameNode, options: FoldedOptions = {}): string {
  const diff = options.diff === true && root.valueRight !== undefined;
  const lines: string[] = [];
  // Depth-first in child order (iterative, see findMatches): the node and its frames below the root.
  const stack: Array<[FlameNode, string]> = [];
  for (let i = root.children.length - 1; i >= 0; i--) {
    stack.push([root.children[i], '']);
  }
  while (stack.length > 0) {
    const [node, prefix] = stack.pop()!;
    const frame = foldedName(node, options.annotateKinds === true);
    const path = prefix === '' ? frame : `${prefix};${frame}`;
    const self = selfValue(node);
    if (self > 0) {
      if (diff) {
        const selfRight = Math.min(self, selfRightValue(node));
        lines.push(`${path} ${self - selfRight} ${selfRight}`);
      } else {
        lines.push(`${path} ${self}`);
      }
    }
    for (let i = node.children.length - 1; i >= 0; i--) {
      stack.push([node.children[i], path]);
    }
  }
  return lines.map((l) => l + '\n').join('');
}

function selfRightValue(node: FlameNode): number {
  let children = 0;
  for (const c of node.children) {
    children += c.valueRight ?? 0;
  }
  return Math.max(0, (node.valueRight ?? 0) - children);
}

/** `;` separates frames and a newline ends a stack, so neither may appear inside a name. */
function foldedName(node: FlameNode, annotate: boolean): string {
  const name = node.name.replace(/;/g, ':').replace(/[\r\n]+/g, ' ');
  return annotate ? name + (KIND_SUFFIX[node.kind] ?? '') : name;
}
