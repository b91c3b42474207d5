/**
 * nflxprofile: Netflix's fixture decodes to the flame graph Netflix's own tools draw for it (`nodejs1.json`, what
 * nflxprofile's `get_flame_graph(profile, None, stack_processor=NodeJsStackProcessor)` returns), sample times follow
 * start_time + Σ time_deltas, and per-sample pid/tid feed the filters. Damaged input gives warnings or one sentence.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { computeFlameGraph, FlameGraph, ImportError, ProfileStore } from '../../../src/profile';
import { createNflxprofileParser } from '../../../src/profile/nflxprofile/importer';
import { processFrame } from '../../../src/profile/nflxprofile/node-frames';
import { NflxNode, NflxProfile } from '../../../src/profile/nflxprofile/decode';
import { NFLXPROFILE_SCHEMA } from '../../../src/profile/nflxprofile/schema.generated';
import { Root } from 'protobufjs/light';
import { sampleFrameNames } from '../../helpers/profile-views';

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'nflxprofile');
const bytes = new Uint8Array(readFileSync(join(FIXTURES, 'nodejs1.nflxprofile')));

function parse(input: Uint8Array, chunk = 0): ProfileStore {
  const parser = createNflxprofileParser();
  for (let pos = 0; pos < input.length; pos += chunk || input.length) {
    parser.push(input.subarray(pos, pos + (chunk || input.length)));
  }
  return parser.finish();
}

interface NflxTree {
  name: string;
  libtype: string;
  value: number;
  children: NflxTree[];
}

/** Our flame graph as Netflix's tree: `value` is self (their nodes count samples ending there); kind as libtype. */
function asNflxTree(fg: FlameGraph): NflxTree {
  const nodes: NflxTree[] = [];
  const stack: NflxTree[] = [];
  for (let i = 0; i < fg.label.length; i++) {
    const kind = fg.kind[i];
    const node: NflxTree = {
      name: i === 0 ? 'root' : fg.label[i],
      libtype: kind === 'root' || kind === 'thread' ? '' : kind,
      value: fg.self[i],
      children: [],
    };
    stack.length = fg.level[i];
    if (stack.length > 0) {
      stack[stack.length - 1].children.push(node);
    }
    stack.push(node);
    nodes.push(node);
  }
  return nodes[0];
}

/** Netflix's JSON without its display extras, children in name order (both sides merge siblings by name). */
function normalise(node: NflxTree): NflxTree {
  return {
    name: node.name,
    libtype: node.libtype,
    value: node.value,
    children: node.children.map(normalise).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
  };
}

describe('nodejs1.nflxprofile', () => {
  const store = parse(bytes);

  it('draws the flame graph Netflix draws (nodejs1.json): structure, names, libtypes and values', () => {
    const expected = JSON.parse(readFileSync(join(FIXTURES, 'nodejs1.json'), 'utf8')) as NflxTree;
    const ours = asNflxTree(computeFlameGraph(store));
    expect(normalise(ours)).toEqual(normalise(expected));
    expect(computeFlameGraph(store).total).toBe(6);
  });

  it('places sample i at start_time + Σ time_deltas[0..i] seconds', () => {
    // start_time 136087.1; time_deltas 0, 0.1, 0.1, 0.1, 0.1, 0.
    expect(store.format).toBe('nflxprofile');
    expect(store.startSec).toBe(136087);
    expect(Array.from(store.time)).toEqual([1e8, 2e8, 3e8, 4e8, 5e8, 5e8]);
    expect(store.hasTimestamps).toBe(true);
  });

  it('takes pid and tid per sample from samples_pid / samples_tid, and the thread name from the node', () => {
    const threads = Array.from({ length: store.sampleCount }, (_, i) => {
      const t = store.contexts.thread[store.context[i]];
      return `${store.threads.comm[t]} ${store.threads.pid[t]}/${store.threads.tid[t]}`;
    });
    expect(threads).toEqual([
      'node 12783/12785',
      'node 12783/12783',
      'node 12783/12783',
      'node 12783/12783',
      'node 12783/12783',
      'node 12783/12783',
    ]);
    expect(computeFlameGraph(store, { tid: 12785 }).total).toBe(1);
    expect(computeFlameGraph(store, { pid: 12783 }).total).toBe(6);
    // samples_cpu is empty in this file (has_samples_cpu says true): no cpu, not a wrong one.
    expect(Array.from(store.contexts.cpu)).toEqual(Array(store.contexts.count).fill(-1));
  });

  it('reads the same however the bytes arrive', () => {
    const chunked = parse(bytes, 7);
    expect(Array.from(chunked.time)).toEqual(Array.from(store.time));
    expect(Array.from(chunked.context)).toEqual(Array.from(store.context));
  });

  it('processes V8 names as NodeJsStackProcessor does', () => {
    expect(processFrame({ function_name: 'LazyCompile:*b [eval]:1', libtype: 'jit' })).toEqual({
      name: 'b',
      file: '[eval]:1',
      kind: 2,
    });
    expect(processFrame({ function_name: 'InterpretedFunction: internal/main/eval_string.js:1' })?.name).toBe(
      '(anonymous)'
    );
    expect(processFrame({ function_name: 'Builtins_ArgumentsAdaptorTrampoline', libtype: 'user' })).toBeNull();
    expect(processFrame({ function_name: 'v8::internal::(anonymous namespace)::Invoke', libtype: 'user' })).toEqual({
      name: 'v8::internal::(anonymous namespace)::Invoke',
      file: '',
      kind: 0,
    });
  });
});

describe('old nflxprofiles: a tree of nodes, each one frame, linked by parent or by children', () => {
  // No such file is in the shared data: these are the fixture's own samples re-encoded the old way (one node per
  // frame of a call tree, node 0 its root), so each sample must read as the same stack as in the fixture.
  const type = Root.fromJSON(NFLXPROFILE_SCHEMA as never).lookupType('nflxprofile.Profile');
  const fixture = type.toObject(type.decode(bytes), { longs: Number }) as NflxProfile;
  const original = parse(bytes);

  function asTree(link: 'parent' | 'children', cycle = false): Uint8Array {
    const nodes: Record<number, NflxNode> = { 0: { function_name: 'root', children: [] } };
    const childOf = new Map<string, number>();
    const leafOf = (id: number): number => {
      let at = 0;
      for (const frame of fixture.nodes![id].stack ?? []) {
        const key = `${at}\u0000${frame.function_name}\u0000${frame.libtype}`;
        let next = childOf.get(key);
        if (next === undefined) {
          next = Object.keys(nodes).length;
          childOf.set(key, next);
          nodes[next] = { function_name: frame.function_name, libtype: frame.libtype, file: frame.file };
          if (link === 'parent') {
            nodes[next].parent = at;
          } else {
            (nodes[at].children ??= []).push(next);
          }
        }
        at = next;
      }
      return at;
    };
    const samples = fixture.samples!.map(leafOf);
    if (cycle) {
      nodes[1].parent = samples[0]; // the first frame under the root now hangs below a leaf
    }
    const { params, ...rest } = fixture;
    void params;
    return type.encode(type.fromObject({ ...rest, nodes, samples, title: 'node' })).finish();
  }

  const stacks = (store: ProfileStore) =>
    Array.from({ length: store.sampleCount }, (_, i) => sampleFrameNames(store, i).join(';'));

  it('reads every sample as the same stack as the fixture, by parent links and by children lists', () => {
    expect(original.sampleCount).toBe(6);
    for (const link of ['parent', 'children'] as const) {
      const store = parse(asTree(link));
      expect(stacks(store)).toEqual(stacks(original));
      expect(Array.from(store.time)).toEqual(Array.from(original.time));
      expect(store.warnings).toEqual([]);
    }
  });

  it('drops the samples of a node whose parent links loop, with a warning, and keeps the rest', () => {
    const store = parse(asTree('parent', true));
    expect(store.sampleCount).toBeLessThan(6);
    expect(store.warnings.some((w) => w.code === 'bad-node')).toBe(true);
  });
});

describe('damaged nflxprofiles', () => {
  it('reads a file cut anywhere as far as its whole fields go, or refuses it in one sentence', () => {
    let read = 0;
    for (let cut = 0; cut < bytes.length; cut += 97) {
      let store: ProfileStore | undefined;
      try {
        store = parse(bytes.subarray(0, cut));
      } catch (e) {
        expect(e).toBeInstanceOf(ImportError);
        expect((e as Error).message).not.toContain('\n');
        continue;
      }
      read++;
      expect(store.sampleCount).toBeLessThanOrEqual(6);
      if (cut < bytes.length) {
        expect(store.warnings.some((w) => w.code === 'truncated')).toBe(true);
      }
      computeFlameGraph(store);
    }
    expect(read).toBeGreaterThan(50);
  });

  it('keeps samples whose nodes came before the cut', () => {
    // The nodes map comes after samples and time_deltas; cutting inside the last node keeps the samples of the others.
    const store = parse(bytes.subarray(0, bytes.length - 300));
    expect(store.sampleCount).toBeGreaterThan(0);
    expect(store.sampleCount).toBeLessThan(6);
    expect(store.warnings.map((w) => w.code).sort()).toEqual(['bad-sample', 'truncated']);
  });

  it('refuses empty input and bytes that are no protobuf', () => {
    expect(() => parse(new Uint8Array(0))).toThrow(new ImportError('the nflxprofile is empty'));
    expect(() => parse(new TextEncoder().encode('{"traceEvents": []}'))).toThrow(ImportError);
  });
});
