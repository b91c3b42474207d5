/**
 * Test helpers: build synthetic `perf script` text, feed bytes in chunks, and read one sample back out of a store
 * (thread, cpu, event, frames root → leaf) without going through the code under test's own renderers.
 */
import { createParser, ParseOptions, ProfileStore } from '../../src/profile';
import { parseFixture } from './fixtures';

/** A byte string (one char per byte) or plain ASCII text as bytes. */
export function latin1(text: string): Uint8Array {
  return Uint8Array.from(Buffer.from(text, 'latin1'));
}

export function bytesToLatin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

export interface SyntheticSample {
  comm?: string;
  /** `pid/tid` when both are set, `tid` alone when pid is undefined. */
  pid?: number;
  tid?: number;
  cpu?: number;
  /** The timestamp exactly as printed, e.g. "12.345678" (no colon). */
  time?: string;
  period?: number;
  event?: string;
  /** Everything after `event:` on the header line (a tracepoint payload). */
  payload?: string;
  /** Frame lines leaf first, as perf prints them: `symbol (dso)`; an address is prepended. */
  frames?: string[];
}

/** One sample in perf script's default layout, followed by a blank line. */
export function perfSample(s: SyntheticSample): string {
  const parts: string[] = [s.comm ?? 'proc'];
  const tid = s.tid ?? 1000;
  parts.push(s.pid === undefined ? String(tid) : `${s.pid}/${tid}`);
  if (s.cpu !== undefined) {
    parts.push(`[${String(s.cpu).padStart(3, '0')}]`);
  }
  if (s.time !== undefined) {
    parts.push(`${s.time}:`);
  }
  if (s.period !== undefined) {
    parts.push(String(s.period));
  }
  parts.push(`${s.event ?? 'cycles'}:`);
  if (s.payload !== undefined) {
    parts.push(s.payload);
  }
  let out = parts.join(' ') + '\n';
  (s.frames ?? ['leaf (/bin/proc)']).forEach((f, i) => {
    out += `\t${(0x400000 + i * 16).toString(16)} ${f}\n`;
  });
  return out + '\n';
}

export function perfText(samples: SyntheticSample[]): string {
  return samples.map(perfSample).join('');
}

/** Parses bytes pushed in chunks whose sizes cycle through `sizes`. */
export function parseInChunks(bytes: Uint8Array, sizes: number[], options: ParseOptions = {}): ProfileStore {
  const parser = createParser(options);
  let pos = 0;
  let k = 0;
  while (pos < bytes.length) {
    const size = Math.max(1, sizes[k % sizes.length]);
    parser.push(bytes.subarray(pos, Math.min(bytes.length, pos + size)));
    pos += size;
    k++;
  }
  return parser.finish();
}

/** Frame ids of sample i, root first (caller → callee). */
export function sampleFrameIds(store: ProfileStore, i: number): number[] {
  const out: number[] = [];
  let node = store.contexts.stack[store.context[i]];
  while (node > 0) {
    out.push(store.stacks.frame[node]);
    node = store.stacks.parent[node];
  }
  return out.reverse();
}

/** Raw frame names of sample i, root first. */
export function sampleFrameNames(store: ProfileStore, i: number): string[] {
  return sampleFrameIds(store, i).map((f) => store.frames.name[f]);
}

/** The leaf (first printed) frame name of sample i, or undefined for an empty stack. */
export function leafName(store: ProfileStore, i: number): string | undefined {
  const names = sampleFrameNames(store, i);
  return names[names.length - 1];
}

export interface SampleView {
  comm: string;
  pid: number;
  tid: number;
  cpu: number;
  event: string;
  idle: boolean;
  timeNs: number;
  weight: number;
}

export function sampleView(store: ProfileStore, i: number): SampleView {
  const ctx = store.context[i];
  const thread = store.contexts.thread[ctx];
  return {
    comm: store.threads.comm[thread],
    pid: store.threads.pid[thread],
    tid: store.threads.tid[thread],
    cpu: store.contexts.cpu[ctx],
    event: store.events[store.contexts.event[ctx]],
    idle: store.contexts.idle[ctx] === 1,
    timeNs: store.time[i],
    weight: store.weight === null ? 1 : store.weight[i],
  };
}

export function allSamples(store: ProfileStore): SampleView[] {
  const out: SampleView[] = [];
  for (let i = 0; i < store.sampleCount; i++) {
    out.push(sampleView(store, i));
  }
  return out;
}

/** Index of the only sample whose leaf frame is `name` (throws when there is not exactly one). */
export function sampleWithLeaf(store: ProfileStore, name: string): number {
  const hits: number[] = [];
  for (let i = 0; i < store.sampleCount; i++) {
    if (leafName(store, i) === name) {
      hits.push(i);
    }
  }
  if (hits.length !== 1) {
    throw new Error(`expected one sample with leaf ${name}, found ${hits.length}`);
  }
  return hits[0];
}

export function warningCount(store: ProfileStore, code: string): number {
  return store.warnings.find((w) => w.code === code)?.count ?? 0;
}

/**
 * Deep equality of two stores (or any values), fast on typed arrays; returns the path of the first difference, or
 * undefined when equal. Typed arrays compare by type, length and bytes.
 */
export function firstDifference(a: unknown, b: unknown, path = 'store'): string | undefined {
  if (a === b) {
    return undefined;
  }
  if (ArrayBuffer.isView(a) || ArrayBuffer.isView(b)) {
    if (!ArrayBuffer.isView(a) || !ArrayBuffer.isView(b) || a.constructor !== b.constructor) {
      return `${path}: different types`;
    }
    const x = Buffer.from(a.buffer, a.byteOffset, a.byteLength);
    const y = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
    if (x.length !== y.length) {
      return `${path}: byte length ${x.length} vs ${y.length}`;
    }
    if (!x.equals(y)) {
      const view = a as unknown as ArrayLike<number>;
      const other = b as unknown as ArrayLike<number>;
      for (let i = 0; i < view.length; i++) {
        if (!Object.is(view[i], other[i])) {
          return `${path}[${i}]: ${view[i]} vs ${other[i]}`;
        }
      }
      return `${path}: bytes differ`;
    }
    return undefined;
  }
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
    return Object.is(a, b) ? undefined : `${path}: ${short(a)} vs ${short(b)}`;
  }
  if (Array.isArray(a) !== Array.isArray(b)) {
    return `${path}: array vs object`;
  }
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  if (ka.join('\0') !== kb.join('\0')) {
    return `${path}: keys ${ka.join(',')} vs ${kb.join(',')}`;
  }
  for (const k of ka) {
    const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`);
    if (d !== undefined) {
      return d;
    }
  }
  return undefined;
}

function short(v: unknown): string {
  const s = typeof v === 'string' ? JSON.stringify(v) : String(v);
  return s.length > 80 ? `${s.slice(0, 77)}… (${s.length} chars)` : s;
}

const fixtureStores = new Map<string, ProfileStore>();

/** parseFixture, parsed once per test file (tests only read stores). */
export function cachedFixture(relativePath: string): ProfileStore {
  let store = fixtureStores.get(relativePath);
  if (store === undefined) {
    store = parseFixture(relativePath);
    fixtureStores.set(relativePath, store);
  }
  return store;
}
