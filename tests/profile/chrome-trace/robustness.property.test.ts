/**
 * Robustness of the JSON and protobuf importers: real traces and Netflix's nflxprofile with random damage (flips,
 * insertions, deletions, truncation), fed in random chunks. An importer either refuses the input with one
 * ImportError sentence or returns a store — the same store however the bytes are chunked — on which flame graphs and
 * heat maps work. And the JSON splitter finds exactly the elements JSON.parse finds, stopping cleanly when cut.
 */
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { computeFlameGraph, computeHeatmap, HeatmapError, ImportError, ProfileStore } from '../../../src/profile';
import { createChromeTraceParser } from '../../../src/profile/chrome-trace/importer';
import { JsonSplitter } from '../../../src/profile/chrome-trace/json-splitter';
import { createNflxprofileParser } from '../../../src/profile/nflxprofile/importer';
import { ProfileParser } from '../../../src/profile/parser';
import { firstDifference } from '../../helpers/profile-views';
import { chromeBytes, parseTrace } from './helpers';

const TRACES = [
  'trace-event/simple.json',
  'trace-event/multiprocess.json',
  'trace-event/simple-with-samples.json',
  'trace-event/hermes-multiple-frames.json',
  'trace-event/x-events-matching-end.json',
  'Chrome-141-no-arg-data.json',
].map((path) => chromeBytes(path));
const NFLX = new Uint8Array(
  readFileSync(join(__dirname, '..', '..', 'fixtures', 'nflxprofile', 'nodejs1.nflxprofile'))
);

type Mutation =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'insert'; at: number; byte: number }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'truncate'; at: number };

const at = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });
// Bytes that mean something to JSON or protobuf framing, plus anything.
const byte = fc.oneof(
  fc.constantFrom(...Array.from('{}[],:"\\ \n0123456789.-eE', (c) => c.charCodeAt(0)), 0x08, 0x0a, 0x12, 0xff),
  fc.integer({ min: 0, max: 255 })
);
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at, bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('insert' as const), at, byte }),
  fc.record({ kind: fc.constant('delete' as const), at, length: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at })
);

function mutate(input: Uint8Array, mutations: Mutation[]): Uint8Array {
  let bytes = Array.from(input);
  for (const m of mutations) {
    const pos = Math.floor(m.at * (bytes.length + 1));
    if (m.kind === 'flip' && pos < bytes.length) {
      bytes[pos] ^= 1 << m.bit;
    } else if (m.kind === 'insert') {
      bytes.splice(pos, 0, m.byte);
    } else if (m.kind === 'delete') {
      bytes.splice(pos, m.length);
    } else if (m.kind === 'truncate') {
      bytes = bytes.slice(0, pos);
    }
  }
  return Uint8Array.from(bytes);
}

/** The store, or the ImportError's message; anything else thrown fails the property. */
function outcome(make: () => ProfileParser, bytes: Uint8Array, sizes: number[]): ProfileStore | string {
  const parser = make();
  try {
    for (let pos = 0, k = 0; pos < bytes.length; k++) {
      const size = sizes.length === 0 ? bytes.length : Math.max(1, sizes[k % sizes.length]);
      parser.push(bytes.subarray(pos, pos + size));
      pos += size;
    }
    return parser.finish();
  } catch (e) {
    if (!(e instanceof ImportError)) {
      throw e;
    }
    expect(e.message).not.toMatch(/\n/);
    return e.message;
  }
}

function usable(store: ProfileStore) {
  expect(computeFlameGraph(store, { includeIdle: true }).total).toBeGreaterThanOrEqual(0);
  expect(computeFlameGraph(store, { weight: 'period' }).total).toBeGreaterThanOrEqual(0);
  try {
    computeHeatmap(store);
  } catch (e) {
    expect(e).toBeInstanceOf(HeatmapError);
  }
}

const chunking = fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 5 });

describe('damaged inputs', () => {
  it('Chrome traces: a store or one sentence, the same however chunked', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: TRACES.length - 1 }),
        fc.array(mutation, { maxLength: 4 }),
        chunking,
        (which, mutations, sizes) => {
          const bytes = mutate(TRACES[which], mutations);
          const whole = outcome(createChromeTraceParser, bytes, []);
          const chunked = outcome(createChromeTraceParser, bytes, sizes);
          if (typeof whole === 'string') {
            expect(chunked).toBe(whole);
            return;
          }
          expect(firstDifference(chunked, whole)).toBeUndefined();
          usable(whole);
        }
      ),
      { numRuns: 300 }
    );
  });

  it('nflxprofile: a store or one sentence, the same however chunked', () => {
    fc.assert(
      fc.property(fc.array(mutation, { maxLength: 4 }), chunking, (mutations, sizes) => {
        const bytes = mutate(NFLX, mutations);
        const whole = outcome(createNflxprofileParser, bytes, []);
        const chunked = outcome(createNflxprofileParser, bytes, sizes);
        if (typeof whole === 'string') {
          expect(chunked).toBe(whole);
          return;
        }
        expect(firstDifference(chunked, whole)).toBeUndefined();
        usable(whole);
      }),
      { numRuns: 300 }
    );
  });

  it('random bytes are refused in one sentence or read as what little they hold', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        for (const store of [parseOrMessage(() => parseTrace(bytes)), outcome(createNflxprofileParser, bytes, [])]) {
          if (typeof store !== 'string') {
            usable(store);
          }
        }
      }),
      { numRuns: 300 }
    );
  });
});

function parseOrMessage(parse: () => ProfileStore): ProfileStore | string {
  try {
    return parse();
  } catch (e) {
    expect(e).toBeInstanceOf(ImportError);
    return (e as Error).message;
  }
}

describe('the JSON splitter', () => {
  /** Elements (or members) the splitter yields for `text` pushed in chunks of `sizes`. */
  function split(text: string, sizes: number[], members: string[] = []) {
    const parts: Array<[string | null, unknown]> = [];
    let bad = 0;
    const splitter = new JsonSplitter(new Set(members), {
      part: (key, value) => parts.push([key, value]),
      badPart: () => bad++,
    });
    const bytes = new TextEncoder().encode(text);
    for (let pos = 0, k = 0; pos < bytes.length; k++) {
      const size = Math.max(1, sizes[k % sizes.length]);
      splitter.push(bytes.subarray(pos, pos + size));
      pos += size;
    }
    return { parts, bad, end: splitter.finish() };
  }

  const whitespace = fc.constantFrom('', ' ', '\n', '\t ', '\r\n  ');

  it('yields each element of an array as JSON.parse reads it, however chunked and spaced', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue(), { maxLength: 8 }), whitespace, chunking, (values, ws, sizes) => {
        const text = ws + '[' + values.map((v) => ws + JSON.stringify(v) + ws).join(',') + ']' + ws;
        const { parts, bad, end } = split(text, sizes);
        expect(parts).toEqual(JSON.parse(text).map((v: unknown) => [null, v]));
        expect(bad).toBe(0);
        expect(end).toEqual({ recognised: true, complete: true, droppedBytes: 0 });
      })
    );
  });

  it('yields the complete elements of an array cut anywhere, and says what was dropped', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue(), { minLength: 1, maxLength: 8 }), at, chunking, (values, cutAt, sizes) => {
        const full = '[' + values.map((v) => JSON.stringify(v)).join(', ') + ']';
        const cut = Math.floor(cutAt * full.length);
        const { parts, end } = split(full.slice(0, cut), sizes);
        const got = parts.map((p) => p[1]);
        // A prefix of the elements; a number cut short still parses (as a shorter number), so compare the rest.
        expect(got.length).toBeLessThanOrEqual(values.length);
        const whole = got.filter((v, i) => i < got.length - 1 || typeof v !== 'number');
        // As JSON text gives them back (-0 is written "0").
        const written = values.map((v) => JSON.parse(JSON.stringify(v)) as unknown);
        expect(whole).toEqual(written.slice(0, whole.length));
        expect(end.complete).toBe(cut === full.length);
      })
    );
  });

  it('splits the arrays of chosen members and yields other members whole', () => {
    const text = '{"metadata": {"a": [1, 2]}, "traceEvents": [{"ph": "B"}, {"ph": "E"}], "samples": [3], "x": "}"}';
    const { parts, end } = split(text, [3], ['traceEvents']);
    expect(parts).toEqual([
      ['metadata', { a: [1, 2] }],
      ['traceEvents', { ph: 'B' }],
      ['traceEvents', { ph: 'E' }],
      ['samples', [3]],
      ['x', '}'],
    ]);
    expect(end.complete).toBe(true);
  });

  it('skips stray closing brackets instead of stalling on them', () => {
    expect(split('[}, {"a": 1}]', [100]).parts).toEqual([[null, { a: 1 }]]);
    expect(split('{"metadata": }, "traceEvents": [{"ph": "M"}]}', [100], ['traceEvents']).parts).toEqual([
      ['traceEvents', { ph: 'M' }],
    ]);
  });

  it('skips an element that is not JSON and goes on', () => {
    const { parts, bad } = split('[{"a": 1}, {"b": nope}, {"c": 3}]', [5]);
    expect(parts).toEqual([
      [null, { a: 1 }],
      [null, { c: 3 }],
    ]);
    expect(bad).toBe(1);
  });
});
