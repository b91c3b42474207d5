/**
 * Asking the sidecar again while a profile is still being parsed. A big profile takes longer to parse than Grafana's
 * data proxy waits (30 s), so the sidecar answers such a query early — 503 `{error: 'parsing', message, progress}` — and
 * when it cannot (an older sidecar, a very long --parse-wait-ms), the proxy answers a bare 504: both mean "not yet".
 * A busy sidecar's 503 `{error: 'busy'}` means the same for a shorter while. Each is retried with back-off; every
 * wait is reported (with the progress when the sidecar sent it) so the panel can show it; unsubscribing stops the
 * retries and aborts the request in flight (backendSrv aborts a fetch whose subscription ends).
 */
import { Observable, OperatorFunction, Subscription } from 'rxjs';
import { filter, map } from 'rxjs/operators';
import { GaveUpError, proxyAnswer, sidecarCode } from './errors';

export interface ParseProgress {
  id: string;
  bytesRead: number;
  totalBytes: number;
}

/** Why a query is waiting, as the panel shows it. */
export interface Wait {
  reason: 'parsing' | 'busy';
  /** The sidecar's sentence ("still parsing a.perf: 42 % (0.8 of 2.0 GB) — retry shortly"), or ours for a bare 504. */
  message: string;
  /** Per profile, when the sidecar said (not after a bare 504). */
  progress: ParseProgress[];
  /** 1 for the first retry. */
  attempt: number;
  retryInMs: number;
  /** Since the first request. */
  waitedMs: number;
}

export type Attempt<T> = { type: 'waiting'; wait: Wait } | { type: 'done'; value: T };

export interface RetryPolicy {
  /** The first delay; each next one doubles, up to maxDelayMs. */
  firstDelayMs: number;
  maxDelayMs: number;
  /** How long a profile may take to parse before we stop asking (a 2 GB profile takes a few minutes). */
  giveUpAfterMs: number;
  /** How long a busy sidecar is asked again: longer than that, it is overloaded and retries only add to it. */
  busyGiveUpAfterMs: number;
}

export const RETRY_POLICY: RetryPolicy = {
  firstDelayMs: 1000,
  maxDelayMs: 10_000,
  giveUpAfterMs: 10 * 60_000,
  busyGiveUpAfterMs: 2 * 60_000,
};

const PROXY_TIMEOUT_WAIT =
  'the data proxy stopped waiting for the sidecar (GF_DATAPROXY_TIMEOUT): a profile is probably still being parsed';

/** A failure worth asking again about, and what it says; undefined for an answer (an error is an answer too). */
export function transient(
  e: unknown
): { reason: Wait['reason']; message: string; progress: ParseProgress[]; retryAfterMs?: number } | undefined {
  const status = (e as { status?: unknown } | undefined)?.status;
  const data = (e as { data?: { message?: unknown; progress?: unknown } } | undefined)?.data;
  const message = typeof data?.message === 'string' ? data.message : '';
  const code = sidecarCode(e);
  const retryAfterMs = retryAfter(e);
  if (status === 503 && code === 'parsing') {
    return { reason: 'parsing', message, progress: progressOf(data?.progress), retryAfterMs };
  }
  if (status === 503 && code === 'busy') {
    return { reason: 'busy', message, progress: [], retryAfterMs };
  }
  if (proxyAnswer(e) === 'timeout') {
    return { reason: 'parsing', message: PROXY_TIMEOUT_WAIT, progress: [], retryAfterMs };
  }
  return undefined;
}

/** 1 s, 2 s, 4 s, 8 s, 10 s, 10 s…; a Retry-After, when the error carries one, instead (within the same cap). */
export function retryDelayMs(attempt: number, retryAfterMs: number | undefined, policy = RETRY_POLICY): number {
  const backoff = policy.firstDelayMs * 2 ** Math.max(0, attempt - 1);
  return Math.min(policy.maxDelayMs, retryAfterMs ?? backoff);
}

/**
 * `request()` until it answers: its value as `{type: 'done'}` (then complete), each wait before as `{type: 'waiting'}`.
 * An answer that is an error fails the observable with it; so does waiting longer than the policy allows, with a
 * GaveUpError wrapping the last failure.
 */
export function retrying<T>(
  request: () => Observable<T>,
  policy: RetryPolicy = RETRY_POLICY,
  now: () => number = () => Date.now()
): Observable<Attempt<T>> {
  return new Observable<Attempt<T>>((subscriber) => {
    const started = now();
    let attempt = 0;
    let inFlight: Subscription | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const send = () => {
      timer = undefined;
      inFlight = request().subscribe({
        next: (value) => subscriber.next({ type: 'done', value }),
        complete: () => subscriber.complete(),
        error: (e: unknown) => {
          const wait = transient(e);
          if (!wait) {
            subscriber.error(e);
            return;
          }
          attempt++;
          const waitedMs = now() - started;
          const retryInMs = retryDelayMs(attempt, wait.retryAfterMs, policy);
          const limit = wait.reason === 'busy' ? policy.busyGiveUpAfterMs : policy.giveUpAfterMs;
          if (waitedMs + retryInMs > limit) {
            subscriber.error(new GaveUpError(e, waitedMs));
            return;
          }
          const { reason, message, progress } = wait;
          subscriber.next({ type: 'waiting', wait: { reason, message, progress, attempt, retryInMs, waitedMs } });
          timer = setTimeout(send, retryInMs);
        },
      });
    };
    send();
    return () => {
      if (timer !== undefined) {
        clearTimeout(timer);
      }
      inFlight?.unsubscribe();
    };
  });
}

/** Only the answers of a `retrying` stream. */
export function answers<T>(): OperatorFunction<Attempt<T>, T> {
  return (source) =>
    source.pipe(
      filter((a): a is { type: 'done'; value: T } => a.type === 'done'),
      map((a) => a.value)
    );
}

/** The sidecar's progress list, keeping only well-formed entries. */
function progressOf(value: unknown): ParseProgress[] {
  if (!Array.isArray(value)) {
    return [];
  }
  return value
    .filter(
      (p): p is ParseProgress =>
        typeof p?.id === 'string' && Number.isFinite(p?.bytesRead) && Number.isFinite(p?.totalBytes)
    )
    .map(({ id, bytesRead, totalBytes }) => ({ id, bytesRead, totalBytes }));
}

/**
 * Retry-After in ms, when the error carries the response's headers. Grafana's backendSrv does not put them on its
 * FetchError (status, statusText, data, config only), so there the back-off applies.
 */
function retryAfter(e: unknown): number | undefined {
  const headers = (e as { headers?: { get?: (name: string) => string | null } } | undefined)?.headers;
  const value = typeof headers?.get === 'function' ? headers.get('retry-after') : null;
  const seconds = value === null || value === undefined ? NaN : Number(value);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}
