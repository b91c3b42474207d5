import fc from 'fast-check';
import { FlameNode } from '../model';
import { arbitraryTree, node } from './testTrees';
import { runToEnd } from '../../profile/sliced';
import { FunctionRow, topFunctions, topFunctionsAsync, topFunctionsSliced } from './functions';
import { toFolded } from './tree';

/** A folded line: frames from the thread down to the leaf, and its counts (one, or baseline and selection). */
interface Stack {
  frames: string[];
  count: number;
  countRight: number;
}

/** The tree's folded stacks (tree.ts's writer), parsed back. */
function stacks(root: FlameNode): Stack[] {
  const diff = root.valueRight !== undefined;
  return toFolded(root, { diff })
    .split('\n')
    .filter((l) => l !== '')
    .map((line) => {
      const parts = line.split(' ');
      if (diff) {
        const base = Number(parts[parts.length - 2]);
        const right = Number(parts[parts.length - 1]);
        return { frames: parts.slice(0, -2).join(' ').split(';'), count: base + right, countRight: right };
      }
      return { frames: parts.slice(0, -1).join(' ').split(';'), count: Number(parts[parts.length - 1]), countRight: 0 };
    });
}

/** Self and total per function as the folded stacks give them: the leaf's self; total once per stack. */
function fromFolded(
  root: FlameNode
): Map<string, { self: number; total: number; selfRight: number; totalRight: number }> {
  const out = new Map<string, { self: number; total: number; selfRight: number; totalRight: number }>();
  const get = (name: string) => {
    let e = out.get(name);
    if (!e) {
      e = { self: 0, total: 0, selfRight: 0, totalRight: 0 };
      out.set(name, e);
    }
    return e;
  };
  for (const s of stacks(root)) {
    const leaf = get(s.frames[s.frames.length - 1]);
    leaf.self += s.count;
    leaf.selfRight += s.countRight;
    for (const name of new Set(s.frames)) {
      get(name).total += s.count;
      get(name).totalRight += s.countRight;
    }
  }
  return out;
}

function byName(rows: FunctionRow[]): Map<string, FunctionRow> {
  return new Map(rows.map((r) => [r.name, r]));
}

/**
 * all (10)
 *   java (7)                 thread
 *     main (5)               self 2
 *       parse (3)            self 1
 *         main (2)           recursion: self 2, total not added again
 *     GC (1)                 self 1 (java's own self is 1)
 *   kworker (3)              thread
 *     schedule (3)
 *       parse (1)            a second place for parse
 */
const TREE: FlameNode = node('all', 10, 'root', [
  node('java', 7, 'thread', [
    node('main', 5, 'jit', [node('parse', 3, 'user', [node('main', 2, 'jit')])]),
    node('GC', 1, 'user'),
  ]),
  node('kworker', 3, 'thread', [node('schedule', 3, 'kernel', [node('parse', 1, 'user')])]),
]);

describe('topFunctions', () => {
  it('sums self and total per function, counting a recursive function once per stack', () => {
    const rows = byName(topFunctions(TREE));
    expect(rows.get('main')).toEqual({
      name: 'main',
      kind: 'jit',
      self: 4,
      total: 5,
      selfPercent: 40,
      totalPercent: 50,
    });
    expect(rows.get('parse')).toEqual({
      name: 'parse',
      kind: 'user',
      self: 2,
      total: 4,
      selfPercent: 20,
      totalPercent: 40,
    });
    expect(rows.get('java')).toMatchObject({ kind: 'thread', self: 1, total: 7 });
    expect(rows.get('schedule')).toMatchObject({ kind: 'kernel', self: 2, total: 3 });
    expect(rows.has('all')).toBe(false);
  });

  it('matches the folded stacks, and the selves add up to the root', () => {
    const rows = topFunctions(TREE);
    expect(rows.reduce((s, r) => s + r.self, 0)).toBe(TREE.value);
    const folded = fromFolded(TREE);
    expect(rows).toHaveLength(folded.size);
    for (const r of rows) {
      expect({ name: r.name, self: r.self, total: r.total }).toEqual({
        name: r.name,
        self: folded.get(r.name)!.self,
        total: folded.get(r.name)!.total,
      });
    }
  });

  it('orders by self, heaviest first, then total and name', () => {
    expect(topFunctions(TREE).map((r) => r.name)).toEqual(['main', 'parse', 'schedule', 'java', 'GC', 'kworker']);
  });

  it('can leave thread frames out', () => {
    const rows = topFunctions(TREE, { threads: false });
    expect(rows.map((r) => r.name).sort()).toEqual(['GC', 'main', 'parse', 'schedule']);
    // java's own sample (no frame below the thread) has no function left to go to.
    expect(rows.reduce((s, r) => s + r.self, 0)).toBe(TREE.value - 1);
  });

  it('counts deep recursion once per stack', () => {
    // f → f → … → f (100 deep), then g below: f's total is the chain's weight, not 100 times it.
    let leaf: FlameNode = node('g', 4, 'user');
    for (let i = 0; i < 100; i++) {
      leaf = node('f', leaf.value + 1, 'user', [leaf]);
    }
    const root = node('all', leaf.value, 'root', [leaf]);
    const rows = byName(topFunctions(root));
    expect(rows.get('f')).toMatchObject({ self: 100, total: 104, totalPercent: 100 });
    expect(rows.get('g')).toMatchObject({ self: 4, total: 4 });
  });

  it('carries the selection through a differential tree', () => {
    // value = baseline + selection; valueRight = selection.
    const diff = node(
      'all',
      10,
      'root',
      [
        node(
          't',
          10,
          'thread',
          [
            node('a', 6, 'user', [node('b', 4, 'user', [node('a', 1, 'user', [], 1)], 3)], 4),
            node('b', 4, 'user', [], 0),
          ],
          4
        ),
      ],
      4
    );
    const rows = byName(topFunctions(diff));
    expect(rows.get('a')).toMatchObject({ self: 3, total: 6, selfRight: 2, totalRight: 4 });
    expect(rows.get('b')).toMatchObject({ self: 7, total: 8, selfRight: 2, totalRight: 3 });
    expect(rows.get('t')).toMatchObject({ self: 0, total: 10, selfRight: 0, totalRight: 4 });
    const folded = fromFolded(diff);
    for (const r of rows.values()) {
      const f = folded.get(r.name)!;
      expect([r.self, r.total, r.selfRight, r.totalRight]).toEqual([f.self, f.total, f.selfRight, f.totalRight]);
    }
    // Plain trees have no selection columns.
    expect(topFunctions(TREE)[0].selfRight).toBeUndefined();
  });

  it('gives no rows and no NaN for an empty root', () => {
    expect(topFunctions(node('all', 0, 'root'))).toEqual([]);
    const zero = topFunctions(node('all', 0, 'root', [node('a', 0, 'user')]));
    expect(zero).toEqual([{ name: 'a', kind: 'user', self: 0, total: 0, selfPercent: 0, totalPercent: 0 }]);
  });

  it('agrees with the folded stacks on random trees (recursion, repeated names, diffs)', () => {
    fc.assert(
      fc.property(arbitraryTree('thread 1'), (root) => {
        const rows = topFunctions(root);
        const folded = fromFolded(root);
        // The root's own self has no stack (toFolded leaves it out): the rows account for everything else.
        const rootSelf = root.value - root.children.reduce((s, c) => s + c.value, 0);
        expect(rows.reduce((s, r) => s + r.self, 0)).toBe(root.value - rootSelf);
        expect(rows.length).toBe(new Set([...folded.keys()]).size + zeroOnlyNames(root, folded));
        for (const r of rows) {
          const f = folded.get(r.name) ?? { self: 0, total: 0, selfRight: 0, totalRight: 0 };
          expect([r.name, r.self, r.total]).toEqual([r.name, f.self, f.total]);
          expect(r.self).toBeLessThanOrEqual(r.total);
          if (root.valueRight !== undefined) {
            expect([r.name, r.selfRight, r.totalRight]).toEqual([r.name, f.selfRight, f.totalRight]);
          }
        }
      }),
      { numRuns: 300 }
    );
  });

  it('yields in slices and gives the same rows as the one-go run', async () => {
    const root = bigTree(20_000, 100);
    const work = topFunctionsSliced(root);
    let yields = 0;
    let step = work.next();
    while (!step.done) {
      yields++;
      step = work.next();
    }
    expect(yields).toBeGreaterThan(1);
    expect(step.value).toEqual(runToEnd(topFunctionsSliced(root)));
    await expect(topFunctionsAsync(root, { sliceMs: 1 })).resolves.toEqual(step.value);
  });

  it('stops when its signal aborts', async () => {
    const controller = new AbortController();
    controller.abort(new Error('stale'));
    await expect(topFunctionsAsync(TREE, { signal: controller.signal })).rejects.toThrow('stale');
  });

  it('sums a 20 000-node tree 100 deep in a few ms', () => {
    const root = bigTree(20_000, 100);
    topFunctions(root); // warm up
    const runs = 5;
    const start = performance.now();
    for (let i = 0; i < runs; i++) {
      topFunctions(root);
    }
    const ms = (performance.now() - start) / runs;
    // Not a timing test (CI machines vary): a guard against accidental quadratic work only.
    expect(ms).toBeLessThan(200);
    const rows = topFunctions(root);
    expect(rows.reduce((s, r) => s + r.self, 0)).toBe(root.value);
  });
});

/** Names that occur only in frames of weight 0: the folded stacks (self > 0 lines only) never see them. */
function zeroOnlyNames(root: FlameNode, folded: Map<string, unknown>): number {
  const names = new Set<string>();
  const stack = [...root.children];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (!folded.has(n.name)) {
      names.add(n.name);
    }
    stack.push(...n.children);
  }
  return names.size;
}

/**
 * A deterministic tree of about `size` nodes and `depth` levels, shaped like a profile: threads, long call chains
 * that branch, a few hundred distinct names that repeat (and recurse) across the tree.
 */
function bigTree(size: number, depth: number): FlameNode {
  let seed = 42;
  const random = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  const root = node('all', 0, 'root');
  let count = 1;
  const threads = Array.from({ length: 8 }, (_, i) => node(`thread-${i}`, 0, 'thread'));
  root.children.push(...threads);
  count += threads.length;
  while (count < size) {
    // A chain from a random thread, down through existing frames where names collide, to a random depth.
    let parent = threads[Math.floor(random() * threads.length)];
    const chain = 2 + Math.floor(random() * (depth - 2));
    for (let d = 1; d < chain && count < size; d++) {
      const name = `fn${Math.floor(random() * 400)}`;
      let child = parent.children.find((c) => c.name === name);
      if (!child) {
        child = node(name, 0, random() < 0.1 ? 'kernel' : 'user');
        parent.children.push(child);
        count++;
      }
      parent = child;
    }
  }
  // Weights: each leaf 1–10 samples, each inner frame a few of its own; values summed bottom-up (iteratively).
  const order: FlameNode[] = [];
  const stack = [root];
  while (stack.length > 0) {
    const n = stack.pop()!;
    order.push(n);
    stack.push(...n.children);
  }
  for (let i = order.length - 1; i >= 0; i--) {
    const n = order[i];
    const own = n === root ? 0 : n.children.length === 0 ? 1 + Math.floor(random() * 10) : Math.floor(random() * 3);
    n.value = own + n.children.reduce((s, c) => s + c.value, 0);
  }
  return root;
}
