/**
 * The page's own query runner (Grafana's is part of a dashboard): the heat-map query of the chosen profile over the
 * chosen range, through the profile's data source, as the PanelData a panel receives — Loading while it runs (the
 * previous frame of the same profile stays up meanwhile, as in Grafana), Done with the frame, Error with a failure.
 */
import { CoreApp, DataFrame, DataQueryRequest, dateTime, LoadingState, PanelData, TimeRange } from '@grafana/data';
import { getDataSourceSrv } from '@grafana/runtime';
import { useEffect, useMemo, useState } from 'react';
import type { FlameScopeDataSource } from '../datasource/datasource';
import { FlameScopeQuery } from '../datasource/types';
import { describeFailure, Failure, retryDelayMs } from './failure';
import { Range } from './range';

/** What the page and the panel use of a data source: the sidecar's, or one for a file opened here. */
export type ProfileDataSource = Pick<
  FlameScopeDataSource,
  'runQuery' | 'listProfiles' | 'interpolate' | 'uid' | 'type'
>;

export interface Source {
  /** The data source's uid. */
  uid: string;
  /** The profile's id in it. */
  id: string;
}

export interface HeatmapRequest {
  source: Source;
  range: Range;
  rows: number;
  maxColumns: number;
  timeZone: string;
  /** Bumped to run the same query again (Try again). */
  attempt?: number;
}

export interface HeatmapState {
  data: PanelData;
  /** The heat map of the current source (maybe of an earlier range) is there to show. */
  hasFrame: boolean;
  loading: boolean;
  failure?: Failure;
}

interface Result {
  key: string;
  sourceKey: string;
  query: FlameScopeQuery;
  range: Range;
  frame?: DataFrame;
  failure?: Failure;
  startTime: number;
}

export function sourceKey(source: Source): string {
  return `${source.uid}::${source.id}`;
}

export function heatmapQuery(source: Source, rows: number, maxColumns: number, type: string): FlameScopeQuery {
  return {
    refId: 'A',
    queryType: 'heatmap',
    profiles: [source.id],
    rows,
    maxColumns,
    datasource: { uid: source.uid, type },
  };
}

export function toTimeRange(range: Range): TimeRange {
  const from = dateTime(range.from);
  const to = dateTime(range.to);
  return { from, to, raw: { from, to } };
}

/** How often a query that timed out (504: the sidecar is still parsing a big profile) or met a busy sidecar is asked again. */
const TIMEOUT_RETRIES = 10;

async function runWithRetries(
  ds: ProfileDataSource,
  query: FlameScopeQuery,
  range: Range,
  cancelled: () => boolean
): Promise<DataFrame> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await ds.runQuery(query, range);
    } catch (e) {
      const delay = retryDelayMs(e);
      if (delay === undefined || attempt >= TIMEOUT_RETRIES || cancelled()) {
        throw e;
      }
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}

export function useHeatmap(request: HeatmapRequest | undefined): HeatmapState {
  const [result, setResult] = useState<Result | undefined>();
  const key = request
    ? JSON.stringify([sourceKey(request.source), request.range, request.rows, request.maxColumns, request.attempt ?? 0])
    : '';

  useEffect(() => {
    if (!request) {
      return;
    }
    let cancelled = false;
    const currentSource = sourceKey(request.source);
    const startTime = Date.now();
    (async (): Promise<Result> => {
      const base = { key, sourceKey: currentSource, range: request.range, startTime };
      let query = heatmapQuery(request.source, request.rows, request.maxColumns, '');
      try {
        const ds = (await getDataSourceSrv().get(request.source.uid)) as unknown as ProfileDataSource;
        query = heatmapQuery(request.source, request.rows, request.maxColumns, ds.type);
        return { ...base, query, frame: await runWithRetries(ds, query, request.range, () => cancelled) };
      } catch (e) {
        return { ...base, query, failure: describeFailure(e) };
      }
    })().then((next) => {
      if (!cancelled) {
        setResult(next);
      }
    });
    return () => {
      cancelled = true;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);

  return useMemo(() => {
    const loading = request !== undefined && result?.key !== key;
    const current = request ? sourceKey(request.source) : undefined;
    const own = result && result.sourceKey === current ? result : undefined;
    const range = own?.range ?? request?.range ?? { from: 0, to: 1 };
    const query =
      own?.query ?? (request ? heatmapQuery(request.source, request.rows, request.maxColumns, '') : undefined);
    const timeRange = toTimeRange(range);
    const dataRequest: DataQueryRequest<FlameScopeQuery> = {
      requestId: 'flamescope-host',
      interval: '1s',
      intervalMs: 1000,
      range: timeRange,
      scopedVars: {},
      targets: query ? [query] : [],
      timezone: request?.timeZone ?? 'browser',
      app: CoreApp.Unknown,
      startTime: own?.startTime ?? 0,
    };
    const failure = own && own.key === key ? own.failure : undefined;
    const data: PanelData = {
      state: loading ? LoadingState.Loading : failure ? LoadingState.Error : LoadingState.Done,
      series: own?.frame ? [own.frame] : [],
      timeRange,
      request: dataRequest,
      errors: failure ? [{ message: failure.message, refId: 'A' }] : undefined,
    };
    return { data, hasFrame: own?.frame !== undefined && !failure, loading, failure };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [result, key]);
}
