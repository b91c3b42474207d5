/**
 * The sidecar against a real S3 server (OpenStack Swift + s3api) on 127.0.0.1, through @aws-sdk/client-s3: paginated
 * listing, gzip objects, metadata and key anchoring, replaced and deleted objects, storage down and slow (502/504,
 * then recovery), a truncated gzip, an oversized object, and index files written back to the bucket.
 */
import { DeleteObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Sidecar } from '../../sidecar/serve';
import { startSwiftS3WithBucket, SwiftS3Server } from '../s3/swift-server';
import { getJson, perfScript, startTestSidecar, steadyProfileWithBurst } from './harness';

jest.setTimeout(60_000);

const BUCKET = 'profiles';
const KEY_ANCHORED = 'api-7f9c/2026-11-17T09:30:00Z.perf.gz';
const META_ANCHORED = 'api-meta/capture.perf';
const profile = steadyProfileWithBurst();

let s3: SwiftS3Server;
let client: S3Client;
let sidecar: Sidecar;

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

async function put(key: string, body: Uint8Array | string, metadata?: Record<string, string>) {
  await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: `prod/${key}`, Body: body, Metadata: metadata }));
}

function heatmapUrl(key: string, extra = '') {
  return `${sidecar.url}/api/v1/heatmap?profile=${encodeURIComponent(key)}${extra}`;
}

beforeAll(async () => {
  ({ s3, client } = await startSwiftS3WithBucket(BUCKET));
  await put(KEY_ANCHORED, gzipSync(Buffer.from(profile.text)));
  await put(META_ANCHORED, profile.text, { 'flamescope-start': '2026-11-17T10:00:00Z' });
  for (let i = 0; i < 5; i++) {
    await put(`many/host-${i}/2026-11-17T11:0${i}:00Z.perf`, perfScript([{ time: '1.000000', stack: ['a'] }]));
  }
  await put('notes.md', '# notes');
  // Every other format FlameScope opens, read through S3 like perf script.
  const fixture = (...path: string[]) => readFileSync(join(__dirname, '..', 'fixtures', ...path));
  await put(
    'formats/web-2026-11-17T12:00:00Z.cpuprofile.gz',
    gzipSync(fixture('chrome', 'Chrome-65-simple.cpuprofile'))
  );
  await put('formats/page-2026-11-17T12:05:00Z.json', fixture('chrome', 'Chrome-69-simple.json'));
  await put('formats/node-2026-11-17T12:10:00Z.nflxprofile', fixture('nflxprofile', 'nodejs1.nflxprofile'));
  await put('formats/stacks.folded', 'app;main;work 7\napp;main;idle 3\n');
  await put('outside-prefix-marker.perf', 'x');
  await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'other/elsewhere.perf', Body: profile.text }));
  sidecar = await startTestSidecar({
    storage: `s3://${BUCKET}/prod`,
    s3Endpoint: s3.endpoint,
    s3Region: s3.region,
    s3ListPageSize: 2,
    storageTimeoutMs: 1500,
    requestTimeoutMs: 10_000,
    writeIndex: true,
  });
}, 90_000);

afterAll(async () => {
  await sidecar?.close();
  await s3?.stop();
});

describe('sidecar over S3', () => {
  it('lists every object under the prefix across pages, relative to it', async () => {
    const { status, body } = await getJson(`${sidecar.url}/api/v1/profiles`);
    expect(status).toBe(200);
    const ids = body.profiles.map((p: any) => p.id);
    expect(ids).toEqual(expect.arrayContaining([KEY_ANCHORED, META_ANCHORED, 'notes.md']));
    expect(ids.filter((id: string) => id.startsWith('many/'))).toHaveLength(5);
    expect(ids).not.toContain('other/elsewhere.perf');
    expect(body.profiles.find((p: any) => p.id === 'notes.md')).toMatchObject({ status: 'skipped' });
    const sub = await getJson(`${sidecar.url}/api/v1/profiles?prefix=many/`);
    expect(sub.body.profiles).toHaveLength(5);
  });

  it('parses a gzip object placed by the instant in its key', async () => {
    const { status, body } = await getJson(heatmapUrl(KEY_ANCHORED));
    expect(status).toBe(200);
    expect(sum(body.data.values[3])).toBe(profile.samples);
    expect(body.data.values[0][0]).toBe(Date.parse('2026-11-17T09:30:00Z'));
    expect(body.schema.meta.custom.profiles[0].anchor.method).toBe('key-pattern');
  });

  it('places an object by its x-amz-meta-flamescope-start metadata', async () => {
    const { body } = await getJson(heatmapUrl(META_ANCHORED));
    expect(body.schema.meta.custom.profiles[0].anchor.method).toBe('object-metadata');
    expect(body.data.values[0][0]).toBe(Date.parse('2026-11-17T10:00:00Z'));
  });

  it('reads every format from the bucket: .cpuprofile.gz, a Chrome trace, nflxprofile and folded stacks', async () => {
    const cpu = await getJson(heatmapUrl('formats/web-2026-11-17T12:00:00Z.cpuprofile.gz'));
    expect(cpu.status).toBe(200);
    expect(sum(cpu.body.data.values[3])).toBe(29);
    const trace = await getJson(heatmapUrl('formats/page-2026-11-17T12:05:00Z.json'));
    expect(trace.status).toBe(200);
    expect(sum(trace.body.data.values[3])).toBeGreaterThan(0);
    const nflx = await getJson(
      `${sidecar.url}/api/v1/flamegraph?profile=${encodeURIComponent('formats/node-2026-11-17T12:10:00Z.nflxprofile')}`
    );
    expect(nflx.status).toBe(200);
    expect(nflx.body.data.values[1][0]).toBeGreaterThan(0);
    const folded = 'formats/stacks.folded';
    const foldedHeat = await getJson(heatmapUrl(folded));
    expect(foldedHeat).toMatchObject({ status: 422, body: { message: expect.stringMatching(/carry no timestamps/) } });
    const foldedFlame = await getJson(`${sidecar.url}/api/v1/flamegraph?profile=${encodeURIComponent(folded)}`);
    expect(foldedFlame.body.data.values[1][0]).toBe(10);
    const { body } = await getJson(`${sidecar.url}/api/v1/profiles?prefix=formats/`);
    const formats = Object.fromEntries(body.profiles.map((p: any) => [p.id, p.format]));
    expect(formats).toMatchObject({
      'formats/web-2026-11-17T12:00:00Z.cpuprofile.gz': 'cpuprofile',
      'formats/page-2026-11-17T12:05:00Z.json': 'chrome-trace',
      'formats/node-2026-11-17T12:10:00Z.nflxprofile': 'nflxprofile',
      'formats/stacks.folded': 'folded',
    });
  });

  it('stitches every profile under a prefix that overlaps the range', async () => {
    const from = Date.parse('2026-11-17T11:00:00Z');
    const { status, body } = await getJson(
      `${sidecar.url}/api/v1/heatmap?prefix=many/&from=${from}&to=${from + 10 * 60_000}`
    );
    expect(status).toBe(200);
    expect(sum(body.data.values[3])).toBe(5);
    expect(body.schema.meta.custom.profiles).toHaveLength(5);
  });

  it('writes an index next to the profile, tagged with its ETag', async () => {
    await getJson(heatmapUrl(KEY_ANCHORED));
    for (let i = 0; i < 40; i++) {
      const { body } = await getJson(`${sidecar.url}/api/v1/profiles?prefix=api-7f9c/`);
      if (body.profiles.some((p: any) => p.id === `${KEY_ANCHORED}.idx`)) {
        return;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('no index was written');
  });

  it('re-parses a replaced object and answers 404 for a deleted one', async () => {
    const key = 'replace/2026-11-17T12:00:00Z.perf';
    await put(key, perfScript([{ time: '1.000000', stack: ['a'] }]));
    expect(sum((await getJson(heatmapUrl(key))).body.data.values[3])).toBe(1);
    await put(key, perfScript([1, 2, 3].map((i) => ({ time: `1.${i}00000`, stack: ['b'] }))));
    expect(sum((await getJson(heatmapUrl(key))).body.data.values[3])).toBe(3);
    await client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: `prod/${key}` }));
    const gone = await getJson(heatmapUrl(key));
    expect(gone.status).toBe(404);
  });

  it('a truncated gzip object gives a partial result with a warning', async () => {
    const gz = gzipSync(Buffer.from(profile.text));
    await put('cut/2026-11-17T13:00:00Z.perf.gz', gz.subarray(0, Math.floor(gz.length * 0.6)));
    const { status, body } = await getJson(heatmapUrl('cut/2026-11-17T13:00:00Z.perf.gz'));
    expect(status).toBe(200);
    expect(sum(body.data.values[3])).toBeLessThan(profile.samples);
    expect(body.schema.meta.notices.some((n: any) => /partial/.test(n.text))).toBe(true);
  });

  it('slow storage gives 504 and dead storage 502; the service recovers', async () => {
    const key = 'slow/2026-11-17T14:00:00Z.perf';
    await put(key, profile.text);
    await s3.pause();
    try {
      const slow = await getJson(heatmapUrl(key));
      expect(slow.status).toBe(504);
      expect(slow.body.error).toMatch(/timeout/);
    } finally {
      await s3.resume();
    }
    await s3.killProxy();
    try {
      const down = await getJson(heatmapUrl(key));
      expect(down.status).toBe(502);
      // The process stays up and says the storage is unreachable (readiness, not liveness).
      const health = await getJson(`${sidecar.url}/healthz`);
      expect(health.status).toBe(503);
      expect(health.body).toMatchObject({ status: 'unavailable', storageError: expect.any(String) });
    } finally {
      await s3.startProxy();
    }
    // The storage check is reused for up to 2 s: poll until it sees the storage again.
    let healthy = 0;
    for (let i = 0; i < 60 && healthy !== 200; i++) {
      healthy = (await getJson(`${sidecar.url}/healthz`)).status;
      if (healthy !== 200) {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    expect(healthy).toBe(200);
    const ok = await getJson(heatmapUrl(key));
    expect(ok.status).toBe(200);
    expect(sum(ok.body.data.values[3])).toBe(profile.samples);
    const metrics = await (await fetch(`${sidecar.url}/metrics`)).text();
    expect(metrics).toMatch(/flamescope_storage_errors_total\{kind="(timeout|unavailable)"\} [1-9]/);
  });
});

describe('sidecar over S3 with a size limit', () => {
  let small: Sidecar;
  beforeAll(async () => {
    small = await startTestSidecar({
      storage: `s3://${BUCKET}/prod`,
      s3Endpoint: s3.endpoint,
      s3Region: s3.region,
      maxProfileMb: 0.01,
    });
  });
  afterAll(async () => small?.close());

  it('refuses an oversized object with 413', async () => {
    const r = await getJson(`${small.url}/api/v1/heatmap?profile=${encodeURIComponent(META_ANCHORED)}`);
    expect(r.status).toBe(413);
    expect(r.body.message).toMatch(/limit/);
  });
});
