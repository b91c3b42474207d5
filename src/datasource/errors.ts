/**
 * A failed request as one sentence for a person, and as the DataQueryError Grafana shows. It tells the sidecar's own
 * answers (JSON `{error: <code>, message}`) from Grafana's data proxy's: the proxy answers 502 (sidecar down) and 504
 * (no answer within GF_DATAPROXY_TIMEOUT) with an EMPTY body, which backendSrv reshapes into
 * `{message: statusText, error: statusText, response: ''}` (its processRequestError) — so a message alone does not
 * say who answered, the code does. Pure.
 */
import { DataQueryError } from '@grafana/data';
import { QueryError } from './request';

/** What a request failed with, as backendSrv (or the viewer's stand-in for it) rejects. */
interface FetchErrorLike {
  status?: number;
  statusText?: string;
  data?: unknown;
  message?: string;
}

export const SIDECAR_DOWN =
  'the sidecar did not answer (is it running, and is its URL right in the data source settings?)';

export const PROXY_TIMEOUT =
  "the sidecar did not answer within the data proxy's timeout (GF_DATAPROXY_TIMEOUT, 30 s by default): a large " +
  'profile may still be parsing — retry shortly, or raise the timeout for very large profiles';

/** A retried query that never got its answer: the last failure, and for how long it was retried. */
export class GaveUpError extends Error {
  constructor(
    readonly cause: unknown,
    readonly waitedMs: number
  ) {
    super(`gave up after ${formatWait(waitedMs)}: ${errorMessage(cause)}`);
    this.name = 'GaveUpError';
  }
}

/**
 * The sidecar's error code (`parsing`, `busy`, `not_found`, `storage_denied`…) when the body is the sidecar's, else
 * undefined: the proxy's reshaped empty body carries its status text ("Bad Gateway") there, which is no code.
 */
export function sidecarCode(e: unknown): string | undefined {
  const data = (e as FetchErrorLike | undefined)?.data;
  const code = data && typeof data === 'object' ? (data as { error?: unknown }).error : undefined;
  return typeof code === 'string' && /^[a-z][a-z0-9_]*$/.test(code) ? code : undefined;
}

function statusOf(e: unknown): number | undefined {
  const status = (e as FetchErrorLike | undefined)?.status;
  return typeof status === 'number' ? status : undefined;
}

/** The data proxy's own answer (empty body): 502 when the sidecar is down, 504 when it did not answer in time. */
export function proxyAnswer(e: unknown): 'down' | 'timeout' | undefined {
  if (sidecarCode(e) !== undefined) {
    return undefined;
  }
  const status = statusOf(e);
  return status === 502 ? 'down' : status === 504 ? 'timeout' : undefined;
}

/** The sidecar's one sentence when there is one, else what went wrong. */
export function errorMessage(e: unknown): string {
  if (e instanceof QueryError || e instanceof GaveUpError) {
    return e.message;
  }
  const fetchError = e as FetchErrorLike | undefined;
  const data = fetchError?.data as { message?: unknown; error?: unknown } | undefined;
  const message = typeof data?.message === 'string' ? data.message : '';
  // The proxy's empty body, reshaped: its "message" is only the status text (or nothing, over HTTP/2).
  const answer = proxyAnswer(e);
  if (answer && (message === '' || message === fetchError?.statusText || message === data?.error)) {
    return answer === 'down' ? SIDECAR_DOWN : PROXY_TIMEOUT;
  }
  return message || fetchError?.statusText || fetchError?.message || String(e);
}

/**
 * A failure as Grafana's DataQueryError: the sentence, and the status and sidecar code so a caller (the viewer's
 * failure display) can tell a missing profile from a sidecar that is down.
 */
export function toQueryError(e: unknown, refId: string): DataQueryError {
  const cause = e instanceof GaveUpError ? e.cause : e;
  const message = errorMessage(e);
  const status = statusOf(cause);
  const code = sidecarCode(cause);
  return {
    refId,
    message,
    ...(status !== undefined ? { status, statusText: (cause as FetchErrorLike).statusText } : {}),
    data: code !== undefined ? { message, error: code } : { message },
  };
}

/** Whether a query error means "still parsing" (the sidecar's 503 parsing, or the proxy's bare 504). */
export function isParsingError(e: unknown): boolean {
  const cause = e instanceof GaveUpError ? e.cause : e;
  const status = statusOf(cause);
  return (status === 503 && sidecarCode(cause) === 'parsing') || proxyAnswer(cause) === 'timeout';
}

function formatWait(ms: number): string {
  return ms >= 60_000 ? `${Math.round(ms / 60_000)} min` : `${Math.round(ms / 1000)} s`;
}
