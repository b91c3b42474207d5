/**
 * StackChildren answers "which child of this node has this frame" from per-node lists, and from a hash table once a
 * node has more than a few children. Either way it must find exactly the children recorded — whatever the order,
 * however many a node has (past the list's bound, and past every table growth) — and nothing else.
 */
import fc from 'fast-check';
import { StackChildren } from '../../src/profile/stack-children';

/** A trie made through StackChildren, checked at every step against a Map of every edge. */
class CheckedTrie {
  readonly index = new StackChildren();
  parents: Int32Array = new Int32Array(4).fill(-1);
  frames: Int32Array = new Int32Array(4).fill(-1);
  count = 1;
  readonly edges = new Map<string, number>();

  child(parent: number, frame: number): number {
    const found = this.index.find(parent, frame, this.parents);
    expect(found).toBe(this.edges.get(`${parent}:${frame}`) ?? -1);
    if (found >= 0) {
      return found;
    }
    const node = this.count++;
    if (node === this.parents.length) {
      // Replaced as they grow, as the builder's are: the index must read the arrays it is given.
      this.parents = grown(this.parents);
      this.frames = grown(this.frames);
    }
    this.parents[node] = parent;
    this.frames[node] = frame;
    this.index.add(parent, node, frame, this.parents);
    this.edges.set(`${parent}:${frame}`, node);
    return node;
  }
}

function grown(a: Int32Array): Int32Array {
  const b = new Int32Array(a.length * 2).fill(-1);
  b.set(a);
  return b;
}

describe('StackChildren', () => {
  it('finds every child of a node with thousands of children (listed, then moved to the table as it grows)', () => {
    const trie = new CheckedTrie();
    const nodes: number[] = [];
    for (let frame = 0; frame < 5000; frame++) {
      nodes.push(trie.child(0, frame * 7));
      // A few grandchildren, so the table holds keys of more than one parent.
      trie.child(nodes[nodes.length - 1], frame % 3);
    }
    for (let frame = 0; frame < 5000; frame++) {
      expect(trie.child(0, frame * 7)).toBe(nodes[frame]);
    }
    expect(trie.index.find(0, 1, trie.parents)).toBe(-1);
    expect(trie.count).toBe(1 + 5000 * 2);
  });

  it('matches children by frame, never by node id', () => {
    const trie = new CheckedTrie();
    const a = trie.child(0, 5);
    expect(a).toBe(1);
    expect(trie.index.find(0, 1, trie.parents)).toBe(-1);
    expect(trie.child(0, 1)).toBe(2);
  });

  it('agrees with a map of every edge on any sequence of walks (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 30 }), { maxLength: 200 }),
        (stacks) => {
          const trie = new CheckedTrie();
          const leaves = new Map<string, number>();
          for (const frames of stacks) {
            let node = 0;
            for (const frame of frames) {
              node = trie.child(node, frame);
            }
            const key = frames.join(',');
            // The same path always ends at the same node; different paths at different nodes.
            expect(leaves.get(key) ?? node).toBe(node);
            leaves.set(key, node);
          }
          expect(new Set(leaves.values()).size).toBe(leaves.size);
        }
      ),
      { numRuns: 300 }
    );
  });
});
