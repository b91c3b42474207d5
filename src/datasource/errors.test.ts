/**
 * Errors as Grafana really delivers them: the data proxy answers 502/504 with an empty body, and backendSrv's
 * processRequestError turns that into `{message: statusText, error: statusText, response: ''}` — a message that must
 * not be shown as "Bad Gateway", while the sidecar's own JSON errors keep their sentence.
 */
import { QueryError } from './request';
import { errorMessage, GaveUpError, isParsingError, PROXY_TIMEOUT, SIDECAR_DOWN, toQueryError } from './errors';

/** What backendSrv rejects with for an empty-bodied answer (statusText is '' over HTTP/2). */
function proxyError(status: number, statusText: string) {
  return {
    status,
    statusText,
    data: { message: statusText, error: statusText, response: '' },
    config: { url: '/api/datasources/proxy/uid/x/sidecar/api/v1/heatmap' },
  };
}

describe('errorMessage', () => {
  it("says the sidecar did not answer for the proxy's empty 502, however backendSrv reshaped it", () => {
    expect(errorMessage(proxyError(502, 'Bad Gateway'))).toBe(SIDECAR_DOWN);
    expect(errorMessage(proxyError(502, ''))).toBe(SIDECAR_DOWN);
    expect(errorMessage({ status: 502, statusText: 'Bad Gateway', data: { message: 'Bad Gateway' } })).toBe(
      SIDECAR_DOWN
    );
    expect(errorMessage({ status: 502 })).toBe(SIDECAR_DOWN);
  });

  it("names the data proxy's timeout for its bare 504", () => {
    expect(errorMessage(proxyError(504, 'Gateway Timeout'))).toBe(PROXY_TIMEOUT);
    expect(PROXY_TIMEOUT).toMatch(/GF_DATAPROXY_TIMEOUT/);
  });

  it("keeps the sidecar's own sentence, a 502 or 504 of its own included", () => {
    const storage = { status: 502, data: { error: 'storage_unavailable', message: 'the bucket is not answering' } };
    expect(errorMessage(storage)).toBe('the bucket is not answering');
    const timeout = { status: 504, data: { error: 'timeout', message: 'the query took longer than 25000 ms' } };
    expect(errorMessage(timeout)).toBe('the query took longer than 25000 ms');
    expect(errorMessage({ status: 404, data: { error: 'not_found', message: 'no profile a.perf' } })).toBe(
      'no profile a.perf'
    );
    expect(errorMessage(new QueryError('the time range is empty'))).toBe('the time range is empty');
    expect(errorMessage({ status: 500, statusText: 'Internal Server Error', data: {} })).toBe('Internal Server Error');
  });

  it('says how long it waited when it gave up', () => {
    expect(errorMessage(new GaveUpError(proxyError(504, 'Gateway Timeout'), 600_000))).toBe(
      `gave up after 10 min: ${PROXY_TIMEOUT}`
    );
  });
});

describe('toQueryError', () => {
  it('carries the sentence, the status and the sidecar code, and reads back the same', () => {
    const error = toQueryError(proxyError(502, 'Bad Gateway'), 'A');
    expect(error).toEqual({
      refId: 'A',
      message: SIDECAR_DOWN,
      status: 502,
      statusText: 'Bad Gateway',
      data: { message: SIDECAR_DOWN },
    });
    expect(errorMessage(error)).toBe(SIDECAR_DOWN);
    const gaveUp = toQueryError(new GaveUpError(proxyError(504, 'Gateway Timeout'), 60_000), 'B');
    expect(gaveUp).toMatchObject({ refId: 'B', status: 504, message: `gave up after 1 min: ${PROXY_TIMEOUT}` });
    expect(errorMessage(gaveUp)).toBe(gaveUp.message);
    expect(toQueryError({ status: 404, data: { error: 'not_found', message: 'no a' } }, 'C').data).toEqual({
      message: 'no a',
      error: 'not_found',
    });
  });
});

describe('isParsingError', () => {
  it("is the sidecar's 503 parsing and the proxy's bare 504, raw, given up on, or as a query error", () => {
    const parsing = { status: 503, data: { error: 'parsing', message: 'still parsing' } };
    expect(isParsingError(parsing)).toBe(true);
    expect(isParsingError(proxyError(504, 'Gateway Timeout'))).toBe(true);
    expect(isParsingError(new GaveUpError(parsing, 1000))).toBe(true);
    expect(isParsingError(toQueryError(new GaveUpError(proxyError(504, ''), 1000), 'A'))).toBe(true);
    expect(isParsingError({ status: 503, data: { error: 'busy', message: 'busy' } })).toBe(false);
    expect(isParsingError({ status: 504, data: { error: 'timeout', message: 'took longer' } })).toBe(false);
    expect(isParsingError(proxyError(502, 'Bad Gateway'))).toBe(false);
  });
});
