import { lastValueFrom } from 'rxjs';
import { HostBackendSrv, HostDataSourceSrv, HostTemplateSrv, queryString, sidecarPath } from './runtime';
import { createSidecarDataSource, SIDECAR_UID, sidecarSettings } from './sidecar';

function fakeFetch(status: number, body: string, contentType = 'application/json') {
  const calls: Array<{ url: string; init?: RequestInit }> = [];
  const impl = (async (url: string, init?: RequestInit) => {
    calls.push({ url, init });
    return {
      ok: status >= 200 && status < 300,
      status,
      statusText: `status ${status}`,
      headers: { get: (name: string) => (name.toLowerCase() === 'content-type' ? contentType : null) },
      redirected: false,
      type: 'basic',
      url,
      text: async () => body,
    } as unknown as Response;
  }) as unknown as typeof fetch;
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

  it('answers {data, status} and rejects with {status, data} as Grafana does', async () => {
    const ok = fakeFetch(200, '{"profiles":[]}');
    const response = await lastValueFrom(
      new HostBackendSrv(ok.impl).fetch({ url: '/sidecar/api/v1/profiles', params: { prefix: '' } })
    );
    expect(response).toMatchObject({ status: 200, ok: true, data: { profiles: [] } });
    expect(ok.calls[0].url).toBe('/api/v1/profiles?prefix=');

    const missing = fakeFetch(416, '{"error":"range_not_satisfiable","message":"the range misses the profiles"}');
    await expect(
      lastValueFrom(new HostBackendSrv(missing.impl).fetch({ url: '/sidecar/api/v1/heatmap' }))
    ).rejects.toMatchObject({
      status: 416,
      data: { message: 'the range misses the profiles' },
    });

    const down = (async () => {
      throw new TypeError('Failed to fetch');
    }) as unknown as typeof fetch;
    await expect(new HostBackendSrv(down).get('/sidecar/healthz')).rejects.toMatchObject({ status: 0 });
  });

  it('drives the real data source', async () => {
    const ok = fakeFetch(200, JSON.stringify({ storage: 'file:///x', profiles: [{ id: 'a.perf', status: 'ready' }] }));
    const { setBackendSrv, setTemplateSrv } = await import('@grafana/runtime');
    setBackendSrv(new HostBackendSrv(ok.impl));
    setTemplateSrv(new HostTemplateSrv());
    const ds = createSidecarDataSource();
    await expect(ds.listProfiles('svc/')).resolves.toEqual([{ id: 'a.perf', status: 'ready' }]);
    expect(ok.calls[0].url).toBe('/api/v1/profiles?prefix=svc%2F');
  });
});

describe('the template service', () => {
  const srv = new HostTemplateSrv();

  it('has no variables: text is left as it is', () => {
    expect(srv.replace('svc/$host.perf')).toBe('svc/$host.perf');
    expect(srv.replace(undefined)).toBe('');
    expect(srv.getVariables()).toEqual([]);
  });

  it('replaces scoped variables, through a format function when given one', () => {
    const scoped = { host: { text: 'h', value: ['a', 'b'] } };
    expect(srv.replace('p/${host}/x', scoped)).toBe('p/a,b/x');
    expect(srv.replace('p/$host', scoped, (v: string | string[]) => (Array.isArray(v) ? v.join('|') : v))).toBe(
      'p/a|b'
    );
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
