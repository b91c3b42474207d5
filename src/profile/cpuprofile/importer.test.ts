/**
 * The V8 .cpuprofile importer on DevTools and Node profiles (speedscope's samples): sample i at startTime + Σ
 * timeDeltas[0..i] (checked against the file's own numbers, first and last sample included), names and kinds of V8's
 * frames, the old tree form giving the same samples as its new-form original, chunking, and damaged JSON — a warning
 * or one sentence, never a crash or a hang.
 */
import { chromeBytes } from '../../../tests/helpers/fixtures';
import { parseInChunks, sampleFrameNames } from '../../../tests/helpers/profile-views';
import { toDisplayText } from '../bytes';
import { computeFlameGraph } from '../flamegraph';
import { foldedText, foldStacks } from '../fold';
import { FrameKind } from '../frames';
import { ImportError } from '../import-error';
import { parseProfile } from '../parser';
import { ProfileStore } from '../store';

const decoder = new TextDecoder();

function json(path: string): any {
  return JSON.parse(decoder.decode(chromeBytes(path)));
}

/** A deep copy to damage (jsdom has no structuredClone). */
function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value));
}

function parseJson(value: unknown): ProfileStore {
  return parseProfile(new TextEncoder().encode(JSON.stringify(value)), { format: 'cpuprofile' });
}

/** Sample times as µs on V8's clock (the store keeps ns since startSec). */
function timesUs(store: ProfileStore): number[] {
  return Array.from(store.time, (ns) => store.startSec * 1e6 + ns / 1000);
}

function kindOf(store: ProfileStore, name: string): FrameKind {
  const i = store.frames.name.indexOf(name);
  if (i < 0) {
    throw new Error(`no frame ${name}`);
  }
  return store.frames.kind[i];
}

describe('Chrome 65 "Save profile" (simple)', () => {
  const raw = json('Chrome-65-simple.cpuprofile');
  const store = parseProfile(chromeBytes('Chrome-65-simple.cpuprofile'));

  it('places sample i at startTime + Σ timeDeltas[0..i], the last sample included', () => {
    const expected: number[] = [];
    let t = raw.startTime;
    for (const d of raw.timeDeltas) {
      t += d;
      expected.push(t);
    }
    expect(store.format).toBe('cpuprofile');
    expect(store.sampleCount).toBe(29);
    expect(timesUs(store)).toEqual(expected);
    expect(timesUs(store)[0]).toBe(163140599286 + 11575); // not startTime: FlameScope's flame-graph shift
    expect(store.hasTimestamps).toBe(true);
    expect(store.timePrecisionDigits).toBe(6);
    expect(store.warnings).toEqual([]);
  });

  it('names frames `function file:line` (1-based), a script without a URL as DevTools does (VM<id>); (root) is no frame', () => {
    expect(sampleFrameNames(store, 0)).toEqual(['(anonymous) VM164:1']);
    expect(sampleFrameNames(store, 1)).toEqual(['(anonymous) VM164:1', 'a VM164:1', 'b VM164:6', 'd VM164:14']);
    expect(sampleFrameNames(store, 28)).toEqual(['(anonymous) VM164:1', 'a VM164:1', 'c VM164:10', 'd VM164:14']);
    expect(store.threads.comm).toEqual(['main']);
    expect(kindOf(store, 'a VM164:1')).toBe(FrameKind.User);
  });

  it('keeps two calls of one function (d under b, d under c) apart in the tree and together as one frame', () => {
    expect(foldedText(foldStacks(store))).toBe(
      'main;(anonymous) VM164:1 1\n' +
        'main;(anonymous) VM164:1;a VM164:1;b VM164:6;d VM164:14 14\n' +
        'main;(anonymous) VM164:1;a VM164:1;c VM164:10;d VM164:14 14\n'
    );
    expect(store.frames.name.filter((n) => n.startsWith('d '))).toEqual(['d VM164:14']);
  });

  it('is the same however the bytes are chunked', () => {
    const bytes = chromeBytes('Chrome-65-simple.cpuprofile');
    for (const chunks of [[1], [7, 300], [bytes.length]]) {
      const again = parseInChunks(bytes, chunks);
      expect(Array.from(again.time)).toEqual(Array.from(store.time));
      expect(foldStacks(again)).toEqual(foldStacks(store));
    }
  });
});

describe('the old tree form (node-10.11.0-example: speedscope’s conversion of Chrome-65-simple)', () => {
  it('gives the same sample times and the same call stacks as the original', () => {
    const old = parseProfile(chromeBytes('node-10.11.0-example.cpuprofile'));
    const original = parseProfile(chromeBytes('Chrome-65-simple.cpuprofile'));
    expect(old.format).toBe('cpuprofile');
    expect(old.warnings).toEqual([]);
    // Its timestamps list the start time first, then one per sample.
    expect(Array.from(old.time)).toEqual(Array.from(original.time));
    expect(old.startSec).toBe(original.startSec);
    // The conversion dropped the script ids (0: natives) and kept 0-based lines: compare functions only.
    const functions = (s: ProfileStore) =>
      Array.from({ length: s.sampleCount }, (_, i) =>
        sampleFrameNames(s, i)
          .map((n) => n.split(' ')[0])
          .join(';')
      );
    expect(functions(old)).toEqual(functions(original));
  });
});

describe('Chrome 65 "Save profile" of Node running sucrase (17 138 samples)', () => {
  const raw = json('Chrome-65-sucrase.cpuprofile');
  const store = parseProfile(chromeBytes('Chrome-65-sucrase.cpuprofile'));

  it('keeps every sample, first at startTime + the first delta and last at startTime + Σ all deltas', () => {
    expect(store.sampleCount).toBe(raw.samples.length);
    const times = timesUs(store);
    expect(times[0]).toBe(raw.startTime + raw.timeDeltas[0]);
    expect(times[times.length - 1]).toBe(raw.timeDeltas.reduce((a: number, b: number) => a + b, raw.startTime));
  });

  it('gives V8’s pseudo-frames their kinds and keeps them (only (idle) is idle)', () => {
    expect(kindOf(store, '(garbage collector)')).toBe(FrameKind.Gc);
    expect(kindOf(store, '(program)')).toBe(FrameKind.Program);
    const fg = computeFlameGraph(store);
    const value = (label: string) => fg.value[fg.label.indexOf(label)];
    expect(value('(garbage collector)')).toBe(2717);
    expect(value('(program)')).toBe(54);
    expect(fg.total).toBe(raw.samples.length); // no (idle) in this profile: nothing is left out
    expect(fg.kind[fg.label.indexOf('(garbage collector)')]).toBe('gc');
  });

  it('tells natives and old Node internals (runtime) from the user’s scripts', () => {
    expect(kindOf(store, 'filter')).toBe(FrameKind.Runtime); // a builtin: no script
    expect(kindOf(store, 'Module._compile module.js:598')).toBe(FrameKind.Runtime); // Node 8's own module.js
    expect(kindOf(store, 'join native array.js:287')).toBe(FrameKind.Runtime);
    expect(kindOf(store, 'processRegion augmentTokens.js:26')).toBe(FrameKind.User);
  });
});

describe('damaged or wrong JSON: a warning, or one sentence — never a crash or a hang', () => {
  const simple = json('Chrome-65-simple.cpuprofile');

  it('truncated anywhere: one line saying it is not valid JSON (and that the input ended early, when known)', () => {
    const bytes = chromeBytes('Chrome-65-simple.cpuprofile');
    for (const cut of [1, 10, 500, bytes.length - 1]) {
      expect(() => parseProfile(bytes.subarray(0, cut), { format: 'cpuprofile' })).toThrow(ImportError);
      expect(() => parseProfile(bytes.subarray(0, cut), { format: 'cpuprofile' })).toThrow(
        /^the \.cpuprofile is not valid JSON: [^\n]+$/
      );
    }
    expect(() => parseProfile(new Uint8Array(0), { format: 'cpuprofile' })).toThrow('the .cpuprofile is empty');
  });

  it('JSON of the wrong shape is one sentence', () => {
    expect(() => parseJson([1, 2])).toThrow(/is not a JSON object with "nodes"/);
    expect(() => parseJson({ nodes: 3, samples: [] })).toThrow(/has no "nodes" array/);
    expect(() => parseJson({ head: { callFrame: {}, selfSize: 0, children: [] }, samples: [] })).toThrow(
      /heap \(sampling\) profile, not a CPU profile/
    );
  });

  it('samples of unknown nodes, nodes without ids, missing deltas and unknown children are skipped with warnings', () => {
    const damaged = clone(simple);
    damaged.samples[3] = 999; // no such node
    damaged.nodes.push({ callFrame: {} }); // no id
    damaged.nodes[0].children.push(12345); // no such child
    damaged.timeDeltas.length = 27; // the last two samples have no delta
    const store = parseJson(damaged);
    expect(store.sampleCount).toBe(29 - 1 - 2);
    expect(Object.fromEntries(store.warnings.map((w) => [w.code, w.count]))).toEqual({
      'bad-sample': 3,
      'bad-node': 2,
    });
    // The unknown sample's delta still advances time: sample 4 is where it was.
    const original = parseProfile(chromeBytes('Chrome-65-simple.cpuprofile'));
    expect(store.time[3]).toBe(original.time[4]);
  });

  it('a sample timed far outside startTime–endTime (a damaged number) is skipped and counted; 1 s of slack is not', () => {
    const original = parseProfile(chromeBytes('Chrome-65-simple.cpuprofile'));
    const damaged = clone(simple);
    damaged.timeDeltas[28] = 163140622163140624037; // the last sample: two numbers run together, ~5 million years on
    damaged.timeDeltas[0] -= 900_000; // the first sample: 0.9 s before startTime, within the slack
    damaged.timeDeltas[1] += 900_000;
    const store = parseJson(damaged);
    expect(store.sampleCount).toBe(28);
    expect(store.warnings.map((w) => [w.code, w.count])).toEqual([['bad-timestamp', 1]]);
    expect(timesUs(store)[0]).toBe(simple.startTime + simple.timeDeltas[0] - 900_000);
    expect(timesUs(store).slice(1)).toEqual(timesUs(original).slice(1, 28));
    // The heat map spans the recording's seconds, not the damaged sample's.
    expect(store.time[store.sampleCount - 1] - store.time[0]).toBeLessThan(1e9);

    // The old tree form's window is its whole seconds (rounded down): the same damage, the same skip.
    const old = json('node-10.11.0-example.cpuprofile');
    old.timestamps[20] = 163140622163140624037;
    const oldStore = parseJson(old);
    expect(oldStore.sampleCount).toBe(28);
    expect(oldStore.warnings.map((w) => w.code)).toEqual(['bad-timestamp']);
  });

  it("the slack is the recording's length: a loosely set endTime keeps every sample", () => {
    const raw = json('Chrome-65-sucrase.cpuprofile'); // 22 s of samples
    const last = raw.timeDeltas.length - 1;
    // An endTime 7 s early (a writer other than V8): the last 7 s are within 15 s of slack.
    const loose = clone(raw);
    loose.endTime = loose.startTime + 15e6;
    expect(parseJson(loose).sampleCount).toBe(17138);
    expect(parseJson(loose).warnings).toEqual([]);
    // The last sample 20 s past endTime stays (22 s of slack); 25 s past, it goes.
    const late = clone(raw);
    late.timeDeltas[last] += late.endTime - late.startTime - raw.timeDeltas.reduce((a: number, b: number) => a + b, 0);
    late.timeDeltas[last] += 20e6;
    expect(parseJson(late).sampleCount).toBe(17138);
    late.timeDeltas[last] += 5e6;
    expect(parseJson(late).sampleCount).toBe(17137);
    expect(parseJson(late).warnings.map((w) => [w.code, w.count])).toEqual([['bad-timestamp', 1]]);
  });

  it('when most samples lie outside startTime–endTime, those fields are the damaged ones: every sample is kept', () => {
    // A 22-s recording whose endTime was damaged to 2 s after its start.
    const sucrase = json('Chrome-65-sucrase.cpuprofile');
    sucrase.endTime = sucrase.startTime + 2e6;
    const store = parseJson(sucrase);
    expect(store.sampleCount).toBe(17138);
    expect(store.warnings).toEqual([]);
    // startTime after endTime: no window at all.
    const reversed = clone(simple);
    reversed.endTime = reversed.startTime - 1;
    reversed.timeDeltas[5] = 1e15;
    expect(parseJson(reversed).sampleCount).toBe(29);
  });

  it('a cycle in the tree (a node its own ancestor) leaves that part out instead of looping', () => {
    const cyclic = clone(simple);
    cyclic.nodes[4].children = [3]; // d (id 5) lists a (id 3) as its child: a → b → d → a
    const store = parseJson(cyclic);
    // a is claimed by both (anonymous) and d: the second claim is refused, so the tree stays a tree.
    expect(store.warnings.map((w) => w.code)).toEqual(['bad-node']);
    expect(store.sampleCount).toBe(29);
    const selfCycle = clone(simple);
    selfCycle.nodes[1].children = [2, 3]; // (anonymous) under itself and a's parent
    selfCycle.nodes[0].children = [];
    const orphaned = parseJson(selfCycle);
    // (anonymous) has no root above it any more: every sample is in the cycle's part of the tree.
    expect(orphaned.sampleCount).toBe(0);
    expect(orphaned.warnings.map((w) => w.code).sort()).toEqual(['bad-node', 'bad-sample', 'no-samples']);
  });

  it('parents given by id (as Chrome traces give them) build the same tree as children lists', () => {
    const byParent = clone(simple);
    for (const node of byParent.nodes) {
      for (const child of node.children ?? []) {
        byParent.nodes.find((n: any) => n.id === child).parent = node.id;
      }
      delete node.children;
    }
    expect(foldStacks(parseJson(byParent))).toEqual(foldStacks(parseJson(simple)));
  });

  it('names keep their non-ASCII characters (stored as UTF-8 bytes, displayed as text)', () => {
    const named = clone(simple);
    named.nodes[2].callFrame.functionName = 'größe';
    named.nodes[2].callFrame.url = 'file:///srv/app/ünïcode.js';
    const store = parseJson(named);
    const frame = store.frames.name.find((n) => toDisplayText(n).startsWith('größe'))!;
    expect(toDisplayText(frame)).toBe('größe ünïcode.js:1');
  });
});
