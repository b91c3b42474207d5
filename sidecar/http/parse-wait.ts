/**
 * A query whose profiles are still being parsed is answered early — 503 "parsing", with the progress and Retry-After
 * — instead of being held until its deadline: Grafana's data proxy gives up after 30 s with a bare 504, and a large
 * profile (or a prefix over several) can take longer than that to parse. The parse goes on in the background and its
 * result is cached, so the client's retry finds the profile ready.
 */
import { ApiError } from './errors';

/** One profile a query waits on, as the 503's `progress` lists it. */
export interface ParseProgress {
  id: string;
  bytesRead: number;
  totalBytes: number;
}

/** Sent as Retry-After with a 503 "parsing": a parse moves on by hundreds of MB in that time. */
export const PARSING_RETRY_AFTER_SECONDS = 2;

/** Once the wait is over, how often a query that is still loading is checked again (its parse may start late). */
const RECHECK_MS = 50;

/** At most this many profiles are named in the message (all of them are in `progress`). */
const NAMED_IN_MESSAGE = 3;

export interface ParseWatch {
  /** How long the query may wait for a parse, ms (0: answer as soon as one is seen). */
  waitMs: number;
  /** The profiles the query has asked for so far (filled while it runs). */
  keys: ReadonlySet<string>;
  /** Whether the query is waiting for its profiles (not for its turn, not computing). */
  loading: () => boolean;
  /** The parse progress of a profile, or undefined when it is not being parsed. */
  progressOf: (key: string) => { bytesRead: number; totalBytes: number } | undefined;
  /** Called at most once, with the parses the query waits on. */
  answer: (progress: ParseProgress[]) => void;
}

/**
 * From `waitMs` on, answers as soon as the query is loading while one of its profiles is being parsed. Returns the
 * function that stops watching (call it when the query ends, however it ends).
 */
export function watchParses(watch: ParseWatch): () => void {
  let interval: NodeJS.Timeout | undefined;
  let stopped = false;
  const stop = () => {
    stopped = true;
    clearTimeout(timer);
    clearInterval(interval);
  };
  const check = () => {
    if (stopped || !watch.loading()) {
      return;
    }
    const progress: ParseProgress[] = [];
    for (const id of watch.keys) {
      const p = watch.progressOf(id);
      if (p) {
        progress.push({ id, bytesRead: p.bytesRead, totalBytes: p.totalBytes });
      }
    }
    if (progress.length > 0) {
      stop();
      watch.answer(progress);
    }
  };
  const timer = setTimeout(() => {
    check();
    if (!stopped) {
      interval = setInterval(check, RECHECK_MS);
    }
  }, watch.waitMs);
  return stop;
}

/** The 503 "parsing": distinct from the 503 "busy" of admission by its `error`, and carrying the progress. */
export function parsingError(progress: ParseProgress[]): ApiError {
  return new ApiError(503, 'parsing', parsingMessage(progress), PARSING_RETRY_AFTER_SECONDS, { progress });
}

/** "still parsing a.perf: 42 % (0.8 of 2.0 GB) — retry shortly", or for several the total and the first few. */
export function parsingMessage(progress: ParseProgress[]): string {
  if (progress.length === 1) {
    const [p] = progress;
    return `still parsing ${p.id}: ${percent(p.bytesRead, p.totalBytes)} % (${amount(p.bytesRead, p.totalBytes)}) — retry shortly`;
  }
  const read = progress.reduce((n, p) => n + p.bytesRead, 0);
  const total = progress.reduce((n, p) => n + p.totalBytes, 0);
  const named = progress
    .slice(0, NAMED_IN_MESSAGE)
    .map((p) => `${p.id} ${percent(p.bytesRead, p.totalBytes)} %`)
    .join(', ');
  const more = progress.length > NAMED_IN_MESSAGE ? ` and ${progress.length - NAMED_IN_MESSAGE} more` : '';
  return (
    `still parsing ${progress.length} profiles: ${percent(read, total)} % (${amount(read, total)}) — ` +
    `${named}${more} — retry shortly`
  );
}

function percent(read: number, total: number): number {
  return total > 0 ? Math.min(100, Math.floor((100 * read) / total)) : 0;
}

/** "0.8 of 2.0 GB" (decimal units, as the viewer shows them), the unit chosen by the total. */
function amount(read: number, total: number): string {
  const [unit, size]: [string, number] = total >= 1e9 ? ['GB', 1e9] : total >= 1e6 ? ['MB', 1e6] : ['kB', 1e3];
  return `${(read / size).toFixed(1)} of ${(total / size).toFixed(1)} ${unit}`;
}
