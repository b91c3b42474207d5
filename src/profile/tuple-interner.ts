/**
 * Interns fixed-size tuples of int32 (a stack trie edge: parent + frame; a sample context: stack + thread + cpu +
 * event) to dense ids, with typed arrays only: millions of lookups per profile and no garbage.
 */
export class TupleInterner {
  private keys: Int32Array;
  private hashes: Int32Array;
  private table: Int32Array;
  private mask: number;
  size = 0;

  constructor(
    readonly arity: number,
    initialCapacity = 1024
  ) {
    this.keys = new Int32Array(initialCapacity * arity);
    this.hashes = new Int32Array(initialCapacity);
    this.table = new Int32Array(initialCapacity * 2).fill(-1);
    this.mask = initialCapacity * 2 - 1;
  }

  intern2(a: number, b: number): number {
    let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ b;
    h = Math.imul(h ^ (h >>> 15), 0xc2b2ae35);
    h ^= h >>> 13;
    let slot = h & this.mask;
    const keys = this.keys;
    for (;;) {
      const id = this.table[slot];
      if (id < 0) {
        break;
      }
      if (keys[id * 2] === a && keys[id * 2 + 1] === b) {
        return id;
      }
      slot = (slot + 1) & this.mask;
    }
    const id = this.reserve(slot, h);
    this.keys[id * 2] = a;
    this.keys[id * 2 + 1] = b;
    return id;
  }

  intern4(a: number, b: number, c: number, d: number): number {
    let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ b;
    h = Math.imul(h ^ (h >>> 15), 0xc2b2ae35) ^ c;
    h = Math.imul(h ^ (h >>> 13), 0x85ebca6b) ^ d;
    h = Math.imul(h ^ (h >>> 16), 0xc2b2ae35);
    h ^= h >>> 15;
    let slot = h & this.mask;
    const keys = this.keys;
    for (;;) {
      const id = this.table[slot];
      if (id < 0) {
        break;
      }
      const k = id * 4;
      if (keys[k] === a && keys[k + 1] === b && keys[k + 2] === c && keys[k + 3] === d) {
        return id;
      }
      slot = (slot + 1) & this.mask;
    }
    const id = this.reserve(slot, h);
    const k = id * 4;
    this.keys[k] = a;
    this.keys[k + 1] = b;
    this.keys[k + 2] = c;
    this.keys[k + 3] = d;
    return id;
  }

  /** Every tuple's components, one tuple after another (valid up to size × arity; replaced as it grows). */
  keyArray(): Int32Array {
    return this.keys;
  }

  /** Component `i` of tuple `id`. */
  get(id: number, i: number): number {
    return this.keys[id * this.arity + i];
  }

  private reserve(slot: number, h: number): number {
    const id = this.size++;
    if (id === this.hashes.length) {
      const keys = new Int32Array(this.keys.length * 2);
      keys.set(this.keys);
      this.keys = keys;
      const hashes = new Int32Array(this.hashes.length * 2);
      hashes.set(this.hashes);
      this.hashes = hashes;
    }
    this.hashes[id] = h;
    this.table[slot] = id;
    if (this.size * 2 > this.mask) {
      const capacity = (this.mask + 1) * 2;
      this.table = new Int32Array(capacity).fill(-1);
      this.mask = capacity - 1;
      for (let i = 0; i < this.size; i++) {
        let s = this.hashes[i] & this.mask;
        while (this.table[s] >= 0) {
          s = (s + 1) & this.mask;
        }
        this.table[s] = i;
      }
    }
    return id;
  }
}
