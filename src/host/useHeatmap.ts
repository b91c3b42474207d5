/**
 * The page's own query runner (Grafana's is part of a dashboard): the heat-map query of the chosen profile over the
 * chosen range, run as Grafana's runner runs it — subscribed to the data source's query() and passing each response on
 * as the PanelData a panel receives: Loading responses while the sidecar parses (their "parsing" frame in the series;
 * one without frames keeps the previous frames up, as Grafana does), then Done with the frame or Error with a failure.
 * A new request unsubscribes from the old one, which stops its retries and aborts its request, as in Grafana.
 */
import {
  CoreApp,
  DataFrame,
  DataQueryRequest,
  DataQueryResponse,
  DataSourceApi,
  dateTime,
  LoadingState,
  PanelData,
  ScopedVars,
  TimeRange,
} from '@grafana/data';
import { getDataSourceSrv } from '@grafana/runtime';
import { useEffect, useMemo, useState } from 'react';
import { from, Subscription } from 'rxjs';
import type { FlameScopeDataSource } from '../datasource/datasource';
import { Parsing, parsingOf } from '../datasource/parsing-frame';
import { FlameScopeQuery } from '../datasource/types';
import { describeFailure, Failure } from './failure';
import { Range } from './range';

/** What the page and the panel use of a data source: the sidecar's, or one for a file opened here. */
export type ProfileDataSource = Pick<
  FlameScopeDataSource,
  'runQuery' | 'listProfiles' | 'interpolate' | 'uid' | 'type'
> & {
  query: DataSourceApi<FlameScopeQuery>['query'];
};

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
  /**
   * Instead of the source's profile: every profile under this prefix (may hold $variables), as a dashboard panel's
   * query does.
   */
  prefix?: string;
  /** A repeated panel's own variables (`{host: {text, value}}`), passed with the query as Grafana's runner does. */
  scopedVars?: ScopedVars;
}

export interface HeatmapState {
  data: PanelData;
  /** The heat map of the current source (maybe of an earlier range) is there to show. */
  hasFrame: boolean;
  /** That heat map's frame. */
  frame?: DataFrame;
  loading: boolean;
  /** While the data source waits for the sidecar to parse: what it reported (progress per profile, a notice). */
  parsing?: Parsing;
  failure?: Failure;
}

interface Result {
  key: string;
  sourceKey: string;
  query: FlameScopeQuery;
  range: Range;
  state: LoadingState;
  series: DataFrame[];
  failure?: Failure;
  startTime: number;
}

export function sourceKey(source: Source): string {
  return `${source.uid}::${source.id}`;
}

export function heatmapQuery(request: HeatmapRequest, type: string): FlameScopeQuery {
  const { source, rows, maxColumns, prefix } = request;
  return {
    refId: 'A',
    queryType: 'heatmap',
    ...(prefix !== undefined ? { prefix } : { profiles: [source.id] }),
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

export function isHeatmapFrame(frame: DataFrame): boolean {
  return frame.meta?.type === 'heatmap-cells' || frame.name === 'heatmap';
}

function dataRequest(
  query: FlameScopeQuery | undefined,
  range: Range,
  timeZone: string,
  startTime: number,
  scopedVars: ScopedVars = {}
): DataQueryRequest<FlameScopeQuery> {
  return {
    requestId: 'flamescope-host',
    interval: '1s',
    intervalMs: 1000,
    range: toTimeRange(range),
    scopedVars,
    targets: query ? [query] : [],
    timezone: timeZone,
    app: CoreApp.Unknown,
    startTime,
  };
}

/** The next result after a response, as Grafana's runner makes the next PanelData. */
function afterResponse(
  previous: Result | undefined,
  next: Omit<Result, 'state' | 'series'>,
  response: DataQueryResponse
): Result {
  const errors = response.errors ?? [];
  const state = response.state ?? (errors.length > 0 ? LoadingState.Error : LoadingState.Done);
  const keep = state === LoadingState.Loading && response.data.length === 0 && previous?.sourceKey === next.sourceKey;
  return {
    ...next,
    state,
    series: keep ? previous!.series : (response.data as DataFrame[]),
    failure: errors.length > 0 ? describeFailure(errors[0]) : undefined,
  };
}

export function useHeatmap(request: HeatmapRequest | undefined): HeatmapState {
  const [result, setResult] = useState<Result | undefined>();
  const key = request
    ? JSON.stringify([
        sourceKey(request.source),
        request.range,
        request.rows,
        request.maxColumns,
        request.attempt ?? 0,
        request.prefix,
        request.scopedVars,
      ])
    : '';

  useEffect(() => {
    if (!request) {
      return;
    }
    let cancelled = false;
    let subscription: Subscription | undefined;
    const startTime = Date.now();
    const base = { key, sourceKey: sourceKey(request.source), range: request.range, startTime };
    const fail = (query: FlameScopeQuery, e: unknown) =>
      setResult({ ...base, query, state: LoadingState.Error, series: [], failure: describeFailure(e) });
    let query = heatmapQuery(request, '');
    getDataSourceSrv()
      .get(request.source.uid)
      .then((api) => {
        if (cancelled) {
          return;
        }
        const ds = api as unknown as ProfileDataSource;
        query = heatmapQuery(request, ds.type);
        const next = { ...base, query };
        const dsRequest = dataRequest(query, request.range, request.timeZone, startTime, request.scopedVars);
        subscription = from(ds.query(dsRequest)).subscribe({
          next: (response) => setResult((previous) => afterResponse(previous, next, response)),
          error: (e: unknown) => fail(query, e),
        });
      })
      .catch((e: unknown) => !cancelled && fail(query, e));
    return () => {
      cancelled = true;
      subscription?.unsubscribe();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);

  return useMemo(() => {
    const current = result && result.key === key ? result : undefined;
    const loading = request !== undefined && (!current || current.state === LoadingState.Loading);
    const own = result && request && result.sourceKey === sourceKey(request.source) ? result : undefined;
    const range = own?.range ?? request?.range ?? { from: 0, to: 1 };
    const query = own?.query ?? (request ? heatmapQuery(request, '') : undefined);
    const failure = current?.failure;
    const series = own?.series ?? [];
    const frame = series.find(isHeatmapFrame);
    const data: PanelData = {
      state: loading ? LoadingState.Loading : failure ? LoadingState.Error : LoadingState.Done,
      series,
      timeRange: toTimeRange(range),
      request: dataRequest(query, range, request?.timeZone ?? 'browser', own?.startTime ?? 0, request?.scopedVars),
      errors: failure ? [{ message: failure.message, refId: 'A' }] : undefined,
    };
    const parsing = current ? parsingOf(series) : undefined;
    return { data, hasFrame: frame !== undefined && !failure, frame, loading, parsing, failure };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [result, key]);
}
