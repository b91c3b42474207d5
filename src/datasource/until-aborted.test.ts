/**
 * A superseded drill-down must stop: untilAborted unsubscribes from the request's observable (which is how Grafana's
 * backendSrv aborts the HTTP request) and rejects with an AbortError.
 */
import { Observable, of, throwError } from 'rxjs';
import { untilAborted } from './datasource';

function pending<T>() {
  const state = { subscribed: 0, unsubscribed: 0, emit: (_v: T) => {} };
  const source = new Observable<T>((subscriber) => {
    state.subscribed++;
    state.emit = (v: T) => {
      subscriber.next(v);
      subscriber.complete();
    };
    return () => state.unsubscribed++;
  });
  return { source, state };
}

describe('untilAborted', () => {
  it("resolves with the observable's last value when not aborted", async () => {
    await expect(untilAborted(of(1, 2, 3))).resolves.toBe(3);
    await expect(untilAborted(of(1, 2, 3), new AbortController().signal)).resolves.toBe(3);
  });

  it('unsubscribes (aborting the request) and rejects with an AbortError when the signal aborts first', async () => {
    const { source, state } = pending<number>();
    const controller = new AbortController();
    const result = untilAborted(source, controller.signal);
    expect(state.subscribed).toBe(1);
    controller.abort();
    await expect(result).rejects.toMatchObject({ name: 'AbortError' });
    expect(state.unsubscribed).toBe(1);
    state.emit(5); // too late: nothing happens
  });

  it('never subscribes when already aborted', async () => {
    const { source, state } = pending<number>();
    const controller = new AbortController();
    controller.abort();
    await expect(untilAborted(source, controller.signal)).rejects.toMatchObject({ name: 'AbortError' });
    expect(state.subscribed).toBe(0);
  });

  it("passes the request's own error on, and a completion without a value is an error", async () => {
    const signal = new AbortController().signal;
    await expect(
      untilAborted(
        throwError(() => ({ status: 502 })),
        signal
      )
    ).rejects.toEqual({ status: 502 });
    await expect(untilAborted(new Observable<number>((s) => s.complete()), signal)).rejects.toThrow(
      /without an answer/
    );
  });
});
