/**
 * Flame-graph layout, pure (no DOM): the FlameNode tree flattened once, in depth-first order, into typed arrays — a
 * frame's level, its x start and width in value units (siblings side by side in the tree's order, a child starting
 * where its previous sibling ends), its parent and the end of its subtree. Per level the frames are kept in x order,
 * so hit-testing is a level (from y) and a binary search (from x).
 *
 * Zoom is a focused frame: x spans that frame's [start, start + width); its ancestors are drawn full width in their
 * rows (the breadcrumb bar) and nothing outside its subtree is drawn. Depth-first order makes a subtree one range of
 * indices, [i, end[i]), so "inside the zoom" is two comparisons and drawing can skip a narrow frame's whole subtree.
 *
 * Everything here is linear in the number of frames (building, searching) or logarithmic (hit-testing).
 */
import { FlameNode } from '../model';

export interface FlameLayout {
  /** Frames (nodes), in depth-first order; frame 0 is the root. */
  readonly count: number;
  readonly nodes: readonly FlameNode[];
  readonly level: Int32Array;
  /** x start and width in value units (samples): the root spans [0, total). */
  readonly start: Float64Array;
  readonly width: Float64Array;
  /** Parent frame; -1 for the root. */
  readonly parent: Int32Array;
  /** The frame's subtree is the frames [i, end[i]). */
  readonly end: Int32Array;
  /** The deepest level in the frame's subtree. */
  readonly maxLevel: Int32Array;
  /** Levels in the whole graph (the root's maxLevel + 1). */
  readonly depth: number;
  /** The root's width. */
  readonly total: number;
  /** Frames by level, each level in x order: levelFrames[levelOffset[l] … levelOffset[l + 1]). */
  readonly levelOffset: Int32Array;
  readonly levelFrames: Int32Array;
  /** start[levelFrames[k]], for the binary search. */
  readonly levelStart: Float64Array;
  /** Where frame i is in levelFrames. */
  readonly levelPos: Int32Array;
}

/** Frames narrower than this (CSS pixels) at the current zoom are not drawn, nor hit. */
export const MIN_FRAME_PX = 0.5;

/** Flattens a tree (iteratively: stacks thousands of frames deep must not overflow the call stack). */
export function buildLayout(root: FlameNode): FlameLayout {
  // Pass 1: count frames.
  let count = 0;
  const pending: FlameNode[] = [root];
  while (pending.length > 0) {
    const node = pending.pop()!;
    count++;
    for (let c = 0; c < node.children.length; c++) {
      pending.push(node.children[c]);
    }
  }

  const nodes: FlameNode[] = new Array(count);
  const level = new Int32Array(count);
  const start = new Float64Array(count);
  const width = new Float64Array(count);
  const parent = new Int32Array(count);
  const end = new Int32Array(count);
  const maxLevel = new Int32Array(count);

  // Pass 2: depth-first, children pushed in reverse so they pop in order; a child's start is its parent's start plus
  // its previous siblings' widths, known when the parent is visited.
  const stackNode: FlameNode[] = [root];
  const stackParent: number[] = [-1];
  const stackStart: number[] = [0];
  let depth = 0;
  let i = 0;
  while (stackNode.length > 0) {
    const node = stackNode.pop()!;
    const p = stackParent.pop()!;
    const x = stackStart.pop()!;
    const w = node.value > 0 && Number.isFinite(node.value) ? node.value : 0;
    nodes[i] = node;
    parent[i] = p;
    level[i] = p < 0 ? 0 : level[p] + 1;
    start[i] = x;
    width[i] = w;
    depth = Math.max(depth, level[i] + 1);
    const kids = node.children;
    // Pushed in order, then that stretch of the stacks reversed: they pop in order.
    const base = stackNode.length;
    let childX = x;
    for (let c = 0; c < kids.length; c++) {
      stackNode.push(kids[c]);
      stackParent.push(i);
      stackStart.push(childX);
      const cw = kids[c].value;
      childX += cw > 0 && Number.isFinite(cw) ? cw : 0;
    }
    for (let a = base, b = stackNode.length - 1; a < b; a++, b--) {
      swap(stackNode, a, b);
      swap(stackParent, a, b);
      swap(stackStart, a, b);
    }
    i++;
  }

  // Pass 3 (backwards: children after their parent): subtree ends and deepest levels.
  for (let f = 0; f < count; f++) {
    end[f] = f + 1;
    maxLevel[f] = level[f];
  }
  for (let f = count - 1; f > 0; f--) {
    const p = parent[f];
    if (end[f] > end[p]) {
      end[p] = end[f];
    }
    if (maxLevel[f] > maxLevel[p]) {
      maxLevel[p] = maxLevel[f];
    }
  }

  // Pass 4: frames by level (a counting sort). Depth-first order visits each level left to right, so every level comes
  // out in x order without sorting.
  const levelOffset = new Int32Array(depth + 1);
  for (let f = 0; f < count; f++) {
    levelOffset[level[f] + 1]++;
  }
  for (let l = 0; l < depth; l++) {
    levelOffset[l + 1] += levelOffset[l];
  }
  const fill = levelOffset.slice(0, depth);
  const levelFrames = new Int32Array(count);
  const levelStart = new Float64Array(count);
  const levelPos = new Int32Array(count);
  for (let f = 0; f < count; f++) {
    const k = fill[level[f]]++;
    levelFrames[k] = f;
    levelStart[k] = start[f];
    levelPos[f] = k;
  }

  return {
    count,
    nodes,
    level,
    start,
    width,
    parent,
    end,
    maxLevel,
    depth,
    total: count > 0 ? width[0] : 0,
    levelOffset,
    levelFrames,
    levelStart,
    levelPos,
  };
}

function swap<T>(a: T[], i: number, j: number) {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
}

/** Frame a is b or one of b's ancestors. */
export function isAncestorOrSelf(layout: FlameLayout, a: number, b: number): boolean {
  return a <= b && b < layout.end[a];
}

/** Frame i is drawn at zoom `focus`: an ancestor of the focus (full width) or in its subtree. */
export function inZoom(layout: FlameLayout, focus: number, i: number): boolean {
  return isAncestorOrSelf(layout, i, focus) || isAncestorOrSelf(layout, focus, i);
}

/** The x range (value units) that zoom `focus` spreads over the graph's width. */
export function zoomRange(layout: FlameLayout, focus: number): { start: number; width: number } {
  return layout.count === 0 ? { start: 0, width: 0 } : { start: layout.start[focus], width: layout.width[focus] };
}

/** Levels shown at zoom `focus`: its ancestors' rows and its subtree's. */
export function zoomDepth(layout: FlameLayout, focus: number): number {
  return layout.count === 0 ? 0 : layout.maxLevel[focus] + 1;
}

/**
 * Frame i's x extent in pixels at zoom `focus` over a graph `px` wide: the focus and its ancestors span it all, its
 * subtree is scaled so that the focus fills it. (Frames outside the zoom get an extent too; callers check inZoom.)
 */
export function frameX(layout: FlameLayout, focus: number, i: number, px: number): [number, number] {
  if (isAncestorOrSelf(layout, i, focus)) {
    return [0, px];
  }
  const vw = layout.width[focus];
  if (!(vw > 0)) {
    return [0, 0];
  }
  const k = px / vw;
  const x0 = (layout.start[i] - layout.start[focus]) * k;
  return [x0, x0 + layout.width[i] * k];
}

/** How the rows sit vertically: `rows` levels of `rowHeight` px in an area at least `minHeight` px tall. */
export interface Rows {
  rowHeight: number;
  /** Levels shown (zoomDepth). */
  rows: number;
  /** Icicle: the root on top. Flame: the root at the bottom of the content. */
  inverted: boolean;
  /** The content's height: the rows' height, or the viewport's if taller (a flame's root then sits at its bottom). */
  contentHeight: number;
}

export function rowsFor(rows: number, rowHeight: number, inverted: boolean, viewportHeight: number): Rows {
  return { rows, rowHeight, inverted, contentHeight: Math.max(rows * rowHeight, viewportHeight) };
}

/** The top of a level's row in content pixels. */
export function levelTop(r: Rows, level: number): number {
  return r.inverted ? level * r.rowHeight : r.contentHeight - (level + 1) * r.rowHeight;
}

/** The level at content y, or -1 outside the rows. */
export function levelAt(r: Rows, y: number): number {
  // A row holds [top, top + rowHeight).
  const l = r.inverted ? Math.floor(y / r.rowHeight) : Math.ceil((r.contentHeight - y) / r.rowHeight) - 1;
  return l >= 0 && l < r.rows ? l : -1;
}

/** The levels in rows visible between content y0 and y1, as [first, last] (first > last: none). */
export function levelsIn(r: Rows, y0: number, y1: number): [number, number] {
  let a: number;
  let b: number;
  if (r.inverted) {
    a = Math.floor(y0 / r.rowHeight);
    b = Math.ceil(y1 / r.rowHeight) - 1;
  } else {
    a = Math.floor((r.contentHeight - y1) / r.rowHeight);
    b = Math.ceil((r.contentHeight - y0) / r.rowHeight) - 1;
  }
  return [Math.max(0, a), Math.min(r.rows - 1, b)];
}

/**
 * The frame at pixel x (0 ≤ x < px) of a level at zoom `focus`, or -1: a binary search in the level. Frames narrower
 * than MIN_FRAME_PX are not drawn, so they are not hit either.
 */
export function hitTest(layout: FlameLayout, focus: number, level: number, x: number, px: number): number {
  if (layout.count === 0 || !(layout.total > 0) || level < 0 || level >= layout.depth || x < 0 || x >= px) {
    return -1;
  }
  const lf = layout.level[focus];
  if (level <= lf) {
    // The breadcrumb bar: the focus's ancestor on that level.
    let a = focus;
    while (layout.level[a] > level) {
      a = layout.parent[a];
    }
    return a;
  }
  const vw = layout.width[focus];
  if (!(vw > 0)) {
    return -1;
  }
  const v = layout.start[focus] + (x / px) * vw;
  const i = frameAtValue(layout, level, v);
  if (i < 0 || !isAncestorOrSelf(layout, focus, i) || (layout.width[i] / vw) * px < MIN_FRAME_PX) {
    return -1;
  }
  return i;
}

/** The frame on `level` whose [start, start + width) holds v, or -1. */
function frameAtValue(layout: FlameLayout, level: number, v: number): number {
  const { levelOffset, levelFrames, levelStart, start, width } = layout;
  let lo = levelOffset[level];
  let hi = levelOffset[level + 1];
  // The last frame starting at or before v.
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (levelStart[mid] <= v) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  // Zero-width frames share their start with the next frame: step back over them.
  for (let k = lo - 1; k >= levelOffset[level]; k--) {
    const f = levelFrames[k];
    if (v < start[f] + width[f]) {
      return f;
    }
    if (width[f] > 0) {
      return -1;
    }
  }
  return -1;
}

/**
 * Calls `visit` for every frame drawn at zoom `focus` over `px` pixels, on levels [firstLevel, lastLevel]: ancestors
 * of the focus, then its subtree in depth-first order, skipping the subtree of any frame narrower than MIN_FRAME_PX
 * (its children are narrower still). Work is proportional to the frames drawn, not to the tree.
 */
export function forEachDrawn(
  layout: FlameLayout,
  focus: number,
  px: number,
  firstLevel: number,
  lastLevel: number,
  visit: (i: number, x0: number, x1: number) => void
): void {
  if (layout.count === 0 || firstLevel > lastLevel) {
    return;
  }
  const { level, start, width, end } = layout;
  for (let a = layout.parent[focus]; a >= 0; a = layout.parent[a]) {
    if (level[a] >= firstLevel && level[a] <= lastLevel) {
      visit(a, 0, px);
    }
  }
  const vw = width[focus];
  if (!(vw > 0)) {
    return;
  }
  const k = px / vw;
  const v0 = start[focus];
  const stop = end[focus];
  let i = focus;
  while (i < stop) {
    const w = width[i] * k;
    if (w < MIN_FRAME_PX || level[i] > lastLevel) {
      i = end[i];
      continue;
    }
    if (level[i] >= firstLevel) {
      const x0 = (start[i] - v0) * k;
      visit(i, x0, x0 + w);
    }
    i++;
  }
}

// ---------------------------------------------------------------- navigation (keyboard)

/** The frame's parent, or the frame itself at the root. */
export function parentOf(layout: FlameLayout, i: number): number {
  return layout.parent[i] >= 0 ? layout.parent[i] : i;
}

/** The frame's widest child (the hot path), or -1 for a leaf. */
export function widestChild(layout: FlameLayout, i: number): number {
  let best = -1;
  for (let c = i + 1; c < layout.end[i]; c = layout.end[c]) {
    if (best < 0 || layout.width[c] > layout.width[best]) {
      best = c;
    }
  }
  return best;
}

/**
 * The frame next to i on its level (dir -1: left, +1: right) that is shown at zoom `focus` (in its subtree; the
 * breadcrumb bar has one frame a row), or -1.
 */
export function levelNeighbour(layout: FlameLayout, focus: number, i: number, dir: -1 | 1): number {
  const l = layout.level[i];
  if (l <= layout.level[focus]) {
    return -1;
  }
  const k = layout.levelPos[i] + dir;
  if (k < layout.levelOffset[l] || k >= layout.levelOffset[l + 1]) {
    return -1;
  }
  const f = layout.levelFrames[k];
  return isAncestorOrSelf(layout, focus, f) ? f : -1;
}

/** The frame reached by following the same names from the root (to keep a zoom across a new tree), or -1. */
export function pathOf(layout: FlameLayout, i: number): string[] {
  const names: string[] = [];
  for (let a = i; a > 0; a = layout.parent[a]) {
    names.push(layout.nodes[a].name);
  }
  return names.reverse();
}

export function findPath(layout: FlameLayout, path: readonly string[]): number {
  if (layout.count === 0) {
    return -1;
  }
  let i = 0;
  for (const name of path) {
    let next = -1;
    for (let c = i + 1; c < layout.end[i]; c = layout.end[c]) {
      if (layout.nodes[c].name === name) {
        next = c;
        break;
      }
    }
    if (next < 0) {
      return -1;
    }
    i = next;
  }
  return i;
}

// ---------------------------------------------------------------- search

/** Lower-cased names, once per layout (every keystroke's search reuses them). */
const lowered = new WeakMap<FlameLayout, string[]>();

function lowerNames(layout: FlameLayout): string[] {
  let names = lowered.get(layout);
  if (!names) {
    names = layout.nodes.map((n) => n.name.toLowerCase());
    lowered.set(layout, names);
  }
  return names;
}

export interface LayoutSearch {
  /** 1 where the frame's name contains the term (plain text, case-insensitive). */
  mask: Uint8Array;
  /** Frames matched. */
  count: number;
  /** Samples under a match, each counted once (a match inside another adds nothing), as FlameGraph counts them. */
  value: number;
  /** value as a percentage of the root's. */
  percent: number;
}

/**
 * A plain-text search of every frame's name (never a regular expression: `operator((` is text). One pass in
 * depth-first order: parents come first, so "inside a match" is the parent's state.
 */
export function searchLayout(layout: FlameLayout, term: string): LayoutSearch {
  const mask = new Uint8Array(layout.count);
  const needle = term.toLowerCase();
  const names = needle === '' ? [] : lowerNames(layout);
  let count = 0;
  let value = 0;
  if (needle !== '' && layout.count > 0) {
    // 1: a match; 2: inside a match (an ancestor matched).
    const inside = new Uint8Array(layout.count);
    for (let i = 0; i < layout.count; i++) {
      const p = layout.parent[i];
      const under = p >= 0 && (mask[p] === 1 || inside[p] === 1);
      inside[i] = under ? 1 : 0;
      if (names[i].includes(needle)) {
        mask[i] = 1;
        count++;
        if (!under) {
          value += layout.width[i];
        }
      }
    }
  }
  return { mask, count, value, percent: layout.total > 0 ? (100 * value) / layout.total : 0 };
}
