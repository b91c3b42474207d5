/**
 * FlameScope's selection maths. A selection is a time range [fromMs, toMs) made from a start and an end cell taken in
 * time order: within a column time runs up the rows (row 0 = offsets [0, rowMs)), then on to the next column. So a
 * selection runs up its start column from the start cell, through whole columns between, and into its end column up
 * to the end cell. Pure.
 */
import { Cell, HeatmapGrid, Selection } from '../model';
import { clamp, columnAtTime, columnStart } from './grid';

/**
 * Tolerance for edges: rows that don't divide 1000 give fractional ms, and epoch ms carry ~0.2 µs of float error.
 * Rows are at least 1 ms tall (at most 1000 rows), so 1 µs never confuses neighbours.
 */
const EPSILON_MS = 1e-3;

/** Negative when a is earlier than b: by column, then row (a higher row in the same column is later). */
export function compareCells(a: Cell, b: Cell): number {
  return a.column - b.column || a.row - b.row;
}

/** Offset of a row's start within its second; `row * 1000 / rows` keeps edges exact where they can be. */
function rowOffset(grid: HeatmapGrid, row: number): number {
  return (row * 1000) / grid.rows;
}

/** Columns of more than one second merge several seconds into a cell. */
function isMerged(grid: HeatmapGrid): boolean {
  return grid.columnMs > 1000;
}

/**
 * The selection between two cells in either order. With 1-second columns: from the start cell's start to the end
 * cell's end. With merged columns a cell's row is an offset within each of several seconds, so no single time range
 * matches a run of cells: we select whole columns (from the start column's start to the end column's end), and the
 * selection's cells say so (row 0 to the top row).
 */
export function selectionFromCells(grid: HeatmapGrid, a: Cell, b: Cell): Selection {
  const [start, end] = compareCells(a, b) <= 0 ? [a, b] : [b, a];
  if (isMerged(grid)) {
    return {
      fromMs: columnStart(grid, start.column),
      toMs: columnStart(grid, end.column + 1),
      start: { column: start.column, row: 0 },
      end: { column: end.column, row: grid.rows - 1 },
    };
  }
  return {
    fromMs: columnStart(grid, start.column) + rowOffset(grid, start.row),
    toMs: columnStart(grid, end.column) + rowOffset(grid, end.row + 1),
    start: { ...start },
    end: { ...end },
  };
}

/**
 * A selection from a saved time range (the panel keeps only from/to): its cells are those holding fromMs and the last
 * instant before toMs, clamped to the grid. Undefined when the range is empty or the grid has no columns.
 */
export function selectionFromRange(grid: HeatmapGrid, fromMs: number, toMs: number): Selection | undefined {
  if (!(toMs > fromMs) || grid.columns === 0 || grid.rows === 0) {
    return undefined;
  }
  return { fromMs, toMs, start: cellAtTime(grid, fromMs), end: cellAtTime(grid, toMs - 2 * EPSILON_MS) };
}

/** The cell an instant falls in (clamped to the grid); in merged columns, the row of its offset within its second. */
export function cellAtTime(grid: HeatmapGrid, ms: number): Cell {
  if (ms < grid.startMs) {
    return { column: 0, row: 0 };
  }
  const column = columnAtTime(grid, ms);
  if (column === undefined) {
    return { column: grid.columns - 1, row: grid.rows - 1 };
  }
  // The tolerance absorbs float error at epoch magnitudes (~0.2 µs) so a row's exact start lands in that row.
  const withinSecond = (ms - columnStart(grid, column) + EPSILON_MS) % 1000;
  return { column, row: clamp(Math.floor((withinSecond * grid.rows) / 1000), 0, grid.rows - 1) };
}

/** How much of a column a selection takes: none, all of it, or some rows. */
export function columnCoverage(grid: HeatmapGrid, selection: Selection, column: number): 'none' | 'all' | 'some' {
  const start = columnStart(grid, column);
  const end = start + grid.columnMs;
  if (selection.toMs <= start + EPSILON_MS || selection.fromMs >= end - EPSILON_MS) {
    return 'none';
  }
  return selection.fromMs <= start + EPSILON_MS && selection.toMs >= end - EPSILON_MS ? 'all' : 'some';
}

/**
 * Whether a cell is in a selection, decided from the selection's time range (not its cells) so that a range restored
 * from the panel's options, or kept across a change of rows, highlights correctly. A cell covers the offset
 * [row, row + 1) × rowMs in each second of its column; it is selected when any of those slices meets [fromMs, toMs).
 * With 1-second columns this is exactly FlameScope's "up the start column, whole columns between, into the end
 * column".
 */
export function isCellSelected(grid: HeatmapGrid, selection: Selection, cell: Cell): boolean {
  const coverage = columnCoverage(grid, selection, cell.column);
  if (coverage !== 'some') {
    return coverage === 'all';
  }
  const start = columnStart(grid, cell.column);
  const from = rowOffset(grid, cell.row);
  const to = rowOffset(grid, cell.row + 1);
  for (let second = 0; second < grid.columnMs; second += 1000) {
    const sliceStart = start + second + from;
    const sliceEnd = start + second + to;
    if (sliceStart < selection.toMs - EPSILON_MS && sliceEnd > selection.fromMs + EPSILON_MS) {
      return true;
    }
  }
  return false;
}

/** Every selected cell, in time order (for tests and small grids; drawing uses columnCoverage + isCellSelected). */
export function cellsInSelection(grid: HeatmapGrid, selection: Selection): Cell[] {
  const cells: Cell[] = [];
  for (let column = 0; column < grid.columns; column++) {
    for (let row = 0; row < grid.rows; row++) {
      if (isCellSelected(grid, selection, { column, row })) {
        cells.push({ column, row });
      }
    }
  }
  return cells;
}

/**
 * The cell an arrow key moves to (up = a higher row = later in the second), clamped to the grid; undefined for keys
 * that don't move. `step` lets Shift+arrow jump further.
 */
export function moveCell(grid: HeatmapGrid, cell: Cell, key: string, step = 1): Cell | undefined {
  const moves: Record<string, [number, number]> = {
    ArrowLeft: [-step, 0],
    ArrowRight: [step, 0],
    ArrowUp: [0, step],
    ArrowDown: [0, -step],
  };
  const move = moves[key];
  if (!move || grid.columns === 0) {
    return undefined;
  }
  return {
    column: clamp(cell.column + move[0], 0, grid.columns - 1),
    row: clamp(cell.row + move[1], 0, grid.rows - 1),
  };
}
