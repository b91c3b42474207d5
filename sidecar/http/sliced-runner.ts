/**
 * Runs the engine's sliced computations (src/profile/sliced.ts) on the request thread without holding it. All running
 * computations share one scheduler: each turn of the event loop gives them, round-robin, at most TURN_BUDGET_MS in
 * all — whatever their number — and then lets I/O in, so /healthz and cached queries answer within a few turns. A
 * computation whose signal aborts (a deadline, or its client leaving) is stopped at its next step.
 */
import { Sliced } from '../../src/profile';

/** Work per event-loop turn, for all computations together. */
const TURN_BUDGET_MS = 6;
/** Work per computation before the next one gets its go (within a turn). */
const QUANTUM_MS = 2;

interface Task {
  work: Sliced<unknown>;
  signal: AbortSignal;
  resolve: (value: unknown) => void;
  reject: (e: unknown) => void;
}

const runQueue: Task[] = [];
let turnScheduled = false;

export function runSliced<T>(work: Sliced<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    runQueue.push({ work, signal, resolve: resolve as (value: unknown) => void, reject });
    scheduleTurn();
  });
}

/** Computations waiting for their next slice (for tests and metrics). */
export function runningComputations(): number {
  return runQueue.length;
}

function scheduleTurn() {
  if (!turnScheduled) {
    turnScheduled = true;
    setImmediate(turn);
  }
}

function turn() {
  turnScheduled = false;
  const turnStart = performance.now();
  while (runQueue.length > 0 && performance.now() - turnStart < TURN_BUDGET_MS) {
    const task = runQueue.shift()!;
    if (task.signal.aborted) {
      stop(task.work);
      task.reject(task.signal.reason);
      continue;
    }
    if (!runQuantum(task)) {
      runQueue.push(task);
    }
  }
  if (runQueue.length > 0) {
    scheduleTurn();
  }
}

/** Runs one task for up to QUANTUM_MS; true when it finished (resolved or failed). */
function runQuantum(task: Task): boolean {
  const start = performance.now();
  try {
    do {
      const step = task.work.next();
      if (step.done) {
        task.resolve(step.value);
        return true;
      }
    } while (performance.now() - start < QUANTUM_MS);
  } catch (e) {
    task.reject(e);
    return true;
  }
  return false;
}

function stop(work: Sliced<unknown>) {
  try {
    work.return(undefined as never);
  } catch {
    // a generator that throws while being stopped has nothing left to give
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
