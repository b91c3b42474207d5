/**
 * How many threads one large perf script profile is parsed on by default (`--parse-concurrency`). Measured on a
 * 2-core VM, 262 MB dense profile (bench section 9, three idle runs): two warm threads 0.89–1.26× one, and the .gz
 * 1.1–1.2× faster (inflate and parse overlap). The sidecar keeps its chunk threads warm and uses every core; the
 * one-shot CLI starts its threads cold and was 0.95× on two cores (2.10 s against 2.00 s), so it splits only from 4
 * cores up.
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
