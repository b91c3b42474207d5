/**
 * The data-proxy stand-in answers as Grafana's proxy does when the sidecar does not: an empty 504 once the timeout
 * passes without response headers (dropping the upstream request), an empty 502 when the sidecar cannot be reached.
 */
import { lastValueFrom } from 'rxjs';
import { DATA_PROXY_TIMEOUT_MS, dataProxyTimeoutMs, ProxiedResponse, proxyFetch } from './data-proxy';
import { HostBackendSrv } from './runtime';

/** A sidecar that answers only when told to (or never), recording the signal of each request. */
function slowSidecar() {
  const state = { signal: undefined as AbortSignal | undefined, calls: 0, answer: (_r: ProxiedResponse) => {} };
  const impl = (url: string, init?: RequestInit) =>
    new Promise<ProxiedResponse>((resolve, reject) => {
      state.calls++;
      state.signal = init?.signal ?? undefined;
      state.answer = resolve;
      state.signal?.addEventListener('abort', () => reject(state.signal?.reason));
    });
  return { impl, state };
}

function ok(url: string): ProxiedResponse {
  return {
    ok: true,
    status: 200,
    statusText: 'OK',
    url,
    redirected: false,
    type: 'basic',
    headers: { get: (name: string) => (name === 'content-type' ? 'application/json; charset=utf-8' : null) },
    text: async () => '{"profiles":[]}',
    arrayBuffer: async () => new ArrayBuffer(0),
    blob: async () => new Blob([]),
  };
}

afterEach(() => jest.useRealTimers());

describe('the data-proxy stand-in', () => {
  it("times out as Grafana's proxy (30 s by default): an empty 504, and the sidecar's request dropped", async () => {
    jest.useFakeTimers();
    const sidecar = slowSidecar();
    const answer = proxyFetch(sidecar.impl, '/api/v1/heatmap', {}, DATA_PROXY_TIMEOUT_MS);
    await jest.advanceTimersByTimeAsync(DATA_PROXY_TIMEOUT_MS - 1);
    expect(sidecar.state.signal?.aborted).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    const response = await answer;
    expect(response).toMatchObject({ status: 504, statusText: 'Gateway Timeout', ok: false });
    expect(await response.text()).toBe('');
    expect(sidecar.state.signal?.aborted).toBe(true);
  });

  it('passes an answer that came in time through as it is', async () => {
    jest.useFakeTimers();
    const sidecar = slowSidecar();
    const answer = proxyFetch(sidecar.impl, '/api/v1/profiles', {}, 1000);
    await jest.advanceTimersByTimeAsync(999);
    sidecar.state.answer(ok('/api/v1/profiles'));
    await expect(answer).resolves.toMatchObject({ status: 200 });
    // The timer is gone: nothing aborts the finished request later.
    await jest.advanceTimersByTimeAsync(5000);
    expect(sidecar.state.signal?.aborted).toBe(false);
  });

  it("rejects with the caller's abort, not a 502, when the page cancels", async () => {
    const sidecar = slowSidecar();
    const caller = new AbortController();
    const answer = proxyFetch(sidecar.impl, '/api/v1/heatmap', { signal: caller.signal }, 30_000);
    caller.abort(new DOMException('gone', 'AbortError'));
    await expect(answer).rejects.toMatchObject({ name: 'AbortError' });
    expect(sidecar.state.signal?.aborted).toBe(true);
  });

  it('reads its timeout from the address (seconds, as GF_DATAPROXY_TIMEOUT), else 30 s', () => {
    expect(dataProxyTimeoutMs('?profile=a&dataproxyTimeout=1.5')).toBe(1500);
    expect(dataProxyTimeoutMs('?profile=a')).toBe(30_000);
    expect(dataProxyTimeoutMs('?dataproxyTimeout=soon')).toBe(30_000);
    expect(dataProxyTimeoutMs('?dataproxyTimeout=0')).toBe(30_000);
  });

  it("reaches the data source as backendSrv's reshaped bare 504, after the configured timeout", async () => {
    jest.useFakeTimers();
    const sidecar = slowSidecar();
    const failed = lastValueFrom(
      new HostBackendSrv({ fetchImpl: sidecar.impl, dataProxyTimeoutMs: 1000 }).fetch({
        url: '/sidecar/api/v1/heatmap',
      })
    ).catch((e) => e);
    await jest.advanceTimersByTimeAsync(1000);
    expect(await failed).toMatchObject({
      status: 504,
      statusText: 'Gateway Timeout',
      data: { message: 'Gateway Timeout', error: 'Gateway Timeout', response: '' },
    });
  });
});
