/**
 * Range flame graphs as a nested set (level, value, self, label in depth-first order): the tree must add up, merge
 * equal names, select [fromNs, toNs) half-open, keep at most maxNodes nodes without losing weight, and agree with
 * the folded stacks of the same range.
 */
import fc from 'fast-check';
import {
  computeFlameGraph,
  mergeFlameGraphs,
  FlameGraph,
  FlameGraphOptions,
  foldStacks,
  parseProfile,
  ProfileStore,
} from '../../src/profile';
import { ALL_PERF_INPUTS } from '../helpers/fixtures';
import { allSamples, cachedFixture as parseFixture, latin1, perfText, SyntheticSample } from '../helpers/profile-views';

function parse(samples: SyntheticSample[]): ProfileStore {
  return parseProfile(latin1(perfText(samples)));
}

/** Children of node i in a nested set. */
function childrenOf(fg: FlameGraph, i: number): number[] {
  const out: number[] = [];
  for (let j = i + 1; j < fg.level.length && fg.level[j] > fg.level[i]; j++) {
    if (fg.level[j] === fg.level[i] + 1) {
      out.push(j);
    }
  }
  return out;
}

/** Every structural invariant of the nested set; returns a description of the first violation, or undefined. */
function nestedSetProblem(fg: FlameGraph): string | undefined {
  const n = fg.level.length;
  if (n === 0 || fg.level[0] !== 0 || fg.label[0] !== 'all' || fg.kind[0] !== 'root') {
    return 'node 0 is not the root';
  }
  if (fg.value.length !== n || fg.self.length !== n || fg.label.length !== n || fg.kind.length !== n) {
    return 'column lengths differ';
  }
  if (fg.total !== fg.value[0]) {
    return `total ${fg.total} != root value ${fg.value[0]}`;
  }
  for (let i = 1; i < n; i++) {
    if (fg.level[i] < 1 || fg.level[i] > fg.level[i - 1] + 1) {
      return `node ${i}: level ${fg.level[i]} after ${fg.level[i - 1]}`;
    }
  }
  for (let i = 0; i < n; i++) {
    const kids = childrenOf(fg, i);
    const sumKids = kids.reduce((s, k) => s + fg.value[k], 0);
    if (fg.self[i] < 0 || fg.value[i] !== fg.self[i] + sumKids) {
      return `node ${i} (${fg.label[i]}): value ${fg.value[i]} != self ${fg.self[i]} + children ${sumKids}`;
    }
    const labels = kids.map((k) => fg.label[k]);
    if (new Set(labels).size !== labels.length) {
      return `node ${i} (${fg.label[i]}) has two children with one label`;
    }
    for (let k = 1; k < labels.length; k++) {
      if (!(labels[k - 1] < labels[k])) {
        return `node ${i}: children not in name order (${labels[k - 1]}, ${labels[k]})`;
      }
    }
    if (i > 0 && fg.level[i] === 1 && fg.kind[i] !== 'thread') {
      return `node ${i}: level 1 is not a thread`;
    }
  }
  return undefined;
}

/** path ("all;comm;f;g") → [value, self]. */
function paths(fg: FlameGraph): Map<string, [number, number]> {
  const out = new Map<string, [number, number]>();
  const stack: string[] = [];
  for (let i = 0; i < fg.level.length; i++) {
    stack.length = fg.level[i];
    stack.push(fg.label[i]);
    out.set(stack.join(';'), [fg.value[i], fg.self[i]]);
  }
  return out;
}

const TIMED = ALL_PERF_INPUTS.filter((p) => parseFixture(p).hasTimestamps && parseFixture(p).sampleCount > 0);

describe('nested set', () => {
  it.each(ALL_PERF_INPUTS)('%s: every node value is self + children, siblings merged and ordered', (path) => {
    const store = parseFixture(path);
    for (const options of [{}, { includeIdle: true }, { weight: 'period' as const, includeIdle: true }]) {
      expect(nestedSetProblem(computeFlameGraph(store, options))).toBeUndefined();
    }
  });

  it.each(ALL_PERF_INPUTS)('%s: the root value is the sum of the kept weights', (path) => {
    const store = parseFixture(path);
    const samples = allSamples(store);
    const busy = samples.filter((s) => !s.idle);
    expect(computeFlameGraph(store).total).toBe(busy.length);
    expect(computeFlameGraph(store, { includeIdle: true }).total).toBe(samples.length);
    expect(computeFlameGraph(store, { weight: 'period' }).total).toBe(busy.reduce((a, s) => a + s.weight, 0));
  });

  it('builds the tree a hand-made profile describes, merging equal labels', () => {
    const store = parse([
      { comm: 'app', pid: 1, tid: 1, time: '1.1', period: 10, frames: ['c (/x)', 'b (/x)', 'a (/x)'] },
      { comm: 'app', pid: 1, tid: 2, time: '1.2', period: 20, frames: ['c+0x10 (/x)', 'b (/x)', 'a (/x)'] },
      // Same comm, other process: one thread node. Same name, other DSO or arguments: one frame node.
      { comm: 'app', pid: 2, tid: 3, time: '1.3', period: 30, frames: ['d(int) (/y)', 'b (/other.so)', 'a (/x)'] },
      { comm: 'app', pid: 2, tid: 3, time: '1.4', period: 40, frames: ['d(long) (/y)', 'b (/x)', 'a (/x)'] },
      { comm: 'app', pid: 2, tid: 3, time: '1.5', period: 50, frames: ['b (/x)', 'a (/x)'] },
      { comm: 'db', pid: 3, tid: 4, time: '1.6', period: 60, frames: ['a (/x)'] },
    ]);
    const bySamples = computeFlameGraph(store);
    expect(nestedSetProblem(bySamples)).toBeUndefined();
    expect(Object.fromEntries(paths(bySamples))).toEqual({
      all: [6, 0],
      'all;app': [5, 0],
      'all;app;a': [5, 0],
      'all;app;a;b': [5, 1],
      'all;app;a;b;c': [2, 2],
      'all;app;a;b;d': [2, 2],
      'all;db': [1, 0],
      'all;db;a': [1, 1],
    });
    expect(bySamples.label).toEqual(['all', 'app', 'a', 'b', 'c', 'd', 'db', 'a']);
    expect(Array.from(bySamples.level)).toEqual([0, 1, 2, 3, 4, 4, 1, 2]);
    const byPeriod = computeFlameGraph(store, { weight: 'period' });
    expect(Object.fromEntries(paths(byPeriod))).toEqual({
      all: [210, 0],
      'all;app': [150, 0],
      'all;app;a': [150, 0],
      'all;app;a;b': [150, 50],
      'all;app;a;b;c': [30, 30],
      'all;app;a;b;d': [70, 70],
      'all;db': [60, 0],
      'all;db;a': [60, 60],
    });
  });

  it('merges parts from different profiles by name: frame ids of one store mean nothing in another', () => {
    // Frame 0 is `a` in one store and `x` in the other; a Java thread labels the same frame differently.
    const one = parse([{ comm: 'app', pid: 1, tid: 1, time: '1.1', period: 1, frames: ['b (/x)', 'a (/x)'] }]);
    const two = parse([
      { comm: 'app', pid: 1, tid: 1, time: '1.1', period: 1, frames: ['a (/x)', 'x (/x)'] },
      { comm: 'java', pid: 2, tid: 2, time: '1.2', period: 1, frames: ['LFoo;::bar (/tmp/perf-2.map)'] },
    ]);
    const fg = mergeFlameGraphs([
      { store: one, options: {} },
      { store: two, options: {} },
    ]);
    expect(nestedSetProblem(fg)).toBeUndefined();
    const p = paths(fg);
    expect(p.get('all;app;a;b')).toEqual([1, 1]);
    expect(p.get('all;app;x;a')).toEqual([1, 1]);
    expect(p.get('all;app;a')).toEqual([1, 0]);
    // The Java frame as the second profile's own graph names it.
    const javaPath = [...paths(computeFlameGraph(two)).keys()].find((k) => k.startsWith('all;java;'))!;
    expect(javaPath).toMatch(/bar/);
    expect(p.get(javaPath)).toEqual([1, 1]);
    expect(fg.total).toBe(3);
  });

  it('applies sample filters before building the tree', () => {
    const store = parse([
      { comm: 'x', pid: 1, tid: 1, cpu: 0, time: '1.1', event: 'cycles', frames: ['f (/x)'] },
      { comm: 'x', pid: 1, tid: 1, cpu: 1, time: '1.2', event: 'instructions', frames: ['g (/x)'] },
      { comm: 'y', pid: 2, tid: 2, cpu: 1, time: '1.3', event: 'cycles', frames: ['h (/x)'] },
    ]);
    const labels = (o: FlameGraphOptions) => computeFlameGraph(store, o).label;
    expect(labels({ event: 'cycles' })).toEqual(['all', 'x', 'f', 'y', 'h']);
    expect(labels({ cpu: 1 })).toEqual(['all', 'x', 'g', 'y', 'h']);
    expect(labels({ pid: 2 })).toEqual(['all', 'y', 'h']);
    expect(labels({ comm: 'nobody' })).toEqual(['all']);
    expect(computeFlameGraph(store, { comm: 'nobody' }).total).toBe(0);
  });
});

describe('time range', () => {
  // Samples at 0, 0.5, 1.0, 1.5 and 2.0 s after startSec, each with its own leaf.
  const store = parse(
    ['10.000000', '10.500000', '11.000000', '11.500000', '12.000000'].map((time, i) => ({
      time,
      frames: [`t${i} (/x)`, 'main (/x)'],
    }))
  );
  const leaves = (o: FlameGraphOptions) => computeFlameGraph(store, o).label.filter((l) => /^t\d$/.test(l));

  it('is half-open: a sample at fromNs is in, a sample at toNs is out', () => {
    expect(leaves({ fromNs: 0.5e9, toNs: 2e9 })).toEqual(['t1', 't2', 't3']);
    expect(leaves({ fromNs: 0.5e9, toNs: 2e9 + 1 })).toEqual(['t1', 't2', 't3', 't4']);
    expect(leaves({ fromNs: 0.5e9 + 1, toNs: 2e9 })).toEqual(['t2', 't3']);
    expect(leaves({ fromNs: 1e9, toNs: 1e9 })).toEqual([]);
    expect(leaves({ fromNs: 0, toNs: 0.5e9 })).toEqual(['t0']);
    expect(leaves({})).toEqual(['t0', 't1', 't2', 't3', 't4']);
    expect(computeFlameGraph(store, { fromNs: 0.5e9, toNs: 2e9 }).total).toBe(3);
  });

  it.each(TIMED)('%s: folded stacks and the flame graph of the same range have the same total', (path) => {
    const real = parseFixture(path);
    const last = real.time[real.sampleCount - 1];
    const cuts = [0, Math.floor(last / 3), real.time[Math.floor(real.sampleCount / 2)], last, last + 1];
    for (let a = 0; a < cuts.length; a++) {
      for (let b = a; b < cuts.length; b++) {
        const range = { fromNs: cuts[a], toNs: cuts[b] };
        const inRange = Array.from(real.time).filter((t) => t >= range.fromNs && t < range.toNs).length;
        const fg = computeFlameGraph(real, { ...range, includeIdle: true });
        const folded = foldStacks(real, { ...range, allEvents: true, byPeriod: false });
        expect(fg.total).toBe(inRange);
        expect(folded.reduce((s, f) => s + f.weight, 0)).toBe(fg.total);
        const fgPeriod = computeFlameGraph(real, { ...range, includeIdle: true, weight: 'period' });
        const foldedPeriod = foldStacks(real, { ...range, allEvents: true });
        expect(foldedPeriod.reduce((s, f) => s + f.weight, 0)).toBe(fgPeriod.total);
        // Per thread name too (folding writes spaces in comms as underscores).
        const perComm = new Map<string, number>();
        for (const f of folded) {
          const comm = f.stack.split(';')[0];
          perComm.set(comm, (perComm.get(comm) ?? 0) + f.weight);
        }
        const threads = new Map<string, number>();
        childrenOf(fg, 0).forEach((k) => threads.set(fg.label[k].replace(/ /g, '_'), fg.value[k]));
        expect(threads).toEqual(perComm);
      }
    }
  });

  it('folded stacks and the flame graph agree on random ranges', () => {
    const real = parseFixture('firefox-profiler/test.perf.gz');
    const span = real.time[real.sampleCount - 1] + 2;
    fc.assert(
      fc.property(fc.integer({ min: -1, max: span }), fc.integer({ min: -1, max: span }), (x, y) => {
        const range = { fromNs: Math.min(x, y), toNs: Math.max(x, y) };
        const fg = computeFlameGraph(real, { ...range, includeIdle: true, weight: 'period' });
        const folded = foldStacks(real, { ...range, allEvents: true });
        expect(folded.reduce((s, f) => s + f.weight, 0)).toBe(fg.total);
        expect(nestedSetProblem(fg)).toBeUndefined();
      }),
      { numRuns: 50 }
    );
  });
});

describe('maxNodes', () => {
  function checkPruned(store: ProfileStore, maxNodes: number, options: FlameGraphOptions = {}) {
    const full = computeFlameGraph(store, options);
    const pruned = computeFlameGraph(store, { ...options, maxNodes });
    expect(nestedSetProblem(pruned)).toBeUndefined();
    expect(pruned.level.length).toBeLessThanOrEqual(maxNodes);
    expect(pruned.total).toBe(full.total);
    expect(pruned.value[0]).toBe(full.value[0]);
    expect(pruned.droppedNodes).toBe(full.level.length - pruned.level.length);
    // The kept nodes are the heaviest: none dropped outweighs one kept, and each kept node keeps its full value.
    const fullPaths = paths(full);
    const keptPaths = paths(pruned);
    let minKept = Infinity;
    for (const [p, [value]] of keptPaths) {
      expect(fullPaths.get(p)?.[0]).toBe(value);
      minKept = Math.min(minKept, value);
    }
    for (const [p, [value]] of fullPaths) {
      if (!keptPaths.has(p)) {
        expect(value).toBeLessThanOrEqual(minKept);
      }
    }
  }

  it.each(['example-perf-stacks.txt.gz', 'perf-java-stacks-01.txt', 'firefox-profiler/gzip.perf.gz'])(
    '%s: keeps at most maxNodes nodes and the same root total',
    (path) => {
      const store = parseFixture(path);
      for (const maxNodes of [2, 3, 10, 57, 200, 1000]) {
        checkPruned(store, maxNodes);
        checkPruned(store, maxNodes, { weight: 'period', includeIdle: true });
      }
    }
  );

  it('keeps at most maxNodes nodes when many nodes weigh the same', () => {
    const store = parse(Array.from({ length: 10 }, (_, i) => ({ time: `1.${i + 1}`, frames: [`f${i} (/x)`] })));
    expect(computeFlameGraph(store).level.length).toBe(12);
    for (const maxNodes of [2, 3, 5, 8, 11, 12, 13]) {
      checkPruned(store, maxNodes);
    }
  });

  it('keeps at most maxNodes nodes when every node weighs the same as the root (one chain)', () => {
    const store = parse([{ time: '1.5', frames: ['e (/x)', 'd (/x)', 'c (/x)', 'b (/x)', 'a (/x)'] }]);
    expect(computeFlameGraph(store).level.length).toBe(7);
    for (const maxNodes of [1, 2, 3, 6, 7]) {
      checkPruned(store, maxNodes);
    }
  });

  it('keeps the root alone with maxNodes 1', () => {
    const store = parseFixture('perf-java-stacks-01.txt');
    const fg = computeFlameGraph(store, { maxNodes: 1 });
    expect(fg.label).toEqual(['all']);
    expect(fg.self[0]).toBe(fg.total);
  });

  it('keeps everything when maxNodes is 0 or at least the node count', () => {
    const store = parseFixture('perf-java-stacks-01.txt');
    const full = computeFlameGraph(store);
    for (const maxNodes of [0, full.level.length, full.level.length + 5]) {
      const fg = computeFlameGraph(store, { maxNodes });
      expect(fg.droppedNodes).toBe(0);
      expect(fg.label).toEqual(full.label);
      expect(Array.from(fg.self)).toEqual(Array.from(full.self));
    }
  });
});

describe('focus: full detail below one frame', () => {
  const store = parseFixture('example-perf-stacks.txt.gz');
  const full = computeFlameGraph(store);
  const fullPaths = paths(full);
  const pruned = computeFlameGraph(store, { maxNodes: 300 });
  const prunedPaths = paths(pruned);

  /** A kept node whose subtree lost the most nodes to pruning (the frame a user would zoom into and "show all"). */
  function lossiestKeptPath(): string {
    let best = '';
    let bestLoss = 0;
    for (const p of prunedPaths.keys()) {
      if (!p.includes(';')) {
        continue;
      }
      const below = (m: Map<string, unknown>) => [...m.keys()].filter((q) => q.startsWith(p + ';')).length;
      const loss = below(fullPaths) - below(prunedPaths);
      if (loss > bestLoss) {
        best = p;
        bestLoss = loss;
      }
    }
    expect(bestLoss).toBeGreaterThan(10);
    return best;
  }

  const focusPath = lossiestKeptPath();
  const path = focusPath.split(';').slice(1); // without the root "all"

  it('keeps every node below the focused frame, with full values, and the rest as pruned', () => {
    const fg = mergeFlameGraphs([{ store, options: {} }], undefined, 300, { path, maxNodes: 0 });
    expect(nestedSetProblem(fg)).toBeUndefined();
    expect(fg.focus).toEqual({ found: true, droppedNodes: 0 });
    expect(fg.total).toBe(full.total);
    const got = paths(fg);
    for (const [p, [value, self]] of fullPaths) {
      if (p === focusPath || p.startsWith(focusPath + ';')) {
        expect(got.get(p)).toEqual([value, self]);
      }
    }
    // Outside the focus the graph is the pruned one, node for node.
    for (const [p, vs] of got) {
      if (p !== focusPath && !p.startsWith(focusPath + ';')) {
        expect(prunedPaths.get(p)?.[0]).toBe(vs[0]);
      }
    }
    const outside = (m: Map<string, unknown>) => [...m.keys()].filter((p) => !p.startsWith(focusPath + ';')).length;
    expect(outside(got)).toBe(outside(prunedPaths));
    expect(fg.droppedNodes).toBe(full.level.length - fg.level.length);
  });

  it("keeps the focus's own budget of its heaviest nodes below it", () => {
    const fg = mergeFlameGraphs([{ store, options: {} }], undefined, 300, { path, maxNodes: 5 });
    expect(nestedSetProblem(fg)).toBeUndefined();
    const below = [...paths(fg)].filter(([p]) => p.startsWith(focusPath + ';'));
    expect(below.length).toBeLessThanOrEqual(5);
    const fullBelow = [...fullPaths].filter(([p]) => p.startsWith(focusPath + ';'));
    expect(fg.focus).toEqual({ found: true, droppedNodes: fullBelow.length - below.length });
    const minKept = Math.min(...below.map(([, [v]]) => v));
    for (const [p, [v]] of fullBelow) {
      if (!below.some(([q]) => q === p)) {
        expect(v).toBeLessThanOrEqual(minKept);
      }
    }
  });

  it('is the plain pruned graph when the focused frame is not there', () => {
    const fg = mergeFlameGraphs([{ store, options: {} }], undefined, 300, {
      path: [...path, 'no such frame'],
      maxNodes: 0,
    });
    expect(fg.focus).toEqual({ found: false, droppedNodes: 0 });
    expect(fg.label).toEqual(pruned.label);
    expect(Array.from(fg.self)).toEqual(Array.from(pruned.self));
  });
});
