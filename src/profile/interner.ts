/**
 * Interns byte slices without making a string per occurrence: the hot path of the parser hashes the bytes of a frame
 * line in place, and only the first occurrence of a key is copied (to an arena) and later turned into a string.
 * A key is one slice, or two slices joined by a 0 byte (symbol + DSO).
 */

const EMPTY = -1;
/** A key's entry, side by side (a lookup reads them all: one memory access, not three): start, length, hash. */
const STRIDE = 4;
const START = 0;
const LENGTH = 1;
const HASH = 2;

export class ByteInterner {
  private arena: Uint8Array = new Uint8Array(1 << 16);
  private arenaUsed = 0;
  private keys: Int32Array = new Int32Array(1024 * STRIDE);
  private table: Int32Array = new Int32Array(2048).fill(EMPTY);
  private mask = 2047;
  size = 0;

  // A DataView over the buffer last seen, so keys are hashed and compared four bytes at a time.
  private view: DataView = new DataView(new ArrayBuffer(8));
  private viewOf: Uint8Array | null = null;
  private arenaView: DataView = new DataView(this.arena.buffer);

  /** Id of the key, adding it when new. */
  intern(buf: Uint8Array, s1: number, e1: number, s2 = -1, e2 = -1): number {
    if (buf !== this.viewOf) {
      this.viewOf = buf;
      this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    }
    let h = hashRange(this.view, buf, s1, e1, 0x811c9dc5);
    if (s2 >= 0) {
      h = hashRange(this.view, buf, s2, e2, h ^ 0x5bd1e995);
    }
    h = finalMix(h);
    const len = e1 - s1 + (s2 >= 0 ? 1 + e2 - s2 : 0);
    let slot = h & this.mask;
    for (;;) {
      const id = this.table[slot];
      if (id === EMPTY) {
        break;
      }
      const at = id * STRIDE;
      if (this.keys[at + HASH] === h && this.keys[at + LENGTH] === len && this.sameBytes(id, buf, s1, e1, s2, e2)) {
        return id;
      }
      slot = (slot + 1) & this.mask;
    }
    return this.add(slot, h, len, buf, s1, e1, s2, e2);
  }

  /** The key's bytes as a byte string; for two-slice keys use `parts`. */
  text(id: number): string {
    let out = '';
    const start = this.keys[id * STRIDE + START];
    const end = start + this.keys[id * STRIDE + LENGTH];
    for (let p = start; p < end; p += 8192) {
      out += String.fromCharCode.apply(null, this.arena.subarray(p, Math.min(end, p + 8192)) as unknown as number[]);
    }
    return out;
  }

  /** A two-slice key split back into its parts. */
  parts(id: number): [string, string] {
    const s = this.text(id);
    const zero = s.indexOf('\0');
    return zero < 0 ? [s, ''] : [s.slice(0, zero), s.slice(zero + 1)];
  }

  /** Bytes held, for memory accounting. */
  byteSize(): number {
    return this.arena.byteLength + this.table.byteLength + this.keys.byteLength;
  }

  private sameBytes(id: number, buf: Uint8Array, s1: number, e1: number, s2: number, e2: number): boolean {
    const a = this.keys[id * STRIDE + START];
    if (!sameRange(this.view, buf, s1, e1, this.arenaView, this.arena, a)) {
      return false;
    }
    if (s2 < 0) {
      return true;
    }
    const b = a + e1 - s1;
    return this.arena[b] === 0 && sameRange(this.view, buf, s2, e2, this.arenaView, this.arena, b + 1);
  }

  private add(slot: number, h: number, len: number, buf: Uint8Array, s1: number, e1: number, s2: number, e2: number) {
    const id = this.size++;
    if ((id + 1) * STRIDE > this.keys.length) {
      this.keys = grow(this.keys);
    }
    while (this.arenaUsed + len > this.arena.length) {
      const bigger = new Uint8Array(this.arena.length * 2);
      bigger.set(this.arena.subarray(0, this.arenaUsed));
      this.arena = bigger;
      this.arenaView = new DataView(bigger.buffer);
    }
    const start = this.arenaUsed;
    this.arena.set(buf.subarray(s1, e1), start);
    if (s2 >= 0) {
      this.arena[start + e1 - s1] = 0;
      this.arena.set(buf.subarray(s2, e2), start + e1 - s1 + 1);
    }
    this.arenaUsed += len;
    this.keys[id * STRIDE + START] = start;
    this.keys[id * STRIDE + LENGTH] = len;
    this.keys[id * STRIDE + HASH] = h;
    this.table[slot] = id;
    if (this.size * 2 > this.mask) {
      this.rehash();
    }
    return id;
  }

  private rehash() {
    const capacity = (this.mask + 1) * 2;
    this.table = new Int32Array(capacity).fill(EMPTY);
    this.mask = capacity - 1;
    for (let id = 0; id < this.size; id++) {
      let slot = this.keys[id * STRIDE + HASH] & this.mask;
      while (this.table[slot] !== EMPTY) {
        slot = (slot + 1) & this.mask;
      }
      this.table[slot] = id;
    }
  }
}

function grow(a: Int32Array): Int32Array {
  const bigger = new Int32Array(a.length * 2);
  bigger.set(a);
  return bigger;
}

/** Murmur3-style mixing of [s, e), a 32-bit word at a time, then the tail bytes. */
function hashRange(view: DataView, buf: Uint8Array, s: number, e: number, seed: number): number {
  let h = seed | 0;
  let i = s;
  for (; i + 4 <= e; i += 4) {
    let k = Math.imul(view.getInt32(i, true), 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, 0x1b873593);
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  for (; i < e; i++) {
    h = Math.imul(h ^ buf[i], 0x01000193);
  }
  return h ^ (e - s);
}

function finalMix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

function sameRange(
  view: DataView,
  buf: Uint8Array,
  s: number,
  e: number,
  arenaView: DataView,
  arena: Uint8Array,
  a: number
): boolean {
  let i = s;
  for (; i + 4 <= e; i += 4, a += 4) {
    if (view.getInt32(i, true) !== arenaView.getInt32(a, true)) {
      return false;
    }
  }
  for (; i < e; i++, a++) {
    if (buf[i] !== arena[a]) {
      return false;
    }
  }
  return true;
}
