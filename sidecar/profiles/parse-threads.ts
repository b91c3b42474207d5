/**
 * How many threads one large perf script profile is parsed on by default (`--parse-concurrency`). Measured on a
 * 2-core VM, 262 MB dense profile (bench section 9, four runs, each figure taken in turns): two warm threads
 * 1.26–1.57× as fast as one, where two separate processes get 1.61–1.77× out of the machine. The sidecar keeps its
 * chunk threads warm and uses every core; the one-shot CLI starts its threads cold (spawn, load, compile: ~0.2 s) and
 * was no faster on two cores (`flamescope info`, 1.36–1.41 s against 1.30–1.43 s), so it splits only from 4 cores up.
 */
import { availableParallelism } from 'node:os';

/** Cores from which the CLI splits a profile. */
const MIN_CORES_TO_SPLIT_COLD = 4;

/** The sidecar's default: every core. */
export function defaultServerParseThreads(cores = availableParallelism()): number {
  return Math.max(1, cores);
}

/** The CLI's default: every core from 4 up, else one thread. */
export function defaultParseThreads(cores = availableParallelism()): number {
  return cores >= MIN_CORES_TO_SPLIT_COLD ? cores : 1;
}
