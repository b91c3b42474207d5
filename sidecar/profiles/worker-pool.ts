/**
 * A fixed set of persistent parse workers with a FIFO queue. A worker that dies fails its job and is replaced; the
 * service keeps serving. A worker whose parse failed on the input (too large, corrupt) is replaced too: V8 keeps the
 * heap a big failed parse grew, and a fresh worker costs ~30 ms.
 */
import { existsSync } from 'node:fs';
import { defaultServerParseThreads } from './parse-threads';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { ProfileFormat, ProfileStore } from '../../src/profile';
import { ObjectInfo } from '../storage/types';
import { FailureKind, ParseRequest, ParseResponse, WorkerSettings } from './parse-job';

export class ParseFailure extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string
  ) {
    super(message);
  }
}

const RECYCLE_AFTER: readonly FailureKind[] = ['too-large', 'corrupt', 'unsupported', 'internal'];

interface Job {
  request: ParseRequest;
  onProgress: (bytesRead: number, totalBytes: number) => void;
  resolve: (result: { store: ProfileStore; info: ObjectInfo }) => void;
  reject: (e: Error) => void;
}

interface Slot {
  worker: Worker;
  job?: Job;
}

/** The bundled worker script: next to the bundle (lib/), or lib/ when running from sources (tests). */
export function workerScriptPath(): string {
  const candidates = [join(__dirname, 'parse-worker.cjs'), join(__dirname, '..', '..', 'lib', 'parse-worker.cjs')];
  const found = candidates.find((p) => existsSync(p));
  if (!found) {
    throw new Error('lib/parse-worker.cjs is missing: run `npm run build:cli`');
  }
  return found;
}

export class WorkerPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;

  constructor(
    size: number,
    private readonly storage: WorkerSettings,
    private readonly maxBytes: number,
    private readonly maxRatio: number,
    private readonly script = workerScriptPath()
  ) {
    for (let i = 0; i < size; i++) {
      this.slots.push(this.spawn());
    }
  }

  get busy(): number {
    return this.slots.filter((s) => s.job).length;
  }

  get queued(): number {
    return this.queue.length;
  }

  /** The workers' thread ids (a recycled worker gets a new one). */
  get threadIds(): number[] {
    return this.slots.map((s) => s.worker.threadId);
  }

  /** Parses `key` in a worker; `format` reads it as that format instead of detecting it. */
  parse(
    key: string,
    onProgress: Job['onProgress'],
    format?: ProfileFormat
  ): Promise<{ store: ProfileStore; info: ObjectInfo }> {
    if (this.closed) {
      return Promise.reject(new ParseFailure('shutdown', 'the service is shutting down'));
    }
    return new Promise((resolve, reject) => {
      const request: ParseRequest = {
        id: this.nextId++,
        storage: this.storage,
        key,
        maxBytes: this.maxBytes,
        maxRatio: this.maxRatio,
        format,
        parseThreads: this.storage.parseConcurrency ?? defaultServerParseThreads(),
      };
      this.queue.push({ request, onProgress, resolve, reject });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) {
      job.reject(new ParseFailure('shutdown', 'the service is shutting down'));
    }
    for (const slot of this.slots) {
      slot.job?.reject(new ParseFailure('shutdown', 'the service is shutting down'));
      slot.job = undefined;
    }
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private spawn(): Slot {
    // Workers read storage credentials from the AWS chain: give them this environment as it is now.
    const slot: Slot = { worker: new Worker(this.script, { env: { ...process.env } }) };
    slot.worker.on('message', (message: ParseResponse) => this.onMessage(slot, message));
    slot.worker.on('error', (e) => this.onExit(slot, `the parser crashed: ${e.message}`));
    slot.worker.on('exit', (code) => this.onExit(slot, `the parser exited (code ${code})`));
    slot.worker.unref();
    return slot;
  }

  private onMessage(slot: Slot, message: ParseResponse) {
    const job = slot.job;
    if (!job || job.request.id !== message.id) {
      return;
    }
    if (message.type === 'progress') {
      job.onProgress(message.bytesRead, message.totalBytes);
      return;
    }
    slot.job = undefined;
    if (message.type === 'done') {
      job.resolve({ store: message.store, info: message.info });
    } else {
      job.reject(new ParseFailure(message.kind, message.message));
      if (RECYCLE_AFTER.includes(message.kind)) {
        this.recycle(slot);
      }
    }
    this.dispatch();
  }

  /** Replaces an idle worker with a fresh one (its heap goes with it). */
  private recycle(slot: Slot) {
    const index = this.slots.indexOf(slot);
    if (index < 0 || this.closed) {
      return;
    }
    slot.worker.removeAllListeners();
    slot.worker.on('error', () => undefined);
    void slot.worker.terminate();
    this.slots[index] = this.spawn();
  }

  private onExit(slot: Slot, reason: string) {
    const index = this.slots.indexOf(slot);
    if (index < 0) {
      return;
    }
    slot.job?.reject(new ParseFailure('internal', reason));
    slot.job = undefined;
    if (this.closed) {
      return;
    }
    this.slots[index] = this.spawn();
    this.dispatch();
  }

  private dispatch() {
    for (const slot of this.slots) {
      if (this.queue.length === 0) {
        return;
      }
      if (!slot.job) {
        slot.job = this.queue.shift()!;
        slot.worker.postMessage(slot.job.request);
      }
    }
  }
}
