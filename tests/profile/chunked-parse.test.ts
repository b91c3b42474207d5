/**
 * A perf script profile cut at sample boundaries, each chunk parsed on its own and merged, is the very store the
 * single-thread parse makes: same ids, tables, sample order, header and warnings (with their line numbers) — so
 * folded output, heat maps and flame graphs cannot differ. Every fixture, at many cuts; and the cases a merge gets
 * wrong first: a chunk without samples, a header before the first cut, a sample longer than a chunk, CRLF, a
 * truncated last sample, warnings first met in a later chunk.
 */
import fc from 'fast-check';
import { parseProfile, PerfScriptParser, ProfileStore } from '../../src/profile';
import { chunkStarts, findChunkStart } from '../../src/profile/perf-script/chunks';
import { ChunkParser, parseChunksSerially, parsePerfChunk } from '../../src/profile/perf-script/chunked';
import { ChunkMerger } from '../../src/profile/merge';
import { ALL_PERF_INPUTS, fixtureBytes } from '../helpers/fixtures';
import { latin1, perfSample, perfText } from '../helpers/profile-views';
import { expectSameStore } from '../helpers/same-store';

function single(bytes: Uint8Array, keepUnknownAddresses = false): ProfileStore {
  const parser = new PerfScriptParser({ keepUnknownAddresses });
  parser.push(bytes);
  return parser.finish();
}

/** Every offset a chunk may start at. */
function allStarts(bytes: Uint8Array): number[] {
  return chunkStarts(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), 1);
}

const FIXTURES = ALL_PERF_INPUTS.map((path) => ({ path, bytes: fixtureBytes(path) }));

describe('chunked perf script parse equals the single-thread parse', () => {
  it.each(FIXTURES.map((f) => [f.path, f] as const))('%s, cut at every sample', (_path, { bytes }) => {
    const starts = allStarts(bytes);
    const expected = single(bytes);
    // One parser for every chunk (a thread's deltas), a parser per chunk, and chunks dealt round three parsers.
    for (const parsers of [1, starts.length + 1, 3]) {
      expectSameStore(parseChunksSerially(bytes, starts, {}, parsers), expected);
    }
    expectSameStore(parseChunksSerially(bytes, starts, { keepUnknownAddresses: true }, 2), single(bytes, true));
  });

  it('at random cuts, for every fixture (property)', () => {
    const cases = FIXTURES.map((f) => ({ ...f, starts: allStarts(f.bytes), expected: single(f.bytes) }));
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: cases.length - 1 }),
        fc.array(fc.nat(), { maxLength: 40 }),
        fc.integer({ min: 1, max: 5 }),
        (which, picks, parsers) => {
          const c = cases[which];
          if (c.starts.length === 0) {
            return;
          }
          const chosen = [...new Set(picks.map((p) => c.starts[p % c.starts.length]))].sort((a, b) => a - b);
          expectSameStore(parseChunksSerially(c.bytes, chosen, {}, parsers), c.expected);
        }
      ),
      { numRuns: 200 }
    );
  });

  it('cuts by target size land on samples and rejoin to the input', () => {
    for (const { bytes } of FIXTURES) {
      const buf = Buffer.from(bytes);
      const valid = new Set(allStarts(bytes));
      for (const target of [1, 100, 4096, 65536]) {
        const starts = chunkStarts(buf, target);
        expect(starts.every((s) => valid.has(s))).toBe(true);
        expect(starts).toEqual([...starts].sort((a, b) => a - b));
      }
    }
  });

  it('has at least a few fixtures with many cut points (the property test is not vacuous)', () => {
    expect(FIXTURES.filter((f) => allStarts(f.bytes).length >= 10).length).toBeGreaterThan(10);
  });
});

describe('merge edge cases', () => {
  const sample = (i: number, extra: Partial<Parameters<typeof perfSample>[0]> = {}) =>
    perfSample({
      comm: i % 2 ? 'java' : 'swapper',
      pid: i % 2 ? 100 : 0,
      tid: i % 2 ? 101 : 0,
      cpu: i % 4,
      time: `${1000 + ((i * 7) % 13)}.${String(i).padStart(6, '0')}`,
      frames: i % 2 ? [`f${i % 5} (/bin/java)`, 'main (/bin/java)'] : ['cpu_idle ([kernel.kallsyms])'],
      ...extra,
    });

  function expectSame(text: string | Uint8Array, starts?: number[]) {
    const bytes = typeof text === 'string' ? latin1(text) : text;
    const cuts = starts ?? allStarts(bytes);
    for (const parsers of [1, 2, cuts.length + 1]) {
      expectSameStore(parseChunksSerially(bytes, cuts, {}, parsers), single(bytes));
    }
    return cuts;
  }

  it('periods first met in a later chunk, and chunks of periods all 1 after them, weigh as in the single-thread parse', () => {
    // Chunks in bulk: one of 1s (no weights kept yet), one with 5 (weights start, earlier samples 1), then 1s again.
    const periods = [1, 1, 1, 5, 1, 1, 7, 1];
    const text = perfText(periods.map((period, i) => ({ time: `1.${i}00000`, period, frames: [`f${i % 3} (/x)`] })));
    expectSame(text);
    const store = parseChunksSerially(latin1(text), allStarts(latin1(text)), {}, 2);
    expect(store.weight && [...store.weight]).toEqual(periods);
  });

  it('a header, then samples: the header stays with the first chunk even when the first cut is right after it', () => {
    const text =
      '# ========\n# captured on    : Tue Nov 17 09:30:00 2026\n# hostname : db-1\n#\n# event : name = cycles\n\n' +
      perfText([0, 1, 2, 3].map((i) => ({ time: `5.${i}00000`, frames: ['a (/x)'] }))) +
      '# a comment after samples is not header\n\n' +
      perfSample({ time: '6.000000' });
    const cuts = expectSame(text);
    expect(cuts.length).toBeGreaterThanOrEqual(4);
    expect(parseChunksSerially(latin1(text), cuts).header.hostname).toBe('db-1');
  });

  it('never starts a chunk inside the header, nor at a `#` or frame line after a blank line', () => {
    const text = '# a : 1\n\n# b : 2\n\n\tdeadbeef f (/x)\n\n' + perfSample({ time: '1.000000' });
    const starts = allStarts(latin1(text));
    expect(starts).toEqual([text.indexOf('proc ')]);
    expectSame(text);
  });

  it('a chunk with no samples (only blank lines and garbage) between two cuts', () => {
    const text = sample(1) + 'garbage here\n\n\n   \n' + sample(2) + sample(3);
    const bytes = latin1(text);
    const starts = allStarts(bytes);
    const merged = parseChunksSerially(bytes, starts, {}, 2);
    expectSameStore(merged, single(bytes));
    expect(merged.warnings.find((w) => w.code === 'garbage-line')?.firstLine).toBe(5);
    // A chunk holding only blank lines, cut out by hand (findChunkStart never makes one, the merge must still cope).
    const blankOnly = parsePerfChunk(latin1('\n\n  \n'));
    expect(blankOnly.samples.count).toBe(0);
    expect(blankOnly.lines).toBe(3);
  });

  it('one sample longer than the target chunk size is one chunk', () => {
    const deep = sample(1, { frames: Array.from({ length: 5000 }, (_, k) => `frame${k} (/lib/deep.so)`) });
    const text = sample(0) + deep + sample(2);
    const bytes = Buffer.from(latin1(text));
    const starts = chunkStarts(bytes, 50);
    expect(starts).toEqual([sample(0).length, sample(0).length + deep.length]);
    expectSame(bytes, starts);
  });

  it('CRLF line ends (blank lines are "\\r\\n")', () => {
    const text = [0, 1, 2, 3, 4, 5]
      .map((i) => sample(i))
      .join('')
      .replace(/\n/g, '\r\n');
    const cuts = expectSame(text);
    expect(cuts.length).toBe(5);
  });

  it('a truncated last sample, with the truncation noted before its last line is read', () => {
    const text = sample(0) + sample(1) + sample(2).slice(0, sample(2).length - 8);
    const bytes = latin1(text);
    const starts = allStarts(bytes);
    const merger = new ChunkMerger();
    const bounds = [0, ...starts, bytes.length];
    for (let i = 0; i + 1 < bounds.length; i++) {
      const last = i + 2 === bounds.length;
      merger.add(parsePerfChunk(bytes.subarray(bounds[i], bounds[i + 1]), {}, last ? ['cut short'] : []), i);
    }
    const parser = new PerfScriptParser();
    parser.push(bytes);
    parser.noteTruncated('cut short');
    const expected = parser.finish();
    expectSameStore(merger.finish(), expected);
    expect(expected.warnings.map((w) => w.code)).toContain('truncated');
  });

  it('warnings first met in a later chunk keep their whole-file line numbers and order', () => {
    const text =
      sample(0) +
      sample(1, { time: '-3.000000' }) +
      sample(2) +
      'proc 1000 [000] 2.000000: cycles:\n\t!! not a frame\n\n' +
      'not an event\n\n' +
      sample(3);
    const merged = parseChunksSerially(latin1(text), allStarts(latin1(text)), {}, 2);
    const expected = single(latin1(text));
    expectSameStore(merged, expected);
    expect(merged.warnings.map((w) => [w.code, w.firstLine])).toEqual(
      expected.warnings.map((w) => [w.code, w.firstLine])
    );
    expect(expected.warnings.length).toBeGreaterThanOrEqual(3);
  });

  it('the first `tod` and the first bare event may be in a later chunk', () => {
    const text =
      perfSample({ time: '1.000000', event: 'sched:sched_switch', payload: 'prev_comm=a' }) +
      perfSample({ time: '2.000000', event: 'cycles' }).replace('2.000000:', '2026-11-17 09:30:00.000000 2.000000:') +
      perfSample({ time: '3.000000', event: 'instructions' });
    const merged = parseChunksSerially(latin1(text), allStarts(latin1(text)), {}, 2);
    expectSameStore(merged, single(latin1(text)));
    expect(merged.foldEvent).toBe('cycles');
    expect(merged.header.timeOfDay?.sec).toBe(2);
  });

  it("a thread's chunks merged out of order are refused, not silently mis-mapped", () => {
    const text = sample(0) + sample(1) + sample(2);
    const bytes = latin1(text);
    const [a, b] = allStarts(bytes);
    const parser = new ChunkParser();
    const first = parser.parse(bytes.subarray(0, a));
    parser.parse(bytes.subarray(a, b));
    const third = parser.parse(bytes.subarray(b));
    const merger = new ChunkMerger();
    merger.add(first, 0);
    expect(() => merger.add(third, 0)).toThrow(/out of order/);
  });

  it('findChunkStart says where to resume when the bytes end mid-search', () => {
    const text = sample(0) + sample(1);
    const buf = Buffer.from(latin1(text));
    const cut = sample(0).length + 5; // inside the second event line
    const r = findChunkStart(buf, 1, cut);
    expect(r).toBeLessThan(0);
    const resume = -r - 1;
    expect(resume).toBeLessThanOrEqual(sample(0).length - 1);
    expect(findChunkStart(buf, resume, buf.length)).toBe(sample(0).length);
  });

  it('parseProfile (the detecting entry) agrees too: the chunked path is only for perf script', () => {
    const bytes = fixtureBytes('perf-java-stacks-01.txt');
    expectSameStore(parseChunksSerially(bytes, allStarts(bytes), {}, 2), parseProfile(bytes));
  });
});
