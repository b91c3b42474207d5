/**
 * Shared memory for the chunks of threaded parses, kept between parses. Fresh memory is expensive where it is first
 * touched: on this project's 2-vCPU VM, filling 128 MiB of new buffers took ~100 ms against ~15 ms for memory used
 * before (page faults). A parse needs a handful of chunk buffers at once; they are taken from here and given back,
 * and the pool is emptied after POOL_IDLE_MS without parses, so an idle sidecar holds none.
 */

const POOL_IDLE_MS = 30_000;
/** At most this many idle buffers are kept (a parse has at most a few chunks in flight). */
const MAX_POOLED = 8;

const pool: SharedArrayBuffer[] = [];
let emptyLater: NodeJS.Timeout | undefined;

/** A buffer of at least `size` bytes in shared memory (workers read it in place): pooled when one is big enough. */
export function takeChunkMemory(size: number): Buffer {
  const i = pool.findIndex((b) => b.byteLength >= size);
  return Buffer.from(i >= 0 ? pool.splice(i, 1)[0] : new SharedArrayBuffer(size));
}

/** Gives a chunk's memory back once nothing reads it any more (memory that is not shared is left to the GC). */
export function giveChunkMemory(memory: ArrayBufferLike | undefined) {
  if (!(memory instanceof SharedArrayBuffer) || pool.length >= MAX_POOLED || pool.includes(memory)) {
    return;
  }
  pool.push(memory);
  clearTimeout(emptyLater);
  emptyLater = setTimeout(() => pool.splice(0), POOL_IDLE_MS);
  emptyLater.unref();
}

/** Idle pooled bytes (tests, memory accounting). */
export function pooledChunkBytes(): number {
  return pool.reduce((sum, b) => sum + b.byteLength, 0);
}
