/**
 * The FlameScope data source: a thin client of the sidecar, always through Grafana's data proxy (the `sidecar` route
 * in plugin.json adds the URL and the token server-side: the browser never sees either). Frontend-only, so it cannot
 * drive Grafana Alerting, query caching or public dashboards — alerts come from metrics data sources and link here.
 */
import {
  AnnotationSupport,
  DataFrame,
  DataQueryError,
  DataQueryRequest,
  DataQueryResponse,
  DataSourceApi,
  DataSourceInstanceSettings,
  MetricFindValue,
  ScopedVars,
  TestDataSourceResponse,
} from '@grafana/data';
import { FetchError, getBackendSrv, getTemplateSrv } from '@grafana/runtime';
import { lastValueFrom, Observable } from 'rxjs';
import { annotationsFrame, decodeFrame, profilesFrame } from './frames';
import { buildRequest, QueryError, SidecarRequest } from './request';
import { FlameScopeVariableSupport } from './variables';
import {
  DEFAULT_QUERY,
  FlameScopeOptions,
  FlameScopeQuery,
  FlameScopeVariableQuery,
  ProfileEntry,
  SIDECAR_ROUTE,
} from './types';

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

  async query(request: DataQueryRequest<FlameScopeQuery>): Promise<DataQueryResponse> {
    const range = { from: request.range.from.valueOf(), to: request.range.to.valueOf() };
    const data: DataFrame[] = [];
    const errors: DataQueryError[] = [];
    await Promise.all(
      request.targets
        .filter((t) => !t.hide)
        .map(async (target) => {
          try {
            data.push(await this.runQuery(target, range, request.scopedVars));
          } catch (e) {
            errors.push({ refId: target.refId, message: errorMessage(e) });
          }
        })
    );
    // Keep the targets' order whatever finished first.
    const order = request.targets.map((t) => t.refId);
    data.sort((a, b) => order.indexOf(a.refId ?? '') - order.indexOf(b.refId ?? ''));
    return errors.length > 0 ? { data, errors, error: errors[0] } : { data };
  }

  /**
   * One query as a data frame. `signal` cancels it: the HTTP request is aborted (as Grafana aborts a fetch whose
   * subscription ends) and the promise rejects with an AbortError, so a superseded drill-down stops costing anything.
   */
  async runQuery(
    query: FlameScopeQuery,
    range: { from: number; to: number },
    scopedVars: ScopedVars = {},
    signal?: AbortSignal
  ): Promise<DataFrame> {
    const request = buildRequest(query, range, (text) => this.interpolate(text, scopedVars), this.defaults);
    const type = query.queryType ?? 'heatmap';
    if (type === 'profiles' || type === 'annotations') {
      const { profiles } = await this.get<{ profiles: ProfileEntry[] }>(request, signal);
      return type === 'profiles' ? profilesFrame(profiles, query.refId) : annotationsFrame(profiles, query.refId);
    }
    return decodeFrame(await this.get(request, signal), query.refId);
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
    const response = await lastValueFrom(
      getBackendSrv().fetch<ArrayBuffer>({
        url: this.baseUrl + '/api/v1/folded',
        method: 'GET',
        params: request.params,
        responseType: 'arraybuffer',
        showErrorAlert: false,
      })
    );
    return response.data;
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
    const response = await untilAborted(
      getBackendSrv().fetch<T>({
        url: this.baseUrl + request.path,
        method: 'GET',
        params: request.params,
        showErrorAlert: false,
        requestId: undefined,
      }),
      signal
    );
    return response.data;
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

/** The sidecar's one sentence when there is one, else what went wrong. */
export function errorMessage(e: unknown): string {
  if (e instanceof QueryError) {
    return e.message;
  }
  const fetchError = e as FetchError<{ message?: string; error?: string }>;
  if (fetchError?.data?.message) {
    return fetchError.data.message;
  }
  if (fetchError?.status === 502 && !fetchError.data?.error) {
    return 'the sidecar did not answer (is it running, and is its URL right in the data source settings?)';
  }
  return fetchError?.statusText || (e as Error)?.message || String(e);
}
