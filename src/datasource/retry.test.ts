/**
 * The retry while a profile is being parsed: what is retried (503 parsing, 503 busy, the proxy's bare 504) and what is
 * an answer; the back-off; giving up; and that unsubscribing stops it all and aborts the request in flight.
 */
import { Observable, Subscriber } from 'rxjs';
import { GaveUpError } from './errors';
import { Attempt, retryDelayMs, retrying, RETRY_POLICY, transient } from './retry';

const parsing = (bytesRead = 10) => ({
  status: 503,
  statusText: 'Service Unavailable',
  data: {
    error: 'parsing',
    message: `still parsing a.perf: ${bytesRead} %`,
    progress: [{ id: 'a.perf', bytesRead, totalBytes: 100 }],
  },
});
const bareGatewayTimeout = {
  status: 504,
  statusText: 'Gateway Timeout',
  data: { message: 'Gateway Timeout', error: 'Gateway Timeout', response: '' },
};
const busy = { status: 503, data: { error: 'busy', message: 'the sidecar is busy: retry shortly' } };

/** A request per call, each answered by the test; records subscriptions and unsubscriptions. */
function scripted<T>() {
  const calls: Array<{ subscriber: Subscriber<T>; unsubscribed: boolean }> = [];
  const request = () =>
    new Observable<T>((subscriber) => {
      const call = { subscriber, unsubscribed: false };
      calls.push(call);
      return () => (call.unsubscribed = true);
    });
  const fail = (e: unknown) => calls[calls.length - 1].subscriber.error(e);
  const answer = (value: T) => {
    const { subscriber } = calls[calls.length - 1];
    subscriber.next(value);
    subscriber.complete();
  };
  return { request, calls, fail, answer };
}

function record<T>(source: Observable<Attempt<T>>) {
  const seen: Array<Attempt<T>> = [];
  const outcome: { error?: unknown; complete: boolean } = { complete: false };
  const subscription = source.subscribe({
    next: (a) => seen.push(a),
    error: (e) => (outcome.error = e),
    complete: () => (outcome.complete = true),
  });
  return { seen, outcome, subscription };
}

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

describe('transient', () => {
  it("retries 503 parsing (with its progress), 503 busy and the proxy's bare 504 — nothing else", () => {
    expect(transient(parsing(42))).toEqual({
      reason: 'parsing',
      message: 'still parsing a.perf: 42 %',
      progress: [{ id: 'a.perf', bytesRead: 42, totalBytes: 100 }],
      retryAfterMs: undefined,
    });
    expect(transient(busy)).toMatchObject({ reason: 'busy', progress: [] });
    expect(transient(bareGatewayTimeout)).toMatchObject({ reason: 'parsing', progress: [] });
    expect(transient(bareGatewayTimeout)!.message).toMatch(/GF_DATAPROXY_TIMEOUT/);
    // Answers: the sidecar's own 504 (its sentence says what to do), a sidecar that is down, anything else.
    expect(transient({ status: 504, data: { error: 'timeout', message: 'the query took longer…' } })).toBeUndefined();
    expect(transient({ status: 502, data: { message: 'Bad Gateway', error: 'Bad Gateway' } })).toBeUndefined();
    expect(transient({ status: 503, data: { error: 'shutting_down', message: 'bye' } })).toBeUndefined();
    expect(transient({ status: 404, data: { error: 'not_found', message: 'no profile' } })).toBeUndefined();
    expect(transient(new Error('x'))).toBeUndefined();
  });

  it('honours Retry-After when the error carries the headers', () => {
    const withHeaders = { ...parsing(), headers: { get: (n: string) => (n === 'retry-after' ? '3' : null) } };
    expect(transient(withHeaders)?.retryAfterMs).toBe(3000);
    expect(retryDelayMs(1, 3000)).toBe(3000);
    expect(retryDelayMs(1, 60_000)).toBe(RETRY_POLICY.maxDelayMs);
  });

  it('backs off 1, 2, 4, 8 s, then every 10 s', () => {
    expect([1, 2, 3, 4, 5, 9].map((n) => retryDelayMs(n, undefined))).toEqual([1000, 2000, 4000, 8000, 10_000, 10_000]);
  });
});

describe('retrying', () => {
  it('reports each wait with its progress, asks again after the back-off, and ends with the answer', async () => {
    const sidecar = scripted<string>();
    const { seen, outcome } = record(retrying(sidecar.request));
    expect(sidecar.calls).toHaveLength(1);
    sidecar.fail(parsing(10));
    expect(seen).toEqual([
      {
        type: 'waiting',
        wait: expect.objectContaining({
          reason: 'parsing',
          attempt: 1,
          retryInMs: 1000,
          progress: [expect.anything()],
        }),
      },
    ]);
    await jest.advanceTimersByTimeAsync(999);
    expect(sidecar.calls).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(sidecar.calls).toHaveLength(2);
    sidecar.fail(bareGatewayTimeout);
    expect(seen[1]).toMatchObject({ type: 'waiting', wait: { attempt: 2, retryInMs: 2000, progress: [] } });
    await jest.advanceTimersByTimeAsync(2000);
    sidecar.answer('frame');
    expect(seen[2]).toEqual({ type: 'done', value: 'frame' });
    expect(outcome).toEqual({ complete: true });
    expect(sidecar.calls).toHaveLength(3);
  });

  it('fails at once with an answer that is an error', () => {
    const sidecar = scripted<string>();
    const { seen, outcome } = record(retrying(sidecar.request));
    const down = { status: 502, statusText: 'Bad Gateway', data: { message: 'Bad Gateway', error: 'Bad Gateway' } };
    sidecar.fail(down);
    expect(seen).toEqual([]);
    expect(outcome.error).toBe(down);
  });

  it("gives up after the policy's limit with the last failure and how long it waited", async () => {
    const sidecar = scripted<string>();
    const policy = { ...RETRY_POLICY, giveUpAfterMs: 20_000 };
    const { outcome } = record(retrying(sidecar.request, policy));
    // 1 + 2 + 4 + 8 s of waits; the next (10 s) would pass 20 s.
    for (const delay of [1000, 2000, 4000, 8000]) {
      sidecar.fail(bareGatewayTimeout);
      await jest.advanceTimersByTimeAsync(delay);
    }
    expect(sidecar.calls).toHaveLength(5);
    sidecar.fail(bareGatewayTimeout);
    expect(outcome.error).toBeInstanceOf(GaveUpError);
    expect((outcome.error as GaveUpError).cause).toBe(bareGatewayTimeout);
    expect((outcome.error as GaveUpError).waitedMs).toBe(15_000);
    expect((outcome.error as Error).message).toMatch(/^gave up after 15 s: the sidecar did not answer within/);
  });

  it('gives a busy sidecar less time than a parse', async () => {
    const sidecar = scripted<string>();
    const { outcome } = record(retrying(sidecar.request, { ...RETRY_POLICY, busyGiveUpAfterMs: 2500 }));
    sidecar.fail(busy);
    await jest.advanceTimersByTimeAsync(1000);
    sidecar.fail(busy);
    expect(outcome.error).toBeInstanceOf(GaveUpError);
  });

  it('stops when unsubscribed: the request in flight is unsubscribed (aborted), no retry is sent', async () => {
    const sidecar = scripted<string>();
    const { subscription } = record(retrying(sidecar.request));
    subscription.unsubscribe();
    expect(sidecar.calls[0].unsubscribed).toBe(true);

    const waiting = scripted<string>();
    const second = record(retrying(waiting.request));
    waiting.fail(parsing());
    second.subscription.unsubscribe();
    await jest.advanceTimersByTimeAsync(60_000);
    expect(waiting.calls).toHaveLength(1);
  });
});
