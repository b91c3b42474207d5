/**
 * Where the heat map's colour scale tops out. FlameScope's scale runs to the busiest cell, so one outlier (a single
 * 20-sample cell among 2–8s) leaves everything else pale. 'auto' leaves out the busiest few cells — one per thousand
 * non-empty cells, at least one — and tops out at the next count when the busiest is more than twice it: those few
 * take the top colour and the legend says so. A burst (a GC: a column of a few cells, tens of cells over a profile)
 * is more than "a few" and keeps FlameScope's scale, so it stays the one dark spot. 'max' is always FlameScope's. Pure.
 */
import { HeatmapGrid } from '../model';

export type ColorScaleMode = 'auto' | 'max';

export interface ColorCap {
  /** The count that takes the top colour. */
  value: number;
  /** True when it is below the busiest cell (the cells above it are drawn in the top colour). */
  capped: boolean;
  /** How many cells are above it. */
  above: number;
}

/** Outliers: at most one non-empty cell in this many (and at least one). */
const OUTLIERS_PER = 1000;
/** An outlier: more than this many times the count below it. */
const OUTLIER_RATIO = 2;

export function colorCap(grid: HeatmapGrid, mode: ColorScaleMode = 'auto'): ColorCap {
  const max = grid.max;
  const uncapped = { value: max, capped: false, above: 0 };
  if (mode === 'max' || max <= 0) {
    return uncapped;
  }
  const values = nonZeroSorted(grid.counts);
  const outliers = Math.max(1, Math.floor(values.length / OUTLIERS_PER));
  if (values.length <= outliers) {
    return uncapped;
  }
  const cap = values[values.length - 1 - outliers];
  return max > OUTLIER_RATIO * cap ? { value: cap, capped: true, above: countAbove(values, cap) } : uncapped;
}

function nonZeroSorted(counts: Float64Array): Float64Array {
  let n = 0;
  for (let i = 0; i < counts.length; i++) {
    if (counts[i] > 0) {
      n++;
    }
  }
  const values = new Float64Array(n);
  for (let i = 0, j = 0; i < counts.length; i++) {
    if (counts[i] > 0) {
      values[j++] = counts[i];
    }
  }
  return values.sort();
}

function countAbove(sorted: Float64Array, cap: number): number {
  let above = 0;
  for (let i = sorted.length - 1; i >= 0 && sorted[i] > cap; i--) {
    above++;
  }
  return above;
}
