/**
 * How Grafana's backendSrv (public/app/core/services/backend_srv.ts and core/utils/fetch.ts) turns a response into
 * `data`, and a failed one into the FetchError a data source sees — copied in behaviour, so the viewer's data source
 * meets the same shapes as in a dashboard:
 * - the body is read as `responseType` when the request asks for one (an error body too: bytes for 'arraybuffer'),
 *   as JSON when the response's Content-Type is exactly `application/json`, else as text that is JSON-parsed when it
 *   can be (the sidecar's `application/json; charset=utf-8` takes that road);
 * - a failure is `{status, statusText, data, config}` — no headers, so no Retry-After — with `data` made an object: an
 *   empty or text body becomes `{message: <text>, error: statusText, response: <text>}` and an empty message takes
 *   the error's (so the data proxy's empty 502 arrives as `{message: 'Bad Gateway', error: 'Bad Gateway', …}`).
 */
import { BackendSrvRequest, FetchError } from '@grafana/runtime';
import { ProxiedResponse } from './data-proxy';

export async function parseResponseBody(
  response: ProxiedResponse,
  requested: BackendSrvRequest['responseType']
): Promise<unknown> {
  const contentType = response.headers.get('content-type');
  const responseType = requested ?? (contentType?.toLowerCase() === 'application/json' ? 'json' : undefined);
  switch (responseType) {
    case 'arraybuffer':
      return response.arrayBuffer();
    case 'blob':
      return response.blob();
    case 'text':
      return response.text();
    case 'json':
      if (response.headers.get('content-length') === '0') {
        return {};
      }
      return JSON.parse(await response.text());
  }
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** backendSrv's processRequestError: `data` always an object with a message when there is any text to give. */
export function processRequestError(error: FetchError): FetchError {
  const err = { ...error };
  err.data = err.data ?? { message: 'Unexpected error' };
  if (typeof err.data === 'string') {
    err.data = { message: err.data, error: err.statusText, response: err.data };
  }
  if (err.data && !err.data.message && typeof err.data.error === 'string') {
    err.data = { ...err.data, message: err.data.error };
  }
  return err;
}
