/**
 * Where profiles live. Keys are relative to the storage root (a folder, or a bucket prefix) and use `/`.
 */
export interface ObjectInfo {
  key: string;
  size: number;
  /** Changes whenever the content does (S3 ETag; size + mtime for files). */
  etag: string;
  lastModified: Date;
  /** User metadata (S3 `x-amz-meta-*`, names lower-case without the prefix). Only from head/get, not list. */
  metadata?: Record<string, string>;
  /**
   * Set only on a listing entry for a folder (key ending in `/`) that could not be listed — one sentence, no server
   * paths — so the catalog reports it instead of silently leaving its profiles out.
   */
  listingError?: string;
}

export interface ObjectStorage {
  /** For logs and /healthz: `file:///…` or `s3://bucket/prefix` (never credentials). */
  readonly description: string;
  /** Every object under `prefix` (relative to the root), in key order, following pagination. */
  list(prefix: string, signal?: AbortSignal): AsyncIterable<ObjectInfo>;
  /** The object's current version, or undefined when it does not exist. */
  head(key: string, signal?: AbortSignal): Promise<ObjectInfo | undefined>;
  /** The object's bytes as a stream. Throws StorageError('not-found') when it does not exist. */
  get(key: string, signal?: AbortSignal): Promise<{ info: ObjectInfo; body: AsyncIterable<Uint8Array> }>;
  put(key: string, bytes: Uint8Array, metadata?: Record<string, string>): Promise<void>;
  /** Resolves when the storage root is reachable and readable; throws StorageError (one sentence) when it is not. */
  probe(signal?: AbortSignal): Promise<void>;
}

export type StorageErrorKind = 'not-found' | 'timeout' | 'unavailable' | 'denied' | 'bad-key';

export class StorageError extends Error {
  constructor(
    readonly kind: StorageErrorKind,
    message: string
  ) {
    super(message);
  }
}

/**
 * A key a client may ask for: relative, `/`-separated, no `.`/`..` segments, no backslashes or control characters.
 * Checked before any storage call, so nothing a client sends reaches outside the root.
 */
export function checkKey(key: string): string {
  if (typeof key !== 'string' || key.length === 0 || key.length > 1024) {
    throw new StorageError('bad-key', 'a profile id must be 1 to 1024 characters');
  }

  if (/[\u0000-\u001f\u007f\\]/.test(key) || key.startsWith('/')) {
    throw new StorageError('bad-key', 'a profile id must be a relative path without backslashes or control characters');
  }
  if (key.split('/').some((segment) => segment === '..' || segment === '.' || segment === '')) {
    throw new StorageError('bad-key', 'a profile id must not contain empty, "." or ".." path segments');
  }
  return key;
}

/** A listing prefix: like a key, but may be empty and may end with `/`. */
export function checkPrefix(prefix: string): string {
  if (prefix === '') {
    return prefix;
  }
  checkKey(prefix.endsWith('/') ? prefix.slice(0, -1) : prefix);
  return prefix;
}
