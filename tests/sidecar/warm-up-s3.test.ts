/**
 * Warm-up against a real S3 server (OpenStack Swift + s3api, tests/s3/swift-server.ts): objects uploaded to the
 * bucket are parsed before anyone asks and their `.idx` written back; replaced objects are warmed again, deleted ones
 * dropped and not retried, a corrupt one tried once, a `.json` that is no profile never loaded.
 */
import { DeleteObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { gzipSync } from 'node:zlib';
import { Sidecar } from '../../sidecar/serve';
import { startSwiftS3WithBucket, SwiftS3Server } from '../s3/swift-server';
import { getJson, perfScript, startTestSidecar, steadyProfileWithBurst } from './harness';
import { catalog, corruptGzip, metric, sum, waitFor, waitForListings, waitReady } from './warm-up-helpers';

jest.setTimeout(120_000);

const BUCKET = 'warm';
const profile = steadyProfileWithBurst();

let s3: SwiftS3Server;
let client: S3Client;
let sidecar: Sidecar;

async function put(key: string, body: Uint8Array | string) {
  await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: `prod/${key}`, Body: body }));
}

function heatmap(key: string) {
  return getJson(`${sidecar.url}/api/v1/heatmap?profile=${encodeURIComponent(key)}`);
}

beforeAll(async () => {
  ({ s3, client } = await startSwiftS3WithBucket(BUCKET));
  sidecar = await startTestSidecar({
    storage: `s3://${BUCKET}/prod`,
    s3Endpoint: s3.endpoint,
    s3Region: s3.region,
    s3ListPageSize: 2, // warm-up follows pagination like the catalog
    warmRecent: '1h',
    warmIntervalMs: 200,
    writeIndex: true,
  });
}, 90_000);

afterAll(async () => {
  await sidecar?.close();
  await s3?.stop();
});

describe('warm-up over S3', () => {
  it('parses an uploaded object before anyone asks, writes its index, and answers the first query from memory', async () => {
    const key = 'api/2026-11-17T09:30:00Z.perf.gz';
    await put(key, gzipSync(Buffer.from(profile.text)));
    expect(await waitReady(sidecar, key)).toMatchObject({ warmed: true, samples: profile.samples });
    await waitFor('the index in the bucket', async () => (await catalog(sidecar))[`${key}.idx`] !== undefined);
    const { status, body } = await heatmap(key);
    expect(status).toBe(200);
    expect(sum(body.data.values[3])).toBe(profile.samples);
    expect(await metric(sidecar, 'flamescope_cache_misses_total')).toBe(0);
    expect(await metric(sidecar, 'flamescope_warm_hits_total')).toBe(1);
  });

  it('warms a replaced object again, and drops a deleted one without retrying it', async () => {
    const key = 'web/2026-11-17T10:00:00Z.perf';
    await put(key, profile.text);
    const first = await waitReady(sidecar, key);
    const dropped = await metric(sidecar, 'flamescope_warm_dropped_total', 'reason="replaced"');

    await put(key, perfScript([1, 2, 3].map((i) => ({ time: `1.${i}00000`, stack: ['b'] }))));
    expect(await waitReady(sidecar, key, first.etag)).toMatchObject({ warmed: true, samples: 3 });
    await waitFor('the old version dropped', async () => {
      return (await metric(sidecar, 'flamescope_warm_dropped_total', 'reason="replaced"')) === dropped + 1;
    });

    const warmed = await metric(sidecar, 'flamescope_warm_profiles_total');
    await client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: `prod/${key}` }));
    await waitFor('the deleted version dropped', async () => {
      return (await metric(sidecar, 'flamescope_warm_dropped_total', 'reason="replaced"')) === dropped + 2;
    });
    await waitForListings(sidecar, 3);
    expect((await catalog(sidecar))[key]).toBeUndefined();
    expect(await metric(sidecar, 'flamescope_warm_profiles_total')).toBe(warmed);
    expect(await metric(sidecar, 'flamescope_warm_failures_total', 'kind="not-found"')).toBe(0);
    expect((await heatmap(key)).status).toBe(404);
  });

  it('tries a corrupt object once, and never loads a .json that is no profile', async () => {
    const corrupt = 'bad/2026-11-17T11:00:00Z.perf.gz';
    await put(corrupt, corruptGzip());
    await put('config/settings.json', '{"not": "a profile"}');
    await waitFor('the failure', async () => (await catalog(sidecar))[corrupt]?.status === 'failed');
    await waitForListings(sidecar, 4);
    expect(await metric(sidecar, 'flamescope_warm_failures_total', 'kind="corrupt"')).toBe(1);
    expect(await metric(sidecar, 'flamescope_warm_failures_total', 'kind="unsupported"')).toBe(0);
    expect((await catalog(sidecar))['config/settings.json']).toMatchObject({ status: 'skipped' });
  });
});
