/**
 * Canvas drawing for the heat map, in two layers: the cells (redrawn when the data, size, range or palette change)
 * and an overlay (selection highlight, pending start, hover and keyboard cursor) redrawn per animation frame while
 * brushing — cheap because it fills a few rectangles per column. Rectangles are snapped to device pixels so columns
 * neither overlap nor leave seams.
 */
import { colorManipulator, GrafanaTheme2 } from '@grafana/data';
import { Cell, HeatmapGrid, Selection } from '../model';
import { cellRect, Layout, Rect } from './grid';
import { columnCoverage, isCellSelected } from './selection';

/** The part of CanvasRenderingContext2D we use (tests pass a recorder). */
export type Context2D = Pick<
  CanvasRenderingContext2D,
  'clearRect' | 'fillRect' | 'strokeRect' | 'fillStyle' | 'strokeStyle' | 'lineWidth'
>;

export interface OverlayState {
  selection?: Selection;
  pending?: Cell;
  hover?: Cell;
  cursor?: Cell;
}

const SELECTION_ALPHA = 0.35;

/** Draws every cell of the columns in the range; columns no profile covered get the "no data" colour. */
export function drawCells(
  ctx: Context2D,
  grid: HeatmapGrid,
  layout: Layout,
  scale: (count: number) => string,
  theme: GrafanaTheme2,
  dpr: number
): void {
  ctx.clearRect(0, 0, (layout.x0 + layout.width) * dpr, (layout.y0 + layout.height) * dpr);
  const [first, last] = visibleColumns(grid, layout);
  const rowHeight = layout.height / grid.rows;
  for (let column = first; column <= last; column++) {
    const rect = cellRect(grid, layout, { column, row: 0 });
    if (!rect) {
      continue;
    }
    const [x, w] = snapX(rect, dpr);
    if (!grid.covered[column]) {
      ctx.fillStyle = theme.colors.background.secondary;
      ctx.fillRect(x, Math.round(layout.y0 * dpr), w, Math.round(layout.height * dpr));
      continue;
    }
    // Runs of rows of one colour (zero runs are common) go in one rectangle.
    const base = column * grid.rows;
    let runStart = 0;
    let runColor = scale(grid.counts[base]);
    for (let row = 1; row <= grid.rows; row++) {
      const color = row < grid.rows ? scale(grid.counts[base + row]) : '';
      if (color !== runColor) {
        fillRows(ctx, layout, rowHeight, x, w, runStart, row, runColor, dpr);
        runStart = row;
        runColor = color;
      }
    }
  }
}

/** Draws the selection highlight (time-ordered: up the start column, whole columns, into the end column) and marks. */
export function drawOverlay(
  ctx: Context2D,
  grid: HeatmapGrid,
  layout: Layout,
  state: OverlayState,
  theme: GrafanaTheme2,
  dpr: number
): void {
  ctx.clearRect(0, 0, (layout.x0 + layout.width) * dpr, (layout.y0 + layout.height) * dpr);
  if (grid.columns === 0 || grid.rows === 0) {
    return;
  }
  const rowHeight = layout.height / grid.rows;
  if (state.selection) {
    const fill = colorManipulator.alpha(theme.colors.primary.main, SELECTION_ALPHA);
    const [first, last] = visibleColumns(grid, layout);
    for (let column = first; column <= last; column++) {
      const coverage = columnCoverage(grid, state.selection, column);
      const rect = coverage === 'none' ? undefined : cellRect(grid, layout, { column, row: 0 });
      if (!rect) {
        continue;
      }
      const [x, w] = snapX(rect, dpr);
      if (coverage === 'all') {
        fillRows(ctx, layout, rowHeight, x, w, 0, grid.rows, fill, dpr);
        continue;
      }
      let runStart = -1;
      for (let row = 0; row <= grid.rows; row++) {
        const selected = row < grid.rows && isCellSelected(grid, state.selection, { column, row });
        if (selected && runStart < 0) {
          runStart = row;
        } else if (!selected && runStart >= 0) {
          fillRows(ctx, layout, rowHeight, x, w, runStart, row, fill, dpr);
          runStart = -1;
        }
      }
    }
  }
  outline(ctx, grid, layout, state.pending, theme.colors.primary.main, 2, dpr);
  outline(ctx, grid, layout, state.cursor, theme.colors.text.maxContrast, 2, dpr);
  outline(ctx, grid, layout, state.hover, theme.colors.text.primary, 1, dpr);
}

/** Columns overlapping the layout's time range, as [first, last] (empty when first > last). */
export function visibleColumns(grid: HeatmapGrid, layout: Layout): [number, number] {
  const first = Math.max(0, Math.floor((layout.fromMs - grid.startMs) / grid.columnMs));
  const last = Math.min(grid.columns - 1, Math.ceil((layout.toMs - grid.startMs) / grid.columnMs) - 1);
  return [first, last];
}

function fillRows(
  ctx: Context2D,
  layout: Layout,
  rowHeight: number,
  x: number,
  w: number,
  fromRow: number,
  toRow: number,
  color: string,
  dpr: number
): void {
  const bottom = layout.y0 + layout.height;
  const top = Math.round((bottom - toRow * rowHeight) * dpr);
  const end = Math.round((bottom - fromRow * rowHeight) * dpr);
  ctx.fillStyle = color;
  ctx.fillRect(x, top, w, end - top);
}

function outline(
  ctx: Context2D,
  grid: HeatmapGrid,
  layout: Layout,
  cell: Cell | undefined,
  color: string,
  width: number,
  dpr: number
): void {
  const rect = cell && cellRect(grid, layout, cell);
  if (!rect) {
    return;
  }
  const [x, w] = snapX(rect, dpr);
  const y = Math.round(rect.y * dpr);
  const h = Math.round((rect.y + rect.height) * dpr) - y;
  const inset = (width * dpr) / 2;
  ctx.strokeStyle = color;
  ctx.lineWidth = width * dpr;
  ctx.strokeRect(x + inset, y + inset, Math.max(0, w - 2 * inset), Math.max(0, h - 2 * inset));
}

/** A column's device-pixel x and width: edges rounded so neighbours share them; at least 1 px so none vanish. */
function snapX(rect: Rect, dpr: number): [number, number] {
  const x = Math.round(rect.x * dpr);
  const end = Math.round((rect.x + rect.width) * dpr);
  return [x, Math.max(1, end - x)];
}
