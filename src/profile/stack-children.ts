/**
 * Finds a stack trie node's child by frame: what walking a stack from the root asks at every step. Most nodes have
 * one child, and a stack's nodes are made one after another, so each node lists its children (newest first) in
 * arrays indexed by node id: a walk down a path made together reads neighbouring memory. A node with many children
 * (the root, a dispatcher) has them in a hash table instead, so no lookup scans more than MAX_LISTED children.
 * (A hash table of every (parent, frame) edge cost a random memory access per step: merging the dense bench profile's
 * 568 k steps took twice as long.)
 *
 * Each node's parent is the caller's (its trie's parent array, passed in: it is replaced as it grows); only the table
 * of nodes with many children reads it.
 */

/** Children listed per node before they move to the hash table. */
const MAX_LISTED = 8;
/** No node: the root (0) is nobody's child, so zeroed memory — a fresh array — already says "none". */
const NONE = 0;
/**
 * Per node, side by side (one memory access reads them): how many children it has, its newest listed child, its next
 * older sibling, and its frame. A step down a path then reads the child's slot, which holds what the next step needs
 * too; and a child made right after its parent sits in the next slot.
 */
const STRIDE = 4;
const COUNT = 0;
const FIRST = 1;
const NEXT = 2;
const FRAME = 3;

export class StackChildren {
  private nodes: Int32Array = new Int32Array(4096 * STRIDE);
  /** Children of nodes with more than MAX_LISTED, by hash of (parent, frame): node ids, NONE = empty. */
  private table: Int32Array = new Int32Array(256);
  private tableSize = 0;

  /** The child of `parent` for `frame`, or -1. `parents`: each node's parent, which the caller keeps. */
  find(parent: number, frame: number, parents: Int32Array): number {
    const nodes = this.nodes;
    if (nodes[parent * STRIDE + COUNT] > MAX_LISTED) {
      const mask = this.table.length - 1;
      for (let slot = edgeHash(parent, frame) & mask; ; slot = (slot + 1) & mask) {
        const node = this.table[slot];
        if (node === NONE) {
          return -1;
        }
        if (parents[node] === parent && nodes[node * STRIDE + FRAME] === frame) {
          return node;
        }
      }
    }
    for (let node = nodes[parent * STRIDE + FIRST]; node !== NONE; node = nodes[node * STRIDE + NEXT]) {
      if (nodes[node * STRIDE + FRAME] === frame) {
        return node;
      }
    }
    return -1;
  }

  /** Records `child`, just made (the highest node id so far), as `parent`'s child for `frame`. */
  add(parent: number, child: number, frame: number, parents: Int32Array) {
    if ((child + 1) * STRIDE > this.nodes.length) {
      const bigger = new Int32Array(this.nodes.length * 2);
      bigger.set(this.nodes);
      this.nodes = bigger;
    }
    const nodes = this.nodes;
    nodes[child * STRIDE + FRAME] = frame;
    const count = ++nodes[parent * STRIDE + COUNT];
    if (count <= MAX_LISTED) {
      nodes[child * STRIDE + NEXT] = nodes[parent * STRIDE + FIRST];
      nodes[parent * STRIDE + FIRST] = child;
      return;
    }
    if (count === MAX_LISTED + 1) {
      // The listed children move to the table (the list is left as it is: it is no longer read).
      for (let node = nodes[parent * STRIDE + FIRST]; node !== NONE; node = nodes[node * STRIDE + NEXT]) {
        this.insert(node, parents);
      }
    }
    this.insert(child, parents);
  }

  private insert(node: number, parents: Int32Array) {
    if ((this.tableSize + 1) * 2 > this.table.length) {
      const old = this.table;
      this.table = new Int32Array(old.length * 2);
      this.tableSize = 0;
      for (let i = 0; i < old.length; i++) {
        if (old[i] !== NONE) {
          this.insert(old[i], parents);
        }
      }
    }
    const mask = this.table.length - 1;
    let slot = edgeHash(parents[node], this.nodes[node * STRIDE + FRAME]) & mask;
    while (this.table[slot] !== NONE) {
      slot = (slot + 1) & mask;
    }
    this.table[slot] = node;
    this.tableSize++;
  }
}

function edgeHash(parent: number, frame: number): number {
  let h = Math.imul(parent ^ 0x9e3779b9, 0x85ebca6b) ^ frame;
  h = Math.imul(h ^ (h >>> 15), 0xc2b2ae35);
  return h ^ (h >>> 13);
}
