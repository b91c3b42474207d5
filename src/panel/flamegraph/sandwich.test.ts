import fc from 'fast-check';
import { FlameNode } from '../model';
import { arbitraryTree, node } from './testTrees';
import { runToEnd } from '../../profile/sliced';
import { topFunctions } from './functions';
import { sandwich, sandwichSliced } from './sandwich';
import { toFolded } from './tree';

/** name(value)[children] — compact structure for assertions (children sorted by name: merge order is not the point). */
function shape(n: FlameNode): string {
  const kids = [...n.children]
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .map(shape)
    .join(',');
  const right = n.valueRight !== undefined ? `/${n.valueRight}` : '';
  return `${n.name}(${n.value}${right})${kids ? `[${kids}]` : ''}`;
}

/** Folded lines of a tree as a map from stack to count (the tree as written by tree.ts; its root left out). */
function folded(root: FlameNode): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of toFolded(root).split('\n')) {
    if (line !== '') {
      const at = line.lastIndexOf(' ');
      out.set(line.slice(0, at), (out.get(line.slice(0, at)) ?? 0) + Number(line.slice(at + 1)));
    }
  }
  return out;
}

/** A sandwich tree's folded stacks: it goes under a synthetic root so that its own root is a frame. */
function foldedOf(tree: FlameNode): Map<string, number> {
  return folded(node('all', tree.value, 'root', [tree]));
}

/**
 * The sandwich as the folded stacks define it: every stack with `name` on it, cut at its first (outermost) `name` —
 * what follows is a callee path, what precedes it (read backwards) a caller path.
 */
function expected(root: FlameNode, name: string) {
  const callees = new Map<string, number>();
  const callers = new Map<string, number>();
  let total = 0;
  let self = 0;
  for (const [stack, count] of folded(root)) {
    const frames = stack.split(';');
    const at = frames.indexOf(name);
    if (at < 0) {
      continue;
    }
    total += count;
    if (frames[frames.length - 1] === name) {
      self += count;
    }
    const down = frames.slice(at).join(';');
    const up = frames
      .slice(0, at + 1)
      .reverse()
      .join(';');
    callees.set(down, (callees.get(down) ?? 0) + count);
    callers.set(up, (callers.get(up) ?? 0) + count);
  }
  return { callees, callers, total, self };
}

/**
 * all (20)
 *   t1 (12)
 *     main (12)
 *       handle (7)
 *         parse (5)
 *           alloc (2)
 *         alloc (1)
 *       idle (4)
 *         parse (3)
 *           lex (3)
 *   t2 (8)
 *     worker (8)
 *       parse (6)
 *         alloc (4)
 *         lex (1)
 */
const TREE: FlameNode = node('all', 20, 'root', [
  node('t1', 12, 'thread', [
    node('main', 12, 'user', [
      node('handle', 7, 'user', [node('parse', 5, 'user', [node('alloc', 2, 'kernel')]), node('alloc', 1, 'kernel')]),
      node('idle', 4, 'user', [node('parse', 3, 'user', [node('lex', 3, 'jit')])]),
    ]),
  ]),
  node('t2', 8, 'thread', [
    node('worker', 8, 'user', [node('parse', 6, 'user', [node('alloc', 4, 'kernel'), node('lex', 1, 'jit')])]),
  ]),
]);

describe('sandwich', () => {
  it('merges the callees of every place the function occurs', () => {
    const s = sandwich(TREE, 'parse');
    expect(s.total).toBe(14);
    expect(s.self).toBe(3 + 0 + 1);
    expect(shape(s.callees)).toBe('parse(14)[alloc(6),lex(4)]');
    expect(s.callees.kind).toBe('user');
    expect(s.callees.children.find((c) => c.name === 'alloc')?.kind).toBe('kernel');
    expect(s.totalRight).toBeUndefined();
  });

  it('inverts and merges the call paths into callers', () => {
    const s = sandwich(TREE, 'parse');
    expect(shape(s.callers)).toBe('parse(14)[handle(5)[main(5)[t1(5)]],idle(3)[main(3)[t1(3)]],worker(6)[t2(6)]]');
    expect(s.callers.value).toBe(s.callees.value);
    // A function reached from one place only: a chain of callers.
    expect(shape(sandwich(TREE, 'lex').callers)).toBe('lex(4)[parse(4)[idle(3)[main(3)[t1(3)]],worker(1)[t2(1)]]]');
    // A thread has no callers.
    expect(shape(sandwich(TREE, 't2').callers)).toBe('t2(8)');
  });

  it('counts a recursive function once per stack', () => {
    // f → g → f → h: the inner f stays inside the callees, and its callers are the outer f's.
    const root = node('all', 10, 'root', [
      node('t', 10, 'thread', [
        node('f', 10, 'user', [
          node('g', 8, 'user', [node('f', 6, 'user', [node('h', 4, 'user')])]),
          node('f', 1, 'user'),
        ]),
      ]),
    ]);
    const s = sandwich(root, 'f');
    expect(s.total).toBe(10);
    expect(s.self).toBe(1 + 2 + 1);
    expect(shape(s.callees)).toBe('f(10)[f(1),g(8)[f(6)[h(4)]]]');
    expect(shape(s.callers)).toBe('f(10)[t(10)]');
    const row = topFunctions(root).find((r) => r.name === 'f')!;
    expect([s.total, s.self]).toEqual([row.total, row.self]);
  });

  it('carries valueRight through in differential trees', () => {
    const root = node(
      'all',
      10,
      'root',
      [
        node(
          't',
          10,
          'thread',
          [
            node('a', 6, 'user', [node('x', 5, 'user', [], 4)], 4),
            node('b', 4, 'user', [node('x', 3, 'user', [], 0)], 0),
          ],
          4
        ),
      ],
      4
    );
    const s = sandwich(root, 'x');
    expect(shape(s.callers)).toBe('x(8/4)[a(5/4)[t(5/4)],b(3/0)[t(3/0)]]');
    expect(shape(s.callees)).toBe('x(8/4)');
    expect(s).toMatchObject({ total: 8, totalRight: 4, self: 8, selfRight: 4 });
    const row = topFunctions(root).find((r) => r.name === 'x')!;
    expect([s.totalRight, s.selfRight]).toEqual([row.totalRight, row.selfRight]);
  });

  it('gives empty trees for a function that does not occur, and never treats the root as one', () => {
    expect(sandwich(TREE, 'nothing')).toEqual({
      callers: { name: 'nothing', value: 0, kind: 'user', children: [] },
      callees: { name: 'nothing', value: 0, kind: 'user', children: [] },
      total: 0,
      self: 0,
    });
    expect(sandwich(TREE, 'all').total).toBe(0);
  });

  it('leaves the input tree as it was', () => {
    const before = JSON.stringify(TREE);
    sandwich(TREE, 'parse');
    sandwich(TREE, 'main');
    expect(JSON.stringify(TREE)).toBe(before);
  });

  it('agrees with the folded stacks and with topFunctions on random trees', () => {
    fc.assert(
      fc.property(arbitraryTree('t'), fc.constantFrom('a', 'b', 'c', 't'), (root, name) => {
        const s = sandwich(root, name);
        const want = expected(root, name);
        const row = topFunctions(root).find((r) => r.name === name);
        expect([s.total, s.self]).toEqual([row?.total ?? 0, row?.self ?? 0]);
        expect(s.callers.value).toBe(s.total);
        expect(s.callees.value).toBe(s.total);
        expect(s.total).toBe(want.total);
        expect(s.self).toBe(want.self);
        expect(foldedOf(s.callees)).toEqual(want.callees);
        expect(foldedOf(s.callers)).toEqual(want.callers);
        if (root.valueRight !== undefined) {
          expect(s.totalRight).toBe(row?.totalRight ?? 0);
          expect(s.selfRight).toBe(row?.selfRight ?? 0);
          expect(s.callers.valueRight).toBe(s.totalRight);
          expect(s.callees.valueRight).toBe(s.totalRight);
        }
      }),
      { numRuns: 300 }
    );
  });

  it('handles a 5 000-deep stack without recursing itself, and yields in slices', () => {
    let chain: FlameNode = node('leaf', 3, 'user');
    for (let i = 0; i < 5000; i++) {
      chain = node(i % 2 ? 'f' : 'g', chain.value + 1, 'user', [chain]);
    }
    const root = node('all', chain.value, 'root', [chain]);
    const work = sandwichSliced(root, 'leaf');
    let yields = 0;
    let step = work.next();
    while (!step.done) {
      yields++;
      step = work.next();
    }
    expect(yields).toBeGreaterThan(0);
    expect(step.value.total).toBe(3);
    // The callers: leaf ← g ← f ← g … 5 000 frames up.
    let callers = step.value.callers;
    let length = 1;
    let branches = 0;
    while (callers.children.length > 0) {
      branches += callers.children.length - 1;
      callers = callers.children[0];
      length++;
    }
    expect([length, branches]).toEqual([5001, 0]);
    expect(step.value.callers.children[0].name).toBe('g');
    // The outermost f is the top frame: everything below merges into its callees.
    expect(runToEnd(sandwichSliced(root, 'f')).total).toBe(root.value);
  });
});
