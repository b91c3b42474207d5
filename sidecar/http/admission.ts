/**
 * Admission for the heavy queries (heat map, flame graph, folded): at most `maxActive` computed at once, up to
 * `maxQueued` waiting their turn, and beyond that — or while too many unsent response bytes are held for clients that
 * do not read — a 503 with Retry-After at once, so overload costs neither memory nor the other requests' latency.
 */
import { ApiError } from './errors';

interface Waiter {
  resolve: (release: () => void) => void;
  reject: (e: unknown) => void;
  signal: AbortSignal;
  onAbort: () => void;
}

export class QueryGate {
  private active = 0;
  private readonly waiting: Waiter[] = [];
  private unsentBytes = 0;

  constructor(
    private readonly maxActive: number,
    private readonly maxQueued: number,
    private readonly maxUnsentBytes: number
  ) {}

  get activeQueries(): number {
    return this.active;
  }

  get queuedQueries(): number {
    return this.waiting.length;
  }

  get heldResponseBytes(): number {
    return this.unsentBytes;
  }

  /** Resolves with a release function once the query may run; a 503 when the service is saturated. */
  enter(signal: AbortSignal): Promise<() => void> {
    if (this.unsentBytes > this.maxUnsentBytes) {
      return Promise.reject(busy('large responses are still being sent to slow clients'));
    }
    if (this.active < this.maxActive) {
      this.active++;
      return Promise.resolve(this.releaser());
    }
    if (this.waiting.length >= this.maxQueued) {
      return Promise.reject(busy(`${this.active} queries are running and ${this.waiting.length} waiting`));
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        signal,
        onAbort: () => {
          const i = this.waiting.indexOf(waiter);
          if (i >= 0) {
            this.waiting.splice(i, 1);
          }
          reject(signal.reason);
        },
      };
      signal.addEventListener('abort', waiter.onAbort, { once: true });
      this.waiting.push(waiter);
    });
  }

  /**
   * Counts `bytes` as held until the response closes (sent, or the client gone); a 503 instead when that would take
   * the bytes held for slow clients over the limit (one answer alone may always go out).
   */
  holdUntilClosed(bytes: number, response: NodeJS.EventEmitter) {
    if (this.unsentBytes > 0 && this.unsentBytes + bytes > this.maxUnsentBytes) {
      throw busy('large responses are still being sent to slow clients');
    }
    this.unsentBytes += bytes;
    response.once('close', () => {
      this.unsentBytes -= bytes;
    });
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) {
        return;
      }
      released = true;
      const next = this.waiting.shift();
      if (next) {
        next.signal.removeEventListener('abort', next.onAbort);
        next.resolve(this.releaser());
        return;
      }
      this.active--;
    };
  }
}

function busy(why: string): ApiError {
  return new ApiError(503, 'busy', `the sidecar is busy (${why}): retry shortly`, 2);
}
