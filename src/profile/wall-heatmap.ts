/**
 * The subsecond-offset heat map on the wall clock: columns are epoch seconds (or groups of whole seconds when a long
 * range must fit `maxColumns`), rows the offset within the second. Profiles placed on the wall clock add into one
 * grid, so continuous captures stitch into one heat map.
 */
import { contextMask, SampleFilter, WeightMode } from './filter';
import { tickRepeats } from './busy-ticks';
import { MAX_ROWS } from './heatmap';
import { ProfileStore, sampleRange, wallMsToNs } from './store';

export interface WallGrid {
  /** Epoch second of column 0 (a multiple of secondsPerColumn). */
  firstSecond: number;
  columns: number;
  rows: number;
  secondsPerColumn: number;
  /** counts[col * rows + row]. */
  counts: Float64Array;
  /** Columns that some profile covered (a zero there is a measured zero, not missing data). */
  covered: Uint8Array;
}

export class WallGridError extends Error {}

/** An empty grid covering [fromMs, toMs) with at most maxColumns columns. */
export function createWallGrid(fromMs: number, toMs: number, rows: number, maxColumns: number): WallGrid {
  if (!Number.isInteger(rows) || rows < 1 || rows > MAX_ROWS) {
    throw new WallGridError(`rows must be an integer from 1 to ${MAX_ROWS}`);
  }
  if (!(toMs > fromMs)) {
    throw new WallGridError('the time range is empty: "to" must be after "from"');
  }
  const firstSecondRaw = Math.floor(fromMs / 1000);
  const lastSecond = Math.ceil(toMs / 1000);
  const seconds = lastSecond - firstSecondRaw;
  const secondsPerColumn = Math.max(1, Math.ceil(seconds / maxColumns));
  const firstSecond = Math.floor(firstSecondRaw / secondsPerColumn) * secondsPerColumn;
  const columns = Math.ceil((lastSecond - firstSecond) / secondsPerColumn);
  if (columns * rows > 50_000_000) {
    throw new WallGridError('the heat map would be too large: lower maxColumns or rows');
  }
  return {
    firstSecond,
    columns,
    rows,
    secondsPerColumn,
    counts: new Float64Array(columns * rows),
    covered: new Uint8Array(columns),
  };
}

/**
 * Adds a profile's samples in [fromMs, toMs) to the grid; `startEpochMs` places the store's time 0 on the wall clock.
 * Returns the weight added.
 */
export function addToWallGrid(
  grid: WallGrid,
  store: ProfileStore,
  startEpochMs: number,
  range: { fromMs: number; toMs: number },
  filter: SampleFilter,
  weight: WeightMode = 'samples'
): number {
  if (!store.hasTimestamps || store.sampleCount === 0) {
    return 0;
  }
  const fromNs = wallMsToNs(store, startEpochMs, range.fromMs);
  const toNs = wallMsToNs(store, startEpochMs, range.toMs);
  const [first, last] = sampleRange(store, fromNs, toNs);
  markCovered(grid, startEpochMs + store.time[0] / 1e6, startEpochMs + store.time[store.sampleCount - 1] / 1e6, range);
  const mask = contextMask(store, filter);
  const weights = weight === 'period' ? store.weight : null;
  const repeats = weights === null ? tickRepeats(store) : undefined;
  const { rows, secondsPerColumn, firstSecond, counts } = grid;
  const columns = grid.columns;
  let added = 0;
  for (let i = first; i < last; i++) {
    if (!mask[store.context[i]]) {
      continue;
    }
    const ms = startEpochMs + store.time[i] / 1e6;
    const second = Math.floor(ms / 1000);
    const column = Math.floor((second - firstSecond) / secondsPerColumn);
    if (column < 0 || column >= columns) {
      continue;
    }
    const row = Math.min(rows - 1, Math.floor((rows * (ms - second * 1000)) / 1000));
    const w = weights !== null ? weights[i] : repeats !== undefined && repeats(i) ? 0 : 1;
    counts[column * rows + row] += w;
    added += w;
  }
  return added;
}

function markCovered(grid: WallGrid, firstMs: number, lastMs: number, range: { fromMs: number; toMs: number }) {
  const from = Math.max(firstMs, range.fromMs);
  const to = Math.min(lastMs, range.toMs);
  if (to < from) {
    return;
  }
  const c0 = Math.max(0, Math.floor((Math.floor(from / 1000) - grid.firstSecond) / grid.secondsPerColumn));
  const c1 = Math.min(grid.columns - 1, Math.floor((Math.floor(to / 1000) - grid.firstSecond) / grid.secondsPerColumn));
  for (let c = c0; c <= c1; c++) {
    grid.covered[c] = 1;
  }
}
