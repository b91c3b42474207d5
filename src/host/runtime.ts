/**
 * Grafana's runtime services for a page without Grafana: the same data source and panel code run here as in a
 * dashboard, so they find their backend, template and data-source services through @grafana/runtime's getters — and
 * these behave like Grafana's where that code depends on them:
 * - BackendSrv: window.fetch, with the data source's data-proxy URLs (`<url>/sidecar/<path>`) sent through a stand-in
 *   for Grafana's data proxy (data-proxy.ts: its timeout, 30 s or `?dataproxyTimeout=<s>`, and its empty 502/504) to
 *   the sidecar that serves this page (`/<path>`, same origin); bodies read and errors reshaped as backendSrv does
 *   (fetch-shape.ts). No retries of its own: asking again is the data source's job, as in Grafana.
 * - TemplateSrv: Grafana's replace semantics (template-srv.ts).
 * - DataSourceSrv: the sidecar's data source and any profile opened in the browser, by uid.
 */
import { DataSourceApi, DataSourceInstanceSettings } from '@grafana/data';
import { DataSourceRef } from '@grafana/schema';
import {
  BackendSrv,
  BackendSrvRequest,
  DataSourceSrv,
  FetchError,
  FetchResponse,
  setBackendSrv,
  setDataSourceSrv,
  setTemplateSrv,
} from '@grafana/runtime';
import { lastValueFrom, Observable } from 'rxjs';
import { FlameScopeOptions, FlameScopeQuery, SIDECAR_ROUTE } from '../datasource/types';
import { DATA_PROXY_TIMEOUT_MS, FetchLike, proxyFetch } from './data-proxy';
import { parseResponseBody, processRequestError } from './fetch-shape';
import { HostTemplateSrv } from './template-srv';

export { HostTemplateSrv } from './template-srv';

/** The page's data sources: the sidecar's and those of files opened here. */
export type HostDataSource = DataSourceApi<FlameScopeQuery, FlameScopeOptions>;

/** What the sidecar's data source is configured with here: its requests go to `/sidecar/<path>`, mapped below. */
export const SIDECAR_DS_URL = '';
const PROXY_PREFIX = `${SIDECAR_DS_URL}/${SIDECAR_ROUTE}/`;

/** `/sidecar/api/v1/heatmap` → `/api/v1/heatmap`; anything else is left as it is. */
export function sidecarPath(url: string): string {
  return url.startsWith(PROXY_PREFIX) ? url.slice(PROXY_PREFIX.length - 1) : url;
}

/** A query string with repeated keys for arrays (`profile=a&profile=b`), as the sidecar and Grafana's proxy read it. */
export function queryString(params: Record<string, unknown> | undefined): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params ?? {})) {
    for (const v of Array.isArray(value) ? value : [value]) {
      if (v !== undefined && v !== null) {
        search.append(key, String(v));
      }
    }
  }
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}

export interface HostBackendOptions {
  fetchImpl?: FetchLike;
  /** The data-proxy stand-in's timeout (Grafana's GF_DATAPROXY_TIMEOUT). */
  dataProxyTimeoutMs?: number;
}

/** fetch() as Grafana's BackendSrv does it: an Observable of {data, status, …}, failing with a reshaped FetchError. */
export class HostBackendSrv implements BackendSrv {
  private readonly fetchImpl: FetchLike;
  private readonly timeoutMs: number;

  constructor(options: HostBackendOptions = {}) {
    this.fetchImpl = options.fetchImpl ?? ((input, init) => window.fetch(input, init));
    this.timeoutMs = options.dataProxyTimeoutMs ?? DATA_PROXY_TIMEOUT_MS;
  }

  fetch<T>(options: BackendSrvRequest): Observable<FetchResponse<T>> {
    return new Observable<FetchResponse<T>>((subscriber) => {
      const abort = new AbortController();
      const proxied = options.url.startsWith(PROXY_PREFIX);
      const url = sidecarPath(options.url) + queryString(options.params as Record<string, unknown> | undefined);
      const method = (options.method ?? 'GET').toUpperCase();
      const headers: Record<string, string> = { Accept: 'application/json, text/plain, */*', ...options.headers };
      let body: BodyInit | undefined;
      if (options.data !== undefined && method !== 'GET' && method !== 'HEAD') {
        body = typeof options.data === 'string' ? options.data : JSON.stringify(options.data);
        headers['Content-Type'] ??= 'application/json';
      }
      const init: RequestInit = { method, headers, body, signal: abort.signal, credentials: 'same-origin' };
      (proxied ? proxyFetch(this.fetchImpl, url, init, this.timeoutMs) : this.fetchImpl(url, init))
        .then(async (response) => {
          const data = (await parseResponseBody(response, options.responseType)) as T;
          if (response.ok) {
            subscriber.next({
              data,
              status: response.status,
              statusText: response.statusText,
              ok: response.ok,
              headers: response.headers as Headers,
              redirected: response.redirected,
              type: response.type,
              url: response.url,
              config: options,
            });
            subscriber.complete();
          } else {
            const { status, statusText } = response;
            subscriber.error(processRequestError({ status, statusText, data, config: options }));
          }
        })
        .catch((e: unknown) => {
          if (abort.signal.aborted) {
            return;
          }
          // A request that never got a response (Grafana itself unreachable): backendSrv passes fetch's own error on.
          const error = { data: undefined, status: 0, statusText: '', config: options } as unknown as FetchError;
          subscriber.error({ ...processRequestError(error), message: e instanceof Error ? e.message : String(e) });
        });
      return () => abort.abort();
    });
  }

  request<T = unknown>(options: BackendSrvRequest): Promise<T> {
    return this.send<T>(options);
  }

  private async send<T>(options: BackendSrvRequest): Promise<T> {
    return (await lastValueFrom(this.fetch<T>(options))).data;
  }

  datasourceRequest<T = unknown>(options: BackendSrvRequest): Promise<FetchResponse<T>> {
    return lastValueFrom(this.fetch<T>(options));
  }

  get<T = unknown>(
    url: string,
    params?: unknown,
    requestId?: string,
    options?: Partial<BackendSrvRequest>
  ): Promise<T> {
    return this.send<T>({ ...options, url, params: params as BackendSrvRequest['params'], requestId, method: 'GET' });
  }

  delete<T = unknown>(url: string, data?: unknown, options?: Partial<BackendSrvRequest>): Promise<T> {
    return this.send<T>({ ...options, url, data, method: 'DELETE' });
  }

  post<T = unknown>(url: string, data?: unknown, options?: Partial<BackendSrvRequest>): Promise<T> {
    return this.send<T>({ ...options, url, data, method: 'POST' });
  }

  patch<T = unknown>(url: string, data?: unknown, options?: Partial<BackendSrvRequest>): Promise<T> {
    return this.send<T>({ ...options, url, data, method: 'PATCH' });
  }

  put<T = unknown>(url: string, data?: unknown, options?: Partial<BackendSrvRequest>): Promise<T> {
    return this.send<T>({ ...options, url, data, method: 'PUT' });
  }

  chunked(): Observable<FetchResponse<Uint8Array | undefined>> {
    return new Observable((subscriber) => subscriber.error(new Error('chunked requests are not supported here')));
  }
}

/** The page's data sources by uid; `get()` with no reference gives the sidecar's. */
export class HostDataSourceSrv implements DataSourceSrv {
  private readonly sources = new Map<string, { ds: HostDataSource; settings: DataSourceInstanceSettings }>();

  constructor(private readonly defaultUid: string) {}

  add(ds: HostDataSource, settings: DataSourceInstanceSettings<FlameScopeOptions>): void {
    this.sources.set(ds.uid, { ds, settings });
  }

  remove(uid: string): void {
    this.sources.delete(uid);
  }

  async get(ref?: DataSourceRef | string | null): Promise<DataSourceApi> {
    const found = this.find(ref);
    if (!found) {
      throw new Error(`no data source ${typeof ref === 'string' ? ref : (ref?.uid ?? '')} on this page`);
    }
    return found.ds as unknown as DataSourceApi;
  }

  getList(): DataSourceInstanceSettings[] {
    return [...this.sources.values()].map((s) => s.settings);
  }

  getInstanceSettings(ref?: DataSourceRef | string | null): DataSourceInstanceSettings | undefined {
    return this.find(ref)?.settings;
  }

  reload(): void {}

  registerRuntimeDataSource(): void {
    throw new Error('runtime data sources are not supported on this page');
  }

  private find(ref?: DataSourceRef | string | null) {
    const key = typeof ref === 'string' ? ref : ref?.uid;
    if (key === undefined || key === null || key === '') {
      return this.sources.get(this.defaultUid);
    }
    return this.sources.get(key) ?? [...this.sources.values()].find((s) => s.settings.name === key);
  }
}

/** Installs the three services (`backend`: the data-proxy stand-in's timeout, a fetch for tests); returns the data-source registry to add sources to. */
export function installRuntime(defaultUid: string, backend: HostBackendOptions = {}): HostDataSourceSrv {
  const dataSources = new HostDataSourceSrv(defaultUid);
  setBackendSrv(new HostBackendSrv(backend));
  setTemplateSrv(new HostTemplateSrv());
  setDataSourceSrv(dataSources);
  return dataSources;
}
