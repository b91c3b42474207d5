/**
 * Trace-event slices (`B`/`E`/`X`) are stored as one sample per thread, 10-ms tick and stack of open slices
 * (chrome-trace/ticks.ts), so a flame graph weighs each stack by the ticks or µs it was open. A heat map by sample
 * count follows FlameScope's 100 Hz rule instead: it counts the ticks in which a thread had an open root slice, once
 * each, however many stacks the tick held. The tick's samples on one thread are adjacent in the store (written
 * together, kept in order by the stable time sort), so "a repeat" is a sample at the same time on the same thread
 * as the last one counted.
 */
import { ProfileStore } from './store';

/** The event the trace importer gives the samples it makes of slices. */
export const SLICES_EVENT = 'slices';

/**
 * For a store with slices: a function telling whether sample i repeats a (thread, tick) already counted — call it
 * for the samples a heat map keeps, in time order. Undefined when every sample counts (any other profile).
 */
export function tickRepeats(store: ProfileStore): ((i: number) => boolean) | undefined {
  const slices = store.format === 'chrome-trace' ? store.events.indexOf(SLICES_EVENT) : -1;
  if (slices < 0) {
    return undefined;
  }
  const { event, thread } = store.contexts;
  let lastTime = NaN;
  let lastThread = -1;
  return (i) => {
    const context = store.context[i];
    if (event[context] !== slices) {
      return false;
    }
    const time = store.time[i];
    if (time === lastTime && thread[context] === lastThread) {
      return true;
    }
    lastTime = time;
    lastThread = thread[context];
    return false;
  };
}
