/**
 * The S3 test server (OpenStack Swift + s3api, see swift-server.ts) behaves like S3 for what the
 * sidecar needs, and can be made slow or down. Needs `.ci/install-s3-server.sh`: without it
 * these tests FAIL (not skip) with a message saying so.
 */
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  ListObjectsV2CommandOutput,
  PutObjectCommand,
  S3Client,
  S3ClientConfig,
} from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { isSwiftAvailable, s3ClientFor, startSwiftS3, SwiftS3Server, SWIFT_MISSING_MESSAGE } from './swift-server';

jest.setTimeout(20_000);

const BUCKET = 'flamescope-it';

let server: SwiftS3Server | undefined;
let s3: S3Client;

function client(extra: Partial<S3ClientConfig> = {}): S3Client {
  if (!server) {
    throw new Error('Swift S3 server did not start');
  }
  return s3ClientFor(server, extra);
}

async function put(key: string, body: string, metadata?: Record<string, string>) {
  return s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body, Metadata: metadata }));
}

async function getText(key: string, range?: string) {
  const res = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key, Range: range }));
  return { res, text: await res.Body!.transformToString() };
}

/** The rejection of `p` (fails the test if it resolves). */
async function rejection(p: Promise<unknown>): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected the request to fail, but it succeeded');
}

beforeAll(async () => {
  if (!isSwiftAvailable()) {
    throw new Error(SWIFT_MISSING_MESSAGE);
  }
  server = await startSwiftS3();
  s3 = client();
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
}, 60_000);

afterAll(async () => {
  s3?.destroy();
  await server?.stop();
}, 30_000);

describe('Swift s3api test server', () => {
  it('has the bucket', async () => {
    const res = await s3.send(new HeadBucketCommand({ Bucket: BUCKET }));
    expect(res.$metadata.httpStatusCode).toBe(200);
  });

  it('stores user metadata and returns it from HeadObject', async () => {
    const start = '2024-05-01T12:34:56.789Z';
    await put('meta/one.txt', 'hello', { 'flamescope-start': start });
    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'meta/one.txt' }));
    expect(head.Metadata).toEqual({ 'flamescope-start': start });
    expect(head.ContentLength).toBe(5);
    const { text } = await getText('meta/one.txt');
    expect(text).toBe('hello');
  });

  it('paginates ListObjectsV2 with MaxKeys and ContinuationToken', async () => {
    const keys = [1, 2, 3, 4, 5].map((i) => `page/obj-${i}`);
    await Promise.all(keys.map((k) => put(k, k)));
    const pages: ListObjectsV2CommandOutput[] = [];
    let token: string | undefined;
    do {
      const page = await s3.send(
        new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'page/', MaxKeys: 2, ContinuationToken: token })
      );
      pages.push(page);
      token = page.NextContinuationToken;
      expect(pages.length).toBeLessThanOrEqual(5);
    } while (token);
    expect(pages.map((p) => (p.Contents ?? []).map((c) => c.Key))).toEqual([
      keys.slice(0, 2),
      keys.slice(2, 4),
      keys.slice(4),
    ]);
    expect(pages.map((p) => p.IsTruncated)).toEqual([true, true, false]);
    expect(pages.map((p) => p.KeyCount)).toEqual([2, 2, 1]);
    expect(pages[0].Contents![0].Size).toBe('page/obj-1'.length);
  });

  it('groups ListObjectsV2 results with Delimiter', async () => {
    await Promise.all(['tree/a/1', 'tree/a/2', 'tree/b/1', 'tree/top.txt'].map((k) => put(k, k)));
    const res = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'tree/', Delimiter: '/' }));
    expect((res.CommonPrefixes ?? []).map((p) => p.Prefix)).toEqual(['tree/a/', 'tree/b/']);
    expect((res.Contents ?? []).map((c) => c.Key)).toEqual(['tree/top.txt']);
    expect(res.IsTruncated).toBe(false);
  });

  it('serves byte ranges, including a suffix range', async () => {
    await put('range/data', '0123456789abcdefghij');
    const first = await getText('range/data', 'bytes=0-9');
    expect(first.text).toBe('0123456789');
    expect(first.res.ContentRange).toBe('bytes 0-9/20');
    expect(first.res.ContentLength).toBe(10);
    expect(first.res.$metadata.httpStatusCode).toBe(206);
    const suffix = await getText('range/data', 'bytes=-5');
    expect(suffix.text).toBe('fghij');
    expect(suffix.res.ContentRange).toBe('bytes 15-19/20');
  });

  it('changes the ETag when an object is overwritten', async () => {
    const md5 = (s: string) => `"${createHash('md5').update(s).digest('hex')}"`;
    const v1 = await put('etag/obj', 'version one');
    const v2 = await put('etag/obj', 'version two');
    expect(v1.ETag).toBe(md5('version one'));
    expect(v2.ETag).toBe(md5('version two'));
    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'etag/obj' }));
    expect(head.ETag).toBe(v2.ETag);
  });

  it('answers 404 NotFound for HeadObject after a delete', async () => {
    await put('gone/obj', 'bye');
    await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'gone/obj' }));
    const err = await rejection(s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'gone/obj' })));
    expect(err.name).toBe('NotFound');
    expect(err.$metadata?.httpStatusCode).toBe(404);
    const getErr = await rejection(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'gone/obj' })));
    expect(getErr.name).toBe('NoSuchKey');
  });

  it('hangs while paused (client timeout) and works again after resume', async () => {
    await put('pause/obj', 'still here');
    await server!.pause();
    try {
      const t0 = Date.now();
      const err = await rejection(
        s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'pause/obj' }), { abortSignal: AbortSignal.timeout(1000) })
      );
      const elapsed = Date.now() - t0;
      expect(err.name).toMatch(/Abort|Timeout/);
      expect(elapsed).toBeGreaterThanOrEqual(900);
      expect(elapsed).toBeLessThan(5000);
    } finally {
      await server!.resume();
    }
    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'pause/obj' }), {
      abortSignal: AbortSignal.timeout(5000),
    });
    expect(head.ContentLength).toBe('still here'.length);
  });

  it('refuses connections while the proxy is killed and keeps the data across a restart', async () => {
    await put('restart/obj', 'durable');
    const once = client({ maxAttempts: 1 });
    try {
      await server!.killProxy();
      const err = await rejection(once.send(new HeadBucketCommand({ Bucket: BUCKET })));
      expect(`${err.name} ${err.message} ${(err as { code?: string }).code ?? ''}`).toMatch(/ECONNREFUSED/);
      await server!.startProxy();
      const { text } = await getText('restart/obj');
      expect(text).toBe('durable');
    } finally {
      once.destroy();
      await server!.startProxy();
    }
  });
});
