/** Messages between the sidecar and its parse workers. */
import { ProfileFormat, ProfileStore } from '../../src/profile';
import { SidecarConfig } from '../config';
import { ObjectInfo } from '../storage/types';

export type StorageSettings = Pick<
  SidecarConfig,
  'storage' | 's3Endpoint' | 's3Region' | 's3PathStyle' | 's3ListPageSize' | 'storageTimeoutMs'
>;

export interface ParseRequest {
  id: number;
  storage: StorageSettings;
  key: string;
  maxBytes: number;
  /** Largest decompressed ÷ compressed ratio (0: no limit). */
  maxRatio: number;
  /** Read as this format instead of detecting it (the API's `format=`). */
  format?: ProfileFormat;
  /** Threads a large perf script profile is parsed on (--parse-concurrency). */
  parseThreads: number;
}

/** What a pool worker needs: where the profiles are, and how many threads a parse may use (default: the cores). */
export type WorkerSettings = StorageSettings & Partial<Pick<SidecarConfig, 'parseConcurrency'>>;

export type FailureKind =
  | 'not-found'
  | 'timeout'
  | 'unavailable'
  | 'denied'
  | 'bad-key'
  | 'too-large'
  | 'unsupported'
  | 'corrupt'
  | 'internal'
  | 'shutdown';

export type ParseResponse =
  | { id: number; type: 'progress'; bytesRead: number; totalBytes: number }
  | { id: number; type: 'done'; store: ProfileStore; info: ObjectInfo }
  | { id: number; type: 'error'; kind: FailureKind; message: string };

/** The typed arrays of a store, moved (not copied) across threads. */
export function transferList(store: ProfileStore): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  const add = (a: { buffer: ArrayBufferLike } | null) => {
    if (a && a.buffer instanceof ArrayBuffer) {
      buffers.add(a.buffer);
    }
  };
  add(store.time);
  add(store.context);
  add(store.weight);
  for (const a of [store.frames.kind, store.frames.chainPart, store.frames.flags]) {
    add(a);
  }
  for (const a of [store.stacks.parent, store.stacks.frame, store.stacks.depth, store.stacks.flags]) {
    add(a);
  }
  add(store.threads.pid);
  add(store.threads.tid);
  for (const a of [
    store.contexts.stack,
    store.contexts.thread,
    store.contexts.cpu,
    store.contexts.event,
    store.contexts.idle,
  ]) {
    add(a);
  }
  return [...buffers];
}
