import { Cell } from '../model';
import {
  cellsInSelection,
  compareCells,
  isCellSelected,
  moveCell,
  selectionFromCells,
  selectionFromRange,
} from './selection';
import { makeGrid, START } from './testUtils';

// 50 rows: a row is 20 ms of the second.
const grid = makeGrid(10, 50);
const cell = (column: number, row: number): Cell => ({ column, row });

describe('selectionFromCells', () => {
  it('selects from the start cell’s start to the end cell’s end within a column', () => {
    const s = selectionFromCells(grid, cell(3, 12), cell(3, 14));
    expect(s.fromMs).toBe(START + 3000 + 12 * 20);
    expect(s.toMs).toBe(START + 3000 + 15 * 20);
    expect(s.toMs - s.fromMs).toBe(60);
    expect(s.start).toEqual(cell(3, 12));
    expect(s.end).toEqual(cell(3, 14));
  });

  it('orders the cells in time: reversed cells give the same selection', () => {
    expect(selectionFromCells(grid, cell(3, 14), cell(3, 12))).toEqual(
      selectionFromCells(grid, cell(3, 12), cell(3, 14))
    );
    // Across columns the column decides, even when the later column's row is lower.
    const s = selectionFromCells(grid, cell(4, 5), cell(2, 40));
    expect(s).toMatchObject({ fromMs: START + 2800, toMs: START + 4120, start: cell(2, 40), end: cell(4, 5) });
    expect(compareCells(cell(3, 13), cell(3, 12))).toBeGreaterThan(0);
  });

  it('selects a single cell when both are the same', () => {
    expect(selectionFromCells(grid, cell(0, 0), cell(0, 0))).toMatchObject({ fromMs: START, toMs: START + 20 });
  });

  it('selects whole columns when columns merge several seconds', () => {
    const merged = makeGrid(6, 50, [], { columnMs: 5000 });
    const s = selectionFromCells(merged, cell(2, 10), cell(1, 30));
    expect(s).toEqual({ fromMs: START + 5000, toMs: START + 15_000, start: cell(1, 0), end: cell(2, 49) });
  });
});

describe('isCellSelected', () => {
  // (2, 40) → (4, 5): up column 2 from row 40, all of column 3, column 4 up to row 5.
  const s = selectionFromCells(grid, cell(2, 40), cell(4, 5));

  it.each([
    [cell(2, 39), false],
    [cell(2, 40), true],
    [cell(2, 49), true],
    [cell(3, 0), true],
    [cell(3, 49), true],
    [cell(4, 0), true],
    [cell(4, 5), true],
    [cell(4, 6), false],
    [cell(1, 45), false],
    [cell(5, 0), false],
  ])('%o → %s', (c, expected) => {
    expect(isCellSelected(grid, s, c)).toBe(expected);
  });

  it('lists the cells in time order: 10 + 50 + 6', () => {
    const cells = cellsInSelection(grid, s);
    expect(cells).toHaveLength(66);
    expect(cells[0]).toEqual(cell(2, 40));
    expect(cells[cells.length - 1]).toEqual(cell(4, 5));
  });

  it('highlights a range restored from options by time, with rows that do not divide 1000', () => {
    const thirds = makeGrid(4, 3);
    const one = selectionFromCells(thirds, cell(1, 1), cell(1, 1));
    expect(one.fromMs).toBeCloseTo(START + 1000 + 1000 / 3, 6);
    expect(cellsInSelection(thirds, one)).toEqual([cell(1, 1)]);
    const restored = selectionFromRange(thirds, one.fromMs, one.toMs)!;
    expect(restored.start).toEqual(cell(1, 1));
    expect(restored.end).toEqual(cell(1, 1));
  });

  it('finds the cells of a saved range', () => {
    expect(selectionFromRange(grid, START + 3240, START + 3300)).toMatchObject({
      start: cell(3, 12),
      end: cell(3, 14),
    });
    expect(selectionFromRange(grid, START + 3300, START + 3240)).toBeUndefined();
  });

  it('in merged columns, marks the rows of each second a range meets', () => {
    const merged = makeGrid(4, 50, [], { columnMs: 5000 });
    // 240–300 ms into the second second of column 1: rows 12–14 of that column.
    const s2 = selectionFromRange(merged, START + 6240, START + 6300)!;
    expect(cellsInSelection(merged, s2)).toEqual([cell(1, 12), cell(1, 13), cell(1, 14)]);
  });
});

describe('moveCell', () => {
  it('moves with the arrows (up = a later row) and stays on the grid', () => {
    expect(moveCell(grid, cell(3, 12), 'ArrowUp')).toEqual(cell(3, 13));
    expect(moveCell(grid, cell(3, 12), 'ArrowDown')).toEqual(cell(3, 11));
    expect(moveCell(grid, cell(3, 12), 'ArrowLeft')).toEqual(cell(2, 12));
    expect(moveCell(grid, cell(9, 49), 'ArrowRight')).toEqual(cell(9, 49));
    expect(moveCell(grid, cell(0, 0), 'ArrowDown')).toEqual(cell(0, 0));
    expect(moveCell(grid, cell(3, 12), 'ArrowUp', 10)).toEqual(cell(3, 22));
    expect(moveCell(grid, cell(3, 12), 'a')).toBeUndefined();
  });
});
