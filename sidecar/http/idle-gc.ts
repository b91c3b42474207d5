/**
 * After a burst of heavy queries, the heap holds their garbage (tens of MB of JSON pieces and trees per query) until
 * V8 next needs room — on a server that has gone quiet that can take minutes, with the process hundreds of MB above
 * its resting size. So once the queries are done, nothing waits and no answer is still being sent, the server asks
 * for one major collection, run concurrently (`execution: 'async'`), so the memory goes back. Never while a person
 * waits: only after a second of idleness, and at most every few seconds.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

type Collect = (options: { type: 'major'; execution: 'async' }) => Promise<void> | void;

const IDLE_MS = 1000;
const MIN_INTERVAL_MS = 5000;

/** V8's gc(), without starting Node with --expose-gc. */
function exposeGc(): Collect | undefined {
  try {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as Collect;
  } catch {
    return undefined;
  }
}

export class IdleCollector {
  private readonly collect = exposeGc();
  private timer: NodeJS.Timeout | undefined;
  private lastRun = 0;

  constructor(private readonly isIdle: () => boolean) {}

  /** Heavy work just finished: collect once the server has been idle a while. */
  workDone() {
    if (!this.collect || this.timer) {
      return;
    }
    this.timer = setTimeout(() => this.maybeCollect(), IDLE_MS);
    this.timer.unref();
  }

  private maybeCollect() {
    this.timer = undefined;
    const sinceLast = performance.now() - this.lastRun;
    if (!this.isIdle() || sinceLast < MIN_INTERVAL_MS) {
      this.timer = setTimeout(() => this.maybeCollect(), Math.max(IDLE_MS, MIN_INTERVAL_MS - sinceLast));
      this.timer.unref();
      return;
    }
    this.lastRun = performance.now();
    void Promise.resolve(this.collect!({ type: 'major', execution: 'async' })).catch(() => undefined);
  }
}
