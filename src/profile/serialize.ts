/**
 * A ProfileStore as one compact binary blob and back — the `<key>.idx` file other replicas load in milliseconds
 * instead of re-parsing. Layout: "FSIDX1\n", a uint32 length, UTF-8 JSON (scalars and string tables), then the typed
 * arrays, each 8-byte aligned, in the order the JSON lists them. Pure: no I/O.
 */
import { ProfileStore } from './store';

const MAGIC = 'FSIDX1\n';
const FORMAT_VERSION = 1;

type ArrayKind = 'f64' | 'i32' | 'u32' | 'u8';
type Typed = Float64Array | Int32Array | Uint32Array | Uint8Array;

interface Section {
  name: string;
  kind: ArrayKind;
  length: number;
}

export class IndexFormatError extends Error {}

/** Encodes a store; `tag` (e.g. the source object's ETag) is stored and returned by decode for validation. */
export function encodeStore(store: ProfileStore, tag = ''): Uint8Array {
  const f = store.frames;
  const s = store.stacks;
  const t = store.threads;
  const c = store.contexts;
  const arrays: Array<[string, Typed]> = [
    ['time', store.time],
    ['context', store.context],
    ['frames.kind', f.kind.subarray(0, f.count)],
    ['frames.chainPart', f.chainPart.subarray(0, f.count)],
    ['frames.flags', f.flags.subarray(0, f.count)],
    ['stacks.parent', s.parent.subarray(0, s.count)],
    ['stacks.frame', s.frame.subarray(0, s.count)],
    ['stacks.depth', s.depth.subarray(0, s.count)],
    ['stacks.flags', s.flags.subarray(0, s.count)],
    ['threads.pid', t.pid.subarray(0, t.count)],
    ['threads.tid', t.tid.subarray(0, t.count)],
    ['contexts.stack', c.stack],
    ['contexts.thread', c.thread],
    ['contexts.cpu', c.cpu],
    ['contexts.event', c.event],
    ['contexts.idle', c.idle],
  ];
  if (store.weight) {
    arrays.push(['weight', store.weight]);
  }
  const sections: Section[] = arrays.map(([name, a]) => ({ name, kind: kindOf(a), length: a.length }));
  const meta = {
    version: FORMAT_VERSION,
    tag,
    format: store.format,
    header: store.header,
    warnings: store.warnings,
    bytesRead: store.bytesRead,
    sampleCount: store.sampleCount,
    hasTimestamps: store.hasTimestamps,
    timePrecisionDigits: store.timePrecisionDigits,
    startSec: store.startSec,
    hasPeriods: store.hasPeriods,
    events: store.events,
    foldEvent: store.foldEvent,
    frameCount: f.count,
    frameNames: f.name,
    frameDsos: f.dso,
    frameAddresses: f.address,
    stackCount: s.count,
    threadCount: t.count,
    threadComms: t.comm,
    contextCount: c.count,
    sections,
  };
  const json = new TextEncoder().encode(JSON.stringify(meta));
  const headerLength = MAGIC.length + 4 + json.length;
  let size = align8(headerLength);
  for (const [, a] of arrays) {
    size = align8(size + a.byteLength);
  }
  const out = new Uint8Array(size);
  for (let i = 0; i < MAGIC.length; i++) {
    out[i] = MAGIC.charCodeAt(i);
  }
  new DataView(out.buffer).setUint32(MAGIC.length, json.length, true);
  out.set(json, MAGIC.length + 4);
  let offset = align8(headerLength);
  for (const [, a] of arrays) {
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), offset);
    offset = align8(offset + a.byteLength);
  }
  return out;
}

/** Decodes an index; throws IndexFormatError when it is not one, is truncated, or has another tag. */
export function decodeStore(bytes: Uint8Array, expectedTag?: string): ProfileStore {
  for (let i = 0; i < MAGIC.length; i++) {
    if (bytes[i] !== MAGIC.charCodeAt(i)) {
      throw new IndexFormatError('not a FlameScope index');
    }
  }
  if (bytes.length < MAGIC.length + 4) {
    throw new IndexFormatError('truncated index');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const jsonLength = view.getUint32(MAGIC.length, true);
  if (MAGIC.length + 4 + jsonLength > bytes.length) {
    throw new IndexFormatError('truncated index');
  }

  const meta: any = JSON.parse(
    new TextDecoder().decode(bytes.subarray(MAGIC.length + 4, MAGIC.length + 4 + jsonLength))
  );
  if (meta.version !== FORMAT_VERSION) {
    throw new IndexFormatError(`index format ${meta.version} is not ${FORMAT_VERSION}`);
  }
  if (expectedTag !== undefined && meta.tag !== expectedTag) {
    throw new IndexFormatError('index is for another version of the profile');
  }
  const arrays = new Map<string, Typed>();
  let offset = align8(MAGIC.length + 4 + jsonLength);
  for (const section of meta.sections as Section[]) {
    const byteLength = section.length * BYTES[section.kind];
    if (offset + byteLength > bytes.length) {
      throw new IndexFormatError('truncated index');
    }
    // Copy into a fresh, aligned buffer (Uint8Array's slice copies; Node's Buffer#slice would not).
    const copy = Uint8Array.prototype.slice.call(bytes, offset, offset + byteLength).buffer;
    arrays.set(section.name, construct(section.kind, copy));
    offset = align8(offset + byteLength);
  }
  const get = <T extends Typed>(name: string) => {
    const a = arrays.get(name);
    if (!a) {
      throw new IndexFormatError(`index lacks ${name}`);
    }
    return a as T;
  };
  return {
    format: meta.format,
    header: meta.header,
    warnings: meta.warnings,
    bytesRead: meta.bytesRead,
    sampleCount: meta.sampleCount,
    hasTimestamps: meta.hasTimestamps,
    timePrecisionDigits: meta.timePrecisionDigits,
    startSec: meta.startSec,
    time: get<Float64Array>('time'),
    context: get<Int32Array>('context'),
    weight: (arrays.get('weight') as Uint32Array | Float64Array | undefined) ?? null,
    hasPeriods: meta.hasPeriods,
    events: meta.events,
    foldEvent: meta.foldEvent ?? undefined,
    frames: {
      count: meta.frameCount,
      name: meta.frameNames,
      dso: meta.frameDsos,
      address: (meta.frameAddresses as Array<string | null>).map((a) => a ?? undefined),
      kind: get<Uint8Array>('frames.kind'),
      chainPart: get<Uint8Array>('frames.chainPart'),
      flags: get<Uint8Array>('frames.flags'),
    },
    stacks: {
      count: meta.stackCount,
      parent: get<Int32Array>('stacks.parent'),
      frame: get<Int32Array>('stacks.frame'),
      depth: get<Int32Array>('stacks.depth'),
      flags: get<Uint8Array>('stacks.flags'),
    },
    threads: {
      count: meta.threadCount,
      comm: meta.threadComms,
      pid: get<Int32Array>('threads.pid'),
      tid: get<Int32Array>('threads.tid'),
    },
    contexts: {
      count: meta.contextCount,
      stack: get<Int32Array>('contexts.stack'),
      thread: get<Int32Array>('contexts.thread'),
      cpu: get<Int32Array>('contexts.cpu'),
      event: get<Int32Array>('contexts.event'),
      idle: get<Uint8Array>('contexts.idle'),
    },
  };
}

const BYTES: Record<ArrayKind, number> = { f64: 8, i32: 4, u32: 4, u8: 1 };

/** By tag, not instanceof: arrays that crossed from a worker thread may come from another realm. */
function kindOf(a: Typed): ArrayKind {
  switch (a[Symbol.toStringTag]) {
    case 'Float64Array':
      return 'f64';
    case 'Int32Array':
      return 'i32';
    case 'Uint32Array':
      return 'u32';
    case 'Uint8Array':
      return 'u8';
    default:
      throw new IndexFormatError(`cannot store a ${a[Symbol.toStringTag]}`);
  }
}

function construct(kind: ArrayKind, buffer: ArrayBuffer): Typed {
  switch (kind) {
    case 'f64':
      return new Float64Array(buffer);
    case 'i32':
      return new Int32Array(buffer);
    case 'u32':
      return new Uint32Array(buffer);
    default:
      return new Uint8Array(buffer);
  }
}

function align8(n: number): number {
  return (n + 7) & ~7;
}
