/**
 * Parse once, serve many: resolves a profile id to its current object version (re-checked every `revalidateMs`),
 * loads it at most once per version (single-flight: 50 concurrent first requests → one download and one parse),
 * keeps parsed stores in an LRU bounded by bytes, and shares work with other replicas through `<key>.idx` files.
 *
 * Warm-up (warm-up.ts) loads profiles before anyone asks, as a guest of the cache: a warm load only goes into free
 * room and within its own budget (`warmBytes`), so it never evicts anything; what it loaded stays "unqueried" until a
 * query uses it, and unqueried profiles are the first evicted when a query's profile needs room (those of the oldest
 * objects first). A query asking for a profile being warmed joins that load, and its result is then the query's.
 *
 * Every other piece of state is bounded too, so no stream of requests can grow memory: known versions and missing
 * ids live in LRUs, and failures are remembered per version — for good when the bytes themselves are the problem
 * (too large, corrupt: the same ETag fails the same way), briefly for anything else, never for storage trouble.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { LRUCache } from 'lru-cache';
import { decodeStore, encodeStore, ProfileFormat, ProfileStore, storeByteSize } from '../../src/profile';
import { ObjectInfo, ObjectStorage, StorageError } from '../storage/types';
import { AnchorOptions, anchorProfile, WallClockAnchor } from './anchor';
import { ParseFailure, WorkerPool } from './worker-pool';

export const INDEX_SUFFIX = '.idx';

export interface LoadedProfile {
  key: string;
  info: ObjectInfo;
  store: ProfileStore;
  anchor: WallClockAnchor | undefined;
  loadedFrom: 'parse' | 'index';
  bytes: number;
  /** Loaded by warm-up, before any query asked for it. */
  warmed: boolean;
}

/** What a warm load did. */
export type WarmOutcome =
  | { outcome: 'warmed'; bytes: number; etag: string }
  /** Parsed, but it did not fit the free cache room or the warm budget: not kept (`bytes`: what it would need). */
  | { outcome: 'no-room'; bytes: number }
  /** Already loaded, or being loaded for a query: nothing to do. */
  | { outcome: 'present' }
  | { outcome: 'failed'; kind: ParseFailure['kind']; message: string };

export type ParseState =
  | { state: 'parsing'; bytesRead: number; totalBytes: number }
  | { state: 'failed'; kind: ParseFailure['kind']; message: string };

export interface ProfileServiceOptions {
  cacheBytes: number;
  /** Largest profile accepted; an object already bigger than this (even compressed) is refused before download. */
  maxBytes: number;
  revalidateMs: number;
  writeIndex: boolean;
  anchor: AnchorOptions;
  /** Bytes of warmed profiles no query has used yet (0: no warm-up). */
  warmBytes?: number;
}

export interface ProfileServiceEvents {
  cacheHit?(): void;
  cacheMiss?(): void;
  parsed?(seconds: number, from: 'parse' | 'index'): void;
  storageError?(kind: string): void;
  indexWriteFailed?(key: string, message: string): void;
  /** A query used a warmed profile for the first time. */
  warmHit?(): void;
}

interface Flight {
  promise: Promise<LoadedProfile>;
  /** Started by warm-up. */
  warmUp: boolean;
  /** Started by warm-up and no query has joined yet (once one does, the result is the query's). */
  warmOnly: boolean;
}

/** A failure of the parser itself (a crash) may not recur: retried after this long. */
const TRANSIENT_FAILURE_TTL_MS = 30_000;
/** Failures the bytes cause (too large, corrupt, unsupported) recur for the same version: kept this long. */
const CONTENT_FAILURE_TTL_MS = 24 * 3600_000;
const CONTENT_FAILURES: ReadonlyArray<ParseFailure['kind']> = ['too-large', 'corrupt', 'unsupported'];
const STORAGE_FAILURES: ReadonlyArray<ParseFailure['kind']> = ['timeout', 'unavailable', 'denied', 'shutdown'];
/** Known object versions, and ids found missing (kept apart, so a flood of bad ids cannot evict the good ones). */
const MAX_VERSIONS = 10_000;
const MAX_MISSING = 2_000;
const MAX_FAILURES = 10_000;

type Failure = Extract<ParseState, { state: 'failed' }>;

export class ProfileService {
  private readonly cache: LRUCache<string, LoadedProfile>;
  private readonly inflight = new Map<string, Flight>();
  /** Cached warm loads no query has used yet (bounded by the cache: removed on eviction). */
  private readonly unqueried = new Map<string, { bytes: number; modified: number }>();
  private unqueriedTotal = 0;
  private readonly versions = new LRUCache<string, { info: ObjectInfo }>({ max: MAX_VERSIONS });
  private readonly missing: LRUCache<string, true>;
  /** Parse progress of loads in flight (bounded by `inflight`). */
  private readonly progress = new Map<string, Extract<ParseState, { state: 'parsing' }>>();
  private readonly failures = new LRUCache<string, Failure>({ max: MAX_FAILURES, ttlAutopurge: false });
  /** The keys loaded on behalf of the caller of `recordLoads` (a query), whichever code path asks for them. */
  private readonly loadRecorder = new AsyncLocalStorage<Set<string>>();

  constructor(
    private readonly storage: ObjectStorage,
    private readonly pool: WorkerPool,
    private readonly options: ProfileServiceOptions,
    private readonly events: ProfileServiceEvents = {}
  ) {
    this.cache = new LRUCache({
      maxSize: options.cacheBytes,
      sizeCalculation: (p) => Math.max(1, p.bytes),
      dispose: (_profile, id) => this.markQueried(id),
    });
    // A missing id is re-checked as often as a known one is revalidated (at least every second).
    this.missing = new LRUCache({ max: MAX_MISSING, ttl: Math.max(1, Math.min(options.revalidateMs, 1000)) });
  }

  /** How many entries the bookkeeping holds (for /metrics and the load checks). */
  get trackedEntries(): number {
    return this.versions.size + this.missing.size + this.failures.size + this.progress.size + this.inflight.size;
  }

  get cachedBytes(): number {
    return this.cache.calculatedSize ?? 0;
  }

  get cachedProfiles(): number {
    return this.cache.size;
  }

  /** Warmed profiles held that no query has used yet, and their bytes. */
  get unqueriedWarm(): { profiles: number; bytes: number } {
    return { profiles: this.unqueried.size, bytes: this.unqueriedTotal };
  }

  /** Bytes a warm load may still add: free cache room, within the warm budget. */
  get warmRoom(): number {
    const free = this.options.cacheBytes - this.cachedBytes;
    return Math.max(0, Math.min(free, (this.options.warmBytes ?? 0) - this.unqueriedTotal));
  }

  /** The object's current version; StorageError('not-found') when it is gone. */
  async current(key: string): Promise<ObjectInfo> {
    if (this.missing.has(key)) {
      throw new StorageError('not-found', `no profile ${key}`);
    }
    const known = this.versions.get(key);
    if (known) {
      return known.info;
    }
    const info = await this.storage.head(key).catch((e) => {
      this.events.storageError?.(e instanceof StorageError ? e.kind : 'unavailable');
      throw e;
    });
    if (!info) {
      this.versions.delete(key);
      if (this.options.revalidateMs > 0) {
        this.missing.set(key, true);
      }
      throw new StorageError('not-found', `no profile ${key}`);
    }
    if (this.options.revalidateMs > 0) {
      this.versions.set(key, { info }, { ttl: this.options.revalidateMs });
    }
    return info;
  }

  /**
   * Runs `fn`, adding to `keys` every profile it loads (in any of its async continuations): what a query waits on,
   * found without the query code having to report it.
   */
  recordLoads<T>(keys: Set<string>, fn: () => Promise<T>): Promise<T> {
    return this.loadRecorder.run(keys, fn);
  }

  /** Whether the load in flight for this version was started by warm-up (no query asked for it first). */
  warming(key: string, etag: string): boolean {
    return this.inflight.get(versionId(key, etag))?.warmUp ?? false;
  }

  /** Parse progress of a load in flight for `key` (any version), or undefined when it is not being parsed. */
  parsing(key: string): { bytesRead: number; totalBytes: number } | undefined {
    const prefix = versionId(key, '');
    for (const [id, state] of this.progress) {
      if (id.startsWith(prefix)) {
        return { bytesRead: state.bytesRead, totalBytes: state.totalBytes };
      }
    }
    return undefined;
  }

  /**
   * The parsed profile, loading it if needed. `format` reads it as that format instead of detecting it (the API's
   * `format=`): such a read is cached apart from the detected one, and shares no index file.
   */
  async load(key: string, format?: ProfileFormat): Promise<LoadedProfile> {
    this.loadRecorder.getStore()?.add(key);
    const info = await this.current(key);
    if (info.size > this.options.maxBytes) {
      throw new ParseFailure('too-large', `${key} is ${info.size} bytes, over the ${this.options.maxBytes}-byte limit`);
    }
    const id = versionId(key, info.etag, format);
    const hit = this.cache.get(id);
    if (hit) {
      this.events.cacheHit?.();
      if (this.markQueried(id)) {
        this.events.warmHit?.();
      }
      return hit;
    }
    const failed = this.failures.get(id);
    if (failed) {
      throw new ParseFailure(failed.kind, failed.message);
    }
    let flight = this.inflight.get(id);
    if (!flight) {
      this.events.cacheMiss?.();
      flight = this.startLoad(id, key, info, format, false);
    } else if (flight.warmOnly) {
      flight.warmOnly = false; // a query joins the warm load: it is now the query's
      this.events.warmHit?.();
    }
    return flight.promise;
  }

  /**
   * Loads the current version of `key` for nobody in particular (warm-up). It is kept only if it fits the free cache
   * room and the warm budget; failures are remembered per version as for a query, so they are not retried.
   */
  async warm(key: string): Promise<WarmOutcome> {
    let info: ObjectInfo;
    try {
      info = await this.current(key);
      if (info.size > this.options.maxBytes) {
        throw new ParseFailure(
          'too-large',
          `${key} is ${info.size} bytes, over the ${this.options.maxBytes}-byte limit`
        );
      }
    } catch (e) {
      return failedOutcome(e);
    }
    const id = versionId(key, info.etag);
    const failed = this.failures.get(id);
    if (failed) {
      return { outcome: 'failed', kind: failed.kind, message: failed.message };
    }
    if (this.cache.has(id) || this.inflight.has(id)) {
      return { outcome: 'present' };
    }
    const flight = this.startLoad(id, key, info, undefined, true);
    let loaded: LoadedProfile;
    try {
      loaded = await flight.promise;
    } catch (e) {
      return failedOutcome(e);
    }
    if (this.cache.peek(versionId(key, loaded.info.etag)) !== loaded) {
      return { outcome: 'no-room', bytes: loaded.bytes };
    }
    return { outcome: 'warmed', bytes: loaded.bytes, etag: loaded.info.etag };
  }

  /** Drops `key`'s warmed version `etag` if no query has used it (the object was replaced or removed). */
  discardUnqueried(key: string, etag: string): boolean {
    const id = versionId(key, etag);
    return this.unqueried.has(id) && this.cache.delete(id);
  }

  private startLoad(
    id: string,
    key: string,
    info: ObjectInfo,
    format: ProfileFormat | undefined,
    warmOnly: boolean
  ): Flight {
    const flight: Flight = { warmUp: warmOnly, warmOnly, promise: Promise.resolve(undefined as never) };
    flight.promise = this.loadVersion(key, info, format, flight).finally(() => this.inflight.delete(id));
    this.inflight.set(id, flight);
    return flight;
  }

  private oldestUnqueried(): string {
    let oldest: [string, number] | undefined;
    for (const [id, { modified }] of this.unqueried) {
      if (!oldest || modified < oldest[1]) {
        oldest = [id, modified];
      }
    }
    return oldest![0];
  }

  /** Forgets that `id` is an unqueried warm load; true when it was one. */
  private markQueried(id: string): boolean {
    const entry = this.unqueried.get(id);
    if (entry === undefined) {
      return false;
    }
    this.unqueried.delete(id);
    this.unqueriedTotal -= entry.bytes;
    return true;
  }

  /**
   * Files a loaded profile in the cache. A query's result makes room by evicting unqueried warm loads first (of the
   * oldest objects first: the least likely to be asked for), then the LRU does the rest as always; a warm result only
   * goes into free room within the warm budget.
   */
  private admit(id: string, loaded: LoadedProfile, warmOnly: boolean) {
    const size = Math.max(1, loaded.bytes);
    if (warmOnly) {
      if (size <= this.warmRoom) {
        this.cache.set(id, loaded);
        this.unqueried.set(id, { bytes: size, modified: loaded.info.lastModified.getTime() });
        this.unqueriedTotal += size;
      }
      return;
    }
    while (this.unqueried.size > 0 && this.cachedBytes + size > this.options.cacheBytes) {
      this.cache.delete(this.oldestUnqueried()); // its dispose forgets it in `unqueried`
    }
    this.cache.set(id, loaded);
  }

  /** Already-loaded profile for this version, without loading. */
  peek(key: string, etag: string): LoadedProfile | undefined {
    return this.cache.peek(versionId(key, etag));
  }

  state(key: string, etag: string): ParseState | undefined {
    const id = versionId(key, etag);
    return this.progress.get(id) ?? this.failures.get(id);
  }

  private async loadVersion(
    key: string,
    info: ObjectInfo,
    format: ProfileFormat | undefined,
    flight: Flight
  ): Promise<LoadedProfile> {
    const started = performance.now();
    const id = versionId(key, info.etag, format);
    let loaded: LoadedProfile | undefined;
    try {
      loaded = await this.loadIndex(key, info, format);
      if (!loaded) {
        this.progress.set(id, { state: 'parsing', bytesRead: 0, totalBytes: info.size });
        const result = await this.pool.parse(
          key,
          (bytesRead, totalBytes) => this.progress.set(id, { state: 'parsing', bytesRead, totalBytes }),
          format
        );
        loaded = this.wrap(key, { ...info, ...result.info, metadata: info.metadata }, result.store, 'parse');
        // The index is of the detected read: another replica opening the profile plainly must get that.
        if (this.options.writeIndex && format === undefined) {
          this.writeIndex(key, loaded);
        }
      }
      if (loaded.bytes > this.options.cacheBytes) {
        // Kept outside the cache it would be parsed again on every request: say so once, for this version.
        throw new ParseFailure(
          'too-large',
          `${key} needs ${mib(loaded.bytes)} MiB once parsed, more than the ${mib(this.options.cacheBytes)} MiB ` +
            'the sidecar may keep (--cache-memory-mb): raise it to view this profile'
        );
      }
    } catch (e) {
      this.remember(id, e instanceof ParseFailure ? e : new ParseFailure('internal', (e as Error).message));
      throw e instanceof ParseFailure ? e : new ParseFailure('internal', (e as Error).message);
    } finally {
      this.progress.delete(id);
    }
    this.events.parsed?.((performance.now() - started) / 1000, loaded.loadedFrom);
    loaded.warmed = flight.warmUp;
    // The object may have changed between HEAD and GET: file it under the version actually read.
    this.admit(versionId(key, loaded.info.etag, format), loaded, flight.warmOnly);
    return loaded;
  }

  private remember(id: string, failure: ParseFailure) {
    if (STORAGE_FAILURES.includes(failure.kind)) {
      // Storage trouble is not the profile's fault: retry on the next request.
      this.events.storageError?.(failure.kind);
      return;
    }
    const ttl = CONTENT_FAILURES.includes(failure.kind) ? CONTENT_FAILURE_TTL_MS : TRANSIENT_FAILURE_TTL_MS;
    this.failures.set(id, { state: 'failed', kind: failure.kind, message: failure.message }, { ttl });
  }

  private wrap(key: string, info: ObjectInfo, store: ProfileStore, from: LoadedProfile['loadedFrom']): LoadedProfile {
    return {
      key,
      info,
      store,
      anchor: anchorProfile(store, info, this.options.anchor),
      loadedFrom: from,
      bytes: storeByteSize(store),
      warmed: false,
    };
  }

  /** A `<key>.idx` written by any replica for this exact version (and the format asked for), or undefined. */
  private async loadIndex(
    key: string,
    info: ObjectInfo,
    format: ProfileFormat | undefined
  ): Promise<LoadedProfile | undefined> {
    try {
      const index = await this.storage.head(key + INDEX_SUFFIX);
      if (!index) {
        return undefined;
      }
      const { body } = await this.storage.get(key + INDEX_SUFFIX);
      const chunks: Uint8Array[] = [];
      for await (const chunk of body) {
        chunks.push(chunk);
      }
      const store = decodeStore(Buffer.concat(chunks), info.etag);
      if (format !== undefined && store.format !== format) {
        return undefined; // the index is of another reading of the bytes
      }
      return this.wrap(key, info, store, 'index');
    } catch {
      return undefined; // stale, foreign or unreadable index: parse instead
    }
  }

  private writeIndex(key: string, loaded: LoadedProfile) {
    this.storage
      .put(key + INDEX_SUFFIX, encodeStore(loaded.store, loaded.info.etag))
      .catch((e) => this.events.indexWriteFailed?.(key, (e as Error).message));
  }
}

function failedOutcome(e: unknown): WarmOutcome {
  const failure = e instanceof ParseFailure ? e : undefined;
  if (failure) {
    return { outcome: 'failed', kind: failure.kind, message: failure.message };
  }
  const kind = e instanceof StorageError ? e.kind : 'internal';
  return { outcome: 'failed', kind, message: (e as Error).message };
}

function mib(bytes: number): string {
  return (bytes / (1024 * 1024)).toFixed(0);
}

/** A loaded reading of a profile: its key, version, and the format it was read as when not detected. */
function versionId(key: string, etag: string, format?: ProfileFormat): string {
  return format === undefined ? `${key}\u0000${etag}` : `${key}\u0000${etag}\u0000${format}`;
}
