/**
 * Sliced computations: the merge sort that replaces one long Array#sort agrees with it (stably) and yields on big
 * inputs; sorted-and-merged folded lines equal the unsliced fold.
 */
import fc from 'fast-check';
import { runToEnd, sortAndMergeFolded, sortSliced } from '../../src/profile';

describe('sortSliced', () => {
  it('sorts like a stable Array#sort', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 30 }), fc.nat()), { maxLength: 400 }), (pairs) => {
        const byKey = (a: [number, number], b: [number, number]) => a[0] - b[0];
        const expected = [...pairs].sort(byKey);
        expect(runToEnd(sortSliced([...pairs], byKey))).toEqual(expected);
      })
    );
  });

  it('yields on a big input', () => {
    const items = Array.from({ length: 50_000 }, (_, i) => `k${(i * 7919) % 50_000}`);
    const work = sortSliced(items, (a, b) => (a < b ? -1 : a > b ? 1 : 0));
    let yields = 0;
    let step = work.next();
    while (!step.done) {
      yields++;
      step = work.next();
    }
    expect(yields).toBeGreaterThan(10);
    expect(step.value).toEqual([...items].sort());
  });
});

describe('sortAndMergeFolded', () => {
  it('sorts bytewise and sums equal stacks', () => {
    const lines = [
      { stack: 'b;x', weight: 1 },
      { stack: 'a;y', weight: 2 },
      { stack: 'b;x', weight: 3 },
      { stack: 'B;x', weight: 4 },
    ];
    expect(runToEnd(sortAndMergeFolded(lines))).toEqual([
      { stack: 'B;x', weight: 4 },
      { stack: 'a;y', weight: 2 },
      { stack: 'b;x', weight: 4 },
    ]);
  });
});
