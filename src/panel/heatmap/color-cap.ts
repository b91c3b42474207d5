/**
 * Where the heat map's colour scale tops out. FlameScope's scale runs to the busiest cell, so one outlier (a single
 * 20-sample cell among 2–5s) leaves everything else pale. 'auto' caps the scale at the 99th percentile of the
 * non-empty cells when the busiest is more than twice that — cells above it take the top colour and the legend
 * says so — and keeps FlameScope's scale otherwise; 'max' is always FlameScope's. Pure.
 */
import { HeatmapGrid } from '../model';

export type ColorScaleMode = 'auto' | 'max';

export interface ColorCap {
  /** The count that takes the top colour. */
  value: number;
  /** True when it is below the busiest cell (cells above it are drawn in the top colour). */
  capped: boolean;
}

const PERCENTILE = 0.99;
/** An outlier: the busiest cell more than this many times the percentile. */
const OUTLIER_RATIO = 2;

export function colorCap(grid: HeatmapGrid, mode: ColorScaleMode = 'auto'): ColorCap {
  const max = grid.max;
  if (mode === 'max' || max <= 0) {
    return { value: max, capped: false };
  }
  const p = percentile(grid.counts, PERCENTILE);
  return p > 0 && max > OUTLIER_RATIO * p ? { value: p, capped: true } : { value: max, capped: false };
}

/** The q-quantile of the non-zero counts (nearest rank); 0 when every cell is empty. */
export function percentile(counts: Float64Array, q: number): number {
  let n = 0;
  for (let i = 0; i < counts.length; i++) {
    if (counts[i] > 0) {
      n++;
    }
  }
  if (n === 0) {
    return 0;
  }
  const values = new Float64Array(n);
  for (let i = 0, j = 0; i < counts.length; i++) {
    if (counts[i] > 0) {
      values[j++] = counts[i];
    }
  }
  values.sort();
  return values[Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1))];
}
