/**
 * The heat map as a dense grid (from the data source's heatmap-cells frame) and the maps between canvas pixels,
 * wall-clock time and cells. The x axis is the dashboard's time range (not the grid's), so the heat map lines up with
 * the other panels; y is the offset within the second, row 0 at the bottom. Pure.
 */
import { DataFrame, Field, FieldType } from '@grafana/data';
import { Cell, HeatmapGrid } from '../model';

/** Where the plot sits (CSS px) and the time range its width shows. */
export interface Layout {
  x0: number;
  width: number;
  y0: number;
  height: number;
  fromMs: number;
  toMs: number;
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** FlameScope's default, used when neither meta.custom nor the data say how many rows a second has. */
const DEFAULT_ROWS = 50;

/** Reads a heatmap-cells frame into a grid; tolerant of field order, missing meta.custom and missing columns. */
export function gridFromFrame(frame: DataFrame): HeatmapGrid {
  const custom = (frame.meta?.custom ?? {}) as Record<string, unknown>;
  const xField = findField(frame, 'xmin', FieldType.time);
  const yMinField = findField(frame, 'ymin');
  const yMaxField = findField(frame, 'ymax');
  const countField =
    findField(frame, 'count') ??
    frame.fields.find((f) => f.type === FieldType.number && f !== yMinField && f !== yMaxField);
  const n = xField && countField ? Math.min(xField.values.length, countField.values.length) : 0;

  const xs: number[] = [];
  for (let i = 0; i < n; i++) {
    xs.push(Number(xField!.values[i]));
  }
  const rows = positiveInt(custom.rows) ?? inferRows(yMinField ?? yMaxField, n) ?? DEFAULT_ROWS;
  const columnMs =
    (positiveNumber(custom.secondsPerColumn) ?? 0) * 1000 ||
    positiveNumber(xField?.config.interval) ||
    smallestStep(xs) ||
    1000;

  const { startMs, columns } = extent(xs, columnMs, toMs(custom.from), toMs(custom.to));
  const counts = new Float64Array(columns * rows);
  const covered = new Uint8Array(columns);
  const rowMs = 1000 / rows;
  for (let i = 0; i < n; i++) {
    const column = Math.round((xs[i] - startMs) / columnMs);
    // yMin is rounded to 3 decimals by the sidecar; yMax - rowMs is the fallback when yMin is missing.
    const y = yMinField ? Number(yMinField.values[i]) : Number(yMaxField?.values[i] ?? 0) - rowMs;
    const row = clamp(Math.round(y / rowMs), 0, rows - 1);
    const count = Number(countField!.values[i]);
    if (column < 0 || column >= columns || !Number.isFinite(count)) {
      continue;
    }
    covered[column] = 1;
    counts[column * rows + row] += count;
  }
  let max = 0;
  let total = 0;
  for (let i = 0; i < counts.length; i++) {
    max = Math.max(max, counts[i]);
    total += counts[i];
  }
  return { startMs, columnMs, columns, rows, counts, covered, max, total };
}

/** The count of a cell (0 outside the grid). */
export function cellCount(grid: HeatmapGrid, cell: Cell): number {
  return grid.counts[cell.column * grid.rows + cell.row] ?? 0;
}

/** Epoch ms where a column starts. */
export function columnStart(grid: HeatmapGrid, column: number): number {
  return grid.startMs + column * grid.columnMs;
}

/** The column containing an instant, or undefined outside the grid. */
export function columnAtTime(grid: HeatmapGrid, ms: number): number | undefined {
  const column = Math.floor((ms - grid.startMs) / grid.columnMs);
  return column >= 0 && column < grid.columns ? column : undefined;
}

export function timeAtX(layout: Layout, x: number): number {
  return layout.fromMs + ((x - layout.x0) / layout.width) * (layout.toMs - layout.fromMs);
}

export function xAtTime(layout: Layout, ms: number): number {
  return layout.x0 + ((ms - layout.fromMs) / (layout.toMs - layout.fromMs)) * layout.width;
}

/**
 * The cell under a point, or undefined off the plot or outside the grid. With `clamp`, points off the plot snap to the
 * nearest cell (a drag that leaves the canvas keeps selecting up to the edge).
 */
export function cellAt(grid: HeatmapGrid, layout: Layout, x: number, y: number, clampToGrid = false): Cell | undefined {
  if (grid.columns === 0 || layout.width <= 0 || layout.height <= 0) {
    return undefined;
  }
  const inside = x >= layout.x0 && x < layout.x0 + layout.width && y >= layout.y0 && y < layout.y0 + layout.height;
  if (!inside && !clampToGrid) {
    return undefined;
  }
  const px = clamp(x, layout.x0, layout.x0 + layout.width - 1e-6);
  const py = clamp(y, layout.y0, layout.y0 + layout.height - 1e-6);
  let column = Math.floor((timeAtX(layout, px) - grid.startMs) / grid.columnMs);
  if (clampToGrid) {
    column = clamp(column, 0, grid.columns - 1);
  } else if (column < 0 || column >= grid.columns) {
    return undefined;
  }
  const row = clamp(Math.floor(((layout.y0 + layout.height - py) / layout.height) * grid.rows), 0, grid.rows - 1);
  return { column, row };
}

/** A cell's rectangle (CSS px), clipped to the plot; undefined when the column is off the range. */
export function cellRect(grid: HeatmapGrid, layout: Layout, cell: Cell): Rect | undefined {
  const start = columnStart(grid, cell.column);
  const from = Math.max(start, layout.fromMs);
  const to = Math.min(start + grid.columnMs, layout.toMs);
  if (!(to > from)) {
    return undefined;
  }
  const rowHeight = layout.height / grid.rows;
  const x = xAtTime(layout, from);
  return {
    x,
    y: layout.y0 + layout.height - (cell.row + 1) * rowHeight,
    width: xAtTime(layout, to) - x,
    height: rowHeight,
  };
}

function findField(frame: DataFrame, name: string, fallbackType?: FieldType): Field | undefined {
  return (
    frame.fields.find((f) => f.name.toLowerCase() === name) ??
    (fallbackType ? frame.fields.find((f) => f.type === fallbackType) : undefined)
  );
}

/** Rows = distinct yMin values (every present column carries all its rows). */
function inferRows(field: Field | undefined, n: number): number | undefined {
  if (!field || n === 0) {
    return undefined;
  }
  const distinct = new Set<number>();
  for (let i = 0; i < n; i++) {
    distinct.add(Number(field.values[i]));
  }
  return distinct.size;
}

/** The smallest positive step between column starts: the column width when some columns are adjacent. */
function smallestStep(xs: number[]): number {
  const sorted = Array.from(new Set(xs)).sort((a, b) => a - b);
  let step = Infinity;
  for (let i = 1; i < sorted.length; i++) {
    step = Math.min(step, sorted[i] - sorted[i - 1]);
  }
  return Number.isFinite(step) ? step : 0;
}

/**
 * Column 0 and the column count: the query range's columns laid out as the sidecar lays them out (aligned to whole
 * columns of epoch seconds), widened to take in any data outside it; without a range, the data's own span.
 */
function extent(xs: number[], columnMs: number, from?: number, to?: number): { startMs: number; columns: number } {
  let lo = Infinity;
  let hi = -Infinity;
  for (const x of xs) {
    lo = Math.min(lo, x);
    hi = Math.max(hi, x + columnMs);
  }
  if (from !== undefined && to !== undefined && to > from) {
    const start = Math.floor(Math.floor(from / 1000) / (columnMs / 1000)) * columnMs;
    const end = Math.ceil(to / 1000) * 1000;
    const startMs = lo < start ? start - Math.ceil((start - lo) / columnMs) * columnMs : start;
    return { startMs, columns: Math.ceil((Math.max(end, hi) - startMs) / columnMs) };
  }
  if (xs.length === 0) {
    return { startMs: from ?? 0, columns: 0 };
  }
  return { startMs: lo, columns: Math.round((hi - lo) / columnMs) };
}

function toMs(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) {
    return v;
  }
  if (typeof v === 'string' && v !== '') {
    const ms = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
    return Number.isFinite(ms) ? ms : undefined;
  }
  return undefined;
}

function positiveNumber(v: unknown): number | undefined {
  const n = typeof v === 'string' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : undefined;
}

function positiveInt(v: unknown): number | undefined {
  const n = positiveNumber(v);
  return n !== undefined && Number.isInteger(n) ? n : undefined;
}

export function clamp(v: number, lo: number, hi: number): number {
  return Math.min(Math.max(v, lo), hi);
}
