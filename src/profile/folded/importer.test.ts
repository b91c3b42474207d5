/**
 * The folded-stacks importer on FlameGraph's own folded outputs and on the folds of every real perf input: a
 * perf → folded → import → folded round trip gives the same lines byte for byte (the first frame is the thread, as
 * the perl script writes it); counts weigh as samples; kinds come from FlameGraph's annotations; idle swapper stacks
 * stay idle; no timestamps, so no heat map — said in one clause; malformed lines are warnings with their line number.
 */
import fc from 'fast-check';
import { ALL_PERF_INPUTS, fixtureBytes } from '../../../tests/helpers/fixtures';
import { bytesToLatin1, parseInChunks } from '../../../tests/helpers/profile-views';
import { computeFlameGraph } from '../flamegraph';
import { foldedText, FoldOptions, foldStacks } from '../fold';
import { FrameKind } from '../frames';
import { computeHeatmap, HeatmapError } from '../heatmap';
import { parseProfile } from '../parser';
import { ProfileStore, totalSamples } from '../store';

const latin1 = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const asText = bytesToLatin1;

/** Imports folded text, detected as such (or, with `asked`, read as folded whatever detection would say). */
function importFolded(text: string, asked = false): ProfileStore {
  const store = parseProfile(latin1(text), asked ? { format: 'folded' } : {});
  expect(store.format).toBe('folded');
  return store;
}

describe('perf → folded → import → folded is the identity', () => {
  const variants: Array<[string, FoldOptions]> = [
    ['default', {}],
    ['--pid', { pid: true }],
    ['--tid --all', { tid: true, all: true }],
  ];
  it.each(ALL_PERF_INPUTS)('%s', (path) => {
    const perf = parseProfile(fixtureBytes(path));
    for (const [, options] of variants) {
      const folded = foldedText(foldStacks(perf, options));
      if (!folded.includes(';')) {
        continue; // single-frame stacks only: detected as perf script by design (see detect.ts)
      }
      const store = importFolded(folded);
      expect(foldedText(foldStacks(store))).toBe(folded);
      expect(totalSamples(store)).toBe(foldStacks(perf, options).reduce((n, s) => n + s.weight, 0));
    }
  });

  it('FlameGraph’s own folded outputs (stackcollapse-perf.pl --all) fold back to themselves', () => {
    for (const name of ['perf-vertx-stacks-01', 'perf-java-stacks-01', 'perf-cycles-instructions-01']) {
      const oracle = asText(fixtureBytes(`expected/${name}-collapsed-all.txt`));
      expect(foldedText(foldStacks(importFolded(oracle)))).toBe(oracle);
    }
  });
});

describe('a folded profile', () => {
  const oracle = asText(fixtureBytes('expected/perf-java-stacks-01-collapsed-all.txt'));
  const store = importFolded(oracle);

  it('weighs each line by its count: flame graph totals and folded counts are sample counts, not line counts', () => {
    const counts = oracle
      .trim()
      .split('\n')
      .map((l) => Number(l.slice(l.lastIndexOf(' ') + 1)));
    const total = counts.reduce((a, b) => a + b, 0);
    expect(store.sampleCount).toBe(counts.length);
    expect(total).toBeGreaterThan(counts.length);
    expect(store.hasPeriods).toBe(false);
    expect(computeFlameGraph(store, { includeIdle: true }).total).toBe(total);
    expect(computeFlameGraph(store, { includeIdle: true, weight: 'period' }).total).toBe(total);
    expect(foldStacks(store, { byPeriod: false }).reduce((n, s) => n + s.weight, 0)).toBe(total);
  });

  it('takes the first frame as the thread, and kinds from FlameGraph’s _[k] _[j] _[i] annotations', () => {
    expect(store.threads.comm).toEqual(['ab', 'java', 'perf', 'swapper']); // each line's first frame
    const kindOf = (suffix: string) => store.frames.kind[store.frames.name.findIndex((n) => n.endsWith(suffix))];
    expect(kindOf('_[k]')).toBe(FrameKind.Kernel);
    expect(kindOf('_[j]')).toBe(FrameKind.Jit);
    expect(kindOf('start_thread')).toBe(FrameKind.User);
  });

  it('has no timestamps (and no warning saying so); its heat map is refused in one clause', () => {
    expect(store.hasTimestamps).toBe(false);
    expect(store.warnings).toEqual([]);
    expect(() => computeHeatmap(store)).toThrow(HeatmapError);
    expect(() => computeHeatmap(store)).toThrow(/^folded stacks carry no timestamps: /);
  });

  it('keeps a swapper’s idle loop idle, as perf’s flame graph does', () => {
    const perf = parseProfile(fixtureBytes('perf-cycles-instructions-01.txt'));
    const folded = importFolded(foldedText(foldStacks(perf, { allEvents: true })));
    const perfIdle = computeFlameGraph(perf, { includeIdle: true }).total - computeFlameGraph(perf).total;
    expect(perfIdle).toBeGreaterThan(0);
    expect(computeFlameGraph(folded).total).toBe(computeFlameGraph(perf).total);
  });
});

describe('malformed folded input', () => {
  const good = 'app;main;work 5\napp;main;idle 2\n';

  it('skips lines that are not `stack count`, warning with the first one’s line number, and reads the rest', () => {
    // Two bad lines in six: more than detection allows (one in ten), so the format is asked for.
    const store = importFolded(good + 'app;main;broken\n\napp;main;also broken x\napp;main;work 1\r\n', true);
    expect(store.warnings).toEqual([expect.objectContaining({ code: 'garbage-line', count: 2, firstLine: 3 })]);
    expect(foldedText(foldStacks(store))).toBe('app;main;idle 2\napp;main;work 6\n');
  });

  it('a count of 0 adds nothing; a fractional count is kept; a last line without a newline counts', () => {
    const store = importFolded('app;a 0\napp;b 2.5\napp;c 1');
    expect(foldedText(foldStacks(store))).toBe('app;b 2.5\napp;c 1\n');
  });

  it('never throws, and reads the same however the bytes are chunked (damaged copies of a real fold)', () => {
    const bytes = latin1(oracleText());
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: bytes.length - 1 }),
        fc.integer({ min: 0, max: 255 }),
        fc.array(fc.integer({ min: 1, max: 3000 }), { minLength: 1, maxLength: 6 }),
        (at, byte, chunks) => {
          const damaged = bytes.slice();
          damaged[at] = byte;
          const whole = parseInChunks(damaged, [damaged.length], { format: 'folded' });
          const chunked = parseInChunks(damaged, chunks, { format: 'folded' });
          expect(foldStacks(chunked)).toEqual(foldStacks(whole));
          expect(chunked.warnings).toEqual(whole.warnings);
        }
      ),
      { numRuns: 60 }
    );
  });
});

function oracleText(): string {
  return asText(fixtureBytes('expected/perf-java-stacks-01-collapsed-all.txt'));
}
