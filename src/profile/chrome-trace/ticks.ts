/**
 * Duration slices as point samples: how a trace without a sampled profile becomes a sample store.
 *
 * The design. Time on each thread is cut into 10-ms ticks on the trace clock (FlameScope's 100 Hz rule: tick k is
 * [k·10 ms, (k+1)·10 ms)). For every tick, every distinct stack of open slices in it becomes ONE sample, placed at
 * the tick's start, weighing the microseconds that stack was open within the tick. So:
 *  - by weight (`weight: 'period'`; the store has periods), a flame graph of any tick-aligned range — heat-map cells
 *    are 10 or 20 ms at 100 or 50 rows — weighs each stack by exactly the µs it was open inside the range;
 *  - by sample count, a stack counts the ticks it was open in; a tick in which the thread had an open root slice
 *    holds at least one sample, and exactly one when one stack filled it. A thread's busy ticks are the distinct
 *    (thread, tick start) pairs among its samples: what a heat map by count shows (busy-ticks.ts), once each.
 *  - a slice shorter than a tick still shows, in the tick it ran in; zero-length slices weigh nothing and vanish.
 */
import { StoreBuilder } from '../builder';
import { splitMicros } from '../import-kit/time';

export const TICK_US = 10_000;

/**
 * Busy ticks one thread may have: 10 M (28 h of slices). Beyond that a timestamp is corrupt (a slice "open" for
 * years), and the rest of the thread is dropped rather than written tick by tick.
 */
export const MAX_TICKS_PER_THREAD = 10_000_000;

export class TickSampler {
  private tick = NaN;
  private readonly weights = new Map<number, number>();
  private readonly time = { sec: 0, nsec: 0 };
  private ticksLeft = MAX_TICKS_PER_THREAD;
  samples = 0;
  /** Threads cut short by MAX_TICKS_PER_THREAD. */
  cutThreads = 0;

  constructor(
    private readonly b: StoreBuilder,
    private readonly event: number
  ) {}

  /**
   * Stack `stack` was open on `thread` during [t0, t1) µs. Calls for one thread must come in time order (then
   * `flush`); ticks before the current one are already written.
   */
  add(thread: number, stack: number, t0: number, t1: number) {
    if (!(t1 > t0) || this.ticksLeft <= 0) {
      return;
    }
    let k = Math.floor(t0 / TICK_US);
    let last = Math.ceil(t1 / TICK_US) - 1;
    if (last - k + 1 > this.ticksLeft) {
      last = k + this.ticksLeft - 1;
      this.cutThreads++;
    }
    this.ticksLeft -= Math.max(0, last - k + (k === this.tick ? 0 : 1));
    for (; k <= last; k++) {
      if (k !== this.tick) {
        this.flush(thread);
        this.tick = k;
      }
      const us = Math.min(t1, (k + 1) * TICK_US) - Math.max(t0, k * TICK_US);
      if (us > 0) {
        this.weights.set(stack, (this.weights.get(stack) ?? 0) + us);
      }
    }
  }

  /** Ends a thread: writes its last tick's samples; the next thread starts with a full tick budget. */
  endThread(thread: number) {
    this.flush(thread);
    this.tick = NaN;
    this.ticksLeft = MAX_TICKS_PER_THREAD;
  }

  /** Writes the current tick's samples (one per stack) for `thread`. */
  private flush(thread: number) {
    if (this.weights.size === 0) {
      return;
    }
    splitMicros(this.tick * TICK_US, this.time);
    for (const [stack, us] of this.weights) {
      this.b.addSample(this.time.sec, this.time.nsec, stack, thread, -1, this.event, us);
      this.samples++;
    }
    this.weights.clear();
  }
}
