/**
 * Grafana data frames (the DataFrameJSON wire shape: schema + column values) for what the engine computes. Shared by
 * the sidecar (which encodes) and the data source (which decodes with @grafana/data's dataFrameFromJSON). Pure.
 */
import type { FlameGraph } from '../profile/flamegraph';
import type { WallGrid } from '../profile/wall-heatmap';

export type FieldType = 'time' | 'number' | 'string' | 'boolean' | 'other';

export interface FieldSchema {
  name: string;
  type: FieldType;
  config?: Record<string, unknown>;
  labels?: Record<string, string>;
}

export interface Notice {
  severity: 'info' | 'warning' | 'error';
  text: string;
}

export interface FrameMeta {
  type?: string;
  typeVersion?: [number, number];
  preferredVisualisationType?: string;
  notices?: Notice[];
  custom?: Record<string, unknown>;
}

export interface DataFrameJSON {
  schema: { name?: string; refId?: string; meta?: FrameMeta; fields: FieldSchema[] };
  data: { values: unknown[][] };
}

/**
 * Heat-map cells as Grafana's Heatmap panel reads them (`meta.type: 'heatmap-cells'`): xMin (column start, epoch ms),
 * yMin/yMax (offset within the second, ms) and count. Columns no profile covered are left out.
 */
export function heatmapCellsFrame(grid: WallGrid, meta: FrameMeta, valueUnit = 'short'): DataFrameJSON {
  const xMin: number[] = [];
  const yMin: number[] = [];
  const yMax: number[] = [];
  const count: number[] = [];
  const rowMs = 1000 / grid.rows;
  for (let c = 0; c < grid.columns; c++) {
    if (!grid.covered[c]) {
      continue;
    }
    const x = (grid.firstSecond + c * grid.secondsPerColumn) * 1000;
    for (let r = 0; r < grid.rows; r++) {
      xMin.push(x);
      yMin.push(round3(r * rowMs));
      yMax.push(round3((r + 1) * rowMs));
      count.push(grid.counts[c * grid.rows + r]);
    }
  }
  return {
    schema: {
      name: 'heatmap',
      meta: {
        type: 'heatmap-cells',
        ...meta,
        custom: { ...meta.custom, rows: grid.rows, secondsPerColumn: grid.secondsPerColumn },
      },
      fields: [
        { name: 'xMin', type: 'time', config: { interval: grid.secondsPerColumn * 1000 } },
        { name: 'yMin', type: 'number', config: { unit: 'ms' } },
        { name: 'yMax', type: 'number', config: { unit: 'ms' } },
        { name: 'count', type: 'number', config: { unit: valueUnit } },
      ],
    },
    data: { values: [xMin, yMin, yMax, count] },
  };
}

/**
 * A flame graph in Grafana's nested-set shape, plus each frame's kind (kernel, jit, inlined, user). Numeric columns are
 * plain arrays, or with `columns: 'typed'` the graph's own typed arrays (for an encoder that writes them in pieces).
 */
export function flameGraphFrame(
  fg: FlameGraph,
  meta: FrameMeta,
  valueUnit = 'short',
  columns: 'arrays' | 'typed' = 'arrays'
): DataFrameJSON {
  const col = (a: Int32Array | Float64Array): unknown[] =>
    columns === 'typed' ? (a as unknown as unknown[]) : Array.from(a);
  const fields: FieldSchema[] = [
    { name: 'level', type: 'number' },
    { name: 'value', type: 'number', config: { unit: valueUnit } },
    { name: 'self', type: 'number', config: { unit: valueUnit } },
    { name: 'label', type: 'string' },
    { name: 'kind', type: 'string' },
  ];
  const values: unknown[][] = [col(fg.level), col(fg.value), col(fg.self), fg.label, fg.kind];
  if (fg.valueRight && fg.selfRight) {
    fields.push({ name: 'valueRight', type: 'number', config: { unit: valueUnit } });
    fields.push({ name: 'selfRight', type: 'number', config: { unit: valueUnit } });
    values.push(col(fg.valueRight), col(fg.selfRight));
  }
  return {
    schema: {
      name: 'flamegraph',
      meta: {
        preferredVisualisationType: 'flamegraph',
        ...meta,
        custom: { ...meta.custom, droppedNodes: fg.droppedNodes, elidedWeight: fg.elidedWeight },
      },
      fields,
    },
    data: { values },
  };
}

function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}
