/** The panel's options (set in the panel editor) and the state it keeps (selection, search) for sharing. */
import { HeatmapPalette } from './model';

export interface FlameScopeOptions {
  palette: HeatmapPalette;
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
  split: 0.55,
  inverted: false,
  maxNodes: 5000,
};
