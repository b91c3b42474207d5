/**
 * Hostile shapes for the flame graph: a 200 000-frame stack (drawn with its middle elided, weight kept), a long chain
 * pruned by maxNodes (every dropped node's self time reaches its nearest kept ancestor), and the k-th-largest pick
 * that replaced a full sort.
 */
import fc from 'fast-check';
import {
  computeFlameGraph,
  MAX_FLAME_DEPTH,
  mergeFlameGraphsSliced,
  nthLargest,
  parseProfile,
  runToEnd,
} from '../../src/profile';
import { latin1, perfText } from '../helpers/profile-views';

/** Frames leaf first, `f<depth-1>` … `f0` (f0 is the outermost caller). */
function chain(depth: number, leafPrefix = 'f'): string[] {
  const frames: string[] = [];
  for (let i = depth - 1; i >= 0; i--) {
    frames.push(`${leafPrefix}${i} (/bin/app)`);
  }
  return frames;
}

describe('a 200 000-frame stack', () => {
  const DEPTH = 200_000;
  const store = parseProfile(
    latin1(
      perfText([
        { comm: 'app', time: '1.000000', frames: chain(DEPTH) },
        { comm: 'app', time: '1.100000', frames: ['f1 (/bin/app)', 'f0 (/bin/app)'] },
        { comm: 'app', time: '1.200000', frames: chain(DEPTH) },
      ])
    )
  );

  it('is drawn with its outermost and innermost frames and one elided frame between', () => {
    const fg = computeFlameGraph(store);
    expect(fg.total).toBe(3);
    expect(fg.elidedWeight).toBe(2);
    const deepest = Math.max(...fg.level);
    // root, thread, then at most MAX_FLAME_DEPTH frames (the elided marker counts as one).
    expect(deepest).toBe(MAX_FLAME_DEPTH + 1);
    const elided = fg.label.filter((l) => /^\[… \d+ frames elided\]$/.test(l));
    expect(elided).toEqual([`[… ${DEPTH - MAX_FLAME_DEPTH + 1} frames elided]`]);
    // The outermost callers and the hot leaf are both there.
    expect(fg.label).toContain('f0');
    expect(fg.label).toContain('f511');
    expect(fg.label).not.toContain('f512');
    expect(fg.label).toContain(`f${DEPTH - 1}`);
    expect(fg.label).toContain(`f${DEPTH - 511}`);
    expect(fg.label).not.toContain(`f${DEPTH - 512}`);
    // The leaf carries the deep samples' self weight.
    expect(fg.self[fg.label.indexOf(`f${DEPTH - 1}`)]).toBe(2);
    expect(fg.self[fg.label.indexOf('f1')]).toBe(1);
  });

  it('prunes to maxNodes with the weight kept', () => {
    const fg = computeFlameGraph(store, { maxNodes: 100 });
    expect(fg.level.length).toBe(100);
    expect(fg.value[0]).toBe(3);
    const selfSum = Array.from(fg.self).reduce((a, b) => a + b, 0);
    expect(selfSum).toBe(3);
  });

  it('yields while it works, so a server can run it in slices', () => {
    const work = mergeFlameGraphsSliced([{ store, options: {} }]);
    let yields = 0;
    for (let step = work.next(); !step.done; step = work.next()) {
      yields++;
    }
    expect(yields).toBeGreaterThan(1);
  });
});

describe('a long chain pruned by maxNodes', () => {
  it('gives every dropped node’s self time to its nearest kept ancestor', () => {
    // One 300-deep chain with a sample ending at every level: each node has self 1 and total = samples below it.
    const samples = Array.from({ length: 300 }, (_, i) => ({
      comm: 'app',
      time: `1.${String(i).padStart(6, '0')}`,
      frames: chain(i + 1),
    }));
    const store = parseProfile(latin1(perfText(samples)));
    const fg = computeFlameGraph(store, { maxNodes: 50 });
    expect(fg.level.length).toBe(50);
    expect(fg.droppedNodes).toBe(300 + 2 - 50);
    // Kept: root, thread, f0..f47; f47 takes the self time of the 252 nodes below it, plus its own.
    expect(fg.label[49]).toBe('f47');
    expect(fg.self[49]).toBe(300 - 47);
    expect(fg.value[0]).toBe(300);
  });
});

describe('nthLargest', () => {
  it('agrees with a full sort', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 1, maxLength: 300 }),
        fc.nat(),
        (values, k) => {
          const index = k % values.length;
          const sorted = [...values].sort((a, b) => b - a);
          expect(nthLargest(Float64Array.from(values), index)).toBe(sorted[index]);
        }
      )
    );
  });

  it('a flame graph run in slices equals one run to the end', () => {
    const store = parseProfile(
      latin1(perfText(Array.from({ length: 50 }, (_, i) => ({ time: `2.${i}`, frames: chain((i % 7) + 1, 'g') }))))
    );
    const a = runToEnd(mergeFlameGraphsSliced([{ store, options: {} }], undefined, 5));
    const b = computeFlameGraph(store, { maxNodes: 5 });
    expect(a).toEqual(b);
  });
});
