/**
 * The subsecond-offset heat map from first principles: column = whole seconds since floor(first sample), row =
 * floor(rows × subsecond offset), row 0 the bottom. Expected cells are computed here with BigInt arithmetic on the
 * timestamps as printed, never with the engine's own numbers.
 */
import fc from 'fast-check';
import {
  computeHeatmap,
  Heatmap,
  HeatmapError,
  HeatmapOptions,
  heatmapToJson,
  MAX_ROWS,
  parseProfile,
  ProfileStore,
} from '../../src/profile';
import { ALL_PERF_INPUTS } from '../helpers/fixtures';
import {
  allSamples,
  cachedFixture as parseFixture,
  firstDifference,
  latin1,
  leafName,
  perfText,
  SyntheticSample,
} from '../helpers/profile-views';

function parse(samples: SyntheticSample[]): ProfileStore {
  return parseProfile(latin1(perfText(samples)));
}

/** Cell value at (column, row), row 0 the bottom. */
function cell(h: Heatmap, column: number, row: number): number {
  return h.counts[column * h.rows + row];
}

/** Non-zero cells as "col,row=value". */
function nonZero(h: Heatmap): string[] {
  const out: string[] = [];
  for (let c = 0; c < h.columns; c++) {
    for (let r = 0; r < h.rows; r++) {
      if (cell(h, c, r) !== 0) {
        out.push(`${c + h.firstColumn},${r}=${cell(h, c, r)}`);
      }
    }
  }
  return out;
}

function sum(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    s += a[i];
  }
  return s;
}

/** Exact placement of `sec.frac` relative to startSec. */
function place(timestamp: string, startSec: number, rows: number): [number, number] {
  const [sec, frac] = timestamp.split('.');
  const ns = BigInt(frac.padEnd(9, '0').slice(0, 9));
  return [Number(BigInt(sec) - BigInt(startSec)), Number((ns * BigInt(rows)) / BigInt(1_000_000_000))];
}

describe('placement', () => {
  it('puts a sample 11.25 s after floor(first sample) in column 11, row 12 of 50', () => {
    const store = parse([
      { time: '500.300000', frames: ['first (/x)'] },
      { time: '511.250000', frames: ['target (/x)'] },
    ]);
    const h = computeHeatmap(store, { rows: 50 });
    expect(h.startSec).toBe(500);
    expect(h.columns).toBe(12);
    expect(h.rows).toBe(50);
    expect(nonZero(h)).toEqual(['0,15=1', '11,12=1']);
    const json = heatmapToJson(h);
    expect(json.start).toBe(500);
    expect(json.counts[11][12]).toBe(1);
    expect(json.counts[0][15]).toBe(1);
  });

  it('is exact at row boundaries (rows = 50: 20 ms rows)', () => {
    const times = [
      '100.000000000', // offset 0 → row 0
      '101.999999999', // last ns of the second → row 49
      '102.020000000', // exactly 20 ms → row 1
      '103.019999999', // 1 ns before 20 ms → row 0
      '104.500000000', // half → row 25
      '105.980000000', // exactly 980 ms → row 49
      '106.979999999', // → row 48
    ];
    const store = parse(times.map((time) => ({ time })));
    const h = computeHeatmap(store, { rows: 50 });
    expect(nonZero(h)).toEqual(['0,0=1', '1,49=1', '2,1=1', '3,0=1', '4,25=1', '5,49=1', '6,48=1']);
  });

  it('is exact at row boundaries for 1000 rows and for 3 rows (non-dividing)', () => {
    const store = parse(
      ['7.000000000', '8.999999999', '9.001000000', '10.000999999', '11.333333333', '12.333333334'].map((time) => ({
        time,
      }))
    );
    expect(nonZero(computeHeatmap(store, { rows: 1000 }))).toEqual([
      '0,0=1',
      '1,999=1',
      '2,1=1',
      '3,0=1',
      '4,333=1',
      '5,333=1',
    ]);
    // 1/3 s is 333333333.33… ns: 333333333 is still row 0, 333333334 is row 1.
    expect(nonZero(computeHeatmap(store, { rows: 3 }))).toEqual(['0,0=1', '1,2=1', '2,0=1', '3,0=1', '4,0=1', '5,1=1']);
    expect(nonZero(computeHeatmap(store, { rows: 1 }))).toEqual(['0,0=1', '1,0=1', '2,0=1', '3,0=1', '4,0=1', '5,0=1']);
  });

  it('accepts 1 to 1000 rows and rejects anything else with a HeatmapError', () => {
    const store = parse([{ time: '1.5' }]);
    expect(MAX_ROWS).toBe(1000);
    expect(computeHeatmap(store, { rows: 1 }).counts.length).toBe(1);
    expect(computeHeatmap(store, { rows: 1000 }).counts.length).toBe(1000);
    expect(computeHeatmap(store).rows).toBe(50);
    for (const rows of [0, 1001, 1.5, -1, NaN, Infinity]) {
      expect(() => computeHeatmap(store, { rows })).toThrow(HeatmapError);
    }
  });

  it('has columns = floor(last − start) + 1 with start = floor(first sample)', () => {
    const cases: Array<[string[], number, number]> = [
      [['100.700000', '103.200000'], 100, 4],
      [['100.700000', '103.000000'], 100, 4],
      [['100.000000', '100.999999'], 100, 1],
      [['42.000001'], 42, 1],
      [['9.999999', '10.000000'], 9, 2],
    ];
    for (const [times, start, columns] of cases) {
      const h = computeHeatmap(parse(times.map((time) => ({ time }))));
      expect([h.startSec, h.columns, h.firstColumn]).toEqual([start, columns, 0]);
      expect(h.counts.length).toBe(columns * h.rows);
      expect(heatmapToJson(h).counts).toHaveLength(columns);
    }
  });

  it('places unsorted input by time', () => {
    const store = parse(['20.75', '10.25', '15.5'].map((time) => ({ time })));
    expect(nonZero(computeHeatmap(store, { rows: 4 }))).toEqual(['0,1=1', '5,2=1', '10,3=1']);
  });

  it('restricts to whole seconds [fromSec, toSec)', () => {
    const store = parse(['10.1', '11.1', '12.1', '12.9', '13.1', '14.1'].map((time) => ({ time })));
    const h = computeHeatmap(store, { rows: 10, fromSec: 2, toSec: 4 });
    expect([h.firstColumn, h.columns, h.total]).toEqual([2, 2, 3]);
    expect(nonZero(h)).toEqual(['2,1=1', '2,9=1', '3,1=1']);
    expect(heatmapToJson(h).start).toBe(12);
  });

  it('matches exact placement for random samples, rows and filters', () => {
    const sampleArb = fc.record({
      sec: fc.integer({ min: 0, max: 20 }),
      ns: fc.integer({ min: 0, max: 999_999_999 }),
      cpu: fc.integer({ min: 0, max: 3 }),
      pid: fc.integer({ min: 1, max: 3 }),
      tid: fc.integer({ min: 1, max: 3 }),
      comm: fc.constantFrom('app', 'V8 WorkerThread'),
      event: fc.constantFrom('cycles', 'instructions'),
      period: fc.integer({ min: 1, max: 100_000 }),
    });
    const filterArb = fc.record(
      {
        event: fc.constantFrom('cycles', 'instructions', 'absent'),
        cpu: fc.integer({ min: 0, max: 4 }),
        pid: fc.integer({ min: 1, max: 4 }),
        tid: fc.integer({ min: 1, max: 4 }),
        comm: fc.constantFrom('app', 'V8 WorkerThread'),
      },
      { requiredKeys: [] }
    );
    fc.assert(
      fc.property(
        fc.array(sampleArb, { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1000, max: 9_000_000 }),
        fc.integer({ min: 1, max: MAX_ROWS }),
        filterArb,
        fc.boolean(),
        (samples, base, rows, filter, byPeriod) => {
          const timestamps = samples.map((s) => `${base + s.sec}.${String(s.ns).padStart(9, '0')}`);
          const store = parse(
            samples.map((s, i) => ({
              comm: s.comm,
              pid: s.pid,
              tid: s.tid + 100 * s.pid,
              cpu: s.cpu,
              time: timestamps[i],
              period: s.period,
              event: s.event,
            }))
          );
          const options: HeatmapOptions = {
            rows,
            ...filter,
            tid: filter.tid === undefined ? undefined : filter.tid + 100 * (filter.pid ?? 1),
            weight: byPeriod ? 'period' : 'samples',
          };
          const h = computeHeatmap(store, options);
          const startSec = base + Math.min(...samples.map((s) => s.sec));
          const columns = Math.max(...samples.map((s) => s.sec)) + base - startSec + 1;
          const expected = new Float64Array(columns * rows);
          samples.forEach((s, i) => {
            const keep =
              (filter.event === undefined || filter.event === s.event) &&
              (filter.cpu === undefined || filter.cpu === s.cpu) &&
              (filter.pid === undefined || filter.pid === s.pid) &&
              (options.tid === undefined || options.tid === s.tid + 100 * s.pid) &&
              (filter.comm === undefined || filter.comm === s.comm);
            if (keep) {
              const [c, r] = place(timestamps[i], startSec, rows);
              expected[c * rows + r] += byPeriod ? s.period : 1;
            }
          });
          expect([h.startSec, h.columns, h.rows]).toEqual([startSec, columns, rows]);
          expect(firstDifference(h.counts, expected, 'counts')).toBeUndefined();
          expect(h.total).toBe(sum(expected));
          expect(h.max).toBe(Math.max(0, ...expected));
        }
      ),
      { numRuns: 60 }
    );
  });
});

describe('totals and weights', () => {
  const WITH_SAMPLES = ALL_PERF_INPUTS.filter((p) => {
    const s = parseFixture(p);
    return s.hasTimestamps && s.sampleCount > 0;
  });

  it.each(WITH_SAMPLES)('%s: the cells sum to the non-idle sample count', (path) => {
    const store = parseFixture(path);
    const samples = allSamples(store);
    const h = computeHeatmap(store);
    const busy = samples.filter((s) => !s.idle).length;
    expect(sum(h.counts)).toBe(busy);
    expect(h.total).toBe(busy);
    expect(h.startSec).toBe(store.startSec);
    expect(h.columns).toBe(Math.floor(store.time[store.sampleCount - 1] / 1e9) + 1);
    expect(h.max).toBe(Math.max(...h.counts));
    const withIdle = computeHeatmap(store, { includeIdle: true, rows: 7 });
    expect(sum(withIdle.counts)).toBe(store.sampleCount);
  });

  it("weight 'period' sums periods", () => {
    const store = parse([
      { time: '1.100000', period: 1000 },
      { time: '1.150000', period: 250 },
      { time: '2.900000', period: 7 },
    ]);
    const h = computeHeatmap(store, { rows: 10, weight: 'period' });
    expect(nonZero(h)).toEqual(['0,1=1250', '1,9=7']);
    expect([h.total, h.max]).toEqual([1257, 1250]);
    expect(nonZero(computeHeatmap(store, { rows: 10 }))).toEqual(['0,1=2', '1,9=1']);

    const dd = parseFixture('perf-dd-stacks-01.txt');
    expect(computeHeatmap(dd, { weight: 'period' }).total).toBe(11 * 10101010);
    expect(computeHeatmap(dd).total).toBe(11);
  });

  it('filters by event, cpu, pid, tid and comm', () => {
    const store = parse([
      { comm: 'a', pid: 1, tid: 11, cpu: 0, event: 'cycles', time: '50.05' },
      { comm: 'a', pid: 1, tid: 12, cpu: 1, event: 'instructions', time: '50.15' },
      { comm: 'b c', pid: 2, tid: 21, cpu: 1, event: 'cycles', time: '50.25' },
      { comm: 'b c', pid: 2, tid: 22, cpu: 2, event: 'cycles:ppp', time: '50.35' },
    ]);
    const rowsOf = (o: HeatmapOptions) => nonZero(computeHeatmap(store, { rows: 10, ...o }));
    expect(rowsOf({})).toEqual(['0,0=1', '0,1=1', '0,2=1', '0,3=1']);
    expect(rowsOf({ event: 'cycles' })).toEqual(['0,0=1', '0,2=1']);
    expect(rowsOf({ event: 'cycles:ppp' })).toEqual(['0,3=1']);
    expect(rowsOf({ event: 'nope' })).toEqual([]);
    expect(rowsOf({ cpu: 1 })).toEqual(['0,1=1', '0,2=1']);
    expect(rowsOf({ pid: 2 })).toEqual(['0,2=1', '0,3=1']);
    expect(rowsOf({ tid: 12 })).toEqual(['0,1=1']);
    expect(rowsOf({ comm: 'b c' })).toEqual(['0,2=1', '0,3=1']);
    expect(rowsOf({ comm: 'a', cpu: 1 })).toEqual(['0,1=1']);
    expect(rowsOf({ comm: 'nobody' })).toEqual([]);
    // Filters never change the grid.
    expect(computeHeatmap(store, { rows: 10, comm: 'nobody' }).columns).toBe(1);
  });

  it('real multi-event file: per-event heat maps add up to the whole', () => {
    const store = parseFixture('perf-cycles-instructions-01.txt');
    // 111 cycles samples (9 of them the idle swapper) and 333 instructions samples.
    for (const includeIdle of [false, true]) {
      const all = computeHeatmap(store, { includeIdle });
      const cycles = computeHeatmap(store, { event: 'cycles', includeIdle });
      const instructions = computeHeatmap(store, { event: 'instructions', includeIdle });
      expect([cycles.total, instructions.total]).toEqual(includeIdle ? [111, 333] : [102, 333]);
      const added = Array.from(all.counts, (_, i) => cycles.counts[i] + instructions.counts[i]);
      expect(added).toEqual(Array.from(all.counts));
    }
  });
});

describe('FlameScope placement check (flamescope/perf.test01)', () => {
  const store = parseFixture('flamescope/perf.test01');
  const h = computeHeatmap(store, { rows: 50 });

  it('has the grid FlameScope draws', () => {
    // First sample 5076.100000, last 5117.999999.
    expect(h.startSec).toBe(5076);
    expect(h.columns).toBe(42);
  });

  it('puts each STACK-n_at_time_Xs_and_offset_Yms sample in column X, row Y / 20 ms', () => {
    const expected: string[] = [];
    for (let i = 0; i < store.sampleCount; i++) {
      const m = /^STACK-(\d+)_at_time_(\d+)s_and_offset_(\d+)ms$/.exec(leafName(store, i) ?? '');
      if (!m) {
        continue;
      }
      const [x, y] = [Number(m[2]), Number(m[3])];
      const [column, row] = [x, Math.floor((y * 50) / 1000)];
      // The sample's own time agrees with its name…
      expect(store.time[i]).toBe(x * 1e9 + y * 1e6);
      expect([Math.floor(store.time[i] / 1e9), Math.floor((store.time[i] % 1e9) / 20e6)]).toEqual([column, row]);
      // …and the heat map puts it there.
      expect(cell(h, column, row)).toBe(1);
      expected.push(`${column},${row}=1`);
    }
    expect(expected).toEqual(['0,5=1', '10,10=1', '20,15=1', '30,20=1', '40,25=1']);
    // Nothing else: the four swapper samples are idle.
    expect(nonZero(h)).toEqual(expected);
  });
});

describe('errors', () => {
  it('refuses a profile without timestamps with a HeatmapError', () => {
    expect(() => computeHeatmap(parseFixture('perf-vertx-stacks-01.txt'))).toThrow(HeatmapError);
  });

  it('refuses an empty profile with a HeatmapError', () => {
    expect(() => computeHeatmap(parseProfile(new Uint8Array(0)))).toThrow(HeatmapError);
  });

  it('a span too wide to draw is a HeatmapError (or a heat map), never a RangeError', () => {
    // Two perf-clock readings 90 million seconds apart (a corrupted digit, or two captures concatenated).
    const store = parse([{ time: '1.500000' }, { time: '90000000.500000' }]);
    let error: unknown;
    let h: Heatmap | undefined;
    try {
      h = computeHeatmap(store, { rows: 50 });
    } catch (e) {
      error = e;
    }
    if (h === undefined) {
      expect(error).toBeInstanceOf(HeatmapError);
    } else {
      expect(h.counts.length).toBe(h.columns * h.rows);
      expect(h.total).toBe(2);
    }
  });
});
