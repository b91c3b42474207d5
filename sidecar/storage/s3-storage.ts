/**
 * Profiles in any S3-compatible store (AWS S3, MinIO, Ceph RGW, GCS interop, R2, Swift s3api) through
 * @aws-sdk/client-s3. Credentials come from the standard AWS chain. For non-AWS endpoints: path-style addressing and
 * checksums only when required (else MinIO/GCS reject uploads and s3rver stores aws-chunked framing as the object).
 */
import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ClientConfig,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { checkKey, checkPrefix, ObjectInfo, ObjectStorage, StorageError } from './types';

export interface S3StorageOptions {
  bucket: string;
  /** Key prefix of the storage root inside the bucket ('' or ending with '/'). */
  prefix: string;
  endpoint?: string;
  region?: string;
  pathStyle?: boolean;
  timeoutMs: number;
  /** Objects per listing page (S3's default 1000); small values exercise pagination in tests. */
  listPageSize?: number;
}

export function parseS3Url(url: string): { bucket: string; prefix: string } {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(url);
  if (!m || m[1] === '') {
    throw new StorageError('bad-key', `not an s3:// URL: ${url}`);
  }
  const prefix = m[2] === '' || m[2].endsWith('/') ? m[2] : `${m[2]}/`;
  return { bucket: m[1], prefix };
}

export class S3Storage implements ObjectStorage {
  readonly description: string;
  private readonly client: S3Client;

  constructor(private readonly options: S3StorageOptions) {
    this.description = `s3://${options.bucket}/${options.prefix}`;
    const endpoint = options.endpoint ?? process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL;
    const config: S3ClientConfig = {
      region: options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
      forcePathStyle: options.pathStyle ?? endpoint !== undefined,
      maxAttempts: 2,
      // throwOnRequestTimeout: without it the SDK only warns when a request hangs past requestTimeout.
      requestHandler: {
        connectionTimeout: Math.min(options.timeoutMs, 5000),
        requestTimeout: options.timeoutMs,
        throwOnRequestTimeout: true,
      },
    };
    if (options.endpoint) {
      config.endpoint = options.endpoint;
    }
    // Respect the SDK's own environment when it is set; otherwise what every non-AWS store needs.
    if (!process.env.AWS_REQUEST_CHECKSUM_CALCULATION) {
      config.requestChecksumCalculation = 'WHEN_REQUIRED';
    }
    if (!process.env.AWS_RESPONSE_CHECKSUM_VALIDATION) {
      config.responseChecksumValidation = 'WHEN_REQUIRED';
    }
    this.client = new S3Client(config);
  }

  async *list(prefix: string, signal?: AbortSignal): AsyncIterable<ObjectInfo> {
    checkPrefix(prefix);
    let token: string | undefined;
    do {
      const page = await this.call(
        () =>
          this.client.send(
            new ListObjectsV2Command({
              Bucket: this.options.bucket,
              Prefix: this.options.prefix + prefix,
              ContinuationToken: token,
              MaxKeys: this.options.listPageSize,
            }),
            { abortSignal: signal }
          ),
        'list profiles'
      );
      for (const o of page.Contents ?? []) {
        if (!o.Key || o.Key.endsWith('/')) {
          continue;
        }
        yield {
          key: o.Key.slice(this.options.prefix.length),
          size: o.Size ?? 0,
          etag: unquote(o.ETag),
          lastModified: o.LastModified ?? new Date(0),
        };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async head(key: string, signal?: AbortSignal): Promise<ObjectInfo | undefined> {
    checkKey(key);
    try {
      const r = await this.client.send(
        new HeadObjectCommand({ Bucket: this.options.bucket, Key: this.options.prefix + key }),
        { abortSignal: signal }
      );
      return {
        key,
        size: r.ContentLength ?? 0,
        etag: unquote(r.ETag),
        lastModified: r.LastModified ?? new Date(0),
        metadata: r.Metadata ?? {},
      };
    } catch (e) {
      if (isNotFound(e)) {
        return undefined;
      }
      throw translate(e, `check ${key}`);
    }
  }

  async get(key: string, signal?: AbortSignal): Promise<{ info: ObjectInfo; body: AsyncIterable<Uint8Array> }> {
    checkKey(key);
    const r = await this.call(
      () =>
        this.client.send(new GetObjectCommand({ Bucket: this.options.bucket, Key: this.options.prefix + key }), {
          abortSignal: signal,
        }),
      `read ${key}`
    );
    if (!r.Body) {
      throw new StorageError('unavailable', `storage returned no body for ${key}`);
    }
    return {
      info: {
        key,
        size: r.ContentLength ?? 0,
        etag: unquote(r.ETag),
        lastModified: r.LastModified ?? new Date(0),
        metadata: r.Metadata ?? {},
      },
      body: r.Body as AsyncIterable<Uint8Array>,
    };
  }

  async put(key: string, bytes: Uint8Array, metadata?: Record<string, string>): Promise<void> {
    checkKey(key);
    await this.call(
      () =>
        this.client.send(
          new PutObjectCommand({
            Bucket: this.options.bucket,
            Key: this.options.prefix + key,
            Body: bytes,
            Metadata: metadata,
          })
        ),
      `write ${key}`
    );
  }

  /** One one-key listing of the root prefix: the bucket exists, answers, and lets us list. */
  async probe(signal?: AbortSignal): Promise<void> {
    try {
      await this.call(
        () =>
          this.client.send(
            new ListObjectsV2Command({ Bucket: this.options.bucket, Prefix: this.options.prefix, MaxKeys: 1 }),
            { abortSignal: signal }
          ),
        'list the profile bucket'
      );
    } catch (e) {
      // A missing bucket is the whole storage being unavailable, not a profile that is not found.
      if (e instanceof StorageError && e.kind === 'not-found') {
        throw new StorageError('unavailable', 'cannot list the profile bucket: it does not exist');
      }
      throw e;
    }
  }

  private async call<T>(fn: () => Promise<T>, what: string): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw translate(e, what);
    }
  }
}

function unquote(etag: string | undefined): string {
  return (etag ?? '').replace(/^W\//, '').replace(/"/g, '');
}

function isNotFound(e: unknown): boolean {
  const err = e as S3ServiceException;
  return err?.name === 'NotFound' || err?.name === 'NoSuchKey' || err?.$metadata?.httpStatusCode === 404;
}

/** SDK errors as StorageError with one sentence: what failed and why, never credentials. */
function translate(e: unknown, what: string): StorageError {
  if (e instanceof StorageError) {
    return e;
  }
  const err = e as S3ServiceException & { code?: string };
  if (isNotFound(e)) {
    return new StorageError('not-found', `cannot ${what}: not found`);
  }
  const status = err?.$metadata?.httpStatusCode;
  if (status === 403 || status === 401 || err?.name === 'AccessDenied' || err?.name === 'InvalidAccessKeyId') {
    return new StorageError('denied', `cannot ${what}: storage denied access (${err.name})`);
  }
  if (
    err?.name === 'TimeoutError' ||
    err?.name === 'AbortError' ||
    err?.code === 'ETIMEDOUT' ||
    /timed? ?out/i.test(err?.message ?? '')
  ) {
    return new StorageError('timeout', `cannot ${what}: storage timed out`);
  }
  return new StorageError(
    'unavailable',
    `cannot ${what}: ${err?.name ?? 'error'}: ${err?.message ?? String(e)}`.slice(0, 300)
  );
}
