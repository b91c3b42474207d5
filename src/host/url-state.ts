/**
 * The page's state in its address, so a link reopens the same view: `?profile=<sidecar id>&from=<ms>&to=<ms>`, plus
 * `rows`, `palette`, `tz` and the panel's options (`scale`, `split`, `icicle`, `maxNodes`) when not the defaults. A
 * dashboard's way is read
 * too: `?prefix=$host/&var-host=a&var-host=b&repeat=host` shows one panel per host over the profiles under its prefix,
 * as a panel repeated by `$host` does in Grafana (its variables in Grafana's `var-<name>` parameters). Pure.
 */
import { HeatmapPalette } from '../panel/model';
import type { ColorScaleMode } from '../panel/heatmap/color-cap';
import { DEFAULT_OPTIONS } from '../panel/options';
import type { HostVariable } from './template-srv';

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
  /** The panel's options, when not the defaults. */
  maxNodes?: number;
  split?: number;
  inverted?: boolean;
  colorScale?: ColorScaleMode;
  /** A dashboard panel's query instead of one profile: every profile under this prefix ($variables allowed). */
  prefix?: string;
  /** Dashboard variables, from `var-<name>` (repeated for several values). */
  variables?: HostVariable[];
  /** Repeat the panel for each value of this variable. */
  repeat?: string;
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
  const split = Number(text(search.split));
  if (split >= 0.2 && split <= 0.8) {
    state.split = split;
  }
  const icicle = text(search.icicle);
  if (icicle === 'true' || icicle === 'false') {
    state.inverted = icicle === 'true';
  }
  const scale = text(search.scale);
  if (scale === 'auto' || scale === 'max') {
    state.colorScale = scale;
  }
  const prefix = text(search.prefix);
  if (prefix) {
    state.prefix = prefix;
  }
  const variables = Object.keys(search)
    .filter((k) => /^var-\w+$/.test(k))
    .map((k) => ({ name: k.slice(4), values: texts(search[k]) }))
    .filter((v) => v.values.length > 0)
    .map(({ name, values }) => ({ name, value: values.length > 1 ? values : values[0] }));
  if (variables.length > 0) {
    state.variables = variables;
  }
  const repeat = text(search.repeat);
  if (repeat && /^\w+$/.test(repeat)) {
    state.repeat = repeat;
  }
  return state;
}

/** The values a repeated panel takes: its variable's, one each (none when the variable is not given). */
export function repeatValues(state: UrlState): string[] {
  const variable = state.variables?.find((v) => v.name === state.repeat);
  const values = variable ? (Array.isArray(variable.value) ? variable.value : [variable.value]) : [];
  return [...new Set(values)];
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
    split: state.split !== undefined && state.split !== DEFAULT_OPTIONS.split ? String(state.split) : undefined,
    icicle:
      state.inverted !== undefined && state.inverted !== DEFAULT_OPTIONS.inverted ? String(state.inverted) : undefined,
    maxNodes:
      state.maxNodes !== undefined && state.maxNodes !== DEFAULT_OPTIONS.maxNodes ? String(state.maxNodes) : undefined,
    scale: state.colorScale && state.colorScale !== DEFAULT_OPTIONS.colorScale ? state.colorScale : undefined,
  };
}

function texts(v: unknown): string[] {
  return (Array.isArray(v) ? v : [v]).map((x) => text(x)).filter((x): x is string => x !== undefined);
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
