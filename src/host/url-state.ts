/**
 * The page's state in its address, so a link reopens the same view: `?profile=<sidecar id>&from=<ms>&to=<ms>`, plus
 * `rows`, `palette` and `tz` when they are not the defaults (and `maxNodes`, read only). Pure.
 */
import { HeatmapPalette } from '../panel/model';

export const ROWS_OPTIONS = [10, 25, 49, 50, 99, 100] as const;
export const DEFAULT_ROWS = 50;
export const PALETTES: HeatmapPalette[] = ['flamescope', 'enhanced'];

export interface UrlState {
  profile?: string;
  from?: number;
  to?: number;
  rows?: number;
  palette?: HeatmapPalette;
  timeZone?: string;
  /** The flame graph's node budget (the panel option), when not the default. */
  maxNodes?: number;
}

type Search = Record<string, unknown>;

export function readUrlState(search: Search): UrlState {
  const state: UrlState = {};
  const profile = text(search.profile);
  if (profile) {
    state.profile = profile;
  }
  const from = instant(search.from);
  const to = instant(search.to);
  if (from !== undefined && to !== undefined && to > from) {
    state.from = from;
    state.to = to;
  }
  const rows = Number(text(search.rows));
  if (Number.isInteger(rows) && rows >= 1 && rows <= 1000) {
    state.rows = rows;
  }
  const palette = text(search.palette);
  if (palette && (PALETTES as string[]).includes(palette)) {
    state.palette = palette as HeatmapPalette;
  }
  const timeZone = text(search.tz);
  if (timeZone) {
    state.timeZone = timeZone;
  }
  const maxNodes = Number(text(search.maxNodes));
  if (Number.isInteger(maxNodes) && maxNodes >= 100 && maxNodes <= 1_000_000) {
    state.maxNodes = maxNodes;
  }
  return state;
}

/** The parameters to set (undefined removes one), for locationService.partial. */
export function urlParams(state: UrlState): Record<string, string | undefined> {
  return {
    profile: state.profile,
    from: state.from !== undefined ? String(Math.round(state.from)) : undefined,
    to: state.to !== undefined ? String(Math.round(state.to)) : undefined,
    rows: state.rows !== undefined && state.rows !== DEFAULT_ROWS ? String(state.rows) : undefined,
    palette: state.palette && state.palette !== 'flamescope' ? state.palette : undefined,
    tz: state.timeZone && state.timeZone !== 'browser' ? state.timeZone : undefined,
  };
}

function text(v: unknown): string | undefined {
  const s = Array.isArray(v) ? v[0] : v;
  return typeof s === 'string' && s.trim() !== '' ? s.trim() : typeof s === 'number' ? String(s) : undefined;
}

/** Epoch ms, or an ISO-8601 instant for people typing a link by hand. */
function instant(v: unknown): number | undefined {
  const s = text(v);
  if (s === undefined) {
    return undefined;
  }
  const ms = /^\d+(\.\d+)?$/.test(s) ? Number(s) : Date.parse(s);
  return Number.isFinite(ms) && ms >= 0 ? ms : undefined;
}
