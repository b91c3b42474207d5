/**
 * Trace-event durations (`B`/`E`, `X`): speedscope's catalogue of well-formed, unbalanced, out-of-order and partial
 * files, and real DevTools traces read for their slices alone. Expected stacks and microseconds are speedscope's
 * (its trace-event.test.ts snapshots, frame names without the args it appends), or worked out by hand where its
 * snapshots have none (Hermes, simultaneous anonymous calls). Ticks and µs of the real traces are computed here from
 * the events: the union of each thread's slices.
 */
import { addToWallGrid, computeFlameGraph, computeHeatmap, createWallGrid, ProfileStore } from '../../../src/profile';
import { TICK_US } from '../../../src/profile/chrome-trace/ticks';
import { sampleFrameNames } from '../../helpers/profile-views';
import { chromeBytes, chromeJson, parseTrace, parseTraceFixture, sampleMicros, threadOf } from './helpers';

/** Frames (thread left out) → µs. */
function frameStacks(store: ProfileStore): Record<string, number> {
  const out: Record<string, number> = {};
  for (let i = 0; i < store.sampleCount; i++) {
    const key = sampleFrameNames(store, i).join(';');
    out[key] = (out[key] ?? 0) + (store.weight === null ? 1 : store.weight[i]);
  }
  return out;
}

const SIMPLE = { alpha: 2, 'alpha;beta': 3, 'alpha;beta;gamma': 5, 'alpha;beta;epsilon': 4 };

/** file → stacks and their µs; `warns`: the file is malformed and must say so. */
const CATALOGUE: Array<[string, Record<string, number>, boolean]> = [
  ['simple.json', SIMPLE, false],
  ['simple-object.json', { alpha: 2, 'alpha;beta': 8, 'alpha;beta;(unnamed)': 4 }, false],
  ['simple-partial.json', SIMPLE, true],
  ['simple-partial-trailing-comma.json', SIMPLE, true],
  ['simple-partial-whitespace.json', SIMPLE, true],
  [
    'bex-interaction.json',
    { 'A;B': 2, 'D;C': 2, 'F;E': 1, F: 1, 'G;H': 1, G: 1, J: 1, 'J;I': 1, K: 1, 'K;L': 1 },
    false,
  ],
  ['too-many-end-events.json', { alpha: 2, 'alpha;beta': 12 }, true],
  ['must-retain-original-order.json', { A: 2, 'A;B': 2, 'A;B;C': 2, X: 3 }, false],
  ['end-non-top-of-stack.json', { A: 1, 'A;B': 9, 'A;B;Z': 1 }, true],
  ['mismatched-args.json', { A: 10 }, false],
  ['mismatched-name.json', {}, true],
  ['not-enough-end-events.json', { A: 1, 'A;A': 9, 'A;A;A': 1 }, true],
  ['out-of-order-unbalanced-name.json', { alpha: 1, 'alpha;beta': 9 }, true],
  ['out-of-order.json', { A: 2, 'A;B': 2, 'A;B;C': 6 }, false],
  ['unbalanced-name.json', { alpha: 1, 'alpha;beta': 9 }, true],
  ['unbalanced-args.json', { A: 2, 'A;A': 8 }, false],
  ['end-event-with-empty-stack.json', { alpha: 1 }, true],
  ['only-begin-events.json', { A: 1, 'A;B': 1 }, true],
  ['zero-duration-events.json', { A: 10 }, false],
  ['matching-x.json', { alpha: 8, 'alpha;beta;gamma': 1, 'alpha;gamma;beta': 1 }, false],
  [
    'x-events-matching-start.json',
    { alpha: 12, 'alpha;beta': 2, 'alpha;beta;gamma': 2, 'alpha;gamma': 2, 'alpha;gamma;beta': 2 },
    false,
  ],
  [
    'x-events-matching-end.json',
    { alpha: 12, 'alpha;beta': 2, 'alpha;beta;gamma': 2, 'alpha;gamma': 2, 'alpha;gamma;beta': 2 },
    false,
  ],
  ['invalid-x-nesting.json', { alpha: 5, 'alpha;beta': 10 }, true],
  ['event-reordering-name-match.json', { alpha: 9, 'alpha;beta;gamma': 1 }, false],
  // Not in speedscope's snapshots: by hand from the events.
  ['simple-hermes.json', { '[root]': 2, '[root];beta': 12 }, false],
  ['hermes-multiple-frames.json', { '[root]': 4, '[root];beta': 1, '[root];gamma': 3, '[root];gamma;beta': 6 }, false],
  [
    // At ts 3 three slices end and two begin with the same names: ends with the same args close first.
    'simultaneous-anonymous-calls.json',
    { anonymous: 1, 'anonymous;anonymous;function1;anonymous': 2, 'anonymous;anonymous;anonymous': 2 },
    false,
  ],
];

describe('the trace-event catalogue', () => {
  it.each(CATALOGUE)('%s', (file, stacks, warns) => {
    const store = parseTraceFixture(`trace-event/${file}`);
    expect(store.format).toBe('chrome-trace');
    expect(frameStacks(store)).toEqual(stacks);
    const problems = store.warnings.filter((w) => w.code !== 'no-samples');
    expect(problems.length > 0).toBe(warns);
    if (Object.keys(stacks).length > 0) {
      // Weighed by period, the flame graph is those microseconds.
      const total = Object.values(stacks).reduce((a, b) => a + b, 0);
      expect(computeFlameGraph(store, { weight: 'period' }).total).toBe(total);
      // The builder keeps no weight column when every weight is 1 (each stack open 1 µs in its tick).
      expect(store.hasPeriods).toBe(Object.values(stacks).some((us) => us !== 1));
    }
  });

  it.each(['simple.json', 'simple-partial-trailing-comma.json', 'bex-interaction.json', 'multiprocess.json'])(
    '%s gives the same store however it is chunked',
    (file) => {
      const whole = parseTraceFixture(`trace-event/${file}`);
      for (const sizes of [[1], [2, 3], [17]]) {
        const chunked = parseTraceFixture(`trace-event/${file}`, sizes);
        expect(Array.from(chunked.time)).toEqual(Array.from(whole.time));
        expect(Array.from(chunked.weight ?? [])).toEqual(Array.from(whole.weight ?? []));
        expect(frameStacks(chunked)).toEqual(frameStacks(whole));
      }
    }
  );

  it('says how a partial file ended', () => {
    const warning = (file: string) =>
      parseTraceFixture(`trace-event/${file}`).warnings.find((w) => w.code === 'truncated');
    expect(warning('simple-partial-trailing-comma.json')?.message).toBe(
      'the trace ends without its closing bracket: every complete event was read'
    );
    expect(warning('simple.json')).toBeUndefined();
    // Cut inside the last event (alpha's end): the complete ones are read, alpha closes at the last event left.
    const bytes = chromeBytes('trace-event/simple.json');
    const text = new TextDecoder().decode(bytes);
    const cut = text.indexOf('"alpha", "ts": 14');
    const store = parseTrace(bytes.subarray(0, cut));
    expect(frameStacks(store)).toEqual({ alpha: 1, 'alpha;beta': 3, 'alpha;beta;gamma': 5, 'alpha;beta;epsilon': 4 });
    expect(store.warnings.find((w) => w.code === 'truncated')?.message).toBe(
      `the trace ends inside an event: its ${cut - text.lastIndexOf('{', cut)} bytes were dropped`
    );
  });

  it('reports unbalanced events in one line per kind of trouble', () => {
    const store = parseTraceFixture('trace-event/end-non-top-of-stack.json');
    expect(store.warnings).toEqual([
      {
        code: 'bad-frame-line',
        message:
          'slice ends naming another slice than the innermost open one (ignored): 1; ' +
          'slices still open at the end (closed at the last event of their thread): 2',
        count: 3,
      },
    ]);
  });

  it('makes each pid/tid a thread, named from thread_name, else process_name', () => {
    const store = parseTraceFixture('trace-event/multiprocess.json');
    const threads = Array.from({ length: store.sampleCount }, (_, i) => {
      const t = threadOf(store, i);
      return `${store.threads.comm[t]} ${store.threads.pid[t]}/${store.threads.tid[t]} ${sampleFrameNames(store, i)}`;
    }).sort();
    expect(threads).toEqual([
      'p0t0 0/0 alpha',
      'p0t1 0/1 beta',
      'p1t0 1/0 gamma',
      'p1t1 1/1 delta',
      'p2t0 2/0 epsilon',
      'p2t1 2/1 phi',
      'p3 3/0 zeta',
      'p3 3/1 eta',
    ]);
  });
});

describe('the ticks of a real trace read for its slices', () => {
  // A DevTools recording without its CPU profile events: what is left is Chrome's own B/E/X slices, 16 threads.
  const json = chromeJson('Chrome-69-simple.json') as Array<Record<string, any>>;
  const events = json.filter((e) => e.ph !== 'P');
  const store = parseTrace(new TextEncoder().encode(JSON.stringify(events)));

  /** Per thread `pid/tid`: the union of its slices, as sorted disjoint [start, end) µs intervals. */
  function busyIntervals(): Map<string, Array<[number, number]>> {
    const slices = new Map<string, Array<[number, number]>>();
    const add = (key: string, a: number, b: number) => {
      if (b > a) {
        slices.set(key, [...(slices.get(key) ?? []), [a, b]]);
      }
    };
    const open = new Map<string, number[]>();
    for (const e of [...events].sort((a, b) => a.ts - b.ts)) {
      const key = `${e.pid}/${e.tid}`;
      if (e.ph === 'X') {
        add(key, e.ts, e.ts + (e.dur ?? e.tdur ?? 0));
      } else if (e.ph === 'B') {
        open.set(key, [...(open.get(key) ?? []), e.ts]);
      } else if (e.ph === 'E' && (open.get(key)?.length ?? 0) > 0) {
        add(key, open.get(key)!.pop()!, e.ts);
      }
    }
    const union = new Map<string, Array<[number, number]>>();
    for (const [key, list] of slices) {
      const merged: Array<[number, number]> = [];
      for (const [a, b] of list.sort((x, y) => x[0] - y[0])) {
        const last = merged[merged.length - 1];
        if (last && a <= last[1]) {
          last[1] = Math.max(last[1], b);
        } else {
          merged.push([a, b]);
        }
      }
      union.set(key, merged);
    }
    return union;
  }

  const busy = busyIntervals();
  const overlap = (intervals: Array<[number, number]>, from: number, to: number) =>
    intervals.reduce((sum, [a, b]) => sum + Math.max(0, Math.min(b, to) - Math.max(a, from)), 0);

  it('weighs each thread by the µs a slice was open on it', () => {
    const ours = new Map<string, number>();
    for (let i = 0; i < store.sampleCount; i++) {
      const t = threadOf(store, i);
      const key = `${store.threads.pid[t]}/${store.threads.tid[t]}`;
      ours.set(key, (ours.get(key) ?? 0) + store.weight![i]);
    }
    const expected = new Map([...busy].map(([key, iv]) => [key, overlap(iv, -Infinity, Infinity)]));
    expect(ours).toEqual(expected);
    expect(store.threads.count).toBe(16);
  });

  it('has a sample in exactly the 10-ms ticks in which the thread had a slice open, at the tick’s start', () => {
    const ours = new Set<string>();
    for (let i = 0; i < store.sampleCount; i++) {
      const t = threadOf(store, i);
      const us = sampleMicros(store, i);
      expect(us % TICK_US).toBe(0);
      ours.add(`${store.threads.pid[t]}/${store.threads.tid[t]}@${us / TICK_US}`);
    }
    const expected = new Set<string>();
    for (const [key, iv] of busy) {
      for (const [a, b] of iv) {
        for (let k = Math.floor(a / TICK_US); k * TICK_US < b; k++) {
          expected.add(`${key}@${k}`);
        }
      }
    }
    expect(ours).toEqual(expected);
    expect(expected.size).toBe(94);
  });

  it('gives the flame graph of any tick-aligned range the µs open inside it', () => {
    const first = Math.floor(sampleMicros(store, 0) / TICK_US);
    const startUs = store.startSec * 1e6;
    for (const [k, n] of [
      [first, 2],
      [first + 3, 5],
      [first + 10, 20],
    ]) {
      const from = k * TICK_US;
      const to = (k + n) * TICK_US;
      const expected = [...busy.values()].reduce((sum, iv) => sum + overlap(iv, from, to), 0);
      const fg = computeFlameGraph(store, {
        weight: 'period',
        fromNs: (from - startUs) * 1000,
        toNs: (to - startUs) * 1000,
      });
      expect(fg.total).toBe(expected);
    }
  });

  it('puts each tick in its heat-map cell: µs by weight; by count, the threads busy in it (FlameScope’s 100 Hz rule)', () => {
    const heatmap = computeHeatmap(store, { rows: 100, weight: 'period' });
    const byCount = computeHeatmap(store, { rows: 100 });
    const startUs = store.startSec * 1e6;
    let ticksWithSeveralStacks = 0;
    for (let c = 0; c < heatmap.columns; c++) {
      for (let r = 0; r < heatmap.rows; r++) {
        const from = startUs + c * 1e6 + r * TICK_US;
        const expected = [...busy.values()].reduce((sum, iv) => sum + overlap(iv, from, from + TICK_US), 0);
        expect(heatmap.counts[c * heatmap.rows + r]).toBe(expected);
        const busyThreads = [...busy.values()].filter((iv) => overlap(iv, from, from + TICK_US) > 0).length;
        expect(byCount.counts[c * heatmap.rows + r]).toBe(busyThreads);
        const samplesInTick = Array.from({ length: store.sampleCount }, (_, i) => sampleMicros(store, i)).filter(
          (us) => us === from
        ).length;
        ticksWithSeveralStacks += samplesInTick > busyThreads ? 1 : 0;
      }
    }
    // The busy (thread, tick) pairs, once each, though some ticks hold several stacks of one thread.
    expect(byCount.total).toBe(94);
    expect(store.sampleCount).toBeGreaterThan(94);
    expect(ticksWithSeveralStacks).toBeGreaterThan(0);
  });

  it('counts busy ticks on the wall clock too, and per thread when filtered', () => {
    const grid = createWallGrid(0, 1e13, 100, 1e5);
    expect(addToWallGrid(grid, store, 0, { fromMs: 0, toMs: 1e13 }, {})).toBe(94);
    const [key, intervals] = [...busy].find(([, iv]) => iv.length > 0)!;
    const [pid, tid] = key.split('/').map(Number);
    const ticks = new Set<number>();
    for (const [a, b] of intervals) {
      for (let k = Math.floor(a / TICK_US); k * TICK_US < b; k++) {
        ticks.add(k);
      }
    }
    expect(computeHeatmap(store, { rows: 100, pid, tid }).total).toBe(ticks.size);
  });
});

describe('the format’s own samples (Hermes)', () => {
  it('places each sample at its ts on its thread, with the stack from stackFrames', () => {
    const store = parseTraceFixture('trace-event/simple-with-samples.json');
    const json = chromeJson('trace-event/simple-with-samples.json') as { samples: Array<{ ts: string }> };
    expect(Array.from({ length: store.sampleCount }, (_, i) => sampleMicros(store, i))).toEqual(
      json.samples.map((s) => Number(s.ts))
    );
    expect(
      new Set(Array.from({ length: store.sampleCount }, (_, i) => store.threads.comm[threadOf(store, i)]))
    ).toEqual(new Set(['mqt_js']));
    const stacks = frameStacks(store);
    expect(Object.keys(stacks).map((s) => s.replace(/\(http[^)]*\)/g, '()'))).toEqual([
      '[root]',
      '[root];function1()',
      '[root];function2();function3()',
      '[root];[GC Young Gen]',
    ]);
    expect(Object.values(stacks)).toEqual([3, 1, 1, 2]);
    expect(store.hasPeriods).toBe(false);
  });

  it('names threads from thread_name, else from their process', () => {
    const store = parseTraceFixture('trace-event/multi-thread-with-samples.json');
    const perThread: Record<string, number> = {};
    for (let i = 0; i < store.sampleCount; i++) {
      const t = threadOf(store, i);
      const key = `${store.threads.comm[t]} ${store.threads.tid[t]}`;
      perThread[key] = (perThread[key] ?? 0) + 1;
    }
    expect(perThread).toEqual({ 'mqt_js 1': 3, 'hermes 2': 5 });
  });
});
