/**
 * Folded lines come out in bytewise order with equal lines merged, whatever the names: one name a prefix of another,
 * followed by characters on either side of `;` (space, `!`, digits, `:` sort before it; letters after), as the last
 * frame or followed by more, names that render alike, and a comm with a `;` in it. (A faster order — ranking each
 * distinct part, then comparing lines as rank sequences — must keep passing this.)
 */
import fc from 'fast-check';
import { foldStacks, parseProfile } from '../../src/profile';
import { latin1, perfText, SyntheticSample } from '../helpers/profile-views';

const NAMES = ['a', 'a1', 'a!', 'a:', 'a<', 'ab', 'a b', 'b', 'a(int)', 'a(long)', '~', 'A'];
const COMMS = ['app', 'app2', 'ap', 'app;x', 'a b'];

/** The oracle: every sample's joined line, summed, sorted as bytes. */
function expected(samples: SyntheticSample[]): Array<[string, number]> {
  const sums = new Map<string, number>();
  for (const s of samples) {
    // As the fold renders them: arguments cut (`a(int)` → `a`), the comm's spaces as underscores.
    const frames = [...s.frames!].reverse().map((f) => f.replace(/ \(\/x\)$/, '').replace(/\(.*$/, ''));
    const line = [s.comm!.replace(/ /g, '_'), ...frames].join(';');
    sums.set(line, (sums.get(line) ?? 0) + 1);
  }
  return [...sums].sort(([a], [b]) => Buffer.compare(Buffer.from(a, 'latin1'), Buffer.from(b, 'latin1')));
}

describe('folded lines order', () => {
  it('is the bytewise order of the joined lines, equal lines merged (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            comm: fc.constantFrom(...COMMS),
            frames: fc.array(fc.constantFrom(...NAMES), { minLength: 1, maxLength: 5 }),
          }),
          { minLength: 1, maxLength: 40 }
        ),
        (drawn) => {
          const samples: SyntheticSample[] = drawn.map((d, i) => ({
            comm: d.comm,
            pid: 1,
            tid: 1 + COMMS.indexOf(d.comm),
            time: `1.${String(i).padStart(6, '0')}`,
            period: 1,
            frames: d.frames.map((f) => `${f} (/x)`),
          }));
          const folded = foldStacks(parseProfile(latin1(perfText(samples))), { byPeriod: false });
          expect(folded.map((l) => [l.stack, l.weight])).toEqual(expected(samples));
        }
      ),
      { numRuns: 300 }
    );
  });
});
