/**
 * Runs the engine's sliced computations (src/profile/sliced.ts) on the request thread without holding it: a few
 * milliseconds of work, then a turn of the event loop so /healthz and other requests get in, and a check of the
 * request's signal, so a deadline or a client that left stops the work instead of letting it run on.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { Sliced } from '../../src/profile';

/** Longest stretch of work between turns of the event loop. */
const SLICE_MS = 8;

export async function runSliced<T>(work: Sliced<T>, signal: AbortSignal): Promise<T> {
  signal.throwIfAborted();
  let sliceStart = performance.now();
  for (;;) {
    const step = work.next();
    if (step.done) {
      return step.value;
    }
    if (performance.now() - sliceStart >= SLICE_MS) {
      await nextTurn();
      if (signal.aborted) {
        work.return(undefined as never);
        signal.throwIfAborted();
      }
      sliceStart = performance.now();
    }
  }
}

/** Waits for `promise`, or rejects with the signal's reason as soon as it aborts (the promise itself runs on). */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      }
    );
  });
}
