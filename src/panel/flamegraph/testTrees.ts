/**
 * Flame-graph trees for tests (not part of the plugin): a node builder, and random well-formed trees (value ≥ the
 * children's sum) over a few names, so names repeat and recurse; half are differential.
 */
import fc from 'fast-check';
import { FlameNode, FrameKind } from '../model';

export function node(name: string, value: number, kind: FrameKind, children: FlameNode[] = [], valueRight?: number) {
  return { name, value, kind, children, ...(valueRight !== undefined ? { valueRight } : {}) } as FlameNode;
}

/** Random trees up to 6 levels below the root; `threadName` is the one name drawn as a thread. */
export function arbitraryTree(threadName: string): fc.Arbitrary<FlameNode> {
  const names = ['a', 'b', 'c', 'd', threadName];
  type Spec = { name: number; self: number; selfRight: number; kids: Spec[] };
  // Bounded depth (fc.letrec's depth bias still overflows now and then).
  const specAt = (depth: number): fc.Arbitrary<Spec> =>
    fc.record({
      name: fc.nat(names.length - 1),
      self: fc.nat(5),
      selfRight: fc.nat(5),
      kids: depth === 0 ? fc.constant([]) : fc.array(specAt(depth - 1), { maxLength: 3 }),
    });
  const build = (s: Spec, diff: boolean): FlameNode => {
    const children = s.kids.map((k) => build(k, diff));
    const value = s.self + children.reduce((sum, c) => sum + c.value, 0);
    const n = node(names[s.name], value, s.name === names.length - 1 ? 'thread' : 'user', children);
    if (diff) {
      n.valueRight = Math.min(s.self, s.selfRight) + children.reduce((sum, c) => sum + (c.valueRight ?? 0), 0);
    }
    return n;
  };
  return fc.record({ kids: fc.array(specAt(5), { maxLength: 4 }), diff: fc.boolean() }).map(({ kids, diff }) => {
    const children = kids.map((k) => build(k, diff));
    const root = node(
      'all',
      children.reduce((s, c) => s + c.value, 0),
      'root',
      children
    );
    if (diff) {
      root.valueRight = children.reduce((s, c) => s + (c.valueRight ?? 0), 0);
    }
    return root;
  });
}
