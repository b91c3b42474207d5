/**
 * Which samples a query keeps. Every field is evaluated once per sample context, so a filtered query over millions of
 * samples costs one byte lookup per sample.
 */
import { ProfileStore } from './store';

export interface SampleFilter {
  /** Event name exactly as perf printed it (`cycles`, `cycles:ppp`, `sched:sched_switch`). */
  event?: string;
  cpu?: number;
  pid?: number;
  tid?: number;
  /** Thread name (comm), exact. */
  comm?: string;
  /** Keep idle samples (swapper in an idle loop); they are dropped by default. */
  includeIdle?: boolean;
}

/** 1 for each context the filter keeps. Unknown event/comm names keep nothing. */
export function contextMask(store: ProfileStore, filter: SampleFilter): Uint8Array {
  const c = store.contexts;
  const t = store.threads;
  const mask = new Uint8Array(c.count);
  const event = filter.event === undefined ? -1 : store.events.indexOf(filter.event);
  if (filter.event !== undefined && event < 0) {
    return mask;
  }
  for (let i = 0; i < c.count; i++) {
    if (!filter.includeIdle && c.idle[i]) {
      continue;
    }
    if (event >= 0 && c.event[i] !== event) {
      continue;
    }
    if (filter.cpu !== undefined && c.cpu[i] !== filter.cpu) {
      continue;
    }
    const thread = c.thread[i];
    if (filter.pid !== undefined && t.pid[thread] !== filter.pid) {
      continue;
    }
    if (filter.tid !== undefined && t.tid[thread] !== filter.tid) {
      continue;
    }
    if (filter.comm !== undefined && t.comm[thread] !== filter.comm) {
      continue;
    }
    mask[i] = 1;
  }
  return mask;
}

export type WeightMode = 'samples' | 'period';

/**
 * Total weight per context over samples [first, last), for contexts in `mask`. With weight 'period', perf's period
 * (1 where it printed none); otherwise sample counts — which, in a store whose weights are counts (folded stacks),
 * are those weights.
 */
export function weightByContext(
  store: ProfileStore,
  first: number,
  last: number,
  mask: Uint8Array,
  weight: WeightMode
): Float64Array {
  const sums = new Float64Array(store.contexts.count);
  const ctx = store.context;
  const w = weight === 'period' || !store.hasPeriods ? store.weight : null;
  if (w === null) {
    for (let i = first; i < last; i++) {
      sums[ctx[i]] += mask[ctx[i]];
    }
  } else {
    for (let i = first; i < last; i++) {
      const c = ctx[i];
      if (mask[c]) {
        sums[c] += w[i];
      }
    }
  }
  return sums;
}
