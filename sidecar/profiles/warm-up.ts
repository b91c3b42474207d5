/**
 * Warm-up: parse new profiles before anyone asks, so a dashboard opened a minute after a spike finds them ready.
 *
 * Every `intervalMs` the store is listed (at most `maxListed` entries a round); profiles modified within `windowMs`
 * are loaded newest first, one at a time, and only while no parse is running or waiting — a query never queues
 * behind more than the one warm parse in progress, and a query for the profile being warmed joins that load. What
 * warm-up loads goes only into free cache room within its own budget (ProfileService.warm), so it never evicts a
 * query's profile; when the room is used, warm-up waits for the next listing.
 *
 * Each object version is tried once: a warmed, failed or removed version is not tried again on the next listing
 * (storage trouble is retried a few times, further apart each time); a replaced object is a new version, warmed again,
 * and a warmed version that is replaced or removed before any query used it is dropped from the cache.
 */
import { LRUCache } from 'lru-cache';
import { ObjectInfo, ObjectStorage } from '../storage/types';
import { skipReason } from './catalog';
import { ProfileService, WarmOutcome } from './profile-service';

export interface WarmUpOptions {
  /** Profiles modified within this long before now are warmed. */
  windowMs: number;
  /** How often the store is listed. */
  intervalMs: number;
  /** Listing entries looked at per round (a bound on the work of one round in a huge bucket). */
  maxListed?: number;
}

export interface WarmUpEvents {
  warmed?(key: string, bytes: number, seconds: number): void;
  /** Parsed, but not kept: it did not fit the free cache room or the warm budget. */
  noRoom?(key: string, bytes: number): void;
  failed?(key: string, kind: string): void;
  /** A warmed version nobody used was dropped: the object was replaced or removed. */
  discarded?(key: string): void;
  listed?(ok: boolean): void;
}

export interface WarmUpLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

export interface WarmUpDeps {
  storage: ObjectStorage;
  profiles: Pick<ProfileService, 'warm' | 'warmRoom' | 'discardUnqueried'>;
  /** Parses running and waiting in the worker pool: warm-up starts one only when both are 0. */
  pool: { busy: number; queued: number };
  /** Whether an object is a profile worth loading (the catalog reads the head of a `.json` to tell). */
  isProfile?(info: ObjectInfo): Promise<boolean>;
  log: WarmUpLog;
  events?: WarmUpEvents;
  now?(): number;
}

const DEFAULT_MAX_LISTED = 100_000;
/** Versions remembered as tried, and warmed keys watched for replacement. */
const MAX_REMEMBERED = 10_000;
/** A profile stamped a little in the future (clock skew between hosts) is still new. */
const FUTURE_SKEW_MS = 5 * 60_000;
/** How soon warm-up looks again when the pool is busy with queries. */
const BUSY_RETRY_MS = 250;
/** Storage trouble and parser crashes are retried at most this often per version, further apart each time. */
const MAX_ATTEMPTS = 3;
const RETRIED: readonly string[] = ['timeout', 'unavailable', 'internal'];
/**
 * Parsed size ÷ object size, to plan before parsing (the real size decides whether it is kept, and is remembered),
 * until the profiles parsed here say better: measured 0.03× for the bench's dense 260 MB perf script, 0.19–1.2× for
 * gzip objects. On the low side: guessing too small costs one parse that is not kept; too big leaves room unused.
 */
export const INITIAL_RATIOS: ParsedSizeRatios = { plain: 0.05, gzip: 0.5 };

/** Parsed bytes per object byte, for plain and gzip objects. */
export interface ParsedSizeRatios {
  plain: number;
  gzip: number;
}

// ---------------------------------------------------------------- selection (pure)

export interface SelectionInput {
  /** Listing entries. */
  objects: Iterable<ObjectInfo>;
  nowMs: number;
  windowMs: number;
  /** Bytes warm-up may still fill. */
  roomBytes: number;
  /** Versions to leave alone (loaded, failed, already tried). */
  settled?(info: ObjectInfo): boolean;
  /** Parsed bytes of an object: known from an earlier try, else estimated. */
  sizeOf?(info: ObjectInfo): number;
}

/** Whether the object was modified within the window (or a little in the future). */
export function isRecent(info: ObjectInfo, nowMs: number, windowMs: number): boolean {
  const t = info.lastModified.getTime();
  return t >= nowMs - windowMs && t <= nowMs + FUTURE_SKEW_MS;
}

/** A guess of a profile's parsed size from its object size. */
export function estimateParsedBytes(info: ObjectInfo, ratios: ParsedSizeRatios = INITIAL_RATIOS): number {
  return Math.ceil(info.size * ratios[compression(info)]);
}

function compression(info: ObjectInfo): keyof ParsedSizeRatios {
  return /\.gz$/i.test(info.key) ? 'gzip' : 'plain';
}

/**
 * The profiles to warm, in order: recent, not settled, newest first (then by key, for a stable order); each taken
 * while its parsed size fits what is left of the room — a profile too big for what is left is passed over for the
 * smaller ones after it.
 */
export function selectWarmCandidates(input: SelectionInput): ObjectInfo[] {
  const sizeOf = input.sizeOf ?? estimateParsedBytes;
  const recent = [...input.objects].filter(
    (info) =>
      info.listingError === undefined &&
      skipReason(info) === undefined &&
      isRecent(info, input.nowMs, input.windowMs) &&
      !input.settled?.(info)
  );
  recent.sort((a, b) => b.lastModified.getTime() - a.lastModified.getTime() || (a.key < b.key ? -1 : 1));
  const chosen: ObjectInfo[] = [];
  let room = input.roomBytes;
  for (const info of recent) {
    const size = sizeOf(info);
    if (size <= room) {
      chosen.push(info);
      room -= size;
    }
  }
  return chosen;
}

// ---------------------------------------------------------------- the scheduler

interface Attempt {
  /** Settled: never tried again (warmed, already loaded, failed for good, gone). */
  settled: boolean;
  attempts: number;
  /** Not before this (epoch ms), after a retried failure. */
  retryAt?: number;
  /** Parsed bytes, once known. */
  bytes?: number;
}

export class WarmUp {
  private readonly tried = new LRUCache<string, Attempt>({ max: MAX_REMEMBERED });
  /** Keys warm-up warmed → the version, to drop it when the object is replaced or removed unused. */
  private readonly warmedVersions = new LRUCache<string, string>({ max: MAX_REMEMBERED });
  private queue: ObjectInfo[] = [];
  private timer: NodeJS.Timeout | undefined;
  private pumpTimer: NodeJS.Timeout | undefined;
  private listing: AbortController | undefined;
  private pumping = false;
  private stopped = false;
  /** Said once, not every round: a store too big to list whole, a listing failing. */
  private warnedTooMany = false;
  private listingFailing = false;
  private readonly now: () => number;
  /** What the profiles parsed so far say (a running mean per compression), for the next estimates. */
  private readonly ratios = { ...INITIAL_RATIOS };
  private readonly ratioSamples = { plain: 0, gzip: 0 };

  constructor(
    private readonly deps: WarmUpDeps,
    private readonly options: WarmUpOptions
  ) {
    this.now = deps.now ?? Date.now;
  }

  /** Profiles selected and waiting for their turn. */
  get pending(): number {
    return this.queue.length;
  }

  /** Lists now, then every `intervalMs`. */
  start() {
    this.schedule(0);
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    clearTimeout(this.pumpTimer);
    this.listing?.abort();
    this.queue = [];
  }

  /** One round: list, select, and start warming (resolves once the listing is done, not the warming). */
  async round(): Promise<void> {
    const objects = await this.list();
    if (!objects || this.stopped) {
      return;
    }
    this.queue = selectWarmCandidates({
      objects,
      nowMs: this.now(),
      windowMs: this.options.windowMs,
      roomBytes: this.deps.profiles.warmRoom,
      settled: (info) => !this.due(info),
      sizeOf: (info) => this.sizeOf(info),
    });
    void this.pump();
  }

  private schedule(ms: number) {
    if (this.stopped) {
      return;
    }
    this.timer = setTimeout(() => {
      void this.round().finally(() => this.schedule(this.options.intervalMs));
    }, ms);
    this.timer.unref();
  }

  /**
   * The recent entries of one listing (and those of keys warmed before), dropping warmed versions that were replaced
   * or removed; undefined when the listing failed.
   */
  private async list(): Promise<ObjectInfo[] | undefined> {
    const maxListed = this.options.maxListed ?? DEFAULT_MAX_LISTED;
    this.listing = new AbortController();
    const timeout = AbortSignal.timeout(Math.max(this.options.intervalMs, 10_000));
    const signal = AbortSignal.any([this.listing.signal, timeout]);
    const nowMs = this.now();
    const recent: ObjectInfo[] = [];
    const current = new Map<string, string>();
    let complete = true;
    let seen = 0;
    try {
      for await (const info of this.deps.storage.list('', signal)) {
        if (++seen > maxListed) {
          complete = false;
          if (!this.warnedTooMany) {
            this.warnedTooMany = true;
            this.deps.log.warn({ maxListed }, 'warm-up: the store holds more objects than one round lists');
          }
          break;
        }
        if (info.listingError !== undefined) {
          complete = false; // a folder we cannot see into: its profiles are not known to be gone
          continue;
        }
        if (this.warmedVersions.has(info.key)) {
          current.set(info.key, info.etag);
        }
        if (isRecent(info, nowMs, this.options.windowMs)) {
          recent.push(info);
        }
      }
    } catch (e) {
      this.deps.events?.listed?.(false);
      if (!this.stopped && !this.listingFailing) {
        this.deps.log.warn({ err: (e as Error).message }, 'warm-up: listing the store failed (retried every round)');
      }
      this.listingFailing = true;
      return undefined;
    } finally {
      this.listing = undefined;
    }
    if (this.listingFailing) {
      this.listingFailing = false;
      this.deps.log.info({}, 'warm-up: listing the store works again');
    }
    this.deps.events?.listed?.(true);
    for (const [key, etag] of [...this.warmedVersions.entries()]) {
      if (current.get(key) !== etag && (complete || current.has(key))) {
        this.warmedVersions.delete(key);
        if (this.deps.profiles.discardUnqueried(key, etag)) {
          this.deps.events?.discarded?.(key);
        }
      }
    }
    return recent;
  }

  /** Warms the queue one profile at a time, while the pool is idle and there is room. */
  private async pump(): Promise<void> {
    if (this.pumping) {
      return;
    }
    this.pumping = true;
    clearTimeout(this.pumpTimer);
    try {
      while (!this.stopped && this.queue.length > 0) {
        if (this.deps.pool.busy > 0 || this.deps.pool.queued > 0) {
          // Queries first: look again shortly.
          this.pumpTimer = setTimeout(() => void this.pump(), BUSY_RETRY_MS);
          this.pumpTimer.unref();
          return;
        }
        const room = this.deps.profiles.warmRoom;
        if (room <= 0) {
          this.queue = []; // the budget is used: the next listing looks again
          return;
        }
        const info = this.queue.shift()!;
        // Sizes learned since the listing may rule it out now.
        if (!this.due(info) || this.sizeOf(info) > room) {
          continue;
        }
        if (this.deps.isProfile && !(await this.deps.isProfile(info).catch(() => true))) {
          this.settle(info, { settled: true, attempts: 0 });
          continue;
        }
        await this.warmOne(info);
      }
    } finally {
      this.pumping = false;
    }
  }

  private async warmOne(info: ObjectInfo) {
    const started = performance.now();
    const result: WarmOutcome = await this.deps.profiles.warm(info.key);
    const seconds = (performance.now() - started) / 1000;
    const previous = this.tried.get(versionKey(info));
    const attempts = (previous?.attempts ?? 0) + 1;
    const { log, events } = this.deps;
    if ((result.outcome === 'warmed' || result.outcome === 'no-room') && info.size > 0) {
      this.learnRatio(info, result.bytes);
    }
    switch (result.outcome) {
      case 'warmed':
        this.settle(info, { settled: true, attempts, bytes: result.bytes });
        // The version actually loaded (the object may have been replaced since the listing).
        this.warmedVersions.set(info.key, result.etag);
        events?.warmed?.(info.key, result.bytes, seconds);
        log.info({ key: info.key, mib: mib(result.bytes), seconds: round(seconds) }, 'warm-up: profile ready');
        return;
      case 'present':
        this.settle(info, { settled: true, attempts });
        return;
      case 'no-room':
        // Tried again only once the room its real size needs is free (selection and pump compare it).
        this.settle(info, { settled: false, attempts, bytes: result.bytes });
        events?.noRoom?.(info.key, result.bytes);
        log.debug({ key: info.key, mib: mib(result.bytes) }, 'warm-up: no room to keep the profile');
        return;
      case 'failed': {
        if (result.kind === 'shutdown') {
          return;
        }
        const retry = RETRIED.includes(result.kind) && attempts < MAX_ATTEMPTS;
        this.settle(info, {
          settled: !retry,
          attempts,
          retryAt: retry ? this.now() + this.options.intervalMs * 2 ** attempts : undefined,
        });
        events?.failed?.(info.key, result.kind);
        log.warn({ key: info.key, kind: result.kind, err: result.message }, 'warm-up: could not load the profile');
      }
    }
  }

  /** Parsed bytes of the object: known from an earlier try, else estimated from what was parsed so far. */
  private sizeOf(info: ObjectInfo): number {
    return this.tried.get(versionKey(info))?.bytes ?? estimateParsedBytes(info, this.ratios);
  }

  private learnRatio(info: ObjectInfo, bytes: number) {
    const kind = compression(info);
    const n = Math.min(++this.ratioSamples[kind], 20); // a mean over about the last 20
    this.ratios[kind] += (bytes / info.size - this.ratios[kind]) / n;
  }

  /** Whether this version may be tried now. */
  private due(info: ObjectInfo): boolean {
    const attempt = this.tried.get(versionKey(info));
    return !attempt || (!attempt.settled && (attempt.retryAt ?? 0) <= this.now());
  }

  private settle(info: ObjectInfo, attempt: Attempt) {
    this.tried.set(versionKey(info), attempt);
  }
}

function versionKey(info: ObjectInfo): string {
  return `${info.key}\u0000${info.etag}`;
}

function mib(bytes: number): number {
  return round(bytes / 1048576);
}

function round(x: number): number {
  return Math.round(x * 10) / 10;
}
