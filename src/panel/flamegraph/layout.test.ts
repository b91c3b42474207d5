import { FlameNode } from '../model';
import {
  buildLayout,
  findPath,
  forEachDrawn,
  frameX,
  hitTest,
  inZoom,
  levelAt,
  levelNeighbour,
  levelsIn,
  levelTop,
  MIN_FRAME_PX,
  parentOf,
  pathOf,
  rowsFor,
  searchLayout,
  widestChild,
  zoomDepth,
  zoomRange,
} from './layout';

function node(name: string, value: number, children: FlameNode[] = [], kind: FlameNode['kind'] = 'user'): FlameNode {
  return { name, value, kind, children };
}

// 1000 samples. java [0, 700) = main [0, 600) (op [0, 300), tiny [300, 301)) + GC [600, 700); kworker [700, 1000).
const ROOT = node(
  'all',
  1000,
  [
    node('java', 700, [node('main', 600, [node('op', 300), node('tiny', 1)]), node('GC', 100)]),
    node('kworker', 300, [node('schedule', 300)]),
  ],
  'root'
);

const L = buildLayout(ROOT);
const idx = (name: string) => L.nodes.findIndex((n) => n.name === name);

describe('buildLayout', () => {
  it('flattens depth-first with levels, starts, widths, parents and subtree ends', () => {
    expect(L.count).toBe(8);
    expect(L.nodes.map((n) => n.name)).toEqual(['all', 'java', 'main', 'op', 'tiny', 'GC', 'kworker', 'schedule']);
    expect(Array.from(L.level)).toEqual([0, 1, 2, 3, 3, 2, 1, 2]);
    expect(Array.from(L.start)).toEqual([0, 0, 0, 0, 300, 600, 700, 700]);
    expect(Array.from(L.width)).toEqual([1000, 700, 600, 300, 1, 100, 300, 300]);
    expect(Array.from(L.parent)).toEqual([-1, 0, 1, 2, 2, 1, 0, 6]);
    expect(Array.from(L.end)).toEqual([8, 6, 5, 4, 5, 6, 8, 8]);
    expect(Array.from(L.maxLevel)).toEqual([3, 3, 3, 3, 3, 2, 2, 2]);
    expect(L.depth).toBe(4);
    expect(L.total).toBe(1000);
  });

  it("keeps each level's frames in x order, children inside their parent, widths summing to at most the parent", () => {
    for (let l = 0; l < L.depth; l++) {
      const frames = Array.from(L.levelFrames.subarray(L.levelOffset[l], L.levelOffset[l + 1]));
      expect(frames.every((f) => L.level[f] === l)).toBe(true);
      const starts = frames.map((f) => L.start[f]);
      expect(starts).toEqual([...starts].sort((a, b) => a - b));
      for (let k = 1; k < frames.length; k++) {
        expect(L.start[frames[k]]).toBeGreaterThanOrEqual(L.start[frames[k - 1]] + L.width[frames[k - 1]]);
      }
    }
    for (let i = 1; i < L.count; i++) {
      const p = L.parent[i];
      expect(L.start[i]).toBeGreaterThanOrEqual(L.start[p]);
      expect(L.start[i] + L.width[i]).toBeLessThanOrEqual(L.start[p] + L.width[p]);
      expect(L.levelFrames[L.levelPos[i]]).toBe(i);
    }
    // Children's widths sum to the parent's less its self weight (main: 301 of 600).
    const kids = (i: number) => Array.from(L.parent.keys()).filter((c) => L.parent[c] === i);
    expect(kids(idx('main')).reduce((s, c) => s + L.width[c], 0)).toBe(301);
    expect(kids(0).reduce((s, c) => s + L.width[c], 0)).toBe(1000);
  });

  it('handles an empty tree, zero and bad values', () => {
    const empty = buildLayout(node('all', 0, [], 'root'));
    expect(empty.count).toBe(1);
    expect(empty.total).toBe(0);
    expect(hitTest(empty, 0, 0, 10, 100)).toBe(-1);
    const odd = buildLayout(node('all', 10, [node('a', 0), node('b', NaN), node('c', 10)], 'root'));
    expect(Array.from(odd.start)).toEqual([0, 0, 0, 0]);
    expect(Array.from(odd.width)).toEqual([10, 0, 0, 10]);
    // Zero-width frames share their start with the next one: the hit is the one with width.
    expect(hitTest(odd, 0, 1, 0, 100)).toBe(3);
  });

  it('lays out a 20 000-frame tree (and a 20 000-deep one) in linear time', () => {
    const wide = node('all', 20_000, [], 'root');
    for (let i = 0; i < 100; i++) {
      const kid = node(`f${i}`, 199);
      for (let j = 0; j < 198; j++) {
        kid.children.push(node(`g${i}.${j}`, 1));
      }
      wide.children.push(kid);
    }
    let deep = node('leaf', 1);
    for (let i = 0; i < 20_000; i++) {
      deep = node(`d${i}`, 1, [deep]);
    }
    const t0 = performance.now();
    const a = buildLayout(wide);
    const b = buildLayout(deep);
    const ms = performance.now() - t0;
    expect(a.count).toBe(1 + 100 * 199);
    expect(b.depth).toBe(20_001);
    expect(a.start[a.count - 1]).toBe(99 * 199 + 197);
    // Generous for CI; a quadratic layout of 20 000 frames takes seconds.
    expect(ms).toBeLessThan(1000);
    // Hit-testing the deep one: one frame a level.
    expect(hitTest(b, 0, 15_000, 50, 100)).toBe(15_000);
  });
});

describe('zoom', () => {
  it('spreads the focused frame over the width and draws its ancestors full width', () => {
    const main = idx('main');
    expect(zoomRange(L, 0)).toEqual({ start: 0, width: 1000 });
    expect(zoomRange(L, main)).toEqual({ start: 0, width: 600 });
    expect(frameX(L, main, main, 600)).toEqual([0, 600]);
    expect(frameX(L, main, 0, 600)).toEqual([0, 600]);
    expect(frameX(L, main, idx('java'), 600)).toEqual([0, 600]);
    expect(frameX(L, main, idx('op'), 600)).toEqual([0, 300]);
    expect(frameX(L, main, idx('tiny'), 600)).toEqual([300, 301]);
    expect(frameX(L, 0, idx('kworker'), 1000)).toEqual([700, 1000]);
    expect(inZoom(L, main, idx('java'))).toBe(true);
    expect(inZoom(L, main, idx('op'))).toBe(true);
    expect(inZoom(L, main, idx('GC'))).toBe(false);
    expect(inZoom(L, main, idx('kworker'))).toBe(false);
    expect(zoomDepth(L, main)).toBe(4);
    expect(zoomDepth(L, idx('kworker'))).toBe(3);
  });

  it('draws only frames in the zoom and at least MIN_FRAME_PX wide, on the levels asked for', () => {
    const drawn = (focus: number, px: number, first = 0, last = 10) => {
      const out: Array<[string, number, number]> = [];
      forEachDrawn(L, focus, px, first, last, (i, x0, x1) => out.push([L.nodes[i].name, x0, x1]));
      return out;
    };
    // 1000 px: tiny is 1 px.
    expect(drawn(0, 1000).map((d) => d[0])).toEqual(['all', 'java', 'main', 'op', 'tiny', 'GC', 'kworker', 'schedule']);
    // 400 px: tiny is 0.4 px, under MIN_FRAME_PX.
    expect(MIN_FRAME_PX).toBeGreaterThan(0.4);
    expect(drawn(0, 400).map((d) => d[0])).not.toContain('tiny');
    // Zoomed into main: ancestors first (full width), then main's subtree scaled to 600 px.
    expect(drawn(idx('main'), 600)).toEqual([
      ['java', 0, 600],
      ['all', 0, 600],
      ['main', 0, 600],
      ['op', 0, 300],
      ['tiny', 300, 301],
    ]);
    // Levels 2–3 only.
    expect(drawn(0, 1000, 2, 3).map((d) => d[0])).toEqual(['main', 'op', 'tiny', 'GC', 'schedule']);
    // The widths of the drawn children of the root sum to the root's.
    const top = drawn(0, 1000, 1, 1);
    expect(top.reduce((s, [, a, b]) => s + b - a, 0)).toBe(1000);
  });
});

describe('hitTest', () => {
  it('finds the frame by level and x, at its edges', () => {
    const px = 1000;
    expect(hitTest(L, 0, 0, 0, px)).toBe(0);
    expect(hitTest(L, 0, 0, 999.9, px)).toBe(0);
    expect(hitTest(L, 0, 1, 0, px)).toBe(idx('java'));
    expect(hitTest(L, 0, 1, 699.99, px)).toBe(idx('java'));
    expect(hitTest(L, 0, 1, 700, px)).toBe(idx('kworker'));
    expect(hitTest(L, 0, 2, 599.9, px)).toBe(idx('main'));
    expect(hitTest(L, 0, 2, 600, px)).toBe(idx('GC'));
    // Self time of java: nothing above it there.
    expect(hitTest(L, 0, 3, 650, px)).toBe(-1);
    expect(hitTest(L, 0, 3, 300, px)).toBe(idx('tiny'));
    expect(hitTest(L, 0, 3, 301, px)).toBe(-1);
    // Outside the graph.
    expect(hitTest(L, 0, -1, 10, px)).toBe(-1);
    expect(hitTest(L, 0, 4, 10, px)).toBe(-1);
    expect(hitTest(L, 0, 1, -1, px)).toBe(-1);
    expect(hitTest(L, 0, 1, 1000, px)).toBe(-1);
  });

  it('does not hit frames too narrow to draw', () => {
    expect(hitTest(L, 0, 3, 120.1, 400)).toBe(-1);
  });

  it('hits the breadcrumb bar and the zoomed subtree only', () => {
    const main = idx('main');
    const px = 600;
    // Ancestors span the width.
    expect(hitTest(L, main, 0, 599, px)).toBe(0);
    expect(hitTest(L, main, 1, 599, px)).toBe(idx('java'));
    expect(hitTest(L, main, 2, 0, px)).toBe(main);
    expect(hitTest(L, main, 3, 0, px)).toBe(idx('op'));
    expect(hitTest(L, main, 3, 299.9, px)).toBe(idx('op'));
    expect(hitTest(L, main, 3, 300, px)).toBe(idx('tiny'));
    expect(hitTest(L, main, 3, 301, px)).toBe(-1);
    // Zoomed into kworker: its subtree at level 2, never GC (outside the zoom).
    expect(hitTest(L, idx('kworker'), 2, 0, px)).toBe(idx('schedule'));
    expect(hitTest(L, idx('kworker'), 3, 0, px)).toBe(-1);
  });
});

describe('rows', () => {
  it('puts the root at the bottom of a flame and at the top of an icicle', () => {
    const flame = rowsFor(4, 18, false, 200);
    expect(flame.contentHeight).toBe(200);
    expect(levelTop(flame, 0)).toBe(182);
    expect(levelTop(flame, 3)).toBe(128);
    expect(levelAt(flame, 199)).toBe(0);
    expect(levelAt(flame, 182)).toBe(0);
    expect(levelAt(flame, 181.9)).toBe(1);
    expect(levelAt(flame, 128)).toBe(3);
    expect(levelAt(flame, 127)).toBe(-1);
    const icicle = rowsFor(4, 18, true, 200);
    expect(levelTop(icicle, 0)).toBe(0);
    expect(levelTop(icicle, 3)).toBe(54);
    expect(levelAt(icicle, 0)).toBe(0);
    expect(levelAt(icicle, 17.9)).toBe(0);
    expect(levelAt(icicle, 18)).toBe(1);
    expect(levelAt(icicle, 72)).toBe(-1);
  });

  it('scrolls a graph taller than the area: the levels in view', () => {
    // 100 levels × 10 px in a 200-px area.
    const flame = rowsFor(100, 10, false, 200);
    expect(flame.contentHeight).toBe(1000);
    // Scrolled to the bottom: the root and the 19 levels above it.
    expect(levelsIn(flame, 800, 1000)).toEqual([0, 19]);
    expect(levelsIn(flame, 0, 200)).toEqual([80, 99]);
    const icicle = rowsFor(100, 10, true, 200);
    expect(levelsIn(icicle, 0, 200)).toEqual([0, 19]);
    expect(levelsIn(icicle, 805, 1005)).toEqual([80, 99]);
  });
});

describe('navigation', () => {
  it('moves to the parent, the widest child and neighbours on the level inside the zoom', () => {
    expect(parentOf(L, idx('op'))).toBe(idx('main'));
    expect(parentOf(L, 0)).toBe(0);
    expect(widestChild(L, 0)).toBe(idx('java'));
    expect(widestChild(L, idx('main'))).toBe(idx('op'));
    expect(widestChild(L, idx('op'))).toBe(-1);
    expect(levelNeighbour(L, 0, idx('java'), 1)).toBe(idx('kworker'));
    expect(levelNeighbour(L, 0, idx('java'), -1)).toBe(-1);
    // Cousins too: GC's right neighbour is kworker's child.
    expect(levelNeighbour(L, 0, idx('GC'), 1)).toBe(idx('schedule'));
    // Zoomed into main: GC is outside, the breadcrumb bar has one frame a row.
    expect(levelNeighbour(L, idx('main'), idx('op'), 1)).toBe(idx('tiny'));
    expect(levelNeighbour(L, idx('main'), idx('tiny'), 1)).toBe(-1);
    expect(levelNeighbour(L, idx('main'), idx('java'), 1)).toBe(-1);
  });

  it('finds a frame by its path in another layout of the same data', () => {
    const again = buildLayout(JSON.parse(JSON.stringify(ROOT)));
    expect(pathOf(L, idx('op'))).toEqual(['java', 'main', 'op']);
    expect(findPath(again, pathOf(L, idx('op')))).toBe(idx('op'));
    expect(findPath(again, [])).toBe(0);
    expect(findPath(again, ['java', 'nope'])).toBe(-1);
  });
});

describe('searchLayout', () => {
  it('matches plain text case-insensitively, counting nested matches once', () => {
    const s = searchLayout(L, 'A');
    // all, java, main: each inside the previous; kworker has no a.
    expect(s.count).toBe(3);
    expect(s.value).toBe(1000);
    expect(s.percent).toBe(100);
    expect(Array.from(s.mask)).toEqual([1, 1, 1, 0, 0, 0, 0, 0]);
    const gc = searchLayout(L, 'gc');
    expect(gc).toMatchObject({ count: 1, value: 100, percent: 10 });
    const regexLike = searchLayout(buildLayout(node('all', 2, [node('operator((int)', 2)])), 'operator((');
    expect(regexLike.count).toBe(1);
    expect(searchLayout(L, '').count).toBe(0);
    expect(searchLayout(L, 'zzz')).toMatchObject({ count: 0, value: 0, percent: 0 });
  });
});
