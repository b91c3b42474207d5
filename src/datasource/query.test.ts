/**
 * The data source against a fake backendSrv that fails the way Grafana's does (the sidecar's JSON errors, the data
 * proxy's empty 502/504 reshaped by processRequestError) and records each request's unsubscription (= its abort):
 * query() reports the parse while it retries and ends with one answer; Grafana cancelling it stops everything.
 */
import { DataFrame, DataQueryRequest, DataQueryResponse, dateTime, LoadingState, ScopedVars } from '@grafana/data';
import { lastValueFrom, Observable, Subscriber } from 'rxjs';
import { FlameScopeDataSource } from './datasource';
import { PROXY_TIMEOUT, SIDECAR_DOWN } from './errors';
import { parsingOf } from './parsing-frame';
import { FlameScopeQuery } from './types';

interface Call {
  url: string;
  params: Record<string, string | string[]>;
  responseType?: string;
  subscriber: Subscriber<{ data: unknown; status: number }>;
  unsubscribed: boolean;
  settled: boolean;
}

const calls: Call[] = [];
const backendSrv = {
  fetch(options: { url: string; params?: Record<string, string | string[]>; responseType?: string }) {
    return new Observable<{ data: unknown; status: number }>((subscriber) => {
      const call: Call = { ...options, params: options.params ?? {}, subscriber, unsubscribed: false, settled: false };
      calls.push(call);
      return () => {
        call.unsubscribed = !call.settled;
      };
    });
  },
};

/** $variables: the dashboard's, and a scoped one wins (as a repeated panel's does). */
const dashboard: Record<string, string | string[]> = { host: 'api-1', profile: ['a/1.perf', 'a/2.perf'], cpu: '3' };
const templateSrv = {
  replace(text: string, scoped: ScopedVars = {}, format?: (v: string | string[]) => string) {
    return text.replace(/\$(\w+)/g, (match, name: string) => {
      const value = (scoped[name]?.value as string | string[] | undefined) ?? dashboard[name];
      return value === undefined ? match : format ? format(value) : String(value);
    });
  },
};

jest.mock('@grafana/runtime', () => ({
  getBackendSrv: () => backendSrv,
  getTemplateSrv: () => templateSrv,
}));

const T0 = Date.parse('2026-11-17T09:30:00Z');
const HEATMAP = { schema: { name: 'heatmap', fields: [{ name: 'xMin', type: 'time' }] }, data: { values: [[T0]] } };

function answer(call: Call, data: unknown) {
  call.settled = true;
  call.subscriber.next({ data, status: 200 });
  call.subscriber.complete();
}

function fail(call: Call, error: unknown) {
  call.settled = true;
  call.subscriber.error(error);
}

const parsing = (id: string, bytesRead: number) => ({
  status: 503,
  statusText: 'Service Unavailable',
  data: {
    error: 'parsing',
    message: `still parsing ${id}: ${bytesRead} % (${bytesRead} of 100 MB) — retry shortly`,
    progress: [{ id, bytesRead: bytesRead * 1e6, totalBytes: 100e6 }],
  },
});
/** The data proxy's empty answers, as backendSrv reshapes them. */
const bare = (status: number, statusText: string) => ({
  status,
  statusText,
  data: { message: statusText, error: statusText, response: '' },
});

function datasource(): FlameScopeDataSource {
  return new FlameScopeDataSource({
    id: 1,
    uid: 'fs',
    type: 'flamescope-flamescope-datasource',
    name: 'FlameScope',
    url: '/api/datasources/proxy/uid/fs',
    jsonData: {},
    meta: { id: 'flamescope-flamescope-datasource' },
    readOnly: false,
    access: 'proxy',
  } as unknown as ConstructorParameters<typeof FlameScopeDataSource>[0]);
}

function request(targets: FlameScopeQuery[]): DataQueryRequest<FlameScopeQuery> {
  return {
    targets,
    range: { from: dateTime(T0), to: dateTime(T0 + 60_000), raw: { from: '', to: '' } },
    scopedVars: {},
    requestId: 'q',
    interval: '1s',
    intervalMs: 1000,
    timezone: 'utc',
    app: 'dashboard',
    startTime: T0,
  } as DataQueryRequest<FlameScopeQuery>;
}

function run(targets: FlameScopeQuery[]) {
  const responses: DataQueryResponse[] = [];
  const end = { complete: false, error: undefined as unknown };
  const subscription = datasource()
    .query(request(targets))
    .subscribe({
      next: (r) => responses.push(r),
      complete: () => (end.complete = true),
      error: (e) => (end.error = e),
    });
  return { responses, end, subscription };
}

const callFor = (profile: string) => calls.filter((c) => c.params.profile?.includes(profile)).pop()!;

beforeEach(() => {
  calls.length = 0;
  jest.useFakeTimers();
});
afterEach(() => jest.useRealTimers());

describe('query() while the sidecar parses', () => {
  it('emits Loading responses with the progress (no errors), asks again, then the Done answer', async () => {
    const { responses, end } = run([{ refId: 'A', profiles: ['big.perf'] }]);
    expect(calls).toHaveLength(1);
    expect(calls[0].url).toBe('/api/datasources/proxy/uid/fs/sidecar/api/v1/heatmap');
    fail(calls[0], parsing('big.perf', 42));

    expect(responses).toHaveLength(1);
    expect(responses[0].state).toBe(LoadingState.Loading);
    expect(responses[0].errors).toBeUndefined();
    expect(responses[0]).not.toHaveProperty('error');
    const reported = parsingOf(responses[0].data as DataFrame[]);
    expect(reported).toEqual({
      reason: 'parsing',
      notice: 'still parsing big.perf: 42 % (42 of 100 MB) — retry shortly (trying again in 1 s)',
      progress: [{ id: 'big.perf', bytesRead: 42e6, totalBytes: 100e6 }],
    });
    // Explore shows the frame as a table: one row per profile, sizes in bytes.
    expect((responses[0].data[0] as DataFrame).fields.map((f) => [f.name, f.values])).toEqual([
      ['profile', ['big.perf']],
      ['parsed', [42e6]],
      ['size', [100e6]],
    ]);

    await jest.advanceTimersByTimeAsync(1000);
    expect(calls).toHaveLength(2);
    fail(calls[1], bare(504, 'Gateway Timeout'));
    expect(responses[1].state).toBe(LoadingState.Loading);
    expect(parsingOf(responses[1].data as DataFrame[])).toMatchObject({ progress: [] });
    expect(parsingOf(responses[1].data as DataFrame[])?.notice).toMatch(/GF_DATAPROXY_TIMEOUT.*trying again in 2 s/);

    await jest.advanceTimersByTimeAsync(2000);
    answer(calls[2], HEATMAP);
    expect(responses).toHaveLength(3);
    expect(responses[2]).toMatchObject({ state: LoadingState.Done });
    expect(responses[2].data.map((f: DataFrame) => [f.refId, f.name])).toEqual([['A', 'heatmap']]);
    expect(end.complete).toBe(true);
  });

  it('stops retrying and aborts the request in flight when Grafana unsubscribes', async () => {
    const { subscription } = run([{ refId: 'A', profiles: ['big.perf'] }]);
    fail(calls[0], parsing('big.perf', 1));
    await jest.advanceTimersByTimeAsync(1000);
    expect(calls).toHaveLength(2);
    subscription.unsubscribe();
    expect(calls[1].unsubscribed).toBe(true);
    await jest.advanceTimersByTimeAsync(10 * 60_000);
    expect(calls).toHaveLength(2);

    // Unsubscribed during the back-off: no request is sent after it.
    const waiting = run([{ refId: 'A', profiles: ['big.perf'] }]);
    fail(calls[2], parsing('big.perf', 1));
    waiting.subscription.unsubscribe();
    await jest.advanceTimersByTimeAsync(60_000);
    expect(calls).toHaveLength(3);
  });

  it("says the sidecar did not answer for the proxy's empty 502, at once", () => {
    const { responses, end } = run([{ refId: 'A', profiles: ['a.perf'] }]);
    fail(calls[0], bare(502, 'Bad Gateway'));
    expect(responses).toEqual([
      {
        data: [],
        state: LoadingState.Error,
        errors: [expect.objectContaining({ refId: 'A', message: SIDECAR_DOWN, status: 502 })],
      },
    ]);
    expect(end.complete).toBe(true);
    expect(calls).toHaveLength(1);
  });

  it("gives up on a bare 504 after 10 minutes with the proxy's timeout named", async () => {
    const { responses } = run([{ refId: 'A', profiles: ['huge.perf'] }]);
    // The proxy gives up on every try (each would take GF_DATAPROXY_TIMEOUT; here at once), a second at a time.
    for (let i = 0; i < 700 && responses.at(-1)?.state !== LoadingState.Error; i++) {
      const latest = calls[calls.length - 1];
      if (!latest.settled) {
        fail(latest, bare(504, 'Gateway Timeout'));
      }
      await jest.advanceTimersByTimeAsync(1000);
    }
    const last = responses.at(-1)!;
    expect(last.state).toBe(LoadingState.Error);
    expect(last.errors?.[0].message).toBe(`gave up after 10 min: ${PROXY_TIMEOUT}`);
    // 1 + 2 + 4 + 8 s, then every 10 s: about 60 tries in 10 minutes, not one a second.
    expect(calls.length).toBeGreaterThan(50);
    expect(calls.length).toBeLessThan(70);
  });

  it("keeps the targets' order; an answered query shows while another waits; errors wait for the end", async () => {
    const { responses } = run([
      { refId: 'A', profiles: ['big.perf'] },
      { refId: 'B', profiles: ['small.perf'] },
      { refId: 'C', profiles: ['missing.perf'] },
      { refId: 'D', hide: true, profiles: ['hidden.perf'] },
    ]);
    expect(calls.map((c) => c.params.profile)).toEqual([['big.perf'], ['small.perf'], ['missing.perf']]);
    fail(callFor('big.perf'), parsing('big.perf', 5));
    answer(callFor('small.perf'), HEATMAP);
    fail(callFor('missing.perf'), { status: 404, data: { error: 'not_found', message: 'no profile missing.perf' } });
    expect(responses.map((r) => r.state)).toEqual([LoadingState.Loading, LoadingState.Loading, LoadingState.Loading]);
    expect(responses.every((r) => r.errors === undefined)).toBe(true);
    expect(responses[2].data.map((f: DataFrame) => [f.refId, f.name])).toEqual([
      ['B', 'heatmap'],
      ['A', 'parsing'],
    ]);

    await jest.advanceTimersByTimeAsync(1000);
    answer(callFor('big.perf'), HEATMAP);
    const last = responses.at(-1)!;
    expect(last.state).toBe(LoadingState.Error);
    expect(last.data.map((f: DataFrame) => f.refId)).toEqual(['A', 'B']);
    expect(last.errors).toEqual([expect.objectContaining({ refId: 'C', message: 'no profile missing.perf' })]);
  });

  it('answers a request without queries at once', async () => {
    await expect(lastValueFrom(datasource().query(request([])))).resolves.toEqual({
      data: [],
      state: LoadingState.Done,
    });
  });
});

describe('runQuery (the drill-down)', () => {
  const range = { from: T0, to: T0 + 60_000 };

  it('waits out a parse and resolves with the frame', async () => {
    const frame = datasource().runQuery({ refId: 'F', queryType: 'flamegraph', profiles: ['big.perf'] }, range);
    fail(calls[0], parsing('big.perf', 50));
    await jest.advanceTimersByTimeAsync(1000);
    answer(calls[1], {
      schema: { name: 'flamegraph', fields: [{ name: 'level', type: 'number' }] },
      data: { values: [[0]] },
    });
    await expect(frame).resolves.toMatchObject({ refId: 'F', name: 'flamegraph' });
    expect(calls[1].url).toMatch(/\/api\/v1\/flamegraph$/);
  });

  it('stops when its signal aborts, in flight or between tries, rejecting with an AbortError', async () => {
    const controller = new AbortController();
    const frame = datasource().runQuery({ refId: 'F', profiles: ['big.perf'] }, range, {}, controller.signal);
    fail(calls[0], parsing('big.perf', 50));
    await jest.advanceTimersByTimeAsync(1000);
    controller.abort();
    await expect(frame).rejects.toMatchObject({ name: 'AbortError' });
    expect(calls[1].unsubscribed).toBe(true);

    const between = new AbortController();
    const second = datasource().runQuery({ refId: 'F', profiles: ['big.perf'] }, range, {}, between.signal);
    fail(calls[2], parsing('big.perf', 60));
    between.abort();
    await expect(second).rejects.toMatchObject({ name: 'AbortError' });
    await jest.advanceTimersByTimeAsync(60_000);
    expect(calls).toHaveLength(3);
  });

  it('rejects with a DataQueryError whose message is the sentence (data.message too, as panels read it)', async () => {
    const frame = datasource().runQuery({ refId: 'F', profiles: ['a.perf'] }, range);
    fail(calls[0], bare(502, 'Bad Gateway'));
    await expect(frame).rejects.toMatchObject({
      refId: 'F',
      status: 502,
      message: SIDECAR_DOWN,
      data: { message: SIDECAR_DOWN },
    });
  });
});

describe('folded (the download)', () => {
  it("reads the sidecar's JSON error from the bytes backendSrv gives it, and waits out a parse", async () => {
    const bytes = new TextEncoder().encode(JSON.stringify(parsing('big.perf', 5).data));
    const folded = datasource().folded({ refId: 'F', profiles: ['big.perf'] }, { from: T0, to: T0 + 1000 });
    expect(calls[0]).toMatchObject({
      url: '/api/datasources/proxy/uid/fs/sidecar/api/v1/folded',
      responseType: 'arraybuffer',
    });
    fail(calls[0], { status: 503, statusText: 'Service Unavailable', data: bytes.buffer });
    await jest.advanceTimersByTimeAsync(1000);
    expect(calls).toHaveLength(2);
    const body = new ArrayBuffer(3);
    answer(calls[1], body);
    await expect(folded).resolves.toBe(body);
  });
});

describe('interpolateVariablesInQueries (Explore)', () => {
  it('replaces $variables as a query does, scoped ones first; frame names are left alone', () => {
    const [query] = datasource().interpolateVariablesInQueries(
      [
        {
          refId: 'A',
          prefix: '$host/',
          profiles: ['$profile', 'b/$host.perf'],
          cpu: '$cpu',
          comm: '$host',
          focus: ['java', 'Foo$bar'],
        },
      ],
      { host: { text: 'api-2', value: 'api-2' } }
    );
    expect(query).toMatchObject({
      refId: 'A',
      prefix: 'api-2/',
      profiles: ['a/1.perf', 'a/2.perf', 'b/api-2.perf'],
      cpu: '3',
      comm: 'api-2',
      focus: ['java', 'Foo$bar'],
      datasource: { uid: 'fs', type: 'flamescope-flamescope-datasource' },
    });
  });
});
