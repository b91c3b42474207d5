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

/**
 * Sorts `items` (a stable bottom-up merge sort) yielding as it goes: sorting tens of thousands of long strings is
 * otherwise one long step. Returns a sorted array (possibly `items` itself).
 */
export function* sortSliced<T>(items: T[], compare: (a: T, b: T) => number): Sliced<T[]> {
  const n = items.length;
  // Runs of 32 by binary insertion (compares are what costs: long strings with long common prefixes), then merges of
  // doubling width between two buffers.
  const RUN = 32;
  let src = items;
  let steps = 0;
  for (let lo = 0; lo < n; lo += RUN) {
    const hi = Math.min(lo + RUN, n);
    for (let i = lo + 1; i < hi; i++) {
      const x = src[i];
      // After every element not greater than x: stable.
      let a = lo;
      let b = i;
      while (a < b) {
        const m = (a + b) >>> 1;
        if (compare(src[m], x) > 0) {
          b = m;
        } else {
          a = m + 1;
        }
      }
      for (let j = i; j > a; j--) {
        src[j] = src[j - 1];
      }
      src[a] = x;
    }
    steps += RUN * 4;
    if (steps >= SLICE_STEPS) {
      steps = 0;
      yield;
    }
  }
  let dst: T[] = new Array<T>(n);
  for (let width = RUN; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n);
      const hi = Math.min(lo + 2 * width, n);
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) {
        dst[k++] = compare(src[j], src[i]) < 0 ? src[j++] : src[i++];
      }
      while (i < mid) {
        dst[k++] = src[i++];
      }
      while (j < hi) {
        dst[k++] = src[j++];
      }
      steps += hi - lo;
      if (steps >= SLICE_STEPS) {
        steps = 0;
        yield;
      }
    }
    const t = src;
    src = dst;
    dst = t;
  }
  return src;
}
