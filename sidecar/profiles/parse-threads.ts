/**
 * How many threads one large perf script profile is parsed on by default (`--parse-concurrency`). Measured on a
 * 2-core VM, 262 MB dense profile: the sidecar, whose chunk threads stay warm between parses, parses 1.26× faster on
 * both cores than on one (bench section 9), so it uses every core; the one-shot CLI starts its threads cold and
 * was 0.95× on two cores (2.10 s against 2.00 s), so it splits only from 4 cores up.
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
