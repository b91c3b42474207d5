/**
 * Whole stacks seen before (their frame ids, leaf first) → a number (a trie node, or a chunk's sequence number): one
 * hash and a sequential compare per sample instead of a trie lookup per frame. A sample costs a few memory accesses
 * here (the table slot, the entry, the frames), so an entry's start, length, number and hash sit side by side.
 */

/** An entry: where its frames start, how many, its number, its hash (kept for growing the table). */
const STRIDE = 4;
const START = 0;
const LENGTH = 1;
const NUMBER = 2;
const HASH = 3;
const EMPTY = -1;

export class StackCache {
  /** Every kept stack's frames, one after another. */
  private frames: Int32Array = new Int32Array(1 << 16);
  /** Frame ids held: bounded by the caller (a profile with millions of distinct stacks stops adding). */
  framesUsed = 0;
  /** Entries kept. */
  count = 0;
  private entries: Int32Array = new Int32Array(1024 * STRIDE);
  private table: Int32Array = new Int32Array(1 << 14).fill(EMPTY);
  // Where the stack last looked up would go, and its hash: for the add that follows a miss.
  private freeSlot = 0;
  private lastHash = 0;

  /** The number kept for frames[0, n), or -1. */
  find(frames: Int32Array, n: number): number {
    let h = n;
    for (let i = 0; i < n; i++) {
      h = Math.imul(h ^ frames[i], 0x9e3779b1);
      h ^= h >>> 15;
    }
    const table = this.table;
    const entries = this.entries;
    const mask = table.length - 1;
    let slot = h & mask;
    for (;;) {
      const e = table[slot];
      if (e === EMPTY) {
        break;
      }
      const at = e * STRIDE;
      if (entries[at + HASH] === h && entries[at + LENGTH] === n && this.sameFrames(entries[at + START], frames, n)) {
        return entries[at + NUMBER];
      }
      slot = (slot + 1) & mask;
    }
    this.freeSlot = slot;
    this.lastHash = h;
    return EMPTY;
  }

  /** Keeps frames[0, n) → number: the stack `find` just missed (nothing added in between). */
  add(frames: Int32Array, n: number, number: number) {
    while (this.framesUsed + n > this.frames.length) {
      this.frames = resized(this.frames, this.frames.length * 2);
    }
    const e = this.count++;
    if ((e + 1) * STRIDE > this.entries.length) {
      this.entries = resized(this.entries, this.entries.length * 2);
    }
    // A plain copy: a stack is tens of ids, where a subarray per add (an object for set to read) cost more.
    const kept = this.frames;
    const from = this.framesUsed;
    for (let i = 0; i < n; i++) {
      kept[from + i] = frames[i];
    }
    const at = e * STRIDE;
    this.entries[at + START] = this.framesUsed;
    this.entries[at + LENGTH] = n;
    this.entries[at + NUMBER] = number;
    this.entries[at + HASH] = this.lastHash;
    this.framesUsed += n;
    this.table[this.freeSlot] = e;
    if (this.count * 2 > this.table.length) {
      this.growTable();
    }
  }

  /** Entries from `first` on (in the order kept): their frames one after another, and their lengths. */
  since(first: number): { frames: Int32Array; lengths: Int32Array } {
    const lengths = new Int32Array(Math.max(0, this.count - first));
    for (let e = first; e < this.count; e++) {
      lengths[e - first] = this.entries[e * STRIDE + LENGTH];
    }
    const start = first < this.count ? this.entries[first * STRIDE + START] : this.framesUsed;
    return { frames: this.frames.slice(start, this.framesUsed), lengths };
  }

  private sameFrames(start: number, frames: Int32Array, n: number): boolean {
    const kept = this.frames;
    for (let i = 0; i < n; i++) {
      if (kept[start + i] !== frames[i]) {
        return false;
      }
    }
    return true;
  }

  private growTable() {
    const table = new Int32Array(this.table.length * 2).fill(EMPTY);
    const mask = table.length - 1;
    for (let e = 0; e < this.count; e++) {
      let slot = this.entries[e * STRIDE + HASH] & mask;
      while (table[slot] !== EMPTY) {
        slot = (slot + 1) & mask;
      }
      table[slot] = e;
    }
    this.table = table;
  }
}

function resized(a: Int32Array, length: number): Int32Array {
  const b = new Int32Array(length);
  b.set(a);
  return b;
}
