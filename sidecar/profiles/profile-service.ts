/**
 * Parse once, serve many: resolves a profile id to its current object version (re-checked every `revalidateMs`),
 * loads it at most once per version (single-flight: 50 concurrent first requests → one download and one parse),
 * keeps parsed stores in an LRU bounded by bytes, and shares work with other replicas through `<key>.idx` files.
 */
import { LRUCache } from 'lru-cache';
import { decodeStore, encodeStore, ProfileStore, storeByteSize } from '../../src/profile';
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
}

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
}

export interface ProfileServiceEvents {
  cacheHit?(): void;
  cacheMiss?(): void;
  parsed?(seconds: number, from: 'parse' | 'index'): void;
  storageError?(kind: string): void;
  indexWriteFailed?(key: string, message: string): void;
}

const FAILURE_TTL_MS = 30_000;

export class ProfileService {
  private readonly cache: LRUCache<string, LoadedProfile>;
  private readonly inflight = new Map<string, Promise<LoadedProfile>>();
  private readonly versions = new Map<string, { info: ObjectInfo | undefined; checkedAt: number }>();
  private readonly states = new Map<string, ParseState & { at: number }>();

  constructor(
    private readonly storage: ObjectStorage,
    private readonly pool: WorkerPool,
    private readonly options: ProfileServiceOptions,
    private readonly events: ProfileServiceEvents = {}
  ) {
    this.cache = new LRUCache({
      maxSize: options.cacheBytes,
      sizeCalculation: (p) => Math.max(1, p.bytes),
    });
  }

  get cachedBytes(): number {
    return this.cache.calculatedSize ?? 0;
  }

  get cachedProfiles(): number {
    return this.cache.size;
  }

  /** The object's current version; StorageError('not-found') when it is gone. */
  async current(key: string): Promise<ObjectInfo> {
    const now = Date.now();
    const known = this.versions.get(key);
    let info = known && now - known.checkedAt < this.options.revalidateMs ? known.info : undefined;
    if (!known || now - known.checkedAt >= this.options.revalidateMs) {
      info = await this.storage.head(key).catch((e) => {
        this.events.storageError?.(e instanceof StorageError ? e.kind : 'unavailable');
        throw e;
      });
      this.versions.set(key, { info, checkedAt: now });
    }
    if (!info) {
      throw new StorageError('not-found', `no profile ${key}`);
    }
    return info;
  }

  /** The parsed profile, loading it if needed. */
  async load(key: string): Promise<LoadedProfile> {
    const info = await this.current(key);
    if (info.size > this.options.maxBytes) {
      throw new ParseFailure('too-large', `${key} is ${info.size} bytes, over the ${this.options.maxBytes}-byte limit`);
    }
    const id = versionId(key, info.etag);
    const hit = this.cache.get(id);
    if (hit) {
      this.events.cacheHit?.();
      return hit;
    }
    const failed = this.states.get(id);
    if (failed?.state === 'failed' && Date.now() - failed.at < FAILURE_TTL_MS) {
      throw new ParseFailure(failed.kind, failed.message);
    }
    let pending = this.inflight.get(id);
    if (!pending) {
      this.events.cacheMiss?.();
      pending = this.loadVersion(key, info).finally(() => this.inflight.delete(id));
      this.inflight.set(id, pending);
    }
    return pending;
  }

  /** Already-loaded profile for this version, without loading. */
  peek(key: string, etag: string): LoadedProfile | undefined {
    return this.cache.peek(versionId(key, etag));
  }

  state(key: string, etag: string): ParseState | undefined {
    return this.states.get(versionId(key, etag));
  }

  private async loadVersion(key: string, info: ObjectInfo): Promise<LoadedProfile> {
    const started = performance.now();
    const id = versionId(key, info.etag);
    let loaded = await this.loadIndex(key, info);
    if (!loaded) {
      this.states.set(id, { state: 'parsing', bytesRead: 0, totalBytes: info.size, at: Date.now() });
      try {
        const result = await this.pool.parse(key, (bytesRead, totalBytes) =>
          this.states.set(id, { state: 'parsing', bytesRead, totalBytes, at: Date.now() })
        );
        loaded = this.wrap(key, { ...info, ...result.info, metadata: info.metadata }, result.store, 'parse');
      } catch (e) {
        const failure = e instanceof ParseFailure ? e : new ParseFailure('internal', (e as Error).message);
        if (['timeout', 'unavailable', 'denied'].includes(failure.kind)) {
          this.events.storageError?.(failure.kind);
          this.states.delete(id); // storage trouble is not the profile's fault: retry on the next request
        } else {
          this.states.set(id, { state: 'failed', kind: failure.kind, message: failure.message, at: Date.now() });
        }
        throw failure;
      }
      if (this.options.writeIndex) {
        this.writeIndex(key, loaded);
      }
    }
    this.states.delete(id);
    this.events.parsed?.((performance.now() - started) / 1000, loaded.loadedFrom);
    // The object may have changed between HEAD and GET: file it under the version actually read.
    this.cache.set(versionId(key, loaded.info.etag), loaded);
    return loaded;
  }

  private wrap(key: string, info: ObjectInfo, store: ProfileStore, from: LoadedProfile['loadedFrom']): LoadedProfile {
    return {
      key,
      info,
      store,
      anchor: anchorProfile(store, info, this.options.anchor),
      loadedFrom: from,
      bytes: storeByteSize(store),
    };
  }

  /** A `<key>.idx` written by any replica for this exact version, or undefined. */
  private async loadIndex(key: string, info: ObjectInfo): Promise<LoadedProfile | undefined> {
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

function versionId(key: string, etag: string): string {
  return `${key}\u0000${etag}`;
}
