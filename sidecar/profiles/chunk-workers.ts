/**
 * Worker threads that parse chunks of one perf script profile (lib/parse-worker.cjs in its chunk role): a job is a
 * chunk's bytes, moved to the worker (or a byte range of a file, which the worker reads), and its answer a
 * PartialStore, moved back. Jobs go to whichever thread is free,
 * in file order; a thread keeps what it interned across its chunks, so each answer carries only what is new to that
 * thread, and says which thread it came from (the merge keeps one id map per thread).
 */
import { Worker } from 'node:worker_threads';
import type { PartialStore } from '../../src/profile/merge';
import type { PerfScriptOptions } from '../../src/profile';
import { workerScriptPath } from './worker-pool';

export interface ChunkJob {
  id: number;
  /** Set by ChunkWorkers: which parse the chunk belongs to. */
  session?: number;
  /** The chunk is bytes[0, length): its buffer is transferred (shared memory stays shared)… */
  bytes?: Uint8Array;
  /** …or bytes [start, end) of a file, which the thread reads itself (file-ranges.ts). */
  range?: FileRange;
  options: PerfScriptOptions;
  truncations: string[];
}

/** A byte range of a file this process has open: a descriptor is good in every thread of the process. */
export interface FileRange {
  fd: number;
  start: number;
  end: number;
}

/**
 * `buffer`: the chunk's memory when it was moved to the thread, moved back for the next chunk (fresh memory costs page
 * faults and GC work); absent for shared memory, which never left.
 */
export type ChunkAnswer = { id: number; partial: PartialStore; buffer?: ArrayBuffer } | { id: number; error: string };

/** workerData.role of a chunk thread: lib/parse-worker.cjs serves both roles (see parse-worker.ts). */
export const CHUNK_ROLE = 'chunk';

export interface ChunkResult {
  partial: PartialStore;
  /** Which thread parsed it. */
  source: number;
  /** The chunk's buffer, free for reuse. */
  buffer?: ArrayBuffer | SharedArrayBuffer;
}

export interface Pending {
  job: ChunkJob;
  resolve: (result: ChunkResult) => void;
  reject: (e: Error) => void;
}

/**
 * Threads between parses, kept warm (started, their code compiled and optimised: a cold thread parses its first
 * megabytes several times slower) for the next parse in this process — the sidecar's next profile. Ended after
 * KEEP_WARM_MS unused; unref'd meanwhile, so they never keep a process alive.
 */
const warm: Array<{ worker: Worker; script: string }> = [];
const KEEP_WARM_MS = 30_000;
let coolDown: NodeJS.Timeout | undefined;
/** Tells a thread's jobs of one parse from the next's (a thread starts over on a new session). */
let nextSession = 1;

/** Which parse a thread works for. Its listeners are added once: a Worker whose 'message' listeners were all
 * removed delivers no more messages, even to listeners added later. */
const leases = new WeakMap<Worker, ChunkWorkers>();

function spawn(script: string): Worker {
  const worker = new Worker(script, { workerData: { role: CHUNK_ROLE } });
  worker.on('message', (answer: ChunkAnswer) => leases.get(worker)?.onAnswer(worker, answer));
  worker.on('error', (e) => leases.get(worker)?.fail(new Error(`a parse thread crashed: ${e.message}`)));
  worker.on('exit', (code) => {
    leases.get(worker)?.fail(new Error(`a parse thread exited (code ${code})`));
    const i = warm.findIndex((w) => w.worker === worker);
    if (i >= 0) {
      warm.splice(i, 1);
    }
  });
  return worker;
}

function takeWarm(script: string): Worker | undefined {
  const i = warm.findIndex((w) => w.script === script);
  return i < 0 ? undefined : warm.splice(i, 1)[0].worker;
}

function keepWarm(worker: Worker, script: string) {
  worker.unref();
  warm.push({ worker, script });
  clearTimeout(coolDown);
  coolDown = setTimeout(() => {
    for (const w of warm.splice(0)) {
      void w.worker.terminate();
    }
  }, KEEP_WARM_MS);
  coolDown.unref();
}

/**
 * Chunks posted to a thread ahead of its answers: the next one is already in its message queue when it finishes one,
 * so it never waits for this thread's event loop (busy parsing or merging a chunk of its own) to hand it more.
 */
const POSTED_PER_THREAD = 2;

export class ChunkWorkers {
  private readonly all: Worker[] = [];
  /** Per thread, the jobs posted to it, in the order it answers them. */
  private readonly running = new Map<Worker, Pending[]>();
  private readonly queue: Pending[] = [];
  private failure: Error | undefined;
  private readonly session = nextSession++;

  constructor(
    size: number,
    private readonly script = workerScriptPath()
  ) {
    for (let i = 0; i < size; i++) {
      const worker = takeWarm(script) ?? spawn(script);
      worker.ref();
      leases.set(worker, this);
      this.all.push(worker);
      this.running.set(worker, []);
    }
  }

  /** Jobs no thread has picked up yet. */
  get waiting(): number {
    return this.queue.length;
  }

  /**
   * The oldest job no thread has picked up, taken back for the caller to parse (it would otherwise wait): the caller
   * settles it. Always the oldest, so the caller's own chunks stay in file order.
   */
  takeQueued(): Pending | undefined {
    return this.queue.shift();
  }

  parse(job: ChunkJob): Promise<ChunkResult> {
    if (this.failure) {
      return Promise.reject(this.failure);
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ job, resolve, reject });
      this.dispatch();
    });
  }

  /** The parse is over: its threads are kept warm for the next one, or ended when it failed or was stopped. */
  async close(): Promise<void> {
    const healthy =
      this.failure === undefined && this.queue.length === 0 && [...this.running.values()].every((p) => p.length === 0);
    this.failure ??= new Error('the parse was stopped');
    for (const w of this.all) {
      leases.delete(w);
    }
    if (healthy) {
      for (const w of this.all) {
        // Drop what the thread interned for this parse (it would hold the memory until the next one).
        w.postMessage({ release: true });
        keepWarm(w, this.script);
      }
      return;
    }
    await Promise.all(this.all.map((w) => w.terminate()));
  }

  /** Posts queued jobs, each to the thread with the fewest posted (the first such: chunks go round in order). */
  private dispatch() {
    while (this.queue.length > 0) {
      let worker: Worker | undefined;
      for (const w of this.all) {
        const posted = this.running.get(w)!.length;
        if (posted < POSTED_PER_THREAD && (!worker || posted < this.running.get(worker)!.length)) {
          worker = w;
        }
      }
      if (!worker) {
        return;
      }
      const next = this.queue.shift()!;
      this.running.get(worker)!.push(next);
      const buffer = next.job.bytes?.buffer;
      worker.postMessage({ ...next.job, session: this.session }, buffer instanceof ArrayBuffer ? [buffer] : []);
    }
  }

  /** For spawn's listeners. */
  onAnswer(worker: Worker, answer: ChunkAnswer) {
    const pending = this.running.get(worker)?.shift();
    if (pending) {
      if ('partial' in answer) {
        pending.resolve({ partial: answer.partial, source: this.all.indexOf(worker), buffer: answer.buffer });
      } else {
        pending.reject(new Error(answer.error));
      }
    }
    this.dispatch();
  }

  /** For spawn's listeners. */
  fail(e: Error) {
    if (this.failure) {
      return;
    }
    this.failure = e;
    for (const p of [...[...this.running.values()].flat(), ...this.queue.splice(0)]) {
      p.reject(e);
    }
    for (const posted of this.running.values()) {
      posted.length = 0;
    }
  }
}

/** The typed arrays of a partial store, moved (not copied) back from the worker. */
export function partialTransferList(p: PartialStore): ArrayBuffer[] {
  const views = [
    p.frames.chainPart,
    ...('lengths' in p.stacks ? [p.stacks.frames, p.stacks.lengths] : [p.stacks.parent, p.stacks.frame]),
    p.threads.pid,
    p.threads.tid,
    p.contextKeys,
    p.samples.sec,
    p.samples.nsec,
    p.samples.context,
    p.samples.weight,
  ];
  const buffers = new Set<ArrayBuffer>();
  for (const v of views) {
    if (v && v.buffer instanceof ArrayBuffer) {
      buffers.add(v.buffer);
    }
  }
  return [...buffers];
}
