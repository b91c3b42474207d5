/**
 * A large plain perf script file parsed on several threads that each read their own byte ranges: the file is cut at
 * sample boundaries found by reading a little around every `rangeBytes` (file-ranges.ts), and the ranges are queued
 * for the worker threads and this one. No thread reads for another (the streaming parse in parallel-parse.ts has
 * this thread read, cut and hand over every byte, and copy each chunk once more into a parser's memory), so a worker
 * never waits for this thread to feed it. Ranges merge in file order into the store the single-thread parse makes.
 * Streams (S3 bodies, gzip, stdin) still go through parallel-parse.ts.
 */
import type { FileHandle } from 'node:fs/promises';
import type { PerfScriptOptions, ProfileStore } from '../../src/profile';
import { ChunkMerger } from '../../src/profile/merge';
import { ChunkParser } from '../../src/profile/perf-script/chunked';
import { ChunkResult, ChunkWorkers } from './chunk-workers';
import { findRangeCuts, parseFileRange } from './file-ranges';

export interface FileRangeOptions {
  perf: PerfScriptOptions;
  /** This thread and threads - 1 workers. */
  threads: number;
  rangeBytes: number;
  /** No sample boundary within this many bytes of a cut: the rest is one range. */
  maxUncutBytes: number;
  workerScript?: string;
  /** Bytes of the file parsed and merged so far. */
  onProgress?: (bytes: number) => void;
  signal?: AbortSignal;
}

/**
 * A range's size: 16 MiB measured best on the 262 MB bench profile with 2 threads (median of 8 in turns: 8 MiB 405 ms,
 * 16 MiB 377 ms, 32 MiB 377 ms; each range costs a message each way, a partial store and its merge).
 */
export const RANGE_BYTES = 16 << 20;

/** The merge's source number for ranges parsed on this thread (workers are 0…). */
const THIS_THREAD = -1;

/** `handle` stays open until this settles: the worker threads read through its descriptor. */
export async function parseFileInRanges(
  handle: FileHandle,
  size: number,
  options: FileRangeOptions
): Promise<ProfileStore> {
  const cuts = await findRangeCuts(handle, size, options.rangeBytes, options.maxUncutBytes, options.threads);
  const bounds = [0, ...cuts, size];
  const count = bounds.length - 1;
  const merger = new ChunkMerger();
  const here = new ChunkParser(options.perf);
  const workers = new ChunkWorkers(Math.max(1, options.threads - 1), options.workerScript);
  const done = new Map<number, ChunkResult>();
  let failure: unknown;
  let waiter: (() => void) | undefined;
  const wake = () => {
    const w = waiter;
    waiter = undefined;
    w?.();
  };
  for (let i = 0; i < count; i++) {
    const range = { fd: handle.fd, start: bounds[i], end: bounds[i + 1] };
    workers.parse({ id: i, range, options: options.perf, truncations: [] }).then(
      (result) => {
        done.set(i, result);
        wake();
      },
      (e) => {
        failure ??= e;
        wake();
      }
    );
  }
  options.signal?.addEventListener('abort', wake, { once: true });
  let merged = 0;
  try {
    for (;;) {
      if (failure !== undefined) {
        throw failure;
      }
      options.signal?.throwIfAborted();
      // In file order: that is what makes the ids come out as one pass over the whole file assigns them.
      for (let result = done.get(merged); result !== undefined; result = done.get(merged)) {
        done.delete(merged);
        merger.add(result.partial, result.source);
        merged++;
        options.onProgress?.(bounds[merged]);
      }
      if (merged === count) {
        return merger.finish();
      }
      // The oldest range no worker has picked up (each has its next ones posted): parsed here, in file order.
      const taken = workers.takeQueued();
      if (taken) {
        const range = taken.job.range!;
        try {
          taken.resolve({ partial: parseFileRange(here, handle.fd, range.start, range.end), source: THIS_THREAD });
        } catch (e) {
          taken.reject(e as Error);
        }
        // Let the workers' answers in, and their next ranges out, before another range here.
        await new Promise((resolve) => setImmediate(resolve));
        continue;
      }
      await new Promise<void>((resolve) => (waiter = resolve));
    }
  } finally {
    options.signal?.removeEventListener('abort', wake);
    here.release();
    // Awaited: a thread stopped mid-range must be gone before the caller closes the descriptor it reads.
    await workers.close();
  }
}
