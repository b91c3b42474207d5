/**
 * The panel's data model: a heat map as a dense grid on the wall clock, a selection as a time range, and a flame
 * graph as a tree. Pure types shared by the heat-map canvas, the flame-graph view and the panel.
 */

/** Heat-map cells on the wall clock (from the data source's heatmap-cells frame). */
export interface HeatmapGrid {
  /** Epoch ms where column 0 starts. */
  startMs: number;
  /** Width of a column in ms (1000 × whole seconds merged per column). */
  columnMs: number;
  columns: number;
  /** Rows per second: row r covers offsets [r, r + 1) × 1000 / rows ms; row 0 is the bottom. */
  rows: number;
  /** counts[column * rows + row]. */
  counts: Float64Array;
  /** 1 where a profile covered the column (a 0 there is a measured zero, not missing data). */
  covered: Uint8Array;
  max: number;
  total: number;
}

/** A cell of the grid. */
export interface Cell {
  column: number;
  row: number;
}

/** A selected slice of time, [fromMs, toMs), as FlameScope selects it: in time order from a start to an end cell. */
export interface Selection {
  fromMs: number;
  toMs: number;
  /** The cells it was made from, for drawing the highlight. */
  start: Cell;
  end: Cell;
}

/** Every kind a flame-graph node can have (the data source's `kind` field); anything else is read as user code. */
export const FRAME_KINDS = [
  'user',
  'kernel',
  'jit',
  'inlined',
  // Language runtimes (V8 / Node profiles): their own code, third-party packages, the GC, V8's "(program)".
  'runtime',
  'library',
  'gc',
  'program',
  'thread',
  'root',
] as const;

export type FrameKind = (typeof FRAME_KINDS)[number];

/** A flame-graph node: the tree the canvas view, the table and the sandwich read. */
export interface FlameNode {
  name: string;
  value: number;
  kind: FrameKind;
  /** Differential graphs: the selection's share of value (value = baseline + selection). */
  valueRight?: number;
  children: FlameNode[];
}

export type HeatmapPalette = 'flamescope' | 'enhanced' | 'scheme';
