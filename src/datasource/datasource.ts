/**
 * The FlameScope data source: a thin client of the sidecar, always through Grafana's data proxy (the `sidecar` route
 * in plugin.json adds the sidecar's URL and the token server-side). The URL is in jsonData, which Grafana sends to
 * every user who can query the data source; only the token (secure settings) never reaches the browser. Frontend-only,
 * so it cannot drive Grafana Alerting, query caching or public dashboards — alerts come from metrics data sources and
 * link here.
 *
 * A query on a profile the sidecar is still parsing is asked again until it is ready (see retry.ts); meanwhile query()
 * emits Loading responses carrying a "parsing" frame with the progress (see parsing-frame.ts), then the answer.
 */
import {
  AnnotationSupport,
  DataFrame,
  DataQueryRequest,
  DataQueryResponse,
  DataSourceApi,
  DataSourceInstanceSettings,
  LoadingState,
  MetricFindValue,
  ScopedVars,
  TestDataSourceResponse,
} from '@grafana/data';
import { getBackendSrv, getTemplateSrv } from '@grafana/runtime';
import { defer, lastValueFrom, merge, Observable, of, throwError } from 'rxjs';
import { catchError, filter, map, scan } from 'rxjs/operators';
import { errorMessage, toQueryError } from './errors';
import { annotationsFrame, decodeFrame, profilesFrame } from './frames';
import { buildRequest, interpolateQuery, SidecarRequest } from './request';
import { combineTargets, TargetState } from './response';
import { answers, Attempt, retrying } from './retry';
import { FlameScopeVariableSupport } from './variables';
import {
  DEFAULT_QUERY,
  FlameScopeOptions,
  FlameScopeQuery,
  FlameScopeVariableQuery,
  ProfileEntry,
  SIDECAR_ROUTE,
} from './types';

export { errorMessage } from './errors';

export class FlameScopeDataSource extends DataSourceApi<FlameScopeQuery, FlameScopeOptions> {
  readonly baseUrl: string;
  readonly defaults: FlameScopeOptions;
  annotations: AnnotationSupport<FlameScopeQuery> = {
    getDefaultQuery: () => ({ queryType: 'annotations', prefix: '' }),
  };

  constructor(instanceSettings: DataSourceInstanceSettings<FlameScopeOptions>) {
    super(instanceSettings);
    this.variables = new FlameScopeVariableSupport(this);
    this.baseUrl = `${instanceSettings.url}/${SIDECAR_ROUTE}`;
    this.defaults = instanceSettings.jsonData ?? {};
  }

  getDefaultQuery(): Partial<FlameScopeQuery> {
    return {
      ...DEFAULT_QUERY,
      rows: this.defaults.defaultRows ?? DEFAULT_QUERY.rows,
      idle: this.defaults.defaultIdle ?? false,
    };
  }

  filterQuery(query: FlameScopeQuery): boolean {
    return !query.hide;
  }

  /**
   * Every query of the request, each retried while its profiles are being parsed: Loading responses with the frames
   * so far and a "parsing" frame per waiting query, then one Done response. Unsubscribing (Grafana does when the
   * dashboard refreshes or the panel goes) stops the retries and aborts the requests in flight.
   */
  query(request: DataQueryRequest<FlameScopeQuery>): Observable<DataQueryResponse> {
    const range = { from: request.range.from.valueOf(), to: request.range.to.valueOf() };
    const targets = request.targets.filter((t) => !t.hide);
    if (targets.length === 0) {
      return of({ data: [], state: LoadingState.Done });
    }
    const streams = targets.map((target, index) =>
      this.attempts(target, range, request.scopedVars).pipe(
        map((a): TargetState => (a.type === 'done' ? { index, frame: a.value } : { index, wait: a.wait })),
        catchError((e: unknown) => of<TargetState>({ index, error: toQueryError(e, target.refId) }))
      )
    );
    return merge(...streams).pipe(
      scan(
        (states, state) => states.map((s, i) => (i === state.index ? state : s)),
        targets.map(() => undefined) as Array<TargetState | undefined>
      ),
      map((states) => combineTargets(targets, states)),
      filter((response): response is DataQueryResponse => response !== undefined)
    );
  }

  /** Grafana's Explore (and "Explore" from a panel) runs the queries it is given: their $variables replaced first. */
  interpolateVariablesInQueries(queries: FlameScopeQuery[], scopedVars: ScopedVars): FlameScopeQuery[] {
    return queries.map((q) => ({
      ...interpolateQuery(q, (text) => this.interpolate(text, scopedVars)),
      datasource: this.getRef(),
    }));
  }

  /**
   * One query as a data frame, asked again while its profiles are being parsed. `signal` cancels it: the retries stop,
   * the HTTP request is aborted (as Grafana aborts a fetch whose subscription ends) and the promise rejects with an
   * AbortError, so a superseded drill-down stops costing anything. Other failures reject as a DataQueryError (the
   * sentence in `message` and `data.message`, the HTTP status in `status`).
   */
  async runQuery(
    query: FlameScopeQuery,
    range: { from: number; to: number },
    scopedVars: ScopedVars = {},
    signal?: AbortSignal
  ): Promise<DataFrame> {
    try {
      return await untilAborted(this.attempts(query, range, scopedVars).pipe(answers()), signal);
    } catch (e) {
      throw e instanceof DOMException && e.name === 'AbortError' ? e : toQueryError(e, query.refId);
    }
  }

  /** A query's answer as a frame, with every wait before it (retry.ts). */
  private attempts(
    query: FlameScopeQuery,
    range: { from: number; to: number },
    scopedVars: ScopedVars
  ): Observable<Attempt<DataFrame>> {
    return defer(() => {
      const request = buildRequest(query, range, (text) => this.interpolate(text, scopedVars), this.defaults);
      const type = query.queryType ?? 'heatmap';
      const toFrame = (body: unknown): DataFrame => {
        if (type === 'profiles' || type === 'annotations') {
          const { profiles } = body as { profiles: ProfileEntry[] };
          return type === 'profiles' ? profilesFrame(profiles, query.refId) : annotationsFrame(profiles, query.refId);
        }
        return decodeFrame(body as Parameters<typeof decodeFrame>[0], query.refId);
      };
      return retrying(() => this.fetch<unknown>(request)).pipe(
        map((a): Attempt<DataFrame> => (a.type === 'done' ? { type: 'done', value: toFrame(a.value) } : a))
      );
    });
  }

  /**
   * The folded stacks (FlameGraph's format) of a flame-graph query's slice, straight from the sidecar: every stack,
   * not the pruned tree, and the names byte for byte. Returned as bytes (the text is not necessarily UTF-8).
   */
  async folded(
    query: FlameScopeQuery,
    range: { from: number; to: number },
    scopedVars: ScopedVars = {}
  ): Promise<ArrayBuffer> {
    const request = buildRequest(
      { ...query, queryType: 'flamegraph', maxNodes: undefined, baseline: 'none' },
      range,
      (text) => this.interpolate(text, scopedVars),
      this.defaults
    );
    delete request.params.maxNodes;
    const fetchFolded = () =>
      getBackendSrv()
        .fetch<ArrayBuffer>({
          url: this.baseUrl + '/api/v1/folded',
          method: 'GET',
          params: request.params,
          responseType: 'arraybuffer',
          showErrorAlert: false,
        })
        .pipe(
          map((response) => response.data),
          // backendSrv reads an error body as the response type asked for: the sidecar's JSON error, as bytes.
          catchError((e: unknown) => throwError(() => withJsonBody(e)))
        );
    try {
      return await lastValueFrom(retrying(fetchFolded).pipe(answers()));
    } catch (e) {
      throw toQueryError(e, query.refId);
    }
  }

  /** The catalog under a prefix (every object, skipped ones included, with their reasons). */
  async listProfiles(prefix = '', range?: { from: number; to: number }): Promise<ProfileEntry[]> {
    const params: Record<string, string> = { prefix: this.interpolate(prefix)[0] ?? '' };
    if (range) {
      params.from = String(Math.floor(range.from));
      params.to = String(Math.ceil(range.to));
    }
    const { profiles } = await this.get<{ profiles: ProfileEntry[] }>({ path: '/api/v1/profiles', params });
    return profiles;
  }

  /** Template variables: profile ids, hosts, or top-level prefixes ("folders") under a prefix. */
  async metricFindQuery(
    query: FlameScopeVariableQuery | string,
    options?: { scopedVars?: ScopedVars }
  ): Promise<MetricFindValue[]> {
    const q: FlameScopeVariableQuery = typeof query === 'string' ? { kind: 'profiles', prefix: query } : query;
    const prefix = this.interpolate(q.prefix ?? '', options?.scopedVars)[0] ?? '';
    const entries = (await this.listProfiles(prefix)).filter((e) => e.status !== 'skipped');
    let values: string[];
    if (q.kind === 'hosts') {
      values = entries.map((e) => e.host).filter((h): h is string => !!h);
    } else if (q.kind === 'prefixes') {
      values = entries
        .map((e) => e.id.slice(prefix.length))
        .filter((rest) => rest.includes('/'))
        .map((rest) => prefix + rest.slice(0, rest.indexOf('/') + 1));
    } else {
      values = entries.map((e) => e.id);
    }
    return [...new Set(values)].sort().map((text) => ({ text, value: text }));
  }

  async testDatasource(): Promise<TestDataSourceResponse> {
    try {
      const health = await this.get<{ status: string; storage: string }>({ path: '/healthz', params: {} });
      const profiles = (await this.listProfiles('')).filter((p) => p.status !== 'skipped');
      return {
        status: 'success',
        message: `Connected to the FlameScope sidecar: ${profiles.length} profile${profiles.length === 1 ? '' : 's'} in ${health.storage}.`,
      };
    } catch (e) {
      return { status: 'error', message: `Cannot reach the FlameScope sidecar: ${errorMessage(e)}` };
    }
  }

  /** $variables in a text field; a multi-value variable gives several values. */
  interpolate(text: string, scopedVars: ScopedVars = {}): string[] {
    const separator = '\u0000';
    const replaced = getTemplateSrv().replace(text, scopedVars, (value: string | string[]) =>
      Array.isArray(value) ? value.join(separator) : value
    );
    return replaced.split(separator);
  }

  private async get<T>(request: SidecarRequest, signal?: AbortSignal): Promise<T> {
    return untilAborted(this.fetch<T>(request), signal);
  }

  /** One request through the data proxy: the body, or the error as backendSrv rejects with it. */
  private fetch<T>(request: SidecarRequest): Observable<T> {
    return getBackendSrv()
      .fetch<T>({
        url: this.baseUrl + request.path,
        method: 'GET',
        params: request.params,
        showErrorAlert: false,
        requestId: undefined,
      })
      .pipe(map((response) => response.data));
  }
}

/** An error whose body came as bytes (responseType arraybuffer) with the sidecar's JSON body decoded, if it is JSON. */
function withJsonBody(e: unknown): unknown {
  const data = (e as { data?: unknown } | undefined)?.data;
  // Not instanceof: an ArrayBuffer made in another realm (a worker, a test's) is one too.
  if (Object.prototype.toString.call(data) !== '[object ArrayBuffer]') {
    return e;
  }
  try {
    return { ...(e as object), data: JSON.parse(new TextDecoder().decode(data as ArrayBuffer)) };
  } catch {
    return { ...(e as object), data: { message: '' } };
  }
}

/** The observable's last value; unsubscribes (aborting its HTTP request) and rejects when `signal` aborts first. */
export function untilAborted<T>(source: Observable<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) {
    return lastValueFrom(source);
  }
  return new Promise<T>((resolve, reject) => {
    const aborted = () => new DOMException('the query was superseded', 'AbortError');
    if (signal.aborted) {
      reject(aborted());
      return;
    }
    let last: { value: T } | undefined;
    const onAbort = () => {
      subscription.unsubscribe();
      reject(aborted());
    };
    const subscription = source.subscribe({
      next: (value) => (last = { value }),
      error: (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
      complete: () => {
        signal.removeEventListener('abort', onAbort);
        if (last) {
          resolve(last.value);
        } else {
          reject(new Error('the request ended without an answer'));
        }
      },
    });
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
