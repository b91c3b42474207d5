/**
 * Finds a stack trie node's child by frame: what walking a stack from the root asks at every step. Most nodes have
 * one child, and a stack's nodes are made one after another, so each node lists its children (newest first) in
 * arrays indexed by node id: a walk down a path made together reads neighbouring memory. A node with many children
 * (the root, a dispatcher) has them in a hash table instead, so no lookup scans more than MAX_LISTED children.
 * (A hash table of every (parent, frame) edge cost a random memory access per step: merging the dense bench profile's
 * 568 k steps took twice as long.)
 *
 * The trie itself (each node's parent and frame) belongs to the caller, which passes its arrays in: they are replaced
 * as they grow.
 */

/** Children listed per node before they move to the hash table. */
const MAX_LISTED = 8;
const NONE = -1;

export class StackChildren {
  /** Per node: its newest listed child, the next older sibling, and how many children it has. */
  private firstChild: Int32Array = new Int32Array(4096).fill(NONE);
  private nextSibling: Int32Array = new Int32Array(4096);
  private childCount: Int32Array = new Int32Array(4096);
  /** Children of nodes with more than MAX_LISTED, by hash of (parent, frame): node ids, NONE = empty. */
  private table: Int32Array = new Int32Array(256).fill(NONE);
  private tableSize = 0;

  /** The child of `parent` for `frame`, or -1. */
  find(parent: number, frame: number, parents: Int32Array, frames: Int32Array): number {
    if (this.childCount[parent] > MAX_LISTED) {
      const mask = this.table.length - 1;
      for (let slot = edgeHash(parent, frame) & mask; ; slot = (slot + 1) & mask) {
        const node = this.table[slot];
        if (node === NONE || (parents[node] === parent && frames[node] === frame)) {
          return node;
        }
      }
    }
    for (let node = this.firstChild[parent]; node !== NONE; node = this.nextSibling[node]) {
      if (frames[node] === frame) {
        return node;
      }
    }
    return NONE;
  }

  /** Records `child`, just made (the highest node id so far), as a child of `parent`. */
  add(parent: number, child: number, parents: Int32Array, frames: Int32Array) {
    if (child >= this.firstChild.length) {
      this.grow(child + 1);
    }
    const count = ++this.childCount[parent];
    if (count <= MAX_LISTED) {
      this.nextSibling[child] = this.firstChild[parent];
      this.firstChild[parent] = child;
      return;
    }
    if (count === MAX_LISTED + 1) {
      // The listed children move to the table (the list is left as it is: it is no longer read).
      for (let node = this.firstChild[parent]; node !== NONE; node = this.nextSibling[node]) {
        this.insert(node, parents, frames);
      }
    }
    this.insert(child, parents, frames);
  }

  private insert(node: number, parents: Int32Array, frames: Int32Array) {
    if ((this.tableSize + 1) * 2 > this.table.length) {
      const old = this.table;
      this.table = new Int32Array(old.length * 2).fill(NONE);
      this.tableSize = 0;
      for (let i = 0; i < old.length; i++) {
        if (old[i] !== NONE) {
          this.insert(old[i], parents, frames);
        }
      }
    }
    const mask = this.table.length - 1;
    let slot = edgeHash(parents[node], frames[node]) & mask;
    while (this.table[slot] !== NONE) {
      slot = (slot + 1) & mask;
    }
    this.table[slot] = node;
    this.tableSize++;
  }

  private grow(nodes: number) {
    let length = this.firstChild.length;
    while (length < nodes) {
      length *= 2;
    }
    const firstChild = new Int32Array(length).fill(NONE);
    firstChild.set(this.firstChild);
    this.firstChild = firstChild;
    this.nextSibling = resized(this.nextSibling, length);
    this.childCount = resized(this.childCount, length);
  }
}

function edgeHash(parent: number, frame: number): number {
  let h = Math.imul(parent ^ 0x9e3779b9, 0x85ebca6b) ^ frame;
  h = Math.imul(h ^ (h >>> 15), 0xc2b2ae35);
  return h ^ (h >>> 13);
}

function resized(a: Int32Array, length: number): Int32Array {
  const b = new Int32Array(length);
  b.set(a);
  return b;
}
