/**
 * FlameScope's subsecond-offset heat map: column = whole second since floor(first sample), row = which 1/rows slice
 * of that second (row 0 = offset [0, 1/rows) s, the bottom), cell = samples (or period) in it. Integer arithmetic on
 * exact nanosecond times, so a sample at 11.25 s lands in column 11, row 12 of 50, every time. Trace slices count
 * busy 10-ms ticks per thread (busy-ticks.ts).
 */
import { contextMask, SampleFilter, WeightMode } from './filter';
import { tickRepeats } from './busy-ticks';
import { ProfileStore, sampleRange, untimedReason } from './store';

export const DEFAULT_ROWS = 50;
export const MAX_ROWS = 1000;
const NS_PER_SEC = 1e9;
/** 50 M cells (400 MB): beyond that a heat map is a mistake (a bogus timestamp), not a picture. */
export const MAX_HEATMAP_CELLS = 50_000_000;

export interface HeatmapOptions extends SampleFilter {
  rows?: number;
  /** Restrict to whole seconds [fromSec, toSec) relative to startSec. */
  fromSec?: number;
  toSec?: number;
  weight?: WeightMode;
}

export interface Heatmap {
  /** floor(first sample), perf-clock seconds: column 0. */
  startSec: number;
  /** Column of the first column in `counts` (0 unless fromSec was given). */
  firstColumn: number;
  columns: number;
  rows: number;
  /** counts[col * rows + row]. */
  counts: Float64Array;
  max: number;
  total: number;
}

export class HeatmapError extends Error {}

export function computeHeatmap(store: ProfileStore, options: HeatmapOptions = {}): Heatmap {
  const rows = options.rows ?? DEFAULT_ROWS;
  if (!Number.isInteger(rows) || rows < 1 || rows > MAX_ROWS) {
    throw new HeatmapError(`rows must be an integer from 1 to ${MAX_ROWS}, got ${rows}`);
  }
  if (store.sampleCount === 0) {
    throw new HeatmapError('the profile holds no samples (is it perf script output?)');
  }
  if (!store.hasTimestamps) {
    throw new HeatmapError(
      store.format === 'folded'
        ? `${untimedReason(store)}: a heat map needs each sample's time (collapse and flame graphs still work)`
        : untimedReason(store)
    );
  }
  const lastSample = store.sampleCount > 0 ? store.time[store.sampleCount - 1] : 0;
  const totalColumns = store.sampleCount > 0 ? Math.floor(lastSample / NS_PER_SEC) + 1 : 0;
  const firstColumn = Math.max(0, Math.floor(options.fromSec ?? 0));
  const endColumn = Math.min(totalColumns, Math.ceil(options.toSec ?? totalColumns));
  const columns = Math.max(0, endColumn - firstColumn);
  if (columns * rows > MAX_HEATMAP_CELLS) {
    throw new HeatmapError(
      `the profile spans ${columns} seconds: too many for one heat map of ${rows} rows; ask for a shorter time range`
    );
  }
  const counts = new Float64Array(columns * rows);
  const mask = contextMask(store, options);
  const [first, last] = sampleRange(store, firstColumn * NS_PER_SEC, endColumn * NS_PER_SEC);
  const weights = options.weight === 'period' ? store.weight : null;
  const repeats = weights === null ? tickRepeats(store) : undefined;
  const time = store.time;
  const ctx = store.context;
  let total = 0;
  for (let i = first; i < last; i++) {
    if (!mask[ctx[i]]) {
      continue;
    }
    const t = time[i];
    const second = Math.floor(t / NS_PER_SEC);
    const row = Math.floor((rows * (t - second * NS_PER_SEC)) / NS_PER_SEC);
    const w = weights !== null ? weights[i] : repeats !== undefined && repeats(i) ? 0 : 1;
    counts[(second - firstColumn) * rows + row] += w;
    total += w;
  }
  let max = 0;
  for (let i = 0; i < counts.length; i++) {
    if (counts[i] > max) {
      max = counts[i];
    }
  }
  return { startSec: store.startSec, firstColumn, columns, rows, counts, max, total };
}

/** The CLI's JSON shape: counts[col][row], row 0 the bottom. */
export function heatmapToJson(h: Heatmap) {
  const counts: number[][] = [];
  for (let c = 0; c < h.columns; c++) {
    counts.push(Array.from(h.counts.subarray(c * h.rows, (c + 1) * h.rows)));
  }
  return { start: h.startSec + h.firstColumn, columns: h.columns, rows: h.rows, counts, max: h.max };
}
