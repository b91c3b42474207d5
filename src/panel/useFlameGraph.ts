/**
 * Fetches the flame graph of the selected slice through the panel's own data source (the FlameScope data source, so
 * the same route, token and $variables apply), optionally differential against the whole range or a previous slice.
 */
import { DataFrame, PanelData, ScopedVars } from '@grafana/data';
import { getDataSourceSrv } from '@grafana/runtime';
import { useEffect, useState } from 'react';
import type { FlameScopeDataSource } from '../datasource/datasource';
import type { FlameScopeQuery } from '../datasource/types';

export type Compare = 'none' | 'range' | 'previous';

export interface FlameGraphRequest {
  fromMs: number;
  toMs: number;
  compare: Compare;
  previous?: { fromMs: number; toMs: number };
  maxNodes: number;
  /** "Show all" for a zoom: every frame below this one (names from the thread down), the rest pruned to maxNodes. */
  focus?: string[];
}

/** Frames kept below a focused frame: full detail for any zoom a person reads, still painted without a stall. */
export const FOCUS_MAX_NODES = 50_000;

export interface FlameGraphState {
  loading: boolean;
  frame?: DataFrame;
  error?: string;
}

/** The FlameScope query the panel's heat map came from, as the base of its drill-down queries. */
export function baseQuery(data: PanelData): FlameScopeQuery | undefined {
  const targets = (data.request?.targets ?? []) as FlameScopeQuery[];
  return targets.find((t) => !t.hide && (t.queryType ?? 'heatmap') === 'heatmap') ?? targets[0];
}

export function useFlameGraph(
  data: PanelData,
  scopedVars: ScopedVars | undefined,
  request?: FlameGraphRequest
): FlameGraphState {
  // The answer is kept with the key of the request it answers: a newer request is "loading" until its own arrives.
  const [answer, setAnswer] = useState<{ key: string; frame?: DataFrame; error?: string }>({ key: '' });
  // Only what changes the flame graph is in its key: the heat map's rows and columns (which follow the panel's size
  // and the rows control) do not, so resizing or changing rows keeps the graph, and its zoom, as they are.
  const heatmapBase = baseQuery(data);
  const base = heatmapBase && withoutHeatmapFields(heatmapBase);
  const dashboardRange = data.timeRange
    ? { from: data.timeRange.from.valueOf(), to: data.timeRange.to.valueOf() }
    : undefined;
  const key = request && base && dashboardRange ? JSON.stringify([request, base, dashboardRange]) : '';

  useEffect(() => {
    if (!request || !base || !dashboardRange) {
      return;
    }
    // A new selection aborts the request of the one it replaces: the latest brush wins, and the old one stops costing
    // the sidecar anything.
    const controller = new AbortController();
    (async () => {
      const ds = await flameScopeDataSource(base);
      const query: FlameScopeQuery = {
        ...base,
        refId: 'flamegraph',
        queryType: 'flamegraph',
        from: request.fromMs,
        to: request.toMs,
        maxNodes: request.maxNodes,
        baseline: 'none',
      };
      if (request.focus && request.focus.length > 0) {
        Object.assign(query, { focus: request.focus, focusMaxNodes: FOCUS_MAX_NODES });
      } else if (request.focus) {
        // Show all at the root: the whole graph to the larger budget.
        query.maxNodes = Math.max(request.maxNodes, FOCUS_MAX_NODES);
      }
      if (request.compare === 'range') {
        Object.assign(query, { baseline: 'range', baselineFrom: dashboardRange.from, baselineTo: dashboardRange.to });
      } else if (request.compare === 'previous' && request.previous) {
        Object.assign(query, {
          baseline: 'range',
          baselineFrom: request.previous.fromMs,
          baselineTo: request.previous.toMs,
        });
      }
      return ds.runQuery(query, dashboardRange, scopedVars, controller.signal);
    })().then(
      (frame) => !controller.signal.aborted && setAnswer({ key, frame }),
      (e) => !controller.signal.aborted && setAnswer({ key, error: errorText(e) })
    );
    return () => controller.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);

  if (key === '') {
    // A selection but no FlameScope query to drill into: a snapshot keeps the heat map's data but not its query.
    return request && !base && data.series.length > 0 ? { loading: false, error: NO_QUERY } : { loading: false };
  }
  if (answer.key === key) {
    return { loading: false, frame: answer.frame, error: answer.error };
  }
  // Loading more detail of the same graph: the graph shown stays (with its zoom) until the detail arrives.
  if (answer.frame && request && sameGraph(answer.key, key)) {
    return { loading: true, frame: answer.frame };
  }
  return { loading: true };
}

/** Whether two request keys differ only in their focus (the same slice, more or less detail). */
function sameGraph(a: string, b: string): boolean {
  const strip = (key: string) => {
    try {
      const [request, ...rest] = JSON.parse(key);
      return JSON.stringify([{ ...request, focus: undefined }, ...rest]);
    } catch {
      return key;
    }
  };
  return a !== '' && strip(a) === strip(b);
}

const NO_QUERY =
  "the flame graph needs this panel's own FlameScope query, and this panel has none (a snapshot, or a query shared from another panel)";

/**
 * The panel's FlameScope data source, or an error in words: a panel on "-- Dashboard --" (another panel's results) or
 * on another data source has nothing to drill into.
 */
async function flameScopeDataSource(base: FlameScopeQuery): Promise<FlameScopeDataSource> {
  const ds = (await getDataSourceSrv().get(base.datasource)) as Partial<FlameScopeDataSource> & {
    name?: string;
    type?: string;
  };
  if (typeof ds?.runQuery !== 'function' || typeof ds?.folded !== 'function') {
    const uid = typeof base.datasource === 'object' ? base.datasource?.uid : base.datasource;
    throw new Error(
      uid === '-- Dashboard --'
        ? "this panel shows another panel's results (-- Dashboard --): the flame graph needs its own FlameScope query"
        : `the flame graph needs a FlameScope data source; this panel's query is on ${ds?.name ?? uid ?? 'another data source'}`
    );
  }
  return ds as FlameScopeDataSource;
}

function errorText(e: unknown): string {
  const err = e as { data?: { message?: string }; message?: string };
  return err?.data?.message ?? err?.message ?? String(e);
}

/** A heat-map query without the fields only a heat map reads. */
export function withoutHeatmapFields(query: FlameScopeQuery): FlameScopeQuery {
  const { rows, maxColumns, ...rest } = query;
  void rows;
  void maxColumns;
  return rest;
}

/**
 * The slice's folded stacks from the sidecar (every stack, names byte for byte — not the pruned tree the graph
 * shows), through the panel's data source.
 */
export async function fetchFoldedSlice(
  data: PanelData,
  scopedVars: ScopedVars | undefined,
  slice: { fromMs: number; toMs: number }
): Promise<ArrayBuffer> {
  const heatmapBase = baseQuery(data);
  if (!heatmapBase || !data.timeRange) {
    throw new Error('the panel has no FlameScope query to fold');
  }
  const ds = await flameScopeDataSource(heatmapBase);
  const range = { from: data.timeRange.from.valueOf(), to: data.timeRange.to.valueOf() };
  return ds.folded(
    { ...withoutHeatmapFields(heatmapBase), refId: 'folded', from: slice.fromMs, to: slice.toMs },
    range,
    scopedVars
  );
}
