/**
 * Query-string parameters, validated with one clear sentence per mistake. Times are epoch milliseconds; idle samples
 * are excluded unless `idle=include`; values are sample counts unless `weight=period` — the same in every endpoint,
 * so a heat map and the flame graph of the same range agree.
 */
import {
  FlameFocus,
  MAX_FLAME_DEPTH,
  MAX_ROWS,
  parseFormatName,
  PROFILE_FORMATS,
  ProfileFormat,
  SampleFilter,
  WeightMode,
} from '../../src/profile';
import { checkKey, checkPrefix } from '../storage/types';
import { badRequest } from './errors';

export type Query = Record<string, string | string[] | undefined>;

export interface Selection {
  /** Explicit profile ids, or a prefix whose profiles overlapping [from, to) are stitched. */
  profiles: string[];
  prefix?: string;
  from?: number;
  to?: number;
  filter: SampleFilter;
  weight: WeightMode;
  /** Read every profile the query names as this format instead of detecting it. */
  format?: ProfileFormat;
}

const MAX_PROFILES_PER_QUERY = 64;
const MAX_SPAN_MS = 366 * 86_400_000;

function single(q: Query, name: string): string | undefined {
  const v = q[name];
  if (Array.isArray(v)) {
    if (v.length > 1) {
      throw badRequest(`"${name}" may be given once`);
    }
    return v[0];
  }
  return v === '' ? undefined : v;
}

function many(q: Query, name: string): string[] {
  const v = q[name];
  if (v === undefined || v === '') {
    return [];
  }
  return Array.isArray(v) ? v : [v];
}

export function integerParam(q: Query, name: string, min: number, max: number): number | undefined {
  const raw = single(q, name);
  if (raw === undefined) {
    return undefined;
  }
  if (!/^-?\d{1,16}$/.test(raw)) {
    throw badRequest(`"${name}" must be an integer, got "${raw.slice(0, 40)}"`);
  }
  const n = Number(raw);
  if (n < min || n > max) {
    throw badRequest(`"${name}" must be from ${min} to ${max}, got ${n}`);
  }
  return n;
}

/** An epoch-ms instant: digits (possibly fractional) within years 1970–2200. */
export function timeParam(q: Query, name: string): number | undefined {
  const raw = single(q, name);
  if (raw === undefined) {
    return undefined;
  }
  if (!/^\d{1,16}(\.\d{1,6})?$/.test(raw)) {
    throw badRequest(`"${name}" must be epoch milliseconds, got "${raw.slice(0, 40)}"`);
  }
  const n = Number(raw);
  if (n > 7_258_118_400_000) {
    throw badRequest(`"${name}" is after the year 2200: epoch milliseconds expected`);
  }
  return n;
}

export function rangeParams(q: Query, required: boolean): { from?: number; to?: number } {
  const from = timeParam(q, 'from');
  const to = timeParam(q, 'to');
  if (required && (from === undefined || to === undefined)) {
    throw badRequest('"from" and "to" (epoch ms) are required with "prefix"');
  }
  if ((from === undefined) !== (to === undefined)) {
    throw badRequest('give both "from" and "to", or neither');
  }
  if (from !== undefined && to !== undefined) {
    if (to <= from) {
      throw badRequest(`"to" (${to}) must be after "from" (${from})`);
    }
    if (to - from > MAX_SPAN_MS) {
      throw badRequest('the time range is longer than a year');
    }
  }
  return { from, to };
}

export function filterParams(q: Query): { filter: SampleFilter; weight: WeightMode } {
  const idle = single(q, 'idle') ?? 'exclude';
  if (idle !== 'exclude' && idle !== 'include') {
    throw badRequest(`"idle" must be include or exclude, got "${idle.slice(0, 40)}"`);
  }
  const weight = single(q, 'weight') ?? 'samples';
  if (weight !== 'samples' && weight !== 'period') {
    throw badRequest(`"weight" must be samples or period, got "${weight.slice(0, 40)}"`);
  }
  return {
    filter: {
      includeIdle: idle === 'include',
      event: single(q, 'event'),
      cpu: integerParam(q, 'cpu', 0, 1_000_000),
      pid: integerParam(q, 'pid', -1, 2 ** 31),
      tid: integerParam(q, 'tid', -1, 2 ** 31),
      comm: single(q, 'comm'),
    },
    weight,
  };
}

export function selectionParams(q: Query): Selection {
  const profiles = many(q, 'profile');
  // An empty prefix is the whole storage root.
  const prefix = q.prefix === undefined ? undefined : (single(q, 'prefix') ?? '');
  if (profiles.length === 0 && prefix === undefined) {
    throw badRequest('give "profile" (one or more) or "prefix" with "from" and "to"');
  }
  if (profiles.length > MAX_PROFILES_PER_QUERY) {
    throw badRequest(`at most ${MAX_PROFILES_PER_QUERY} profiles per query`);
  }
  profiles.forEach(checkKey);
  if (prefix !== undefined) {
    checkPrefix(prefix);
  }
  const range = rangeParams(q, profiles.length === 0);
  return { profiles, prefix, ...range, ...filterParams(q), format: formatParam(q) };
}

/** `format`: read the profiles as this format instead of detecting it (FlameScope's "Open as …"). */
export function formatParam(q: Query): ProfileFormat | undefined {
  const raw = single(q, 'format');
  if (raw === undefined) {
    return undefined;
  }
  const format = parseFormatName(raw);
  if (format === undefined) {
    throw badRequest(`"format" must be one of ${PROFILE_FORMATS.join(', ')}, got "${raw.slice(0, 40)}"`);
  }
  return format;
}

/**
 * `focus` (repeated: the frame names from the thread down to a zoomed frame) and `focusMaxNodes`: full detail below
 * that frame ("show all" for a zoom), the rest of the graph pruned as usual.
 */
export function focusParams(q: Query, maxNodes: number): FlameFocus | undefined {
  const path = many(q, 'focus');
  const budget = integerParam(q, 'focusMaxNodes', 1, maxNodes);
  if (path.length === 0) {
    if (budget !== undefined) {
      throw badRequest('"focusMaxNodes" needs "focus" (the names from the thread down to the zoomed frame)');
    }
    return undefined;
  }
  if (path.length > MAX_FLAME_DEPTH + 1) {
    throw badRequest(`"focus" has ${path.length} names; a flame graph is at most ${MAX_FLAME_DEPTH + 1} deep`);
  }
  return { path, maxNodes: budget ?? DEFAULT_FOCUS_MAX_NODES };
}

/** Nodes kept below a focused frame unless `focusMaxNodes` says otherwise: all a canvas draws without a stall. */
export const DEFAULT_FOCUS_MAX_NODES = 50_000;

export function rowsParam(q: Query): number {
  return integerParam(q, 'rows', 1, MAX_ROWS) ?? 50;
}

export { MAX_PROFILES_PER_QUERY, single, many };
