/**
 * ByteInterner hashes and compares keys several bytes at a time, at any alignment: it must still intern exactly —
 * distinct bytes, distinct ids; same bytes, same id — including keys with NULs and bytes that read as ±0 or NaN
 * doubles (a word-wise compare through floats would get those wrong; a faster compare must keep passing this).
 */
import fc from 'fast-check';
import { ByteInterner } from '../../src/profile/interner';

const bytes = (...b: number[]) => Uint8Array.from(b);

describe('ByteInterner', () => {
  it('tells +0 from -0 and finds NaN-patterned keys again', () => {
    const interner = new ByteInterner();
    const zero = interner.intern(bytes(0, 0, 0, 0, 0, 0, 0, 0, 65), 0, 9);
    const minusZero = interner.intern(bytes(0, 0, 0, 0, 0, 0, 0, 0x80, 65), 0, 9);
    const nan = interner.intern(bytes(1, 0, 0, 0, 0, 0, 0xf8, 0x7f, 65), 0, 9);
    expect(new Set([zero, minusZero, nan]).size).toBe(3);
    expect(interner.intern(bytes(0, 0, 0, 0, 0, 0, 0, 0x80, 65), 0, 9)).toBe(minusZero);
    expect(interner.intern(bytes(1, 0, 0, 0, 0, 0, 0xf8, 0x7f, 65), 0, 9)).toBe(nan);
    expect(interner.intern(bytes(0, 0, 0, 0, 0, 0, 0, 0, 65), 0, 9)).toBe(zero);
  });

  it('gives equal ids exactly to equal keys, at any offset and length (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 40 }), { minLength: 1, maxLength: 30 }),
        fc.array(fc.nat(), { maxLength: 60 }),
        (keys, picks) => {
          const interner = new ByteInterner();
          const seen = new Map<string, number>();
          for (const p of [...keys.keys(), ...picks.map((x) => x % keys.length)]) {
            // Each key at a random-ish offset in a bigger buffer, so the 8-byte reads are unaligned.
            const offset = p % 7;
            const buf = new Uint8Array(offset + keys[p].length + 3);
            buf.set(keys[p], offset);
            const id = interner.intern(buf, offset, offset + keys[p].length);
            const text = Buffer.from(keys[p]).toString('hex');
            if (seen.has(text)) {
              expect(id).toBe(seen.get(text));
            } else {
              expect([...seen.values()]).not.toContain(id);
              seen.set(text, id);
            }
          }
        }
      ),
      { numRuns: 300 }
    );
  });
});
