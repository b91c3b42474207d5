/**
 * Number arrays read from the bytes must mean exactly what JSON.parse would make of the same text: on real
 * .cpuprofile files, on every JSON number form, and on randomly damaged copies (where JSON.parse fails, so must the
 * fast reading — with the same message, since the error comes from JSON.parse of the whole text).
 */
import fc from 'fast-check';
import { chromeBytes, CPUPROFILE_INPUTS } from '../../tests/helpers/fixtures';
import { findNumberArrays } from './json-arrays';
import { JsonInput } from './json-input';

const KEYS = ['samples', 'timeDeltas', 'timestamps'];

/** JSON.parse of the bytes, or the ImportError's message; `fast` reads the number arrays from the bytes. */
function read(bytes: Uint8Array, fast: boolean): unknown {
  const input = new JsonInput('the input');
  input.push(bytes);
  try {
    const value = input.parse(false, fast ? KEYS : []);
    // Typed arrays back to plain arrays, to compare with JSON.parse's.
    return JSON.parse(JSON.stringify(value, (_k, v) => (v instanceof Float64Array ? Array.from(v) : v)));
  } catch (e) {
    return `error: ${(e as Error).message}`;
  }
}

const text = (s: string) => new TextEncoder().encode(s);

describe('number arrays read from the bytes', () => {
  it.each(CPUPROFILE_INPUTS)('%s: the same value as JSON.parse, the arrays as Float64Arrays', (path) => {
    const bytes = chromeBytes(path);
    expect(read(bytes, true)).toEqual(read(bytes, false));
    const arrays = findNumberArrays(bytes, KEYS).map((a) => a.key);
    expect(arrays).toEqual(path.startsWith('node-10') ? ['samples', 'timestamps'] : ['samples', 'timeDeltas']);
  });

  it('reads every JSON number form, and leaves to JSON.parse what is not strictly numbers', () => {
    const numbers = '[0, -0, 7, -12, 1.5, -0.25, 1e3, 2E-2, 123456789012345678, 9007199254740993, 0.1e+1]';
    const [array] = findNumberArrays(text(`{"samples": ${numbers}}`), KEYS);
    expect(Array.from(array.values)).toEqual(JSON.parse(numbers));
    expect(Object.is(array.values[1], -0)).toBe(true);
    for (const bad of ['[01]', '[1,]', '[1 2]', '[-]', '[1.]', '[1e]', '["1"]', '[null]', '[1, [2]]', '[.5]']) {
      expect([bad, findNumberArrays(text(`{"samples": ${bad}}`), KEYS)]).toEqual([bad, []]);
    }
    // Nested keys are the object's data, not its arrays.
    expect(findNumberArrays(text('{"x": {"samples": [1]}, "samples": [2]}'), KEYS).map((a) => a.values[0])).toEqual([
      2,
    ]);
  });

  it('the last of a repeated key wins, as with JSON.parse', () => {
    const bytes = text('{"samples": [1], "samples": [2, 3]}');
    expect(read(bytes, true)).toEqual({ samples: [2, 3] });
  });

  it('damaged copies: the fast reading agrees with JSON.parse — value, or error message', () => {
    const bytes = chromeBytes('Chrome-65-simple.cpuprofile');
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            at: fc.integer({ min: 0, max: bytes.length - 1 }),
            byte: fc.constantFrom(...Array.from('[]{},:"-.0123456789eE ', (c) => c.charCodeAt(0))),
            remove: fc.boolean(),
          }),
          { minLength: 1, maxLength: 3 }
        ),
        (edits) => {
          let damaged = Array.from(bytes);
          for (const e of edits) {
            damaged = e.remove
              ? damaged.filter((_, i) => i !== e.at)
              : [...damaged.slice(0, e.at), e.byte, ...damaged.slice(e.at)];
          }
          const input = Uint8Array.from(damaged);
          expect(read(input, true)).toEqual(read(input, false));
        }
      ),
      { numRuns: 300 }
    );
  });
});
