/**
 * How many threads one large perf script profile is parsed on by default (`--parse-concurrency`). Measured on a
 * 2-core VM (bench section 9), splitting a 262 MB dense profile across both cores was 0.62–1.15× the single thread —
 * each thread builds its own stack trie and the merge re-interns it — so on one or two cores a profile is parsed on
 * one thread, and on four or more on all of them.
 */
import { availableParallelism } from 'node:os';

/** Cores below which one thread per profile is the default. */
const MIN_CORES_TO_SPLIT = 4;

export function defaultParseThreads(cores = availableParallelism()): number {
  return cores >= MIN_CORES_TO_SPLIT ? cores : 1;
}
