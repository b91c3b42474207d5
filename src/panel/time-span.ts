/** The time range that shows profiles whole. Pure. */

/**
 * Whole seconds covering samples from `firstMs` to `lastMs` (epoch ms): the heat map's columns are seconds, so this
 * is the range a profile opens at and the one "Fit to profile" sets — the same, so going back finds the first view.
 */
export function wholeSecondsSpan(firstMs: number, lastMs: number): { from: number; to: number } {
  const from = Math.floor(firstMs / 1000) * 1000;
  return { from, to: Math.max(from + 1000, Math.floor(lastMs / 1000) * 1000 + 1000) };
}
