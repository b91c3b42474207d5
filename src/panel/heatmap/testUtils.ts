/** Test helpers: grids and heatmap-cells frames built by hand. */
import { createDataFrame, DataFrame, DataFrameType, FieldType } from '@grafana/data';
import { HeatmapGrid } from '../model';

/** 2026-11-17 09:30:00.000 UTC: a whole second (and a multiple of 5 s). */
export const START = Date.UTC(2026, 10, 17, 9, 30, 0);

/** A grid with the given counts ({column, row, count}); every column covered unless listed in `uncovered`. */
export function makeGrid(
  columns: number,
  rows: number,
  cells: Array<[number, number, number]> = [],
  opts: { columnMs?: number; startMs?: number; uncovered?: number[] } = {}
): HeatmapGrid {
  const counts = new Float64Array(columns * rows);
  const covered = new Uint8Array(columns).fill(1);
  for (const c of opts.uncovered ?? []) {
    covered[c] = 0;
  }
  let max = 0;
  let total = 0;
  for (const [column, row, count] of cells) {
    counts[column * rows + row] = count;
    max = Math.max(max, count);
    total += count;
  }
  return {
    startMs: opts.startMs ?? START,
    columnMs: opts.columnMs ?? 1000,
    columns,
    rows,
    counts,
    covered,
    max,
    total,
  };
}

/** A heatmap-cells frame as the data source decodes it: the present columns, every row of each. */
export function cellsFrame(
  present: number[],
  rows: number,
  count: (column: number, row: number) => number,
  opts: { custom?: Record<string, unknown>; columnMs?: number; reverseFields?: boolean } = {}
): DataFrame {
  const columnMs = opts.columnMs ?? 1000;
  const xMin: number[] = [];
  const yMin: number[] = [];
  const yMax: number[] = [];
  const counts: number[] = [];
  for (const c of present) {
    for (let r = 0; r < rows; r++) {
      xMin.push(START + c * columnMs);
      yMin.push(Math.round(((r * 1000) / rows) * 1000) / 1000);
      yMax.push(Math.round((((r + 1) * 1000) / rows) * 1000) / 1000);
      counts.push(count(c, r));
    }
  }
  const fields = [
    { name: 'xMin', type: FieldType.time, values: xMin },
    { name: 'yMin', type: FieldType.number, values: yMin },
    { name: 'yMax', type: FieldType.number, values: yMax },
    { name: 'count', type: FieldType.number, values: counts },
  ];
  return createDataFrame({
    name: 'heatmap',
    meta: { type: DataFrameType.HeatmapCells, custom: opts.custom },
    fields: opts.reverseFields ? fields.reverse() : fields,
  });
}
