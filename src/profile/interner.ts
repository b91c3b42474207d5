/**
 * Interns byte slices without making a string per occurrence: the hot path of the parser hashes the bytes of a frame
 * line in place, and only the first occurrence of a key is copied (to an arena) and later turned into a string.
 * A key is one slice, or two slices joined by a 0 byte (symbol + DSO).
 */

const EMPTY = -1;

export class ByteInterner {
  private arena: Uint8Array = new Uint8Array(1 << 16);
  private arenaUsed = 0;
  private keyStart: Int32Array = new Int32Array(1024);
  private keyLength: Int32Array = new Int32Array(1024);
  private keyHash: Int32Array = new Int32Array(1024);
  private table: Int32Array = new Int32Array(2048).fill(EMPTY);
  private mask = 2047;
  size = 0;

  /** FNV-1a over [s1, e1), a 0 byte, then [s2, e2) when s2 >= 0. */
  static hash(buf: Uint8Array, s1: number, e1: number, s2: number, e2: number): number {
    let h = 0x811c9dc5 | 0;
    for (let i = s1; i < e1; i++) {
      h = Math.imul(h ^ buf[i], 0x01000193);
    }
    if (s2 >= 0) {
      h = Math.imul(h, 0x01000193);
      for (let i = s2; i < e2; i++) {
        h = Math.imul(h ^ buf[i], 0x01000193);
      }
    }
    return h;
  }

  /** Id of the key, adding it when new. */
  intern(buf: Uint8Array, s1: number, e1: number, s2 = -1, e2 = -1): number {
    const h = ByteInterner.hash(buf, s1, e1, s2, e2);
    const len = e1 - s1 + (s2 >= 0 ? 1 + e2 - s2 : 0);
    let slot = h & this.mask;
    for (;;) {
      const id = this.table[slot];
      if (id === EMPTY) {
        break;
      }
      if (this.keyHash[id] === h && this.keyLength[id] === len && this.sameBytes(id, buf, s1, e1, s2, e2)) {
        return id;
      }
      slot = (slot + 1) & this.mask;
    }
    return this.add(slot, h, len, buf, s1, e1, s2, e2);
  }

  /** The key's bytes as a byte string; for two-slice keys use `parts`. */
  text(id: number): string {
    let out = '';
    const start = this.keyStart[id];
    const end = start + this.keyLength[id];
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
    return this.arena.byteLength + this.table.byteLength + 12 * this.keyStart.length;
  }

  private sameBytes(id: number, buf: Uint8Array, s1: number, e1: number, s2: number, e2: number): boolean {
    const arena = this.arena;
    let a = this.keyStart[id];
    for (let i = s1; i < e1; i++, a++) {
      if (arena[a] !== buf[i]) {
        return false;
      }
    }
    if (s2 >= 0) {
      if (arena[a++] !== 0) {
        return false;
      }
      for (let i = s2; i < e2; i++, a++) {
        if (arena[a] !== buf[i]) {
          return false;
        }
      }
    }
    return true;
  }

  private add(slot: number, h: number, len: number, buf: Uint8Array, s1: number, e1: number, s2: number, e2: number) {
    const id = this.size++;
    if (id === this.keyStart.length) {
      this.keyStart = grow(this.keyStart);
      this.keyLength = grow(this.keyLength);
      this.keyHash = grow(this.keyHash);
    }
    while (this.arenaUsed + len > this.arena.length) {
      const bigger = new Uint8Array(this.arena.length * 2);
      bigger.set(this.arena.subarray(0, this.arenaUsed));
      this.arena = bigger;
    }
    const start = this.arenaUsed;
    this.arena.set(buf.subarray(s1, e1), start);
    if (s2 >= 0) {
      this.arena[start + e1 - s1] = 0;
      this.arena.set(buf.subarray(s2, e2), start + e1 - s1 + 1);
    }
    this.arenaUsed += len;
    this.keyStart[id] = start;
    this.keyLength[id] = len;
    this.keyHash[id] = h;
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
      let slot = this.keyHash[id] & this.mask;
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
