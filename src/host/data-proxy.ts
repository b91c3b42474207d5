/**
 * A stand-in for Grafana's data proxy between the page and the sidecar, so the viewer meets what a dashboard meets:
 * - no response headers within the timeout → the upstream request is dropped and the answer is an EMPTY 504 (Grafana:
 *   `[dataproxy] timeout` / GF_DATAPROXY_TIMEOUT, 30 s by default, applied as the transport's response-header timeout);
 * - the sidecar cannot be reached → an EMPTY 502 (Grafana's reverse proxy's error handler writes only the status);
 * - anything the sidecar answers passes through as it is.
 * The timeout can be set for a page with `?dataproxyTimeout=<seconds>` (as GF_DATAPROXY_TIMEOUT, fractions allowed),
 * e.g. `/?dataproxyTimeout=1` to see in a second what a 30-s wait does in Grafana.
 */

export const DATA_PROXY_TIMEOUT_MS = 30_000;

/** The part of a fetch Response the page's backend service reads. */
export interface ProxiedResponse {
  status: number;
  statusText: string;
  ok: boolean;
  url: string;
  redirected: boolean;
  type: ResponseType;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
  arrayBuffer(): Promise<ArrayBuffer>;
  blob(): Promise<Blob>;
}

export type FetchLike = (input: string, init?: RequestInit) => Promise<ProxiedResponse>;

/** The timeout in a page address's `dataproxyTimeout` (seconds), else Grafana's default. */
export function dataProxyTimeoutMs(search: string): number {
  const seconds = Number(new URLSearchParams(search).get('dataproxyTimeout') ?? NaN);
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : DATA_PROXY_TIMEOUT_MS;
}

/**
 * `fetchImpl(url, init)` as seen through the data proxy. The caller's `init.signal` aborting rejects with its
 * AbortError (the proxy's 499 never reaches a page that has gone).
 */
export async function proxyFetch(
  fetchImpl: FetchLike,
  url: string,
  init: RequestInit,
  timeoutMs: number
): Promise<ProxiedResponse> {
  const upstream = new AbortController();
  const caller = init.signal;
  const onAbort = () => upstream.abort(caller?.reason);
  caller?.addEventListener('abort', onAbort, { once: true });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    upstream.abort(new DOMException('the data proxy timed out', 'TimeoutError'));
  }, timeoutMs);
  try {
    return await fetchImpl(url, { ...init, signal: upstream.signal });
  } catch (e) {
    if (caller?.aborted) {
      throw e;
    }
    return timedOut ? emptyAnswer(url, 504, 'Gateway Timeout') : emptyAnswer(url, 502, 'Bad Gateway');
  } finally {
    clearTimeout(timer);
    caller?.removeEventListener('abort', onAbort);
  }
}

/** What Grafana's proxy sends when it has no answer: a status and nothing else. */
export function emptyAnswer(url: string, status: number, statusText: string): ProxiedResponse {
  return {
    status,
    statusText,
    ok: false,
    url,
    redirected: false,
    type: 'basic',
    headers: { get: (name: string) => (name.toLowerCase() === 'content-length' ? '0' : null) },
    text: async () => '',
    arrayBuffer: async () => new ArrayBuffer(0),
    blob: async () => new Blob([]),
  };
}
