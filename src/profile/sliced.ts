/**
 * Long computations written as generators that yield now and then, so a server can run them in slices (letting other
 * requests in between, and stopping them at a deadline or when the client leaves) while the CLI and the browser just
 * run them to the end. A yield costs little; each loop yields every few thousand steps.
 */
export type Sliced<T> = Generator<void, T, void>;

/** Runs a sliced computation to its end in one go. */
export function runToEnd<T>(work: Sliced<T>): T {
  for (;;) {
    const step = work.next();
    if (step.done) {
      return step.value;
    }
  }
}

/** Steps between yields in the engine's loops: small enough for ~1-ms slices on the heaviest loops. */
export const SLICE_STEPS = 4096;
