/**
 * nflxprofile: Netflix's protobuf profile (what FlameScope opens besides perf script). Sample i is node
 * `samples[i]` at `start_time + Σ time_deltas[0..i]` seconds. A node's stack is its `stack` frames (root first) when
 * the profile has them (`has_node_stack`), else the chain of `parent` nodes; the node's own name is then its
 * process's name, which becomes the thread's name, as Netflix's flame graphs put it at the top. pid, tid and cpu come
 * from `samples_pid` / `samples_tid` / `samples_cpu` when present (one per sample), else from the node, so the
 * cpu/pid/tid filters work. Frames are processed as Netflix's NodeJsStackProcessor does (node-frames.ts).
 *
 * The bytes are gathered and decoded at the end (protobuf has no streaming decoder worth the name here); a file cut
 * short gives what its whole fields hold, with warnings.
 */
import { StoreBuilder } from '../builder';
import { ChunkBuffer } from '../import-kit/chunk-buffer';
import { eventIdOf, threadIdOf } from '../import-kit/names';
import { splitSeconds } from '../import-kit/time';
import { WarningTally } from '../import-kit/warnings';
import { ParseOptions, ProfileParser } from '../parser';
import { ProfileStore } from '../store';
import { decodeNflxprofile, NflxNode, NflxProfile, present } from './decode';
import { NflxFrames } from './node-frames';

export class NflxprofileParser implements ProfileParser {
  private readonly chunks = new ChunkBuffer();
  private readonly warnings = new WarningTally();

  get bytesRead(): number {
    return this.chunks.bytes;
  }

  push(chunk: Uint8Array): void {
    this.chunks.push(chunk);
  }

  noteTruncated(message: string): void {
    this.warnings.fact('truncated', message);
  }

  finish(): ProfileStore {
    const decoded = decodeNflxprofile(this.chunks.take());
    const b = new StoreBuilder();
    b.format = 'nflxprofile';
    b.bytesRead = this.chunks.bytes;
    if (decoded.droppedBytes > 0) {
      this.warnings.fact(
        'truncated',
        `the nflxprofile ends inside a field: its last ${decoded.droppedBytes} bytes were dropped`
      );
    }
    if (decoded.missing !== undefined) {
      this.warnings.fact('truncated', `the nflxprofile lacks required fields (${decoded.missing})`);
    }
    addSamples(b, decoded.profile, this.warnings);
    return this.warnings.applyTo(b.finish());
  }
}

function addSamples(b: StoreBuilder, p: NflxProfile, warnings: WarningTally) {
  const samples = p.samples ?? [];
  const deltas = p.time_deltas ?? [];
  const nodes = p.nodes ?? {};
  const perSample = (a: number[] | undefined) => (a !== undefined && a.length === samples.length ? a : undefined);
  const pids = perSample(p.samples_pid);
  const tids = perSample(p.samples_tid);
  const cpus = perSample(p.samples_cpu);
  const frames = new NflxFrames(b);
  const parents = parentLinks(nodes);
  const stacks = new Map<number, number>();
  const threads = new Map<string, number>();
  const event = eventIdOf(b, 'samples');
  const time = { sec: 0, nsec: 0 };
  const start = present(p, 'start_time');
  let t = typeof start === 'number' && Number.isFinite(start) ? start : NaN;
  if (Number.isNaN(t) && samples.length > 0) {
    warnings.fact('bad-timestamp', 'the nflxprofile has no start_time: samples are placed from 0 s');
    t = 0;
  }
  b.noteTimePrecision(6);
  for (let i = 0; i < samples.length; i++) {
    if (i >= deltas.length) {
      warnings.note('bad-sample', 'samples without a time delta (dropped)', samples.length - i);
      break;
    }
    t += deltas[i];
    const id = samples[i];
    const node = nodes[id];
    if (node === undefined) {
      warnings.note('bad-sample', 'samples of nodes not in the profile (dropped)');
      continue;
    }
    let stack = stacks.get(id);
    if (stack === undefined) {
      stack = stackOf(b, frames, nodes, parents, id);
      stacks.set(id, stack);
    }
    if (stack < 0) {
      warnings.note('bad-node', 'nodes whose parent chain is broken (their samples dropped)');
      continue;
    }
    if (!(t >= 0)) {
      warnings.note('bad-timestamp', 'samples at a negative time (dropped)');
      continue;
    }
    const pid = pids ? pids[i] : (present(node, 'pid') ?? -1);
    const tid = tids ? tids[i] : (present(node, 'tid') ?? -1);
    const cpu = cpus ? cpus[i] : (present(node, 'cpu') ?? -1);
    const thread = threadOf(b, threads, commOf(p, node), pid, tid);
    splitSeconds(t, time);
    b.addSample(time.sec, time.nsec, stack, thread, cpu, event, 1);
  }
}

/** Whether nodes carry whole stacks (then a node's own name is its process's). */
function hasNodeStacks(p: NflxProfile): boolean {
  return p.params?.has_node_stack === 'true';
}

function commOf(p: NflxProfile, node: NflxNode): string {
  if (hasNodeStacks(p) || (node.stack?.length ?? 0) > 0) {
    return (node.function_name ?? '').trim() || 'unknown';
  }
  return p.title || 'nflxprofile';
}

function threadOf(b: StoreBuilder, threads: Map<string, number>, comm: string, pid: number, tid: number): number {
  const key = `${comm}\u0000${pid}\u0000${tid}`;
  let id = threads.get(key);
  if (id === undefined) {
    id = threadIdOf(b, comm, toInt32(pid), toInt32(tid));
    threads.set(key, id);
  }
  return id;
}

function toInt32(v: number): number {
  return Number.isInteger(v) && v >= 0 && v <= 0x7fffffff ? v : -1;
}

/** Each node's parent: its `parent` field (has_parent), else the node listing it among its `children`. */
function parentLinks(nodes: Record<string, NflxNode>): Map<number, number> {
  const parents = new Map<number, number>();
  for (const key of Object.keys(nodes)) {
    const parent = present(nodes[key], 'parent');
    if (parent !== undefined) {
      parents.set(Number(key), parent);
    }
  }
  if (parents.size === 0) {
    for (const key of Object.keys(nodes)) {
      for (const child of nodes[key].children ?? []) {
        parents.set(child, Number(key));
      }
    }
  }
  return parents;
}

/** The builder stack of a node: its own stack frames, or its frames through its parents (leaf first). */
function stackOf(
  b: StoreBuilder,
  frames: NflxFrames,
  nodes: Record<string, NflxNode>,
  parents: Map<number, number>,
  id: number
): number {
  const node = nodes[id];
  const leafFirst: number[] = [];
  if ((node.stack?.length ?? 0) > 0) {
    const stack = node.stack!;
    for (let i = stack.length - 1; i >= 0; i--) {
      const f = frames.id(stack[i]);
      if (f >= 0) {
        leafFirst.push(f);
      }
    }
  } else {
    // Old profiles: the node is the leaf frame and its parents the callers, up to the tree's root (node 0: no frame).
    let n: number | undefined = id;
    for (let steps = 0; n !== undefined && n !== 0; steps++) {
      const cur: NflxNode | undefined = nodes[n];
      // More steps than there are links: the parent links make a cycle.
      if (cur === undefined || steps > parents.size) {
        return -1;
      }
      const f = frames.id({ function_name: cur.function_name, libtype: cur.libtype, file: cur.file });
      if (f >= 0) {
        leafFirst.push(f);
      }
      n = parents.get(n);
    }
  }
  return b.stackId(Int32Array.from(leafFirst), leafFirst.length);
}

/** A parser for nflxprofile (see the module comment); `options` are the common ones (none apply). */
export function createNflxprofileParser(options: ParseOptions = {}): ProfileParser {
  void options;
  return new NflxprofileParser();
}
