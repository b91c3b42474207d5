/** The panel's options (set in the panel editor) and the state it keeps (selection, search) for sharing. */
import type { ColorScaleMode } from './heatmap/color-cap';
import { HeatmapPalette } from './model';

export interface FlameScopeOptions {
  palette: HeatmapPalette;
  /** Where the colours top out: 'auto' caps an outlier at the 99th percentile; 'max' is FlameScope's scale. */
  colorScale?: ColorScaleMode;
  /** Share of the panel's height given to the flame graph when a selection is open (0.2–0.8). */
  split: number;
  inverted: boolean;
  maxNodes: number;
  /** Kept in the panel's options so a saved dashboard or a shared link reopens the same slice. */
  selection?: { fromMs: number; toMs: number };
  search?: string;
}

export const DEFAULT_OPTIONS: FlameScopeOptions = {
  palette: 'flamescope',
  colorScale: 'auto',
  split: 0.55,
  inverted: false,
  maxNodes: 5000,
};

/** The options' names, help and bounds, shared by the panel editor (module.tsx) and the viewer's options. */
export const OPTION_TEXTS = {
  palette: {
    name: 'Heat-map colours',
    description:
      "FlameScope's white → red; enhanced shows counts of 1–2 in blue (single-threaded work); or a colour scheme",
  },
  colorScale: {
    name: 'Colour scale',
    description:
      'Auto: when a lone cell or two are far busier than all the rest, the colours top out below them (the legend says so)',
    options: [
      { value: 'auto', label: 'Auto', description: 'A lone outlier does not wash out the rest' },
      { value: 'max', label: 'To the busiest cell', description: "FlameScope's linear scale" },
    ],
  },
  split: { name: 'Flame-graph share of the height', min: 0.2, max: 0.8, step: 0.05 },
  inverted: { name: 'Icicle (root at the top)' },
  maxNodes: {
    name: 'Flame-graph nodes',
    description: 'At most this many frames; smaller ones merge into their parent',
    min: 100,
    max: 100000,
  },
} as const;
