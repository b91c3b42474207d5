/**
 * A query as a sidecar request: endpoint and query-string parameters, with $variables interpolated in every text
 * field and the dashboard time range as epoch ms. Pure, so it is tested without Grafana.
 */
import { FlameScopeQuery, FlameScopeOptions, QueryType } from './types';

/** Replaces $variables; a multi-value variable comes back as several values. */
export type Interpolate = (text: string) => string[];

export interface SidecarRequest {
  path: string;
  params: Record<string, string | string[]>;
}

export class QueryError extends Error {}

const ENDPOINTS: Record<QueryType, string> = {
  heatmap: '/api/v1/heatmap',
  flamegraph: '/api/v1/flamegraph',
  profiles: '/api/v1/profiles',
  annotations: '/api/v1/profiles',
};

/** Text fields that hold one value each (a multi-value variable there is an error in a query). */
const SINGLE_TEXT_FIELDS = ['event', 'cpu', 'pid', 'tid', 'comm', 'baselineProfile'] as const;

/**
 * The query with its $variables replaced as buildRequest replaces them — the prefix by its first value, each profile by
 * all of its values, one-value fields by their values joined with commas — for Grafana to show and run elsewhere
 * (Explore, "Explore" from a panel). Frame names (focus) are never interpolated.
 */
export function interpolateQuery(query: FlameScopeQuery, interpolate: Interpolate): FlameScopeQuery {
  const next: FlameScopeQuery = { ...query };
  if (query.prefix !== undefined) {
    next.prefix = interpolate(query.prefix)[0] ?? '';
  }
  if (query.profiles) {
    next.profiles = query.profiles.flatMap((p) => (p.trim() === '' ? [p] : interpolate(p)));
  }
  for (const key of SINGLE_TEXT_FIELDS) {
    const text = query[key];
    if (text !== undefined && text.trim() !== '') {
      next[key] = interpolate(text).join(',');
    }
  }
  return next;
}

export function buildRequest(
  query: FlameScopeQuery,
  range: { from: number; to: number },
  interpolate: Interpolate,
  defaults: FlameScopeOptions = {}
): SidecarRequest {
  const type = query.queryType ?? 'heatmap';
  const params: Record<string, string | string[]> = {};
  const one = (text: string | undefined): string | undefined => {
    if (text === undefined || text.trim() === '') {
      return undefined;
    }
    const values = interpolate(text);
    if (values.length > 1) {
      throw new QueryError(`"${text}" expands to several values where one is expected`);
    }
    return values[0]?.trim() || undefined;
  };
  const prefix = query.prefix === undefined ? undefined : (interpolate(query.prefix)[0] ?? '').trim();
  const from = Math.floor(query.from ?? range.from);
  const to = Math.ceil(query.to ?? range.to);
  if (!(to > from)) {
    throw new QueryError('the time range is empty');
  }

  if (type === 'profiles' || type === 'annotations') {
    params.prefix = prefix ?? '';
    params.from = String(from);
    params.to = String(to);
    return { path: ENDPOINTS[type], params };
  }

  const profiles = (query.profiles ?? []).flatMap((p) => (p.trim() === '' ? [] : interpolate(p))).map((p) => p.trim());
  if (profiles.filter(Boolean).length > 0) {
    params.profile = profiles.filter(Boolean);
  } else if (prefix !== undefined) {
    params.prefix = prefix;
  } else {
    throw new QueryError('choose a profile, or a prefix to stitch every profile in the time range');
  }
  params.from = String(from);
  params.to = String(to);
  if (query.idle ?? defaults.defaultIdle) {
    params.idle = 'include';
  }
  if (query.weight === 'period') {
    params.weight = 'period';
  }
  for (const key of ['event', 'cpu', 'pid', 'tid', 'comm'] as const) {
    const value = one(query[key]);
    if (value !== undefined) {
      params[key] = value;
    }
  }
  for (const key of ['cpu', 'pid', 'tid'] as const) {
    if (params[key] !== undefined && !/^-?\d+$/.test(String(params[key]))) {
      throw new QueryError(`${key} must be a number, got "${params[key]}"`);
    }
  }
  if (type === 'heatmap') {
    params.rows = String(query.rows ?? defaults.defaultRows ?? 50);
    if (query.maxColumns) {
      params.maxColumns = String(query.maxColumns);
    }
  } else {
    if (query.maxNodes) {
      params.maxNodes = String(query.maxNodes);
    }
    // Frame names, sent as they are: never $-interpolated (a frame may well contain a dollar sign).
    if (query.focus && query.focus.length > 0) {
      params.focus = query.focus;
      if (query.focusMaxNodes) {
        params.focusMaxNodes = String(query.focusMaxNodes);
      }
    }
    if (query.baseline === 'range') {
      if (query.baselineFrom === undefined || query.baselineTo === undefined) {
        throw new QueryError('a baseline range needs both its start and end');
      }
      params.baselineFrom = String(Math.floor(query.baselineFrom));
      params.baselineTo = String(Math.ceil(query.baselineTo));
    } else if (query.baseline === 'profile') {
      const baseline = one(query.baselineProfile);
      if (baseline === undefined) {
        throw new QueryError('choose the baseline profile');
      }
      params.baselineProfile = baseline;
    }
  }
  return { path: ENDPOINTS[type], params };
}
