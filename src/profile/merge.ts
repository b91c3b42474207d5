/**
 * Merging profiles parsed in pieces. A perf script profile cut at sample boundaries (perf-script/chunks.ts) is parsed
 * chunk by chunk, each into its own StoreBuilder; every id in a chunk (frame, stack node, thread, event, context) is
 * local to it. Merging the chunks in file order into one builder re-interns each table in local id order — which is
 * first-seen order — so every id comes out as a single pass over the whole file would have assigned it, and the
 * finished store is identical to the single-thread parse. Pure data: no I/O, no threads.
 */
import { StoreBuilder } from './builder';
import { IntList } from './import-kit/growable';
import { ParseWarning, ProfileHeader, ProfileStore } from './store';

/**
 * A chunk's builder state (StoreBuilder.partial): plain arrays, so it crosses threads by structured clone. Ids are
 * those of the chunk's source (the builder that parsed it, maybe after earlier chunks): each table holds only the
 * entries this chunk added, from `first` on.
 */
export interface PartialStore {
  header: ProfileHeader;
  /** Line numbers relative to the chunk's first line. */
  warnings: ParseWarning[];
  /** Lines in the chunk (the next chunk's line numbers start after them). */
  lines: number;
  bytesRead: number;
  timePrecisionDigits: number;
  /** Source event id of the first bare event line, or -1. */
  foldEvent: number;
  /** The source's table sizes before this chunk: the first id of each delta below. */
  first: { frames: number; stacks: number; threads: number; events: number; contexts: number };
  frames: { name: string[]; dso: string[]; chainPart: Uint8Array; address: Array<string | undefined> };
  /**
   * New stacks: trie nodes (node 0, the root, is never sent), or — from a builder in sequence mode — each stack's
   * frames, leaf first, one after another (`lengths` says where each ends).
   */
  stacks: { parent: Int32Array; frame: Int32Array } | { frames: Int32Array; lengths: Int32Array };
  threads: { comm: string[]; pid: Int32Array; tid: Int32Array };
  events: string[];
  /** (stack, thread, cpu, event) per context, 4 ints each. */
  contextKeys: Int32Array;
  /** Samples in file order; sec < 0: no timestamp. */
  samples: {
    count: number;
    sec: Float64Array;
    nsec: Int32Array;
    context: Int32Array;
    weight: Float64Array | null;
  };
}

/** Source id → merged id, per table, for one source; grows with each of its chunks. */
class IdMaps {
  frame = new IdMap();
  /** Made at the source's first chunk: a trie source's node 0 is the root; a sequence source numbers from 0. */
  stack: IdMap | undefined;
  thread = new IdMap();
  event = new IdMap();
  context = new IdMap();
}

/** Source id → merged id (`data[source id]`), appended in source id order. */
class IdMap extends IntList {
  constructor(initial: number[] = []) {
    super();
    initial.forEach((id) => this.push(id));
  }
  /** Checks the delta starts where this map ends (chunks of a source merged in order, none missed). */
  expect(first: number) {
    if (first !== this.length) {
      throw new Error(`chunk merged out of order: ids from ${first}, expected ${this.length}`);
    }
  }
}

/**
 * Merges chunks handed over in file order (each as soon as it and those before it are parsed). `source` names the
 * builder a chunk came from: chunks of one source share its ids, so each needs only its own additions mapped.
 */
export class ChunkMerger {
  private readonly builder = new StoreBuilder();
  private readonly sources = new Map<number, IdMaps>();
  private lines = 0;

  add(partial: PartialStore, source: number): void {
    let maps = this.sources.get(source);
    if (!maps) {
      maps = new IdMaps();
      this.sources.set(source, maps);
    }
    mergePartial(this.builder, partial, this.lines, maps);
    this.lines += partial.lines;
  }

  finish(): ProfileStore {
    return this.builder.finish();
  }
}

/** Appends a chunk to `target`; `lineOffset` is the number of lines before the chunk in the whole input. */
function mergePartial(target: StoreBuilder, p: PartialStore, lineOffset: number, maps: IdMaps): void {
  mergeHeader(target.header, p.header);
  for (const w of p.warnings) {
    target.absorbWarning(w, lineOffset);
  }
  target.bytesRead += p.bytesRead;
  target.noteTimePrecision(p.timePrecisionDigits);

  // Each table in source id order, which is first-seen order: new entries get merged ids in file order.
  const frames = maps.frame;
  frames.expect(p.first.frames);
  for (let i = 0; i < p.frames.name.length; i++) {
    frames.push(target.frameId(p.frames.name[i], p.frames.dso[i], p.frames.chainPart[i] === 1, p.frames.address[i]));
  }
  const stacks = (maps.stack ??= new IdMap('lengths' in p.stacks ? [] : [0]));
  if ('lengths' in p.stacks) {
    // Sequences, in the order their source met them: the target interns each (a trie walk only for one it never saw),
    // so trie nodes are made in file order, as one pass over the whole file makes them.
    stacks.expect(p.first.stacks);
    const { frames: sequence, lengths } = p.stacks;
    let scratch = new Int32Array(256);
    for (let i = 0, at = 0; i < lengths.length; at += lengths[i++]) {
      const n = lengths[i];
      if (n > scratch.length) {
        scratch = new Int32Array(n * 2);
      }
      for (let j = 0; j < n; j++) {
        scratch[j] = frames.data[sequence[at + j]];
      }
      stacks.push(target.stackId(scratch, n));
    }
  } else {
    // Parents come before children in a trie built root-down, so one pass in id order maps every node.
    stacks.expect(p.first.stacks);
    for (let i = 0; i < p.stacks.parent.length; i++) {
      stacks.push(target.stackChild(stacks.data[p.stacks.parent[i]], frames.data[p.stacks.frame[i]]));
    }
  }
  const threads = maps.thread;
  threads.expect(p.first.threads);
  for (let i = 0; i < p.threads.comm.length; i++) {
    threads.push(target.threadOf(p.threads.comm[i], p.threads.pid[i], p.threads.tid[i]));
  }
  const events = maps.event;
  events.expect(p.first.events);
  for (const name of p.events) {
    events.push(target.eventOf(name));
  }
  if (p.foldEvent >= 0) {
    target.noteBareEvent(events.data[p.foldEvent]);
  }
  const contexts = maps.context;
  contexts.expect(p.first.contexts);
  const keys = p.contextKeys;
  for (let k = 0; k < keys.length; k += 4) {
    contexts.push(
      target.contextId(stacks.data[keys[k]], threads.data[keys[k + 1]], keys[k + 2], events.data[keys[k + 3]])
    );
  }

  const s = p.samples;
  target.addContextSamples(s.sec, s.nsec, mapIds(s.context, s.count, contexts.data), s.weight, s.count);
}

/** ids[0, n) through `map`. */
function mapIds(ids: Int32Array, n: number, map: Int32Array): Int32Array {
  const mapped = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    mapped[i] = map[ids[i]];
  }
  return mapped;
}
/** Fills what `into` lacks: the header lines are all in the first chunk; a later one may add the first `tod`. */
function mergeHeader(into: ProfileHeader, from: ProfileHeader) {
  for (const event of from.events) {
    if (!into.events.includes(event)) {
      into.events.push(event);
    }
  }
  for (const [key, value] of Object.entries(from.fields)) {
    if (!(key in into.fields)) {
      into.fields[key] = value;
    }
  }
  const target = into as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(from)) {
    if (key !== 'events' && key !== 'fields' && value !== undefined && target[key] === undefined) {
      target[key] = value;
    }
  }
}
