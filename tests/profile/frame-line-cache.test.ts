/**
 * The frame-line cache recognises a frame line by its exact bytes and hands back what the full parse made of it; it
 * comes in JavaScript (frame-line-cache.ts) and WebAssembly (wasm-frame-line-cache.ts, line-match.wat). Neither may
 * change a result: every fixture, however chunked, parses to the very store the parser makes with the cache off. And
 * each must stay bounded on hostile input: lines built to share a hash, lines holding zero bytes (the JavaScript
 * 8-byte float compare's one blind spot), lines cut at a chunk's end, lines that extend a kept one.
 */
import fc from 'fast-check';
import { PerfScriptOptions, PerfScriptParser, ProfileStore } from '../../src/profile';
import { MAX_PLACED_BYTES } from '../../src/profile/perf-script/parser';
import { FrameLineCache, FrameLineMatcher } from '../../src/profile/perf-script/frame-line-cache';
import { createWasmFrameLineCache } from '../../src/profile/perf-script/wasm-frame-line-cache';
import { ALL_PERF_INPUTS, fixtureBytes } from '../helpers/fixtures';
import { latin1, sampleFrameNames } from '../helpers/profile-views';
import { expectSameStore } from '../helpers/same-store';

function parse(bytes: Uint8Array, pieces: number, options: PerfScriptOptions = {}): ProfileStore {
  const parser = new PerfScriptParser(options);
  const size = Math.max(1, Math.ceil(bytes.length / pieces));
  for (let at = 0; at < bytes.length; at += size) {
    parser.push(bytes.subarray(at, Math.min(bytes.length, at + size)));
  }
  return parser.finish();
}

const FIXTURES = ALL_PERF_INPUTS.map((path) => ({ path, bytes: fixtureBytes(path) }));

describe('frame-line cache', () => {
  it('runs in WebAssembly here (Node has it with SIMD), so the default parse takes the WebAssembly cache', () => {
    expect(createWasmFrameLineCache()).not.toBeNull();
  });

  it.each(FIXTURES.map((f) => [f.path, f] as const))('%s: same store with and without it', (_path, { bytes }) => {
    const without = parse(bytes, 1, { noFrameLineCache: true });
    for (const pieces of [1, 7, Math.max(1, Math.floor(bytes.length / 100))]) {
      expectSameStore(parse(bytes, pieces), without);
      expectSameStore(parse(bytes, pieces, { javascriptFrameLineCache: true }), without);
    }
    expectSameStore(
      parse(bytes, 3, { keepUnknownAddresses: true }),
      parse(bytes, 1, { keepUnknownAddresses: true, noFrameLineCache: true })
    );
  });

  it('same store at random chunk sizes (property)', () => {
    const expected = FIXTURES.map((f) => parse(f.bytes, 1, { noFrameLineCache: true }));
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: FIXTURES.length - 1 }),
        fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 8 }),
        fc.boolean(),
        (which, sizes, javascript) => {
          const { bytes } = FIXTURES[which];
          const parser = new PerfScriptParser({ javascriptFrameLineCache: javascript });
          for (let at = 0, i = 0; at < bytes.length; i++) {
            const size = sizes[i % sizes.length];
            parser.push(bytes.subarray(at, at + size));
            at += size;
          }
          expectSameStore(parser.finish(), expected[which]);
        }
      ),
      { numRuns: 60 }
    );
  });

  it('a cache taken again by a later parser starts empty, and a finished parser takes no more input', () => {
    // Same lines, other frame ids: a line left over from the first profile would map to the wrong frame.
    const first = latin1(
      'p 1/1 [000] 1.0: 1 cycles:\n\t    4f9498 zzz+0x1 (/usr/bin/x)\n\t    4f94a8 yyy+0x2 (/usr/bin/x)\n\n'
    );
    const second = latin1(
      'p 1/1 [000] 1.0: 1 cycles:\n\t    4f94a8 yyy+0x2 (/usr/bin/x)\n\t    4f9498 zzz+0x1 (/usr/bin/x)\n\n'
    );
    for (const javascript of [false, true]) {
      const parser = new PerfScriptParser({ javascriptFrameLineCache: javascript });
      parser.push(first);
      expect(sampleFrameNames(parser.finish(), 0)).toEqual(['yyy', 'zzz']);
      expect(() => parser.push(first)).toThrow(/finished/);
      const again = parse(second, 1, { javascriptFrameLineCache: javascript });
      expectSameStore(again, parse(second, 1, { noFrameLineCache: true }));
      expect(sampleFrameNames(again, 0)).toEqual(['zzz', 'yyy']);
    }
  });

  it('reads an input pushed whole in pieces of MAX_PLACED_BYTES (its copy in the cache stays small), to the same store', () => {
    const { bytes } = FIXTURES.reduce((a, b) => (b.bytes.length > a.bytes.length ? b : a));
    const big = new Uint8Array(MAX_PLACED_BYTES + 3 * bytes.length + 12345);
    for (let at = 0; at < big.length; at += bytes.length) {
      big.set(bytes.subarray(0, Math.min(bytes.length, big.length - at)), at);
    }
    const cache = createWasmFrameLineCache()!;
    const place = jest.spyOn(cache, 'place');
    cache.release();
    const parser = new PerfScriptParser();
    parser.push(big);
    const store = parser.finish();
    expect(place).toHaveBeenCalledTimes(2);
    expect(Math.max(...place.mock.calls.map(([input]) => input.length))).toBe(MAX_PLACED_BYTES);
    expectSameStore(store, parse(big, 1, { noFrameLineCache: true }));
  });

  it('gives parsers alive at once a cache each', () => {
    const a = createWasmFrameLineCache()!;
    a.release();
    const b = createWasmFrameLineCache()!;
    const c = createWasmFrameLineCache()!;
    expect(b).toBe(a);
    expect(c).not.toBe(b);
  });
});

// Matching by exact bytes, in both. (The WebAssembly cache also matches a new line by its frame's key: see below.)
const IMPLEMENTATIONS: Array<[string, () => FrameLineMatcher]> = [
  ['JavaScript', () => new FrameLineCache()],
  ['WebAssembly', () => createWasmFrameLineCache(false)!],
];

/** The value of the kept line at `pos` in `buf` (placed first), or -1 when the line there is not matched. */
function valueAt(cache: FrameLineMatcher, buf: Uint8Array, pos = 0, previous = -1): number {
  cache.place(buf);
  return cache.run(pos, previous) > 0 ? cache.runValues[0] : -1;
}

/** Keeps each line of `lines` (one buffer, newline-separated), value = its index; returns how many were kept. */
function keepAll(cache: FrameLineMatcher, lines: string[]): number {
  const buf = latin1(lines.join('\n') + '\n');
  let at = 0;
  let kept = 0;
  lines.forEach((line, i) => {
    kept += cache.add(buf, at, at + line.length, i) >= 0 ? 1 : 0;
    at += line.length + 1;
  });
  return kept;
}

describe.each(IMPLEMENTATIONS)('frame-line cache in %s', (_name, create) => {
  it('reads lines that share bytes 8–32 and their length (a hash flood) right, and keeps few of them', () => {
    // 3000 distinct frames whose lines differ only in their last bytes: one hash, one length.
    const lines = Array.from(
      { length: 3000 },
      (_, i) => `\t          4f9498 runtime.fn+0x1 (/usr/lib/x${i % 10}${(i / 10) | 0})`
    );
    const cache = create();
    expect(keepAll(cache, lines)).toBeLessThanOrEqual(8);
    // A flooded line not kept is not matched: the parser reads it the full way.
    expect(valueAt(cache, latin1(lines[2999] + '\n'))).toBe(-1);
    expect(valueAt(cache, latin1(lines[0] + '\n'))).toBe(0);
  });

  it('stops keeping lines at its byte bound (every line distinct: a hostile profile)', () => {
    const cache = create();
    const line = (i: number) => `\t    ${(0x7f0000000000 + i * 16).toString(16)} fn_${i}+0x10 (/usr/lib/libx.so)`;
    const lines = Array.from({ length: 420_000 }, (_, i) => line(i));
    const kept = keepAll(cache, lines);
    expect(kept).toBeGreaterThan(100_000);
    expect(kept).toBeLessThan(lines.length);
    // What it holds is bounded whatever the input: the arena at its bound, the table and the rest (≤ 96 bytes a
    // line kept in JavaScript; the WebAssembly cache's records hold their lines, and its table has 2^21 slots at most).
    expect(cache.byteSize()).toBeLessThan(_name === 'JavaScript' ? (16 << 20) + kept * 96 : (46 << 20) + (1 << 20));
    // Lines kept before the bound are still found.
    expect(valueAt(cache, latin1(line(1000) + '\n'))).toBe(1000);
  });

  it('never takes a line that only begins like a kept one, or that a chunk cut short', () => {
    const cache = create();
    const line = '\t          4f9498 runtime.copystack+0xd8 (/usr/bin/containerd)';
    const kept = latin1(line + '\n');
    expect(cache.add(kept, 0, line.length, 42)).toBeGreaterThanOrEqual(0);
    const match = (text: string) => valueAt(cache, latin1(text));
    expect(match(line + '\n')).toBe(42);
    expect(match(line + ' \n')).toBe(-1); // longer
    expect(match(line + 'x\n')).toBe(-1);
    expect(match(line)).toBe(-1); // no newline yet: the chunk ends here
    expect(match(line.slice(0, -1) + '\n')).toBe(-1); // shorter
    expect(match(line.replace('0xd8', '0xd9') + '\n')).toBe(-1);
    expect(match(line.replace('\t', ' ') + '\n')).toBe(-1); // the first byte differs
    expect(match(line + '\r\n')).toBe(-1); // CRLF is another line (kept on its own)
    // Every length a compare's tail handles (the WebAssembly compare goes 16 bytes, 8, then a masked rest).
    for (let extra = 1; extra < 20; extra++) {
      // Another address each (bytes 8–32 are hashed: 19 lines of one hash would be a flood).
      const longer = line.replace('4f9498', (0x4f9498 + extra).toString(16)) + 'y'.repeat(extra);
      const bytes = latin1(longer + '\n');
      expect(cache.add(bytes, 0, longer.length, 100 + extra)).toBeGreaterThanOrEqual(0);
      expect(match(longer + '\n')).toBe(100 + extra);
      expect(match(longer.slice(0, -1) + 'z\n')).toBe(-1); // the last byte differs
    }
  });

  it('never calls lines holding +0 and -0 bytes equal (the 8-byte float compare keeps no zero bytes at all)', () => {
    const cache = create();
    // Bytes 24–31 of these two lines read as the doubles +0 and -0.
    const zero = `\t          4f9498 sym${'\0'.repeat(8)}tail (/x)`;
    const minusZero = `\t          4f9498 sym${'\0'.repeat(7)}\x80tail (/x)`;
    const zeroBytes = latin1(zero + '\n');
    const id = cache.add(zeroBytes, 0, zero.length, 1);
    if (_name === 'JavaScript') {
      expect(id).toBe(-1);
    } else {
      expect(valueAt(cache, zeroBytes)).toBe(1);
    }
    expect(valueAt(cache, latin1(minusZero + '\n'))).toBe(-1);
    const text = latin1(`p 1/1 [000] 1.0: 1 cycles:\n${zero}\n\np 1/1 [000] 1.1: 1 cycles:\n${minusZero}\n\n`);
    const store = parse(text, 1, { javascriptFrameLineCache: _name === 'JavaScript' });
    expectSameStore(store, parse(text, 1, { noFrameLineCache: true }));
    expect(store.frames.count).toBe(2);
  });

  it('tries the line that followed last time first, and still finds another', () => {
    const cache = create();
    const a = '\t          4f9498 a+0x1 (/usr/bin/x)';
    const b = '\t          4f94a8 b+0x2 (/usr/bin/x)';
    const c = '\t          4f94b8 c+0x3 (/usr/bin/x)';
    const text = latin1([a, b, c].join('\n') + '\n');
    const starts = [0, a.length + 1, a.length + b.length + 2];
    const ids = [a, b, c].map((line, i) => cache.add(text, starts[i], starts[i] + line.length, 10 + i));
    expect(new Set(ids).size).toBe(3);
    cache.follows(ids[0], ids[1]);
    cache.place(text);
    // A run from a goes on through b and c, each found (b as a's successor, c by hash).
    expect(cache.run(0, -1)).toBe(3);
    expect([...cache.runValues.subarray(0, 3)]).toEqual([10, 11, 12]);
    expect(cache.runHasChains).toBe(false);
    expect(cache.runEnd).toBe(text.length);
    // The prediction after a is b; the line is c: found by hash, then c is tried first.
    expect(valueAt(cache, latin1(c + '\n'), 0, ids[0])).toBe(12);
    expect(valueAt(cache, latin1(b + '\n'), 0, ids[0])).toBe(11);
    // The run stops at a line not kept, and says where.
    const mixed = latin1(`${a}\n${b}\n\t          4f94c8 d+0x4 (/usr/bin/x)\n${c}\n`);
    cache.place(mixed);
    expect(cache.run(0, -1)).toBe(2);
    expect(cache.runEnd).toBe(a.length + b.length + 2);
    expect(cache.newline(cache.runEnd)).toBe(mixed.indexOf(10, a.length + b.length + 2));
  });

  it("says when a run's values hold a Java chain's (negative) value, and when they do not", () => {
    const cache = create();
    const a = '\t          4f9498 a+0x1 (/usr/bin/x)';
    const b = '\t          4f94a8 Outer->inner (/tmp/perf-1.map)';
    const text = latin1(`${a}\n${b}\n`);
    const ida = cache.add(text, 0, a.length, 7);
    cache.add(text, a.length + 1, a.length + 1 + b.length, -2);
    cache.place(text);
    expect(cache.run(0, -1)).toBe(2);
    expect([...cache.runValues.subarray(0, 2)]).toEqual([7, -2]);
    expect(cache.runHasChains).toBe(true);
    cache.place(latin1(`${a}\n`));
    expect(cache.run(0, -1)).toBe(1);
    expect(cache.runHasChains).toBe(false);
    expect(cache.runLast).toBe(ida);
  });
});

describe('WebAssembly frame-line cache: a new line of a known frame, matched by its key', () => {
  const kept = '\t          4f9498 runtime.copystack+0xd8 (/usr/bin/containerd)';

  function cacheKeeping(line: string, value: number, byKey = true) {
    const cache = createWasmFrameLineCache(byKey)!;
    expect(cache.add(latin1(line + '\n'), 0, line.length, value)).toBeGreaterThanOrEqual(0);
    return cache;
  }

  it('takes the same symbol and DSO at another address and offset, and keeps that line', () => {
    const cache = cacheKeeping(kept, 42);
    const moved = '\t          4f94a0 runtime.copystack+0xe0 (/usr/bin/containerd)';
    expect(cache.size).toBe(1);
    expect(valueAt(cache, latin1(moved + '\n'))).toBe(42);
    expect(cache.size).toBe(2);
    // Other blanks, a CR, no offset: the key is the same, as frameValue reads it.
    for (const line of [
      '  ffffffff4f94a4   runtime.copystack+0x1   (/usr/bin/containerd)  ',
      '\t4f94a8 runtime.copystack (/usr/bin/containerd)\r',
      '\t4f94a8 runtime.copystack+0x1f (/usr/bin/containerd)',
    ]) {
      expect(valueAt(cache, latin1(line + '\n'))).toBe(42);
    }
    // A run goes on through lines matched by key, and reports where it stopped.
    const text = latin1(`${moved}\n\t 4f94b0 runtime.copystack+0x2 (/usr/bin/containerd)\n\n`);
    cache.place(text);
    expect(cache.run(0, -1)).toBe(2);
    expect(cache.runEnd).toBe(text.length - 1);
  });

  it('leaves every other line to the full parse', () => {
    const cache = cacheKeeping(kept, 42);
    for (const line of [
      '\t          4f94a0 runtime.copystack+0xe0 (/usr/bin/containerd2)', // another DSO
      '\t          4f94a0 runtime.copystacks+0xe0 (/usr/bin/containerd)', // another symbol
      '\t          4f94a0 runtime.copystack+0x (/usr/bin/containerd)', // `+0x` without digits stays in the symbol
      '\t          4f94a0 runtime.copystack-0x10 (/usr/bin/containerd)',
      '\t          4f94a0 runtime.copystack+0xe0(/usr/bin/containerd)', // no blank before the DSO
      '\t          4f94a0 runtime.copystack+0xe0 (/usr/bin/(containerd)', // parens inside the DSO
      '\t          4f94a0 runtime.copystack+0xe0 /usr/bin/containerd', // no DSO
      '\t          4f94a0 runtime.copystack+0xe0 (/usr/bin/containerd) x',
      '\t          4f94g0 runtime.copystack+0xe0 (/usr/bin/containerd)', // not an address
      '\t          4f94a0\u00a0runtime.copystack+0xe0 (/usr/bin/containerd)',
      '\t          (/usr/bin/containerd)',
      '',
      'containerd 880/891 [010] 352719.003461: 1 cycles:P: ',
      `\t          4f94a0 runtime.copystack+0xe0${' '.repeat(4100)}(/usr/bin/containerd)`, // over 4 KiB
    ]) {
      expect({ line, value: valueAt(cache, latin1(line + '\n')) }).toEqual({ line, value: -1 });
    }
    // A line the chunk cut (no newline yet).
    expect(valueAt(cache, latin1('\t 4f94a0 runtime.copystack+0xe0 (/usr/bin/containerd)'))).toBe(-1);
    // Without keys (keepUnknownAddresses: an unknown symbol's frame is its address) only exact bytes match.
    const exact = cacheKeeping(kept, 42, false);
    expect(valueAt(exact, latin1('\t 4f94a0 runtime.copystack+0xe0 (/usr/bin/containerd)\n'))).toBe(-1);
    expect(valueAt(exact, latin1(kept + '\n'))).toBe(42);
  });

  it('keeps a key only from a line in the plain layout', () => {
    // A DSO holding parens: frameValue matches them up; the cache keeps the line, but no key from it.
    const odd = '\t          4f9498 fn+0x1 (/lib/x (deleted))';
    const cache = cacheKeeping(odd, 7);
    expect(valueAt(cache, latin1(odd + '\n'))).toBe(7);
    expect(valueAt(cache, latin1('\t          4f9499 fn+0x2 (/lib/x (deleted))\n'))).toBe(-1);
  });

  /** perf script text of samples whose frame lines come from `frames`, in the order given. */
  function profileOf(samples: string[][]): Uint8Array {
    return latin1(
      samples.map((frames, i) => `p 1/1 [000] ${1 + i / 100}: 1 cycles:\n${frames.join('\n')}\n\n`).join('')
    );
  }

  it('parses to the very store the full parse makes, for frame lines built to trip the key (property)', () => {
    // Line templates from the pieces a key's reading turns on; each `#` is another hex number at each use, so a
    // line comes back as new bytes — the lines the key is for — and a reading that takes too much as the offset or
    // the DSO calls two different frames one.
    const pieces = (...choices: string[]) =>
      fc.array(fc.constantFrom(...choices), { minLength: 0, maxLength: 7 }).map((parts) => parts.join(''));
    const blank = fc.constantFrom(' ', '\t', '  ', ' \t', '');
    const address = fc.constantFrom('#', 'ffffffff#', '7f', 'g#', '', '#x');
    const symbol = pieces(
      'fn',
      'a',
      ' ',
      '(',
      ')',
      '+0x#',
      '+0#',
      '+0y#',
      '+#',
      'x#',
      '#',
      '->',
      '[unknown]',
      ':',
      '\0'
    );
    const dso = fc.oneof(
      pieces('(', ')', ' ', '/lib/a', '#', '+0x#', '(deleted)', 'x'),
      pieces('/lib/a', '+0x#', ' ', '(deleted)', '(', ')', '#').map((inner) => `(${inner})`)
    );
    const frameLine = fc
      .tuple(blank, address, blank, symbol, blank, dso, fc.constantFrom('', ' ', '\r', ' \r', ')'))
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(
        fc.array(frameLine, { minLength: 1, maxLength: 10 }),
        fc.array(fc.array(fc.nat(), { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 12 }),
        fc.boolean(),
        (lines, picks, keepUnknownAddresses) => {
          let serial = 0;
          const samples = picks.map((sample) =>
            // The padding takes every line past the 32 bytes a kept line needs.
            sample.map((n) => '\t' + lines[n % lines.length].replace(/#/g, () => (0x1f + serial++).toString(16)) + '  ')
          );
          const text = profileOf(samples);
          const options = { keepUnknownAddresses };
          expectSameStore(parse(text, 1, options), parse(text, 1, { ...options, noFrameLineCache: true }));
        }
      ),
      { numRuns: 1500 }
    );
  });
});
