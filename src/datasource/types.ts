/**
 * The FlameScope data source's query and settings shapes.
 */
import { DataQuery, DataSourceJsonData } from '@grafana/schema';
import type { CatalogEntry } from '../dataframes/catalog';

export type QueryType = 'heatmap' | 'flamegraph' | 'profiles' | 'annotations';

export type BaselineMode = 'none' | 'range' | 'profile';

export interface FlameScopeQuery extends DataQuery {
  queryType?: QueryType;
  /** Profile ids (object keys); several stitch together. Each may hold $variables. */
  profiles?: string[];
  /** Instead of ids: every profile under this prefix that overlaps the dashboard range. */
  prefix?: string;
  rows?: number;
  /** Include idle samples (swapper in an idle loop). */
  idle?: boolean;
  weight?: 'samples' | 'period';
  event?: string;
  cpu?: string;
  pid?: string;
  tid?: string;
  comm?: string;
  /** Flame graphs: at most this many nodes. */
  maxNodes?: number;
  /** Flame graphs: full detail below this frame (names from the thread down), the rest pruned to maxNodes. */
  focus?: string[];
  /** Flame graphs with a focus: at most this many nodes below the focused frame. */
  focusMaxNodes?: number;
  /** Heat maps: at most this many columns (more seconds merge). */
  maxColumns?: number;
  /** Flame graphs: restrict to [from, to) epoch ms inside the dashboard range (a panel's selection). */
  from?: number;
  to?: number;
  baseline?: BaselineMode;
  /** baseline 'range': epoch ms. */
  baselineFrom?: number;
  baselineTo?: number;
  /** baseline 'profile': a profile id. */
  baselineProfile?: string;
}

export const DEFAULT_QUERY: Partial<FlameScopeQuery> = {
  queryType: 'heatmap',
  rows: 50,
  idle: false,
  weight: 'samples',
  maxNodes: 5000,
  maxColumns: 1000,
  baseline: 'none',
};

export interface FlameScopeOptions extends DataSourceJsonData {
  /** Where the sidecar listens, as Grafana's server sees it (the data proxy calls it). */
  sidecarUrl?: string;
  defaultRows?: number;
  defaultIdle?: boolean;
}

export interface FlameScopeSecureOptions {
  apiToken?: string;
}

/** Template variable queries. */
export interface FlameScopeVariableQuery {
  kind: 'profiles' | 'hosts' | 'prefixes';
  prefix?: string;
}

/** A catalog entry, as the sidecar lists it. */
export type ProfileEntry = CatalogEntry;

/** The data-proxy route name in plugin.json. */
export const SIDECAR_ROUTE = 'sidecar';
