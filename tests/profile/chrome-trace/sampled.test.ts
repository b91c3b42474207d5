/**
 * DevTools Performance recordings (Chrome 69–141): V8 CPU profiles in `Profile` + `ProfileChunk` events. Every
 * expectation is computed here from the trace's own JSON (its chunks' samples, deltas and nodes), not from the
 * importer: samples per thread, per leaf function, times, idle, thread names, the wall-clock anchor.
 */
import { computeFlameGraph, computeHeatmap, FrameKind, ImportError, parseProfile } from '../../../src/profile';
import { sampleFrameNames } from '../../helpers/profile-views';
import {
  chromeBytes,
  chromeJson,
  parseTrace,
  parseTraceFixture,
  sampleMicros,
  samplesByLeaf,
  threadOf,
} from './helpers';

interface RawEvent {
  ph: string;
  name?: string;
  pid: number;
  tid: number;
  ts: number;
  id?: string;
  args?: { name?: string; data?: Record<string, any> };
}

interface RawProfile {
  pid: number;
  tid: number;
  startTime: number;
  /** node id → function name and parent. */
  nodes: Map<number, { functionName: string; parent?: number }>;
  samples: number[];
  deltas: number[];
}

function events(path: string): RawEvent[] {
  const json = chromeJson(path) as RawEvent[] | { traceEvents: RawEvent[] };
  return Array.isArray(json) ? json : json.traceEvents;
}

/** The trace's profiles, read the plain way: chunks in file order, nodes by id. */
function rawProfiles(path: string): Map<string, RawProfile> {
  const out = new Map<string, RawProfile>();
  for (const ev of events(path)) {
    if (ev.name !== 'Profile' && ev.name !== 'ProfileChunk') {
      continue;
    }
    const data = ev.args?.data;
    if (!data) {
      continue;
    }
    let p = out.get(ev.id!);
    if (!p) {
      p = { pid: -1, tid: -1, startTime: NaN, nodes: new Map(), samples: [], deltas: [] };
      out.set(ev.id!, p);
    }
    if (ev.name === 'Profile') {
      p.pid = ev.pid;
      p.tid = ev.tid;
      p.startTime = data.startTime;
    } else {
      for (const n of data.cpuProfile.nodes ?? []) {
        p.nodes.set(n.id, { functionName: n.callFrame.functionName, parent: n.parent });
      }
      p.samples.push(...(data.cpuProfile.samples ?? []));
      p.deltas.push(...(data.timeDeltas ?? []));
    }
  }
  return out;
}

function threadName(path: string, pid: number, tid: number): string | undefined {
  return events(path).find((e) => e.ph === 'M' && e.name === 'thread_name' && e.pid === pid && e.tid === tid)?.args
    ?.name;
}

/** Samples per V8 function name of the sampled node (the leaf), as the JSON says. */
function rawLeafCounts(p: RawProfile): Map<string, number> {
  const out = new Map<string, number>();
  for (const id of p.samples) {
    const fn = p.nodes.get(id)?.functionName ?? '?';
    out.set(fn, (out.get(fn) ?? 0) + 1);
  }
  return out;
}

/** Samples per function, from the store's leaf names (`gamma simple.js:20` → `gamma`), for the functions given. */
function leafFunctions(leaves: Map<string, number>, functions: Iterable<string>): Map<string, number> {
  // The longest function name the frame name starts with: `(anonymous) native dummy.js:1` is `(anonymous)`.
  const fns = [...functions].map((f) => f || '(anonymous)').sort((a, b) => b.length - a.length);
  const out = new Map<string, number>();
  for (const [leaf, n] of leaves) {
    const fn = fns.find((f) => leaf === f || leaf.startsWith(f + ' ')) ?? leaf;
    const key = fn === '(anonymous)' ? '' : fn;
    out.set(key, (out.get(key) ?? 0) + n);
  }
  return out;
}

describe('Chrome 69: a bare array of events with one CPU profile', () => {
  const path = 'Chrome-69-simple.json';
  const store = parseTraceFixture(path);
  const [raw] = [...rawProfiles(path).values()];

  it('has every sample of the profile, on the Profile event’s thread, named from thread_name', () => {
    expect(store.format).toBe('chrome-trace');
    expect(store.sampleCount).toBe(raw.samples.length);
    expect(raw.samples.length).toBe(2051);
    const names = new Set(Array.from({ length: store.sampleCount }, (_, i) => store.threads.comm[threadOf(store, i)]));
    expect([...names]).toEqual([threadName(path, raw.pid, raw.tid)]);
    expect([...names]).toEqual(['CrRendererMain']);
    expect(store.threads.pid[threadOf(store, 0)]).toBe(raw.pid);
    expect(store.threads.tid[threadOf(store, 0)]).toBe(raw.tid);
  });

  it('counts samples per leaf function as the JSON does', () => {
    const expected = rawLeafCounts(raw);
    expect(Object.fromEntries(leafFunctions(samplesByLeaf(store), expected.keys()))).toEqual(
      Object.fromEntries(expected)
    );
    expect(rawLeafCounts(raw).get('gamma')).toBe(143);
  });

  it('places sample i at startTime + Σ timeDeltas[0..i] µs', () => {
    let t = raw.startTime;
    const expected = raw.deltas.map((d) => (t += d)).sort((a, b) => a - b);
    const ours = Array.from({ length: store.sampleCount }, (_, i) => sampleMicros(store, i));
    expect(ours).toEqual(expected);
  });

  it('names frames function file:line (1-based) and keeps (root) out of every stack', () => {
    const frames = new Set(store.frames.name.slice(0, store.frames.count));
    for (const name of ['alpha simple.js:1', 'beta simple.js:8', 'gamma simple.js:20', 'delta simple.js:14']) {
      expect(frames.has(name)).toBe(true);
    }
    expect(frames.has('(root)')).toBe(false);
    const i = Array.from({ length: store.sampleCount }, (_, k) => k).find((k) =>
      sampleFrameNames(store, k).includes('gamma simple.js:20')
    )!;
    expect(sampleFrameNames(store, i).slice(0, 2)).toEqual(['(anonymous) simple.js:1', 'alpha simple.js:1']);
  });

  it('leaves idle samples out of flame graphs and heat maps unless asked', () => {
    const idle = rawLeafCounts(raw).get('(idle)') ?? 0;
    expect(idle).toBeGreaterThan(1000);
    expect(computeFlameGraph(store).total).toBe(raw.samples.length - idle);
    expect(computeFlameGraph(store, { includeIdle: true }).total).toBe(raw.samples.length);
    expect(computeHeatmap(store).total).toBe(raw.samples.length - idle);
  });

  it('gives the same store however the bytes are chunked', () => {
    const again = parseTrace(chromeBytes(path), [1, 7, 4096, 13]);
    expect(Array.from(again.time)).toEqual(Array.from(store.time));
    expect(Array.from(again.context)).toEqual(Array.from(store.context));
    expect(again.frames.name.slice(0, again.frames.count)).toEqual(store.frames.name.slice(0, store.frames.count));
  });
});

describe('Chrome 70: the main thread and a worker, two profiles in one trace', () => {
  const path = 'Chrome-70-worker.json';
  const store = parseTraceFixture(path);
  const raws = [...rawProfiles(path).values()];

  it('makes each profile a thread, named from its thread_name event, with its own samples', () => {
    expect(raws).toHaveLength(2);
    const perThread = new Map<string, number>();
    for (let i = 0; i < store.sampleCount; i++) {
      const t = threadOf(store, i);
      const key = `${store.threads.comm[t]} ${store.threads.pid[t]}/${store.threads.tid[t]}`;
      perThread.set(key, (perThread.get(key) ?? 0) + 1);
    }
    const expected = new Map(
      raws.map((r) => [`${threadName(path, r.pid, r.tid)} ${r.pid}/${r.tid}`, r.samples.length])
    );
    expect(perThread).toEqual(expected);
    expect(perThread).toEqual(
      new Map([
        ['CrRendererMain 29018/775', 1980],
        ['DedicatedWorker thread 29018/7443', 1400],
      ])
    );
  });

  it('filters by thread name (comm) and by tid', () => {
    const idle = (r: RawProfile) => rawLeafCounts(r).get('(idle)') ?? 0;
    const worker = raws.find((r) => r.tid === 7443)!;
    expect(computeFlameGraph(store, { comm: 'DedicatedWorker thread' }).total).toBe(
      worker.samples.length - idle(worker)
    );
    expect(computeFlameGraph(store, { tid: 7443 }).total).toBe(worker.samples.length - idle(worker));
  });
});

describe('Chrome 116: the {traceEvents, metadata} form', () => {
  const path = 'Chrome-116-Trace-20230603T221323.json';
  const store = parseTraceFixture(path);
  const json = chromeJson(path) as { metadata: { startTime: string }; traceEvents: RawEvent[] };

  it('anchors the trace clock to metadata.startTime at the earliest event', () => {
    const first = Math.min(...json.traceEvents.filter((e) => e.ph !== 'M').map((e) => e.ts));
    expect(store.header.wallClock).toEqual({
      epochMs: Date.parse(json.metadata.startTime),
      sec: Math.floor(first / 1e6),
      nsec: (first % 1e6) * 1000,
    });
    expect(store.header.wallClock).toEqual({ epochMs: 1685855600473, sec: 9632, nsec: 361274000 });
  });

  it('gives V8’s pseudo-frames their kinds: (program) and (garbage collector); (idle) is idle', () => {
    const [raw] = [...rawProfiles(path).values()];
    const f = store.frames;
    const kindOf = (name: string) => f.kind[f.name.indexOf(name)];
    expect(kindOf('(program)')).toBe(FrameKind.Program);
    expect(kindOf('gamma simple.js:20')).toBe(FrameKind.User);
    const chrome69 = parseTraceFixture('Chrome-69-simple.json').frames;
    expect(chrome69.kind[chrome69.name.indexOf('(garbage collector)')]).toBe(FrameKind.Gc);
    const idleSamples = Array.from({ length: store.sampleCount }, (_, i) => i).filter(
      (i) => store.contexts.idle[store.context[i]] === 1
    );
    expect(idleSamples.length).toBe(rawLeafCounts(raw).get('(idle)'));
    expect(idleSamples.every((i) => sampleFrameNames(store, i).join(';') === '(idle)')).toBe(true);
    expect(store.sampleCount).toBe(raw.samples.length);
  });
});

describe('Chrome 141: profile events without args.data', () => {
  const path = 'Chrome-141-no-arg-data.json';
  const store = parseTraceFixture(path);

  it('skips them with a warning and keeps every sample whose node and its callers are known', () => {
    const skipped = events(path).filter((e) => e.ph === 'P' && !e.args?.data).length;
    expect(skipped).toBe(2);
    const warning = store.warnings.find((w) => w.message.includes('without args.data'));
    expect(warning?.message).toMatch(/ProfileChunk events without args\.data \(skipped\): 2/);
    const raws = [...rawProfiles(path).values()];
    // Nodes defined in the skipped chunks are unknown, and so is the stack of every node below them.
    const complete = (r: RawProfile, id: number | undefined): boolean =>
      id === undefined || (r.nodes.has(id) && complete(r, r.nodes.get(id)!.parent));
    const known = raws.flatMap((r) => r.samples.filter((id) => complete(r, id)));
    expect(store.sampleCount).toBe(known.length);
    expect(store.sampleCount).toBe(400);
  });
});

describe('Chrome before 66: one CpuProfile event holding a whole .cpuprofile', () => {
  // No recording of that era is in the shared data: this is Chrome 65's own saved profile put in the event Chrome
  // 64 wrote at the end of a recording (an instant `CpuProfile` with args.data.cpuProfile, nodes with `children`).
  const raw = chromeJson('Chrome-65-simple.cpuprofile') as { startTime: number; samples: number[] };
  const trace = {
    traceEvents: [
      { pid: 7, tid: 9, ts: 0, ph: 'M', name: 'thread_name', args: { name: 'CrRendererMain' } },
      {
        pid: 7,
        tid: 9,
        ts: raw.startTime,
        ph: 'I',
        cat: 'disabled-by-default-devtools.timeline',
        name: 'CpuProfile',
        args: { data: { cpuProfile: raw } },
      },
    ],
  };
  const store = parseTrace(new TextEncoder().encode(JSON.stringify(trace)));
  const alone = parseProfile(chromeBytes('Chrome-65-simple.cpuprofile'));

  it('reads as the same profile opened alone: every sample at the same µs, the same leaf counts', () => {
    expect(store.format).toBe('chrome-trace');
    expect(store.sampleCount).toBe(raw.samples.length);
    expect(store.sampleCount).toBe(alone.sampleCount);
    const times = (s: typeof store) => Array.from({ length: s.sampleCount }, (_, i) => sampleMicros(s, i));
    expect(times(store)).toEqual(times(alone));
    expect(samplesByLeaf(store)).toEqual(samplesByLeaf(alone));
  });

  it('puts the samples on the event’s thread, named from thread_name', () => {
    expect(store.threads.count).toBe(1);
    expect(store.threads.comm[0]).toBe('CrRendererMain');
    expect(store.threads.pid[0]).toBe(7);
    expect(store.threads.tid[0]).toBe(9);
  });
});

describe('inputs that are no trace', () => {
  it('refuses empty input and non-JSON with one sentence', () => {
    expect(() => parseTrace(new Uint8Array(0))).toThrow(new ImportError('the Chrome trace is empty'));
    expect(() => parseTrace(new TextEncoder().encode('hello'))).toThrow(ImportError);
    expect(() => parseTrace(new TextEncoder().encode('hello'))).toThrow(/^the Chrome trace is not a JSON/);
  });

  it('reads an empty array as a trace without samples', () => {
    const store = parseTrace(new TextEncoder().encode('[]'));
    expect(store.sampleCount).toBe(0);
    expect(store.warnings.map((w) => w.code)).toEqual(['no-samples']);
  });
});
