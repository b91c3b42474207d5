/**
 * Grafana's runtime services for a page without Grafana: the same data source and panel code run here as in a
 * dashboard, so they find their backend, template and data-source services through @grafana/runtime's getters.
 * - BackendSrv: window.fetch, with the data source's data-proxy URLs (`<url>/sidecar/<path>`) mapped to the sidecar
 *   that serves this page (`/<path>`, same origin).
 * - TemplateSrv: no dashboard variables; `$name` from scoped variables only.
 * - DataSourceSrv: the sidecar's data source and any profile opened in the browser, by uid.
 */
import { DataSourceApi, DataSourceInstanceSettings, ScopedVars } from '@grafana/data';
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
  TemplateSrv,
} from '@grafana/runtime';
import { lastValueFrom, Observable } from 'rxjs';
import { FlameScopeOptions, FlameScopeQuery, SIDECAR_ROUTE } from '../datasource/types';

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

const NETWORK_ERROR = 'the sidecar did not answer: is `npm start` (flamescope serve) still running?';

/** fetch() as Grafana's BackendSrv does it: an Observable of {data, status, …}, rejecting with {status, data}. */
export class HostBackendSrv implements BackendSrv {
  constructor(private readonly fetchImpl: typeof fetch = (input, init) => window.fetch(input, init)) {}

  fetch<T>(options: BackendSrvRequest): Observable<FetchResponse<T>> {
    return new Observable<FetchResponse<T>>((subscriber) => {
      const abort = new AbortController();
      const url = sidecarPath(options.url) + queryString(options.params as Record<string, unknown> | undefined);
      const method = (options.method ?? 'GET').toUpperCase();
      const headers: Record<string, string> = { Accept: 'application/json, text/plain, */*', ...options.headers };
      let body: BodyInit | undefined;
      if (options.data !== undefined && method !== 'GET' && method !== 'HEAD') {
        body = typeof options.data === 'string' ? options.data : JSON.stringify(options.data);
        headers['Content-Type'] ??= 'application/json';
      }
      this.fetchImpl(url, { method, headers, body, signal: abort.signal, credentials: 'same-origin' })
        .then(async (response) => {
          const data = (await readBody(response, options.responseType)) as T;
          const result: FetchResponse<T> = {
            data,
            status: response.status,
            statusText: response.statusText,
            ok: response.ok,
            headers: response.headers,
            redirected: response.redirected,
            type: response.type,
            url: response.url,
            config: options,
          };
          if (response.ok) {
            subscriber.next(result);
            subscriber.complete();
          } else {
            const error: FetchError = {
              status: response.status,
              statusText: response.statusText,
              data,
              config: options,
            };
            subscriber.error(error);
          }
        })
        .catch((e: unknown) => {
          if (abort.signal.aborted) {
            return;
          }
          const error: FetchError = {
            status: 0,
            statusText: NETWORK_ERROR,
            data: { error: 'network', message: NETWORK_ERROR },
            message: e instanceof Error ? e.message : String(e),
            config: options,
          };
          subscriber.error(error);
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

async function readBody(response: Response, responseType: BackendSrvRequest['responseType']): Promise<unknown> {
  if (responseType === 'blob') {
    return response.blob();
  }
  if (responseType === 'arraybuffer') {
    return response.arrayBuffer();
  }
  const text = await response.text();
  const json = responseType === 'json' || /json/i.test(response.headers.get('content-type') ?? '');
  if (json && text !== '') {
    try {
      return JSON.parse(text);
    } catch {
      return { message: text };
    }
  }
  // Error bodies that are not JSON still give the user a sentence.
  return response.ok ? text : { message: text || response.statusText };
}

type Format = string | ((value: string | string[], variable?: unknown) => string) | undefined;

/** No dashboard, so no variables: `$name`, `${name}` and `[[name]]` are replaced from scoped variables only. */
export class HostTemplateSrv implements TemplateSrv {
  getVariables() {
    return [];
  }

  replace(target?: string, scopedVars?: ScopedVars, format?: Format): string {
    if (target === undefined || target === null) {
      return '';
    }
    if (!scopedVars || Object.keys(scopedVars).length === 0) {
      return target;
    }
    return target.replace(
      /\$(\w+)|\$\{(\w+)(?::[^}]*)?\}|\[\[(\w+)\]\]/g,
      (match, a?: string, b?: string, c?: string) => {
        const scoped = scopedVars[(a ?? b ?? c)!];
        if (!scoped || scoped.value === undefined || scoped.value === null) {
          return match;
        }
        const value = scoped.value as string | string[];
        if (typeof format === 'function') {
          return format(value);
        }
        return Array.isArray(value) ? value.join(',') : String(value);
      }
    );
  }

  containsTemplate(): boolean {
    return false;
  }

  updateTimeRange(): void {}
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

/** Installs the three services; returns the data-source registry to add sources to. */
export function installRuntime(defaultUid: string): HostDataSourceSrv {
  const dataSources = new HostDataSourceSrv(defaultUid);
  setBackendSrv(new HostBackendSrv());
  setTemplateSrv(new HostTemplateSrv());
  setDataSourceSrv(dataSources);
  return dataSources;
}
