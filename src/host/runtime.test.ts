/**
 * The viewer's stand-in for Grafana's runtime must fail the way Grafana does, or the viewer hides what a dashboard
 * meets: the data proxy's empty 502/504 reshaped by backendSrv into `{message: statusText, …}`, JSON bodies read the
 * way backendSrv reads them, and no retries of its own.
 */
import { lastValueFrom } from 'rxjs';
import { ProxiedResponse } from './data-proxy';
import { HostBackendSrv, HostDataSourceSrv, HostTemplateSrv, queryString, sidecarPath } from './runtime';
import { createSidecarDataSource, SIDECAR_UID, sidecarSettings } from './sidecar';

function response(status: number, body: string, headers: Record<string, string>, url: string): ProxiedResponse {
  const bytes = new TextEncoder().encode(body);
  return {
    ok: status >= 200 && status < 300,
    status,
    statusText: { 200: 'OK', 404: 'Not Found', 416: 'Range Not Satisfiable', 503: 'Service Unavailable' }[status] ?? '',
    headers: { get: (name: string) => headers[name.toLowerCase()] ?? null },
    redirected: false,
    type: 'basic',
    url,
    text: async () => body,
    arrayBuffer: async () => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
    blob: async () => new Blob([body]),
  };
}

/** A sidecar answering `status` with `body` (fastify's JSON content type by default), recording each request. */
function fakeSidecar(
  status: number,
  body: string,
  headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' }
) {
  const calls: Array<{ url: string; init?: RequestInit }> = [];
  const impl = async (url: string, init?: RequestInit) => {
    calls.push({ url, init });
    return response(status, body, headers, url);
  };
  return { impl, calls };
}

describe('the backend service', () => {
  it("maps the data source's proxy URLs to the sidecar's own paths, arrays as repeated keys", () => {
    expect(sidecarPath('/sidecar/api/v1/heatmap')).toBe('/api/v1/heatmap');
    expect(sidecarPath('/healthz')).toBe('/healthz');
    expect(queryString({ profile: ['a/b.perf', 'c'], rows: '50', skip: undefined })).toBe(
      '?profile=a%2Fb.perf&profile=c&rows=50'
    );
    expect(queryString({})).toBe('');
  });

  it("answers {data, status}, and rejects with {status, statusText, data} with the sidecar's JSON body", async () => {
    const ok = fakeSidecar(200, '{"profiles":[]}');
    const answer = await lastValueFrom(
      new HostBackendSrv({ fetchImpl: ok.impl }).fetch({ url: '/sidecar/api/v1/profiles', params: { prefix: '' } })
    );
    expect(answer).toMatchObject({ status: 200, ok: true, data: { profiles: [] } });
    expect(ok.calls[0].url).toBe('/api/v1/profiles?prefix=');

    const missing = fakeSidecar(416, '{"error":"range_not_satisfiable","message":"the range misses the profiles"}');
    await expect(
      lastValueFrom(new HostBackendSrv({ fetchImpl: missing.impl }).fetch({ url: '/sidecar/api/v1/heatmap' }))
    ).rejects.toEqual({
      status: 416,
      statusText: 'Range Not Satisfiable',
      data: { error: 'range_not_satisfiable', message: 'the range misses the profiles' },
      config: { url: '/sidecar/api/v1/heatmap' },
    });
  });

  it("gives the sidecar's 503 parsing body, but not its Retry-After (backendSrv's FetchError has no headers)", async () => {
    const body = { error: 'parsing', message: 'still parsing a.perf: 42 %', progress: [{ id: 'a.perf' }] };
    const parsing = fakeSidecar(503, JSON.stringify(body), {
      'content-type': 'application/json; charset=utf-8',
      'retry-after': '2',
    });
    const error = await lastValueFrom(
      new HostBackendSrv({ fetchImpl: parsing.impl }).fetch({ url: '/sidecar/api/v1/heatmap' })
    ).catch((e) => e);
    expect(error).toMatchObject({ status: 503, data: body });
    expect(error.headers).toBeUndefined();
  });

  it("turns a sidecar that cannot be reached into the data proxy's empty 502, reshaped as backendSrv does", async () => {
    const down = async (): Promise<ProxiedResponse> => {
      throw new TypeError('Failed to fetch');
    };
    await expect(new HostBackendSrv({ fetchImpl: down }).get('/sidecar/healthz')).rejects.toMatchObject({
      status: 502,
      statusText: 'Bad Gateway',
      data: { message: 'Bad Gateway', error: 'Bad Gateway', response: '' },
    });
  });

  it('reads an error body as the response type asked for, as backendSrv does (bytes for a download)', async () => {
    const parsing = fakeSidecar(503, '{"error":"parsing","message":"still parsing"}');
    const error = await lastValueFrom(
      new HostBackendSrv({ fetchImpl: parsing.impl }).fetch({
        url: '/sidecar/api/v1/folded',
        responseType: 'arraybuffer',
      })
    ).catch((e) => e);
    expect(error.status).toBe(503);
    expect(Object.prototype.toString.call(error.data)).toBe('[object ArrayBuffer]');
  });

  it('asks once: a failure is passed on, never retried here', async () => {
    const busy = fakeSidecar(503, '{"error":"busy","message":"the sidecar is busy: retry shortly"}');
    await expect(new HostBackendSrv({ fetchImpl: busy.impl }).get('/sidecar/api/v1/heatmap')).rejects.toMatchObject({
      status: 503,
    });
    expect(busy.calls).toHaveLength(1);
  });

  it('aborts the request when the subscription ends (as Grafana cancels a query)', async () => {
    let signal: AbortSignal | undefined;
    const never = (_url: string, init?: RequestInit) =>
      new Promise<ProxiedResponse>((_resolve, reject) => {
        signal = init?.signal ?? undefined;
        signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
      });
    const subscription = new HostBackendSrv({ fetchImpl: never }).fetch({ url: '/sidecar/api/v1/heatmap' }).subscribe({
      error: () => {
        throw new Error('an aborted request must not fail its (gone) subscriber');
      },
    });
    expect(signal?.aborted).toBe(false);
    subscription.unsubscribe();
    expect(signal?.aborted).toBe(true);
    await new Promise((r) => setTimeout(r, 0));
  });

  it('drives the real data source', async () => {
    const ok = fakeSidecar(
      200,
      JSON.stringify({ storage: 'file:///x', profiles: [{ id: 'a.perf', status: 'ready' }] })
    );
    const { setBackendSrv, setTemplateSrv } = await import('@grafana/runtime');
    setBackendSrv(new HostBackendSrv({ fetchImpl: ok.impl }));
    setTemplateSrv(new HostTemplateSrv());
    const ds = createSidecarDataSource();
    await expect(ds.listProfiles('svc/')).resolves.toEqual([{ id: 'a.perf', status: 'ready' }]);
    expect(ok.calls[0].url).toBe('/api/v1/profiles?prefix=svc%2F');
  });
});

describe('the data-source service', () => {
  it('gives the sidecar by default, any source by uid or name', async () => {
    const srv = new HostDataSourceSrv(SIDECAR_UID);
    const ds = createSidecarDataSource();
    srv.add(ds, sidecarSettings());
    await expect(srv.get()).resolves.toBe(ds);
    await expect(srv.get({ uid: SIDECAR_UID })).resolves.toBe(ds);
    await expect(srv.get('FlameScope sidecar')).resolves.toBe(ds);
    await expect(srv.get('nope')).rejects.toThrow(/no data source nope/);
    expect(srv.getInstanceSettings(SIDECAR_UID)?.type).toBe('flamescope-flamescope-datasource');
    expect(srv.getList()).toHaveLength(1);
  });
});
