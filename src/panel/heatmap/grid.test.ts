import { createDataFrame, FieldType } from '@grafana/data';
import { cellAt, cellCount, cellRect, columnAtTime, gridFromFrame, Layout, timeAtX, xAtTime } from './grid';
import { cellsFrame, makeGrid, START } from './testUtils';

describe('gridFromFrame', () => {
  // Columns 0, 1 and 3 of the range [START, START + 5 s) were covered; count = column × 10 + row.
  const count = (c: number, r: number) => c * 10 + r;
  const custom = { rows: 4, secondsPerColumn: 1, from: START, to: START + 5000, profiles: [] };

  it('places each count at column × rows + row and marks the present columns covered', () => {
    const grid = gridFromFrame(cellsFrame([0, 1, 3], 4, count, { custom }));
    expect(grid).toMatchObject({ startMs: START, columnMs: 1000, columns: 5, rows: 4, max: 33 });
    expect(Array.from(grid.covered)).toEqual([1, 1, 0, 1, 0]);
    expect(cellCount(grid, { column: 3, row: 2 })).toBe(32);
    expect(grid.counts[1 * 4 + 3]).toBe(13);
    expect(grid.counts[2 * 4 + 1]).toBe(0);
    const expectedTotal = [0, 1, 3].reduce((sum, c) => sum + [0, 1, 2, 3].reduce((s, r) => s + count(c, r), 0), 0);
    expect(grid.total).toBe(expectedTotal);
  });

  it('reads fields by name whatever their order, and infers rows and column width without meta.custom', () => {
    const grid = gridFromFrame(cellsFrame([0, 1, 3], 4, count, { reverseFields: true }));
    expect(grid).toMatchObject({ startMs: START, columnMs: 1000, columns: 4, rows: 4, max: 33 });
    expect(Array.from(grid.covered)).toEqual([1, 1, 0, 1]);
    expect(cellCount(grid, { column: 3, row: 3 })).toBe(33);
  });

  it('infers merged columns from the smallest step, and lays out the sidecar range when given', () => {
    const inferred = gridFromFrame(cellsFrame([0, 1, 4], 2, count, { columnMs: 5000 }));
    expect(inferred).toMatchObject({ columnMs: 5000, columns: 5 });
    expect(cellCount(inferred, { column: 4, row: 1 })).toBe(41);

    // from is mid-column: column 0 starts at the whole 5-second column below it, as the sidecar aligns it.
    const meta = { rows: 2, secondsPerColumn: 5, from: START + 2300, to: START + 21000 };
    const laidOut = gridFromFrame(cellsFrame([0, 2], 2, count, { columnMs: 5000, custom: meta }));
    expect(laidOut).toMatchObject({ startMs: START, columnMs: 5000, columns: 5, rows: 2 });
    expect(Array.from(laidOut.covered)).toEqual([1, 0, 1, 0, 0]);
  });

  it('defaults to 1-second columns for a single column, and survives an empty frame', () => {
    const single = gridFromFrame(cellsFrame([0], 50, () => 1));
    expect(single).toMatchObject({ columnMs: 1000, columns: 1, rows: 50, total: 50 });

    const empty = gridFromFrame(createDataFrame({ fields: [{ name: 'xMin', type: FieldType.time, values: [] }] }));
    expect(empty).toMatchObject({ columns: 0, max: 0, total: 0 });
    expect(empty.rows).toBeGreaterThan(0);
  });
});

describe('pixels, time and cells', () => {
  // 10 one-second columns over 500 px (50 px each); 50 rows over 100 px (2 px each).
  const grid = makeGrid(10, 50);
  const layout: Layout = { x0: 10, width: 500, y0: 5, height: 100, fromMs: START, toMs: START + 10_000 };

  it('maps x to time linearly over the dashboard range and back', () => {
    expect(timeAtX(layout, 10)).toBe(START);
    expect(timeAtX(layout, 260)).toBe(START + 5000);
    expect(xAtTime(layout, START + 3000)).toBe(160);
  });

  it('finds the column holding an instant', () => {
    expect(columnAtTime(grid, START)).toBe(0);
    expect(columnAtTime(grid, START + 3999)).toBe(3);
    expect(columnAtTime(grid, START - 1)).toBeUndefined();
    expect(columnAtTime(grid, START + 10_000)).toBeUndefined();
  });

  it('finds the cell under a point, row 0 at the bottom', () => {
    expect(cellAt(grid, layout, 161, 80)).toEqual({ column: 3, row: 12 });
    expect(cellAt(grid, layout, 10, 104.9)).toEqual({ column: 0, row: 0 });
    expect(cellAt(grid, layout, 509.9, 5)).toEqual({ column: 9, row: 49 });
    expect(cellAt(grid, layout, 9, 50)).toBeUndefined();
    expect(cellAt(grid, layout, 100, 106)).toBeUndefined();
    // Clamped (a drag leaving the plot): snaps to the edge cells.
    expect(cellAt(grid, layout, -50, 500, true)).toEqual({ column: 0, row: 0 });
    expect(cellAt(grid, layout, 900, -20, true)).toEqual({ column: 9, row: 49 });
  });

  it('gives a cell its rectangle, and clips columns to the range', () => {
    expect(cellRect(grid, layout, { column: 3, row: 12 })).toEqual({ x: 160, y: 79, width: 50, height: 2 });
    // Range START+2.5 s … START+7.5 s: 0.1 px/ms; column 2 shows only its last 500 ms.
    const zoomed = { ...layout, fromMs: START + 2500, toMs: START + 7500 };
    expect(cellRect(grid, zoomed, { column: 2, row: 0 })).toEqual({ x: 10, y: 103, width: 50, height: 2 });
    expect(cellRect(grid, zoomed, { column: 3, row: 0 })).toMatchObject({ x: 60, width: 100 });
    expect(cellRect(grid, zoomed, { column: 8, row: 0 })).toBeUndefined();
    // A point in a clipped column still finds it.
    expect(cellAt(grid, zoomed, 15, 104)).toEqual({ column: 2, row: 0 });
  });
});
