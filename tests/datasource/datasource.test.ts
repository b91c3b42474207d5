/**
 * @jest-environment jsdom
 *
 * The data source class against a real sidecar on 127.0.0.1, through a stand-in for Grafana's backend service that
 * does what the data proxy does: maps the plugin route `<datasource url>/sidecar/...` to the configured sidecar URL and
 * adds the Authorization header from the secure settings (the browser never sees the token).
 */
import { DataQueryRequest, dateTime, FieldType } from '@grafana/data';
import { from, lastValueFrom, Observable } from 'rxjs';
import { FlameScopeDataSource } from '../../src/datasource/datasource';
import { FlameScopeQuery } from '../../src/datasource/types';
import { request as httpRequest } from 'node:http';
import { spawnSidecar, SidecarProcess } from '../../sidecar/testing/spawn-sidecar';
import { ProfileFolder, steadyProfileWithBurst } from '../helpers/profile-folder';

const PROXY_URL = '/api/datasources/proxy/uid/flamescope';
const TOKEN = 'proxy-secret';

let sidecarUrl = '';
let proxyToken = TOKEN;
const variables: Record<string, string | string[]> = {};

/** Grafana's backend service, reduced to what the data proxy does for a plugin route. */
const backendSrv = {
  fetch<T>(options: {
    url: string;
    params?: Record<string, string | string[]>;
    responseType?: 'json' | 'text' | 'arraybuffer' | 'blob';
  }): Observable<{ data: T; status: number }> {
    return from(
      (async () => {
        if (!options.url.startsWith(`${PROXY_URL}/sidecar`)) {
          throw { status: 404, data: { message: `no route for ${options.url}` } };
        }
        const query = new URLSearchParams();
        for (const [key, value] of Object.entries(options.params ?? {})) {
          for (const v of Array.isArray(value) ? value : [value]) {
            query.append(key, v);
          }
        }
        const target = `${sidecarUrl}${options.url.slice(`${PROXY_URL}/sidecar`.length)}?${query}`;
        const response = await httpGet(target, { authorization: `Bearer ${proxyToken}` });
        if (response.status >= 400) {
          throw { status: response.status, data: JSON.parse(response.body.toString('utf8')) };
        }
        const data =
          options.responseType === 'arraybuffer'
            ? response.body.buffer.slice(response.body.byteOffset, response.body.byteOffset + response.body.length)
            : JSON.parse(response.body.toString('utf8'));
        return { data: data as T, status: response.status };
      })()
    );
  },
};

/** jsdom has no fetch: plain node:http. */
function httpGet(url: string, headers: Record<string, string>): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    httpRequest(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
    })
      .on('error', reject)
      .end();
  });
}

const templateSrv = {
  replace(text: string, _scoped: unknown, format?: (value: string | string[]) => string) {
    return text.replace(/\$(\w+)/g, (match, name: string) => {
      const value = variables[name];
      if (value === undefined) {
        return match;
      }
      return format ? format(value) : Array.isArray(value) ? value.join(',') : value;
    });
  },
};

jest.mock('@grafana/runtime', () => ({
  getBackendSrv: () => backendSrv,
  getTemplateSrv: () => templateSrv,
}));

const T0 = Date.parse('2026-11-17T09:30:00Z');
const KEY = 'api-7f9c/2026-11-17T09:30:00Z.perf';
const KEY2 = 'api-7f9c/2026-11-17T09:30:20Z.perf';
const profile = steadyProfileWithBurst();

function datasource(): FlameScopeDataSource {
  return new FlameScopeDataSource({
    id: 1,
    uid: 'flamescope',
    type: 'flamescope-flamescope-datasource',
    name: 'FlameScope',
    url: PROXY_URL,
    jsonData: { sidecarUrl, defaultRows: 50 },
    meta: { id: 'flamescope-flamescope-datasource' },
    readOnly: false,
    access: 'proxy',
  } as unknown as ConstructorParameters<typeof FlameScopeDataSource>[0]);
}

function request(targets: FlameScopeQuery[], fromMs = T0, toMs = T0 + 40_000): DataQueryRequest<FlameScopeQuery> {
  return {
    targets,
    range: { from: dateTime(fromMs), to: dateTime(toMs), raw: { from: '', to: '' } },
    scopedVars: {},
    requestId: 'test',
    interval: '1s',
    intervalMs: 1000,
    timezone: 'utc',
    app: 'dashboard',
    startTime: Date.now(),
  } as DataQueryRequest<FlameScopeQuery>;
}

/** query() as Grafana's runner ends it: the last (Done) response. */
const run = (ds: FlameScopeDataSource, req: DataQueryRequest<FlameScopeQuery>) => lastValueFrom(ds.query(req));

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

describe('FlameScope data source over a real sidecar', () => {
  const folder = new ProfileFolder();
  let sidecar: SidecarProcess;

  beforeAll(async () => {
    folder.write(KEY, profile.text);
    folder.write(KEY2, profile.text);
    folder.write('db-01/2026-11-17T10:00:00Z.perf', profile.text);
    folder.write('README.md', '# profiles');
    sidecar = await spawnSidecar(['--storage', folder.url, '--token', TOKEN, '--revalidate-ms', '0']);
    sidecarUrl = sidecar.url;
  });
  afterAll(async () => {
    await sidecar.stop();
    folder.dispose();
  });
  beforeEach(() => {
    proxyToken = TOKEN;
    for (const name of Object.keys(variables)) {
      delete variables[name];
    }
  });

  it('Save & test reports the sidecar and its profile count', async () => {
    const result = await datasource().testDatasource();
    expect(result.status).toBe('success');
    expect(result.message).toMatch(/3 profiles in file:\/\//);
  });

  it('Save & test explains a wrong token in one sentence', async () => {
    proxyToken = 'wrong';
    const result = await datasource().testDatasource();
    expect(result.status).toBe('error');
    expect(result.message).toMatch(/Bearer/);
  });

  it('returns heat-map cells on the dashboard range, typed for Grafana', async () => {
    const response = await run(
      datasource(),
      request([{ refId: 'A', queryType: 'heatmap', profiles: [KEY], rows: 50 }])
    );
    expect(response.errors).toBeUndefined();
    const frame = response.data[0];
    expect(frame.refId).toBe('A');
    expect(frame.meta.type).toBe('heatmap-cells');
    expect(frame.fields.map((f: { type: string }) => f.type)).toEqual([
      FieldType.time,
      FieldType.number,
      FieldType.number,
      FieldType.number,
    ]);
    expect(sum(frame.fields[3].values)).toBe(profile.samples);
    expect(frame.meta.notices.some((n: { text: string }) => /instant in its key/.test(n.text))).toBe(true);
  });

  it('draws the flame graph of a selection that matches the heat map there', async () => {
    const ds = datasource();
    const second = { from: T0 + 3000, to: T0 + 4000 };
    const [heat, flame] = await Promise.all([
      run(ds, request([{ refId: 'H', queryType: 'heatmap', profiles: [KEY] }], second.from, second.to)),
      run(
        ds,
        request([{ refId: 'F', queryType: 'flamegraph', profiles: [KEY], maxNodes: 100 }], second.from, second.to)
      ),
    ]);
    const fg = flame.data[0];
    expect(fg.meta.preferredVisualisationType).toBe('flamegraph');
    expect(fg.fields.find((f: { name: string }) => f.name === 'value').values[0]).toBe(
      sum(heat.data[0].fields[3].values)
    );
    expect(fg.fields.find((f: { name: string }) => f.name === 'label').values).toContain('gc');
  });

  it('shows every frame below a focused frame ("show all" for a zoom), the rest pruned', async () => {
    const ds = datasource();
    const second = { from: T0 + 3000, to: T0 + 4000 };
    const query = { refId: 'F', queryType: 'flamegraph' as const, profiles: [KEY], maxNodes: 2 };
    const labels = (frame: any) => frame.fields.find((f: { name: string }) => f.name === 'label').values;
    const pruned = await ds.runQuery(query, second);
    expect(labels(pruned)).toEqual(['all', 'app']);
    const focused = await ds.runQuery({ ...query, focus: ['app', 'main'], focusMaxNodes: 1000 }, second);
    expect(labels(focused)).toEqual(expect.arrayContaining(['all', 'app', 'main', 'gc', 'mark', 'serve']));
    expect(focused.meta?.custom?.focus).toMatchObject({ path: ['app', 'main'], found: true, droppedNodes: 0 });
  });

  it("fetches a slice's folded stacks as bytes, every stack, matching the flame graph's total", async () => {
    const ds = datasource();
    const second = { from: T0 + 3000, to: T0 + 4000 };
    const bytes = await ds.folded(
      { refId: 'F', queryType: 'flamegraph', profiles: [KEY], maxNodes: 1, from: second.from, to: second.to },
      second
    );
    const lines = new TextDecoder('latin1').decode(bytes).trim().split('\n');
    // maxNodes 1 would prune the graph to its root; the folded download is not pruned.
    expect(lines.length).toBeGreaterThan(1);
    const flame = await run(
      ds,
      request([{ refId: 'F', queryType: 'flamegraph', profiles: [KEY] }], second.from, second.to)
    );
    const total = flame.data[0].fields.find((f: { name: string }) => f.name === 'value').values[0];
    expect(sum(lines.map((l) => Number(l.split(' ').pop())))).toBe(total);
  });

  it('expands a multi-value $profile variable and stitches the profiles', async () => {
    variables.profile = [KEY, KEY2];
    const response = await run(datasource(), request([{ refId: 'A', profiles: ['$profile'] }], T0, T0 + 40_000));
    expect(sum(response.data[0].fields[3].values)).toBe(2 * profile.samples);
  });

  it('stitches every profile under a $host prefix in the range', async () => {
    variables.host = 'api-7f9c';
    const response = await run(datasource(), request([{ refId: 'A', prefix: '$host/' }], T0, T0 + 40_000));
    expect(sum(response.data[0].fields[3].values)).toBe(2 * profile.samples);
  });

  it('lists profiles and capture windows as annotations', async () => {
    const ds = datasource();
    await run(ds, request([{ refId: 'A', profiles: [KEY] }])); // parse one, so its span is known
    const response = await run(
      ds,
      request(
        [
          { refId: 'P', queryType: 'profiles', prefix: '' },
          { refId: 'N', queryType: 'annotations', prefix: 'api-7f9c/' },
        ],
        T0,
        T0 + 60_000
      )
    );
    const [profiles, annotations] = response.data;
    expect(profiles.fields.find((f: { name: string }) => f.name === 'profile').values).toEqual([KEY, KEY2]);
    const time = annotations.fields.find((f: { name: string }) => f.name === 'time').values;
    const timeEnd = annotations.fields.find((f: { name: string }) => f.name === 'timeEnd').values;
    expect(time[0]).toBe(T0);
    expect(timeEnd[0]).toBe(T0 + 9990);
    expect(time[1]).toBe(T0 + 20_000); // not parsed yet: estimated from its key
  });

  it('offers profiles, prefixes and hosts to template variables', async () => {
    const ds = datasource();
    await run(ds, request([{ refId: 'A', profiles: [KEY] }]));
    expect((await ds.metricFindQuery({ kind: 'profiles', prefix: 'api-7f9c/' })).map((v) => v.text)).toEqual([
      KEY,
      KEY2,
    ]);
    expect((await ds.metricFindQuery({ kind: 'prefixes' })).map((v) => v.text)).toEqual(['api-7f9c/', 'db-01/']);
    expect((await ds.metricFindQuery({ kind: 'hosts' })).map((v) => v.text)).toEqual([]);
  });

  it("turns the sidecar's errors into query errors with its message, per query", async () => {
    const response = await run(
      datasource(),
      request([
        { refId: 'A', profiles: ['api-7f9c/missing.perf'] },
        { refId: 'B', profiles: [KEY] },
        { refId: 'C', profiles: [KEY], rows: 5000 },
        { refId: 'D' },
      ])
    );
    const byRef = Object.fromEntries((response.errors ?? []).map((e) => [e.refId, e.message]));
    expect(byRef.A).toMatch(/no profile api-7f9c\/missing.perf/);
    expect(byRef.C).toMatch(/rows/);
    expect(byRef.D).toMatch(/choose a profile/);
    expect(response.data.map((f) => f.refId)).toEqual(['B']);
  });
});
