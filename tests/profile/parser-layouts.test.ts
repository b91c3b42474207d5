/**
 * The perf-script parser over every real input and over the layouts perf (and simpleperf) print: what each field
 * becomes in the store, checked against the text itself rather than against the engine's own renderers.
 */
import fc from 'fast-check';
import {
  createParser,
  FrameKind,
  foldedText,
  foldStacks,
  parseProfile,
  ProfileStore,
  sampleRange,
  toDisplayText,
} from '../../src/profile';
import { ALL_PERF_INPUTS, fixtureBytes } from '../helpers/fixtures';
import {
  allSamples,
  bytesToLatin1,
  cachedFixture as parseFixture,
  firstDifference,
  latin1,
  leafName,
  parseInChunks,
  perfText,
  sampleFrameIds,
  sampleFrameNames,
  sampleView,
  warningCount,
} from '../helpers/profile-views';

/**
 * Samples per input, counted by hand (the fixtures README's "samples" column, except single-line-stacks: its two
 * right-aligned, single-line samples are real samples that the README's classifier did not match).
 */
const EXPECTED_SAMPLES: Record<string, number> = {
  'example-perf-stacks.txt.gz': 1315,
  'perf-cycles-instructions-01.txt': 444,
  'perf-dd-stacks-01.txt': 11,
  'perf-funcab-cmd-01.txt': 169,
  'perf-funcab-pid-01.txt': 228,
  'perf-iperf-stacks-pidtid-01.txt': 201,
  'perf-java-faults-01.txt': 23,
  'perf-java-stacks-01.txt': 46,
  'perf-java-stacks-02.txt': 2,
  'perf-js-stacks-01.txt': 2,
  'perf-mirageos-stacks-01.txt': 53,
  'perf-numa-stacks-01.txt': 200,
  'perf-rust-Yamakaky-dcpu.txt': 58,
  'perf-vertx-stacks-01.txt': 286,
  'inferno/cpp-stacks-std-function.txt': 46,
  'inferno/empty-line.txt': 2,
  'inferno/go-stacks.txt': 5,
  'inferno/java-inline.txt': 22,
  'inferno/no-events.txt': 0,
  'inferno/single-event.txt': 1,
  'inferno/single-line-stacks.txt': 2,
  'inferno/sourcepawn-jitdump.txt': 1,
  'inferno/versioned-vmlinux.txt': 1,
  'inferno/weird-stack-line.txt': 2,
  'speedscope/forks.linux-perf.txt': 561,
  'speedscope/one-sample.linux-perf.txt': 1,
  'speedscope/rust-mangled.linux-perf.txt': 96,
  'speedscope/simple-with-header.linux-perf.txt': 136,
  'speedscope/simple-with-pid.linux-perf.txt': 137,
  'speedscope/simple.linux-perf.txt': 1,
  'speedscope/system-wide.linux-perf.txt': 556,
  'flamescope/perf.test01': 9,
  'firefox-profiler/graphviz.perf.gz': 312,
  'firefox-profiler/gzip.perf.gz': 420,
  'firefox-profiler/simple-perf.txt.gz': 163,
  'firefox-profiler/test.perf.gz': 73,
};

const NO_TIMESTAMPS = [
  'perf-funcab-pid-01.txt',
  'perf-java-stacks-02.txt',
  'perf-js-stacks-01.txt',
  'perf-vertx-stacks-01.txt',
  'inferno/no-events.txt',
];

/**
 * An independent count. With timestamps: lines carrying a `sec.frac:` token that are neither comments nor frame lines
 * (`<ws><hex> …`). Without: blank-line-separated blocks that hold anything but comments.
 */
function countSampleHeaders(text: string): number {
  const lines = text.split('\n');
  const timed = lines.filter(
    (l) => !l.startsWith('#') && !/^\s+[0-9a-f]+\s/.test(l) && /(^|\s)\d+\.\d+:(\s|$)/.test(l)
  ).length;
  if (timed > 0) {
    return timed;
  }
  return text
    .split(/\n[ \t]*\n/)
    .filter((block) => block.split('\n').some((l) => l.trim() !== '' && !l.startsWith('#'))).length;
}

function text(path: string): string {
  return bytesToLatin1(fixtureBytes(path));
}

function parseText(s: string): ProfileStore {
  return parseProfile(latin1(s));
}

function toCrlf(bytes: Uint8Array): Uint8Array {
  return latin1(bytesToLatin1(bytes).replace(/\n/g, '\r\n'));
}

describe('every real input', () => {
  it('has an expected sample count for each input and no more', () => {
    expect(Object.keys(EXPECTED_SAMPLES).sort()).toEqual([...ALL_PERF_INPUTS].sort());
  });

  it.each(ALL_PERF_INPUTS)('%s parses to the samples its text holds', (path) => {
    const store = parseFixture(path);
    expect(store.sampleCount).toBe(EXPECTED_SAMPLES[path]);
    if (path !== 'inferno/single-line-stacks.txt') {
      expect(store.sampleCount).toBe(countSampleHeaders(text(path)));
    }
    expect(store.time.length).toBe(store.sampleCount);
    expect(store.context.length).toBe(store.sampleCount);
    expect(store.hasTimestamps).toBe(!NO_TIMESTAMPS.includes(path));
    const time = Array.from(store.time);
    expect(time.filter((t, i) => i > 0 && t < time[i - 1])).toEqual([]);
    expect(time.filter((t) => !Number.isInteger(t) || t < 0)).toEqual([]);
    if (store.hasTimestamps) {
      // startSec is the whole second of the first sample.
      expect(store.time[0]).toBeLessThan(1e9);
      expect(Number.isInteger(store.startSec)).toBe(true);
    } else {
      expect(time.every((t) => t === 0)).toBe(true);
    }
  });

  it.each(ALL_PERF_INPUTS)('%s keeps no `+0x…` offset and no CR in any frame, DSO or comm', (path) => {
    const store = parseFixture(path);
    expect(store.frames.name.filter((n) => /\+0x[0-9a-fA-F]+$/.test(n) || n.includes('\r'))).toEqual([]);
    expect(store.frames.dso.filter((d) => d.includes('\r'))).toEqual([]);
    expect(store.threads.comm.filter((c) => /^\s|\s$/.test(c))).toEqual([]);
  });
});

describe('--header fields', () => {
  it('keeps the perf 5.x header of firefox-profiler/graphviz.perf.gz', () => {
    const store = parseFixture('firefox-profiler/graphviz.perf.gz');
    const h = store.header;
    expect(h.capturedOn).toBe('Sat Sep  4 10:27:47 2021');
    expect(h.hostname).toBe('mark-t510');
    expect(h.osRelease).toBe('5.11.0-27-generic');
    expect(h.perfVersion).toBe('5.11.22');
    expect(h.arch).toBe('x86_64');
    expect(h.nrcpusOnline).toBe(4);
    expect(h.nrcpusAvailable).toBe(4);
    expect(h.cpuDescription).toBe('Intel(R) Core(TM) i7 CPU M 620 @ 2.67GHz');
    expect(h.cmdline).toBe(
      '/usr/lib/linux-hwe-5.11-tools-5.11.0-27/perf record -F 4000 -g --call-graph dwarf -o ninja.data dot -Tsvg ninja.dot'
    );
    expect(h.events).toEqual(['cycles']);
    expect(h.timeOfFirstSample).toBe('2782.992243');
    expect(h.timeOfLastSample).toBe('2783.062516');
    expect(h.fields['sample duration']).toBe('70.273 ms');
    expect(h.fields['total memory']).toBe('8007024 kB');
    // The header's first/last sample times are the samples' own times.
    expect(store.startSec).toBe(2782);
    expect(store.time[0]).toBe(992_243_000);
    expect(store.time[store.sampleCount - 1]).toBe(1_062_516_000);
  });

  it('keeps the perf 3.x header of example-perf-stacks.txt.gz', () => {
    const h = parseFixture('example-perf-stacks.txt.gz').header;
    expect(h.capturedOn).toBe('Thu Jul  9 17:14:37 2015');
    expect(h.hostname).toBe('lgud-bgregg');
    expect(h.nrcpusOnline).toBe(4);
    expect(h.cmdline).toBe('/usr/lib/linux-tools-3.13.0-44/perf record -F 99 -a -g -- sleep 10');
    expect(h.events).toEqual(['cycles']);
  });

  it('lists every event of the header, in order', () => {
    expect(parseFixture('perf-cycles-instructions-01.txt').header.events).toEqual(['cycles', 'instructions']);
  });

  it('is empty for input without a header', () => {
    const h = parseFixture('perf-dd-stacks-01.txt').header;
    expect(h.capturedOn).toBeUndefined();
    expect(h.events).toEqual([]);
  });
});

describe('sample header lines', () => {
  it('reads `Worker 1 123/124 [000] 1.5: cycles:` as comm "Worker 1", pid 123, tid 124, cpu 0', () => {
    const store = parseText('Worker 1 123/124 [000] 1.5: cycles:\n\t7f00 foo (/bin/x)\n\n');
    expect(store.sampleCount).toBe(1);
    expect(sampleView(store, 0)).toMatchObject({ comm: 'Worker 1', pid: 123, tid: 124, cpu: 0, event: 'cycles' });
    expect(store.startSec).toBe(1);
    expect(store.time[0]).toBe(500_000_000);
    expect(sampleFrameNames(store, 0)).toEqual(['foo']);
  });

  it('keeps comms holding spaces and digits', () => {
    const store = parseText(
      perfText([
        { comm: 'V8 WorkerThread', pid: 4242, tid: 4250, cpu: 2, time: '12.345678' },
        { comm: 'C2 CompilerThre', pid: 3245, tid: 3260, cpu: 11, time: '12.345679' },
        { comm: 'kworker/u16:2', pid: 77, tid: 77, cpu: 3, time: '12.345680' },
        { comm: '12345', tid: 9, time: '12.345681' },
      ])
    );
    expect(allSamples(store).map((s) => [s.comm, s.pid, s.tid, s.cpu])).toEqual([
      ['V8 WorkerThread', 4242, 4250, 2],
      ['C2 CompilerThre', 3245, 3260, 11],
      ['kworker/u16:2', 77, 77, 3],
      ['12345', -1, 9, -1],
    ]);
  });

  it('reads the comm "FS Broker 5906" (spaces and digits) of firefox-profiler/test.perf.gz', () => {
    const store = parseFixture('firefox-profiler/test.perf.gz');
    const broker = allSamples(store).filter((s) => s.comm === 'FS Broker 5906');
    expect(broker).toHaveLength(1);
    expect(broker[0]).toMatchObject({ pid: 7564, tid: 7598, cpu: -1, event: 'cycles:ppp' });
    expect(new Set(store.threads.comm)).toEqual(new Set(['firefox', 'gdbus', 'FS Broker 5906']));
  });

  it('reads right-aligned comms with the only frame on the sample line (inferno/single-line-stacks.txt)', () => {
    const store = parseFixture('inferno/single-line-stacks.txt');
    expect(allSamples(store).map((s) => [s.comm, s.pid, s.tid, s.event, s.weight])).toEqual([
      ['false', -1, 39654, 'cycles:u', 1],
      ['false', -1, 39654, 'cycles', 1],
    ]);
    expect(sampleFrameNames(store, 0)).toEqual(['[unknown]']);
    expect(sampleFrameNames(store, 1)).toEqual(['_dl_start']);
    expect(store.frames.dso[sampleFrameIds(store, 1)[0]]).toBe('/usr/lib/ld-2.31.so');
    expect(store.time[1] - store.time[0]).toBe(6_000);
  });

  it('reads pid/tid and tid alone (pid -1)', () => {
    const iperf = parseFixture('perf-iperf-stacks-pidtid-01.txt');
    expect(sampleView(iperf, 0)).toMatchObject({ comm: 'iperf', pid: 27409, tid: 28744, cpu: 0 });
    const pids = new Set(allSamples(iperf).map((s) => s.pid));
    expect(pids).toEqual(new Set([27409, 28735, 28796, 28797]));
    expect(allSamples(iperf).filter((s) => s.pid === 28735 && s.tid === 28737)).toHaveLength(34);

    const dd = parseFixture('perf-dd-stacks-01.txt');
    expect(sampleView(dd, 0)).toMatchObject({ comm: 'dd', pid: -1, tid: 29776, cpu: -1 });

    const synthetic = parseText(
      'a 77 1.000001: cycles:\n\t1 f (/x)\n\nb -1/-1 [003] 1.000002: cycles:\n\t1 f (/x)\n\n'
    );
    expect(allSamples(synthetic).map((s) => [s.comm, s.pid, s.tid, s.cpu])).toEqual([
      ['a', -1, 77, -1],
      ['b', -1, -1, 3],
    ]);
  });

  it('reads the optional [cpu]', () => {
    const store = parseFixture('perf-cycles-instructions-01.txt');
    expect(sampleView(store, 0)).toMatchObject({ comm: 'noploop', tid: 21796, cpu: 1 });
    const cpus = new Set(allSamples(store).map((s) => s.cpu));
    expect([...cpus].every((c) => c >= 0)).toBe(true);
    expect(allSamples(parseFixture('perf-funcab-cmd-01.txt')).every((s) => s.cpu === -1)).toBe(true);
  });

  it('turns 9-decimal timestamps into exact nanoseconds', () => {
    const store = parseText(
      perfText([
        { time: '2574592.839818123', frames: ['a (/x)'] },
        { time: '2574593.000000001', frames: ['b (/x)'] },
        { time: '2574592.000000000', frames: ['c (/x)'] },
        { time: '2574599.999999999', frames: ['d (/x)'] },
      ])
    );
    expect(store.timePrecisionDigits).toBe(9);
    expect(store.startSec).toBe(2574592);
    expect(Array.from(store.time)).toEqual([0, 839_818_123, 1_000_000_001, 7_999_999_999]);
    expect([0, 1, 2, 3].map((i) => leafName(store, i))).toEqual(['c', 'a', 'b', 'd']);
  });

  it('turns 6-decimal timestamps into exact nanoseconds', () => {
    const store = parseText(
      perfText([
        { time: '7628263.042515', frames: ['a (/x)'] },
        { time: '7628263.000001', frames: ['b (/x)'] },
        { time: '7628264.999999', frames: ['c (/x)'] },
      ])
    );
    expect(store.timePrecisionDigits).toBe(6);
    expect(store.startSec).toBe(7628263);
    expect(Array.from(store.time)).toEqual([1_000, 42_515_000, 1_999_999_000]);
  });

  it('reads the optional period as the sample weight', () => {
    const withPeriods = parseText(
      perfText([
        { time: '1.000001', period: 1234, event: 'cycles:ppp' },
        { time: '1.000002', period: 5, event: 'cycles:ppp' },
        { time: '1.000003', period: 1, event: 'cycles:ppp' },
      ])
    );
    expect(withPeriods.hasPeriods).toBe(true);
    expect(allSamples(withPeriods).map((s) => s.weight)).toEqual([1234, 5, 1]);
    expect(withPeriods.events).toEqual(['cycles:ppp']);

    const without = parseText(perfText([{ time: '1.000001' }, { time: '1.000002' }]));
    expect(without.hasPeriods).toBe(false);
    expect(without.weight).toBeNull();

    const dd = parseFixture('perf-dd-stacks-01.txt');
    expect(dd.hasPeriods).toBe(true);
    expect(allSamples(dd).map((s) => s.weight)).toEqual(new Array(11).fill(10101010));
  });

  it('keeps event modifiers as part of the event name', () => {
    expect(parseFixture('inferno/cpp-stacks-std-function.txt').events).toEqual(['cycles:uppp']);
    expect(parseFixture('inferno/go-stacks.txt').events).toEqual(['cpu-clock:uhH']);
    expect(parseFixture('perf-rust-Yamakaky-dcpu.txt').events).toEqual(['cycles:u']);
    const test = parseFixture('firefox-profiler/test.perf.gz');
    expect([...test.events].sort()).toEqual(['cycles:ppp', 'cycles:uppp']);
    const perEvent = new Map<string, number>();
    for (const s of allSamples(test)) {
      perEvent.set(s.event, (perEvent.get(s.event) ?? 0) + 1);
    }
    expect(Object.fromEntries(perEvent)).toEqual({ 'cycles:uppp': 72, 'cycles:ppp': 1 });
  });

  it('separates a tracepoint payload from the call chain', () => {
    const store = parseText(
      'sshd 1234/1234 [001] 5.000001: sched:sched_switch: prev_comm=sshd prev_pid=1234 prev_prio=120 ' +
        'prev_state=S ==> next_comm=swapper/1 next_pid=0 next_prio=120\n' +
        '\tffffffff81000001 __schedule ([kernel.kallsyms])\n' +
        '\tffffffff81000002 schedule ([kernel.kallsyms])\n' +
        '\t7f0000000003 __poll (/lib/libc.so.6)\n\n'
    );
    expect(store.sampleCount).toBe(1);
    expect(store.warnings).toEqual([]);
    expect(store.events).toEqual(['sched:sched_switch']);
    expect(sampleView(store, 0)).toMatchObject({ comm: 'sshd', pid: 1234, tid: 1234, cpu: 1 });
    expect(sampleFrameNames(store, 0)).toEqual(['__poll', 'schedule', '__schedule']);
    expect(store.frames.count).toBe(3);
  });

  it('reads several events in one file (perf-cycles-instructions-01)', () => {
    const store = parseFixture('perf-cycles-instructions-01.txt');
    const raw = text('perf-cycles-instructions-01.txt');
    const expected = {
      cycles: (raw.match(/^\S.* cycles: *$/gm) ?? []).length,
      instructions: (raw.match(/^\S.* instructions: *$/gm) ?? []).length,
    };
    expect(expected).toEqual({ cycles: 111, instructions: 333 });
    expect([...store.events].sort()).toEqual(['cycles', 'instructions']);
    const perEvent = { cycles: 0, instructions: 0 } as Record<string, number>;
    for (const s of allSamples(store)) {
      perEvent[s.event]++;
    }
    expect(perEvent).toEqual(expected);
    // The first sample's event is what stackcollapse-perf.pl keeps by default.
    expect(store.foldEvent).toBe('instructions');
  });
});

describe('frame lines', () => {
  function oneSample(frames: string[]): ProfileStore {
    return parseText(perfText([{ time: '1.000001', frames }]));
  }

  function frameOf(store: ProfileStore, name: string) {
    const id = store.frames.name.indexOf(name);
    expect(id).toBeGreaterThanOrEqual(0);
    return {
      dso: store.frames.dso[id],
      kind: store.frames.kind[id],
      chainPart: store.frames.chainPart[id],
    };
  }

  it('strips `+0x…` offsets: one function at two offsets is one frame', () => {
    const store = oneSample(['f+0x1f (/x)', 'f+0x2 (/x)', 'g+0xffff018fd5dce000 (/x)', 'h (/x)']);
    expect(sampleFrameNames(store, 0)).toEqual(['h', 'g', 'f', 'f']);
    expect(store.frames.count).toBe(3);
    const go = parseFixture('inferno/go-stacks.txt');
    expect(go.frames.name).toContain('runtime.mapassign_faststr');
    expect(go.frames.name).toContain('text/template.addValueFuncs');
  });

  it('keeps symbols with spaces, parens and `+`', () => {
    const store = oneSample([
      'std::vector<int>::operator+=(int)+0x12 (/usr/lib/libfoo.so)',
      'std::function<int (int)>::operator()(int) const (/usr/lib/libfoo.so)',
      'a+b (/usr/lib/libfoo.so)',
    ]);
    expect(sampleFrameNames(store, 0)).toEqual([
      'a+b',
      'std::function<int (int)>::operator()(int) const',
      'std::vector<int>::operator+=(int)',
    ]);
    expect(store.frames.dso).toEqual(['/usr/lib/libfoo.so', '/usr/lib/libfoo.so', '/usr/lib/libfoo.so']);
    const vertx = parseFixture('perf-vertx-stacks-01.txt');
    const steal = vertx.frames.name.indexOf('StealTask::do_it(GCTaskManager*, unsigned int)');
    expect(steal).toBeGreaterThanOrEqual(0);
    expect(vertx.frames.dso[steal]).toBe(
      '/mnt/openjdk8/build/linux-x86_64-normal-server-release/jdk/lib/amd64/server/libjvm.so'
    );
  });

  it('reads a DSO path holding spaces and parens', () => {
    const store = oneSample(['foo (/opt/my app/lib (x86).so)', 'ns::f(int) (/opt/a (b)/c.so)']);
    expect(frameOf(store, 'foo').dso).toBe('/opt/my app/lib (x86).so');
    expect(frameOf(store, 'ns::f(int)').dso).toBe('/opt/a (b)/c.so');
  });

  it('marks `(inlined)` frames as inlined (firefox-profiler/graphviz.perf.gz)', () => {
    const store = parseFixture('firefox-profiler/graphviz.perf.gz');
    const inlined = store.frames.dso.map((d, i) => [d, i] as const).filter(([d]) => d === 'inlined');
    expect(inlined.length).toBeGreaterThan(10);
    for (const [, id] of inlined) {
      expect(store.frames.kind[id]).toBe(FrameKind.Inlined);
    }
    const dlStart = store.frames.name.indexOf('_dl_start_final');
    expect(store.frames.dso[dlStart]).toBe('inlined');
    expect(store.frames.kind[store.frames.dso.indexOf('[kernel.kallsyms]')]).toBe(FrameKind.Kernel);
  });

  it('keeps `[unknown]` frames, and their address when asked', () => {
    const dd = parseFixture('perf-dd-stacks-01.txt');
    const unknown = dd.frames.name.indexOf('[unknown]');
    expect(unknown).toBeGreaterThanOrEqual(0);
    expect(dd.frames.dso[unknown]).toBe('[unknown]');
    expect(dd.frames.kind[unknown]).toBe(FrameKind.User);
    const store = parseProfile(latin1(perfText([{ time: '1.1', frames: ['[unknown] ([unknown])'] }])), {
      keepUnknownAddresses: true,
    });
    expect(store.frames.address[sampleFrameIds(store, 0)[0]]).toBe('400000');
  });

  it('marks perf-map and jitdump frames as JIT', () => {
    const store = oneSample(['a (/tmp/perf-123.map)', 'b (/tmp/jitted-1-2.so)', 'c (/usr/lib/libc.so.6)']);
    expect(frameOf(store, 'a').kind).toBe(FrameKind.Jit);
    expect(frameOf(store, 'b').kind).toBe(FrameKind.Jit);
    expect(frameOf(store, 'c').kind).toBe(FrameKind.User);

    const java = parseFixture('perf-java-stacks-01.txt');
    const mapFrames = java.frames.dso.map((d, i) => [d, i] as const).filter(([d]) => /^\/tmp\/perf-\d+\.map$/.test(d));
    expect(mapFrames.length).toBeGreaterThan(0);
    for (const [, id] of mapFrames) {
      expect(java.frames.kind[id]).toBe(FrameKind.Jit);
    }
    const sp = parseFixture('inferno/sourcepawn-jitdump.txt');
    const fib = sp.frames.name.indexOf('fib.smx::fib');
    expect(sp.frames.dso[fib]).toBe('/tmp/jitted-31714-4145673320.so');
    expect(sp.frames.kind[fib]).toBe(FrameKind.Jit);
  });

  it('splits a Java `a->b->c` chain into three frames, the later ones inlined (inferno/java-inline.txt)', () => {
    const store = parseFixture('inferno/java-inline.txt');
    const chain = ['Ljava/io/PrintStream;::println', 'Ljava/io/PrintStream;::print', 'Ljava/io/PrintStream;::write'];
    let found = 0;
    for (let i = 0; i < store.sampleCount; i++) {
      const ids = sampleFrameIds(store, i);
      const names = ids.map((f) => store.frames.name[f]);
      for (let k = 0; k + 3 <= names.length; k++) {
        if (names[k] === chain[0] && names[k + 1] === chain[1] && names[k + 2] === chain[2]) {
          found++;
          const [a, b, c] = ids.slice(k, k + 3);
          expect([store.frames.chainPart[a], store.frames.chainPart[b], store.frames.chainPart[c]]).toEqual([0, 1, 1]);
          expect([store.frames.kind[a], store.frames.kind[b], store.frames.kind[c]]).toEqual([
            FrameKind.Jit,
            FrameKind.Inlined,
            FrameKind.Inlined,
          ]);
          expect(store.frames.dso[c]).toBe('/tmp/perf-10487.map');
        }
      }
    }
    expect(found).toBeGreaterThan(0);
    // No frame keeps the arrow.
    expect(store.frames.name.filter((n) => n.includes('->'))).toEqual([]);
  });

  it('splits a synthetic chain and not C++ `operator->`', () => {
    const store = oneSample([
      'Lx;::c (/tmp/perf-1.map)',
      'La;::a->Lb;::b->Lc;::c (/tmp/perf-1.map)',
      'Ptr::operator->() (/x)',
    ]);
    expect(sampleFrameNames(store, 0)).toEqual(['Ptr::operator->()', 'La;::a', 'Lb;::b', 'Lc;::c', 'Lx;::c']);
  });

  it('reads simpleperf output with TAB separators (firefox-profiler/simple-perf.txt.gz)', () => {
    const store = parseFixture('firefox-profiler/simple-perf.txt.gz');
    expect(store.events).toEqual(['task-clock:u']);
    expect(store.startSec).toBe(115539);
    expect(store.time[0]).toBe(936_601_000);
    expect(sampleView(store, 0)).toMatchObject({ comm: 'Gecko', pid: -1, tid: 25122, cpu: 7, weight: 1000000 });
    const names = sampleFrameNames(store, 0);
    expect(names[names.length - 1]).toBe('Lock::unlock()');
    expect(names[0]).toBe('base.odex[+41107f]');
    expect(store.frames.dso[sampleFrameIds(store, 0)[names.length - 1]]).toBe('/system/lib/libc.so');
    const comms = new Map<string, number>();
    for (const s of allSamples(store)) {
      comms.set(s.comm, (comms.get(s.comm) ?? 0) + 1);
    }
    expect(Object.fromEntries(comms)).toEqual({
      Gecko: 117,
      'Espresso Remote': 4,
      'Jit thread pool': 5,
      'Web Content': 4,
      'org.mozilla.geckoview_example': 21,
      roidJUnitRunner: 12,
    });
  });

  it('keeps non-UTF-8 bytes in a symbol byte-exact', () => {
    const store = oneSample(['caf\xe9\xff (/x)', 'na\xc3\xafve (/x)']);
    const bad = sampleFrameNames(store, 0)[1];
    expect(bad).toBe('caf\xe9\xff');
    expect(bad.length).toBe(5);
    expect(toDisplayText(bad)).toBe('caf\uFFFD\uFFFD');
    const good = sampleFrameNames(store, 0)[0];
    expect(good).toBe('na\xc3\xafve');
    expect(toDisplayText(good)).toBe('naïve');
    expect(foldedText(foldStacks(store))).toBe('proc;na\xc3\xafve;caf\xe9\xff 1\n');
  });
});

describe('line structure', () => {
  it.each(['perf-cycles-instructions-01.txt', 'firefox-profiler/test.perf.gz', 'firefox-profiler/simple-perf.txt.gz'])(
    'CRLF line endings read like LF (%s)',
    (path) => {
      const lf = parseFixture(path);
      const crlf = parseProfile(toCrlf(fixtureBytes(path)));
      expect(crlf.sampleCount).toBe(lf.sampleCount);
      expect(crlf.warnings).toEqual(lf.warnings);
      expect(Array.from(crlf.time)).toEqual(Array.from(lf.time));
      expect(crlf.events).toEqual(lf.events);
      expect(crlf.threads.comm).toEqual(lf.threads.comm);
      expect(crlf.frames.name).toEqual(lf.frames.name);
      expect(crlf.frames.dso).toEqual(lf.frames.dso);
      expect(crlf.header).toEqual(lf.header);
      for (const o of [{}, { kernel: true, pid: true }, { allEvents: true }]) {
        expect(foldedText(foldStacks(crlf, o))).toBe(foldedText(foldStacks(lf, o)));
      }
    }
  );

  it('ends a sample at a blank line (inferno/empty-line.txt): the frame after it is not part of any sample', () => {
    const store = parseFixture('inferno/empty-line.txt');
    expect(store.sampleCount).toBe(2);
    expect(sampleFrameNames(store, 0)).toEqual(['main']);
    expect(sampleFrameNames(store, 1)).toEqual([]);
    expect(store.frames.name).not.toContain('main+0x1c');
    expect(warningCount(store, 'garbage-line')).toBe(1);
    expect(store.warnings.find((w) => w.code === 'garbage-line')!.firstLine).toBe(6);
  });

  it('counts the last sample of a file without a final blank line or newline', () => {
    const simple = parseFixture('speedscope/simple.linux-perf.txt');
    expect(simple.sampleCount).toBe(1);
    const names = sampleFrameNames(simple, 0);
    expect(names[names.length - 1]).toBe('_Z4betav');
    // The file ends `[unknown] ([unknown])` with no newline: that frame is the root.
    expect(names[0]).toBe('[unknown]');

    const store = parseText('a 1 1.000001: c:\n\t1 f (/x)\n\na 1 1.000002: c:\n\t1 g (/x)\n\t2 h (/x)');
    expect(store.sampleCount).toBe(2);
    expect(sampleFrameNames(store, 1)).toEqual(['h', 'g']);
  });

  it('gives 0 samples and a no-samples warning for an empty file', () => {
    for (const input of [new Uint8Array(0), latin1('\n\n'), latin1('# only a comment\n')]) {
      const store = parseProfile(input);
      expect(store.sampleCount).toBe(0);
      expect(store.hasTimestamps).toBe(false);
      expect(warningCount(store, 'no-samples')).toBe(1);
    }
    expect(warningCount(parseFixture('inferno/no-events.txt'), 'no-samples')).toBe(1);
  });

  it('counts and skips a garbage frame line (inferno/weird-stack-line.txt)', () => {
    const store = parseFixture('inferno/weird-stack-line.txt');
    expect(store.sampleCount).toBe(2);
    expect(sampleFrameNames(store, 0)).toEqual(['main']);
    expect(sampleFrameNames(store, 1)).toEqual([]);
    expect(store.frames.name).not.toContain('THIS_IS_A_WEIRD_LINE');
    expect(warningCount(store, 'bad-frame-line')).toBe(1);
  });

  it('counts and skips garbage lines between samples', () => {
    const store = parseText(
      'a 1 1.000001: c:\n\t1 f (/x)\n\nTHIS IS GARBAGE\n\nmore garbage here\na 1 1.000002: c:\n\t1 g (/x)\n\n'
    );
    expect(store.sampleCount).toBe(2);
    expect(sampleFrameNames(store, 0)).toEqual(['f']);
    expect(sampleFrameNames(store, 1)).toEqual(['g']);
    const w = store.warnings.find((x) => x.code === 'garbage-line')!;
    expect(w.count).toBe(2);
    expect(w.firstLine).toBe(4);
  });

  it('flags a profile without timestamps (perf-vertx-stacks-01)', () => {
    const store = parseFixture('perf-vertx-stacks-01.txt');
    expect(store.hasTimestamps).toBe(false);
    expect(warningCount(store, 'missing-timestamp')).toBe(1);
    expect(sampleRange(store, 0, 1)).toEqual([0, store.sampleCount]);
    expect(sampleView(store, 0)).toMatchObject({ comm: 'java', tid: 3244, pid: -1 });
    expect(store.events).toEqual(['cpu-clock']);
  });

  it('sorts out-of-order samples by time, carrying each sample’s stack, thread and weight', () => {
    const n = 40;
    const order = Array.from({ length: n }, (_, i) => i);
    // A fixed shuffle (multiplication by a unit mod n).
    const shuffled = order.map((i) => (i * 17 + 5) % n);
    const samples = shuffled.map((k) => ({
      comm: `t${k % 3}`,
      tid: 100 + (k % 3),
      time: `${10 + Math.floor(k / 4)}.${String((k % 4) * 250000).padStart(6, '0')}`,
      period: 1000 + k,
      frames: [`s${k} (/x)`, 'main (/x)'],
    }));
    const store = parseText(perfText(samples));
    expect(store.sampleCount).toBe(n);
    expect(store.startSec).toBe(10);
    for (let i = 0; i < n; i++) {
      expect(store.time[i]).toBe(i * 250_000_000);
      expect(leafName(store, i)).toBe(`s${i}`);
      expect(sampleView(store, i)).toMatchObject({ comm: `t${i % 3}`, tid: 100 + (i % 3), weight: 1000 + i });
    }
    // [1.0 s, 2.5 s) holds samples 4…9.
    expect(sampleRange(store, 1e9, 2.5e9)).toEqual([4, 10]);
    expect(sampleRange(store, 0, 1)).toEqual([0, 1]);
    expect(sampleRange(store, 9.75e9, 1e12)).toEqual([39, 40]);
    expect(sampleRange(store, 20e9, 30e9)).toEqual([40, 40]);
  });
});

describe('chunk-boundary independence', () => {
  const FILES = [
    'flamescope/perf.test01',
    'firefox-profiler/test.perf.gz',
    'firefox-profiler/simple-perf.txt.gz',
    'inferno/empty-line.txt',
    'inferno/weird-stack-line.txt',
    'inferno/single-line-stacks.txt',
    'inferno/java-inline.txt',
    'speedscope/simple.linux-perf.txt',
    'perf-java-stacks-02.txt',
  ];

  function sameStore(actual: ProfileStore, expected: ProfileStore) {
    expect(actual.sampleCount).toBe(expected.sampleCount);
    expect(firstDifference(actual.time, expected.time)).toBeUndefined();
    expect(foldedText(foldStacks(actual, { allEvents: true, tid: true }))).toBe(
      foldedText(foldStacks(expected, { allEvents: true, tid: true }))
    );
    // Everything else too: frames, stacks, threads, contexts, weights, header, warnings (with line numbers).
    expect(firstDifference(actual, expected)).toBeUndefined();
  }

  it.each(FILES)('%s: chunks of 1, 7 and 4096 bytes give the same store', (path) => {
    const bytes = fixtureBytes(path);
    const whole = parseProfile(bytes);
    for (const size of [1, 7, 4096]) {
      sameStore(parseInChunks(bytes, [size]), whole);
    }
  });

  it('CRLF input split between CR and LF gives the same store', () => {
    const bytes = toCrlf(fixtureBytes('perf-cycles-instructions-01.txt'));
    const whole = parseProfile(bytes);
    sameStore(parseInChunks(bytes, [1]), whole);
    sameStore(parseInChunks(bytes, [2, 3, 5]), whole);
  });

  it('random chunk sizes give the same store', () => {
    const inputs = ['firefox-profiler/test.perf.gz', 'flamescope/perf.test01', 'perf-cycles-instructions-01.txt'].map(
      (p) => {
        const bytes = fixtureBytes(p);
        return { bytes, whole: parseProfile(bytes) };
      }
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: inputs.length - 1 }),
        fc.array(fc.integer({ min: 1, max: 3000 }), { minLength: 1, maxLength: 30 }),
        (which, sizes) => {
          const { bytes, whole } = inputs[which];
          sameStore(parseInChunks(bytes, sizes), whole);
        }
      ),
      { numRuns: 30 }
    );
  });

  it('a frame line longer than 1 MiB is read the same whether it arrives whole or in chunks', () => {
    const longSymbol = 'T<' + 'x'.repeat(1_200_000) + '>::f';
    const bytes = latin1(
      perfText([
        { time: '1.000001', frames: ['a (/x)'] },
        { time: '1.000002', frames: [`${longSymbol} (/x)`, 'main (/x)'] },
        { time: '1.000003', frames: ['b (/x)'] },
      ])
    );
    const whole = parseProfile(bytes);
    expect(whole.sampleCount).toBe(3);
    const chunked = parseInChunks(bytes, [65536]);
    expect(chunked.sampleCount).toBe(3);
    // Frame name lengths, not names: a 1.2 MB diff helps nobody.
    const lengths = (s: ProfileStore) => sampleFrameNames(s, 1).map((n) => n.length);
    expect(lengths(chunked)).toEqual(lengths(whole));
    expect(chunked.warnings).toEqual(whole.warnings);
  });

  it('createParser reports bytes read', () => {
    const bytes = fixtureBytes('inferno/java-inline.txt');
    const parser = createParser();
    parser.push(bytes.subarray(0, 100));
    expect(parser.bytesRead).toBe(100);
    parser.push(bytes.subarray(100));
    expect(parser.finish().bytesRead).toBe(bytes.length);
  });
});
