/**
 * StackCache maps whole stacks (frame id sequences) to numbers: it must answer exactly what was added — same frames,
 * same number; any other sequence (a prefix, one frame changed, the same frames in another order), nothing — through
 * every growth of its table and arrays, and hand back what was added since a point in the order it was added.
 */
import fc from 'fast-check';
import { StackCache } from '../../src/profile/stack-cache';

describe('StackCache', () => {
  it('finds exactly the stacks added, through growth (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.integer({ min: 0, max: 12 }), { maxLength: 40 }), { maxLength: 300 }),
        (stacks) => {
          const cache = new StackCache();
          const reference = new Map<string, number>();
          for (const stack of stacks) {
            const frames = Int32Array.from(stack);
            const key = stack.join(',');
            const found = cache.find(frames, frames.length);
            expect(found).toBe(reference.get(key) ?? -1);
            if (found < 0) {
              cache.add(frames, frames.length, reference.size * 3 + 1);
              reference.set(key, reference.size * 3 + 1);
            }
          }
          expect(cache.count).toBe(reference.size);
        }
      ),
      { numRuns: 200 }
    );
  });

  it('tells apart a prefix, a changed frame and another order; reads only the first n frames given', () => {
    const cache = new StackCache();
    const stack = Int32Array.from([5, 6, 7, 8]);
    expect(cache.find(stack, 4)).toBe(-1);
    cache.add(stack, 4, 42);
    expect(cache.find(Int32Array.from([5, 6, 7, 8, 99]), 4)).toBe(42);
    expect(cache.find(stack, 3)).toBe(-1);
    expect(cache.find(Int32Array.from([5, 6, 7, 9]), 4)).toBe(-1);
    expect(cache.find(Int32Array.from([8, 7, 6, 5]), 4)).toBe(-1);
  });

  it('hands back the stacks added since a point: their frames one after another, and their lengths', () => {
    const cache = new StackCache();
    const add = (...frames: number[]) => {
      const a = Int32Array.from(frames);
      expect(cache.find(a, a.length)).toBe(-1);
      cache.add(a, a.length, cache.count);
    };
    add(1, 2);
    add(3);
    add(4, 5, 6);
    expect(cache.since(1)).toEqual({ frames: Int32Array.from([3, 4, 5, 6]), lengths: Int32Array.from([1, 3]) });
    expect(cache.since(3)).toEqual({ frames: new Int32Array(0), lengths: new Int32Array(0) });
    for (let i = 0; i < 5000; i++) {
      add(i, i + 1, i + 2, 7);
    }
    expect(cache.since(4).lengths.length).toBe(4999);
    expect(cache.find(Int32Array.from([10, 11, 12, 7]), 4)).toBe(13);
  });
});
