/**
 * Warm-up in a real sidecar over a folder: profiles that land are parsed before anyone asks (the catalog and /metrics
 * say so, the first query is a cache hit, the .idx is written), old ones are not; replaced, removed and corrupt
 * objects; cache pressure (warm-up stops at its room and never evicts a query's profile); queries first (with one
 * parse worker and big profiles warming, a query waits for at most the one warm parse in progress).
 */
import { utimesSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { Sidecar } from '../../sidecar/serve';
import {
  getJson,
  perfScript,
  ProfileFolder,
  startTestSidecar,
  steadyProfileWithBurst,
  writeBigProfile,
} from './harness';
import { catalog, corruptGzip, metric, sum, waitFor, waitForListings, waitReady } from './warm-up-helpers';

jest.setTimeout(120_000);

const profile = steadyProfileWithBurst();
const HOUR_MS = 3600_000;
const MiB = 1024 * 1024;

/** Writes a profile modified `ms` ago (outside a 1 h window when ms > 1 h). */
function writeAged(folder: ProfileFolder, key: string, text: string, ms: number) {
  folder.write(key, text);
  const when = new Date(Date.now() - ms);
  utimesSync(join(folder.root, ...key.split('/')), when, when);
}

function heatmap(sidecar: Sidecar, key: string) {
  return getJson(`${sidecar.url}/api/v1/heatmap?profile=${encodeURIComponent(key)}`);
}

describe('warm-up over a folder', () => {
  const folder = new ProfileFolder();
  let sidecar: Sidecar;
  const OLD = 'old/2026-11-17T08:00:00Z.perf';

  beforeAll(async () => {
    writeAged(folder, OLD, profile.text, 2 * HOUR_MS);
    sidecar = await startTestSidecar({
      storage: folder.url,
      warmRecent: '1h',
      warmIntervalMs: 150,
      writeIndex: true,
    });
  });
  afterAll(async () => {
    await sidecar?.close();
    folder.dispose();
  });

  it('parses a profile that lands before anyone asks; the first query is answered from memory', async () => {
    const key = 'landed/2026-11-17T09:30:00Z.perf';
    folder.write(key, profile.text);
    const entry = await waitReady(sidecar, key);
    expect(entry).toMatchObject({ status: 'ready', warmed: true, samples: profile.samples, spanKnown: true });
    expect(await metric(sidecar, 'flamescope_warm_profiles_total')).toBe(1);
    expect(await metric(sidecar, 'flamescope_warm_bytes_total')).toBeGreaterThan(0);
    expect(await metric(sidecar, 'flamescope_warm_unqueried_profiles')).toBe(1);
    expect(await metric(sidecar, 'flamescope_cache_misses_total')).toBe(0);

    const { status, body } = await heatmap(sidecar, key);
    expect(status).toBe(200);
    expect(sum(body.data.values[3])).toBe(profile.samples);
    expect(await metric(sidecar, 'flamescope_cache_misses_total')).toBe(0);
    expect(await metric(sidecar, 'flamescope_cache_hits_total')).toBe(1);
    expect(await metric(sidecar, 'flamescope_warm_hits_total')).toBe(1);
    expect(await metric(sidecar, 'flamescope_warm_unqueried_profiles')).toBe(0);
    // Still "warmed" once used: it was ready before the query came.
    expect((await catalog(sidecar))[key]).toMatchObject({ status: 'ready', warmed: true });
  });

  it('writes the index of a warmed profile with --write-index', async () => {
    await waitFor('the .idx file', async () =>
      existsSync(join(folder.root, 'landed', '2026-11-17T09:30:00Z.perf.idx'))
    );
  });

  it('leaves profiles older than the window alone', async () => {
    await waitForListings(sidecar, 3);
    expect((await catalog(sidecar))[OLD].status).toBe('not-parsed');
    // Asked for, it loads as always, and is not "warmed".
    expect((await heatmap(sidecar, OLD)).status).toBe(200);
    expect((await catalog(sidecar))[OLD]).toMatchObject({ status: 'ready', warmed: false });
  });

  it('warms a replaced profile again and drops the unused old version; a removed one is dropped, not retried', async () => {
    const key = 'replaced/2026-11-17T10:00:00Z.perf';
    folder.write(key, profile.text);
    const first = await waitReady(sidecar, key);
    const dropped = await metric(sidecar, 'flamescope_warm_dropped_total', 'reason="replaced"');
    const unqueried = await metric(sidecar, 'flamescope_warm_unqueried_profiles');

    const three = perfScript([1, 2, 3].map((i) => ({ time: `1.${i}00000`, stack: ['b'] })));
    folder.write(key, three);
    const second = await waitReady(sidecar, key, first.etag);
    expect(second).toMatchObject({ warmed: true, samples: 3 });
    await waitFor('the old version dropped', async () => {
      return (await metric(sidecar, 'flamescope_warm_dropped_total', 'reason="replaced"')) === dropped + 1;
    });
    expect(await metric(sidecar, 'flamescope_warm_unqueried_profiles')).toBe(unqueried);

    const failures = await metric(sidecar, 'flamescope_warm_failures_total', 'kind="not-found"');
    const warmed = await metric(sidecar, 'flamescope_warm_profiles_total');
    folder.remove(key);
    await waitFor('the removed version dropped', async () => {
      return (await metric(sidecar, 'flamescope_warm_dropped_total', 'reason="replaced"')) === dropped + 2;
    });
    expect(await metric(sidecar, 'flamescope_warm_unqueried_profiles')).toBe(unqueried - 1);
    await waitForListings(sidecar, 3);
    expect(await metric(sidecar, 'flamescope_warm_failures_total', 'kind="not-found"')).toBe(failures);
    expect(await metric(sidecar, 'flamescope_warm_profiles_total')).toBe(warmed);
    expect((await catalog(sidecar))[key]).toBeUndefined();
  });

  it('tries a corrupt profile once, not on every listing, and the catalog says why', async () => {
    const key = 'corrupt/2026-11-17T11:00:00Z.perf.gz';
    folder.write(key, corruptGzip());
    await waitFor('the failure', async () => (await catalog(sidecar))[key]?.status === 'failed');
    await waitForListings(sidecar, 4);
    expect(await metric(sidecar, 'flamescope_warm_failures_total', 'kind="corrupt"')).toBe(1);
    expect((await catalog(sidecar))[key].reason).toMatch(/corrupt/);
  });

  it('does not load a .json that is no profile (it stays skipped)', async () => {
    const key = 'config/settings.json';
    folder.write(key, '{"not": "a profile"}');
    await waitForListings(sidecar, 3);
    expect((await catalog(sidecar))[key]).toMatchObject({ status: 'skipped' });
    expect(await metric(sidecar, 'flamescope_warm_failures_total', 'kind="unsupported"')).toBe(0);
  });
});

/**
 * A warming sidecar whose cache holds `profiles` times the parsed size of the test profile (every profile here parses
 * to that size: measured first with warm-up off), with `queried` (2 h old, so not warmed) loaded by a query.
 */
async function sidecarWithRoom(
  folder: ProfileFolder,
  queried: string,
  profiles: number
): Promise<{ sidecar: Sidecar; storeBytes: number }> {
  folder.write('probe.perf', profile.text);
  const probe = await startTestSidecar({ storage: folder.url });
  await heatmap(probe, 'probe.perf');
  const storeBytes = await metric(probe, 'flamescope_cache_bytes');
  await probe.close();
  folder.remove('probe.perf');
  writeAged(folder, queried, profile.text, 2 * HOUR_MS);
  const cacheMemoryMb = (profiles * storeBytes) / MiB;
  const sidecar = await startTestSidecar({
    storage: folder.url,
    warmRecent: '1h',
    warmIntervalMs: 150,
    cacheMemoryMb,
    warmMaxMb: cacheMemoryMb,
  });
  expect((await heatmap(sidecar, queried)).status).toBe(200);
  return { sidecar, storeBytes };
}

describe('warm-up under cache pressure', () => {
  const folder = new ProfileFolder();
  let sidecar: Sidecar;
  let storeBytes: number;
  const QUERIED = 'queried/2026-11-17T08:00:00Z.perf';
  const RECENT = [1, 2, 3, 4, 5].map((i) => `recent/host-${i}/2026-11-17T09:0${i}:00Z.perf`);

  beforeAll(async () => {
    // Room for the queried profile and 2.5 more; warm-up may use all of it.
    ({ sidecar, storeBytes } = await sidecarWithRoom(folder, QUERIED, 3.5));
  });
  afterAll(async () => {
    await sidecar?.close();
    folder.dispose();
  });

  it('warms only into the free room, newest first, and never evicts the profile a query used', async () => {
    RECENT.forEach((key, i) => {
      folder.write(key, profile.text);
      const when = new Date(Date.now() - (10 - i) * 60_000); // host-5 is the newest
      utimesSync(join(folder.root, ...key.split('/')), when, when);
    });
    await waitFor(
      'warm-up to fill the room',
      async () => (await metric(sidecar, 'flamescope_warm_profiles_total')) >= 2
    );
    await waitForListings(sidecar, 4);
    const entries = await catalog(sidecar);
    const warmed = RECENT.filter((key) => entries[key].status === 'ready');
    expect(warmed).toEqual([RECENT[4], RECENT[3]].sort());
    expect(RECENT.filter((key) => entries[key].status === 'not-parsed')).toHaveLength(3);
    expect(await metric(sidecar, 'flamescope_cache_bytes')).toBeLessThanOrEqual(3.5 * storeBytes);
    // The query's profile is still in memory (the catalog looks without touching the LRU order).
    expect(entries[QUERIED]).toMatchObject({ status: 'ready', warmed: false });
  });

  it("makes room for a query's profile by evicting unused warmed ones first, of the oldest objects first", async () => {
    // The queried profile is the least recently used entry: a plain LRU would evict it first.
    const misses = await metric(sidecar, 'flamescope_cache_misses_total');
    expect((await heatmap(sidecar, RECENT[0])).status).toBe(200);
    let entries = await catalog(sidecar);
    expect(entries[QUERIED].status).toBe('ready');
    expect(entries[RECENT[0]]).toMatchObject({ status: 'ready', warmed: false });
    expect(entries[RECENT[3]].status).toBe('not-parsed'); // the older of the two warmed
    expect(entries[RECENT[4]]).toMatchObject({ status: 'ready', warmed: true });

    expect((await heatmap(sidecar, RECENT[1])).status).toBe(200);
    entries = await catalog(sidecar);
    expect(entries[QUERIED].status).toBe('ready');
    expect(entries[RECENT[4]].status).toBe('not-parsed');
    expect(await metric(sidecar, 'flamescope_cache_bytes')).toBeLessThanOrEqual(3.5 * storeBytes);
    expect(await metric(sidecar, 'flamescope_cache_misses_total')).toBe(misses + 2);
    expect((await heatmap(sidecar, QUERIED)).status).toBe(200);
    expect(await metric(sidecar, 'flamescope_cache_misses_total')).toBe(misses + 2);
  });
});

describe('a warm load bigger than its room', () => {
  const folder = new ProfileFolder();
  let sidecar: Sidecar;
  const QUERIED = 'queried/2026-11-17T08:00:00Z.perf';
  const LANDED = 'landed/2026-11-17T09:00:00Z.perf.gz';

  beforeAll(async () => {
    // Room for the queried profile and half another.
    ({ sidecar } = await sidecarWithRoom(folder, QUERIED, 1.5));
  });
  afterAll(async () => {
    await sidecar?.close();
    folder.dispose();
  });

  it('is parsed (its size is not known before), not kept, and evicts nothing', async () => {
    // A gzip object is small: its first estimate fits the room, so only the real size can keep it out.
    folder.write(LANDED, profile.text, true);
    await waitFor('the parse that does not fit', async () => {
      return (await metric(sidecar, 'flamescope_warm_dropped_total', 'reason="no_room"')) === 1;
    });
    await waitForListings(sidecar, 3);
    expect(await metric(sidecar, 'flamescope_warm_dropped_total', 'reason="no_room"')).toBe(1); // tried once
    const entries = await catalog(sidecar);
    expect(entries[LANDED].status).toBe('not-parsed');
    expect(entries[QUERIED].status).toBe('ready');
    expect(await metric(sidecar, 'flamescope_warm_profiles_total')).toBe(0);
    const misses = await metric(sidecar, 'flamescope_cache_misses_total');
    expect((await heatmap(sidecar, QUERIED)).status).toBe(200);
    expect(await metric(sidecar, 'flamescope_cache_misses_total')).toBe(misses);
  });
});

describe('queries during warm-up', () => {
  const folder = new ProfileFolder();
  let sidecar: Sidecar;
  const BIG = [1, 2, 3].map((i) => `big/host-${i}/2026-11-17T09:0${i}:00Z.perf`);
  const SMALL = 'small/2026-11-17T08:00:00Z.perf';

  beforeAll(async () => {
    // ~60 MB each: long enough to parse that the order of parses shows.
    for (const key of BIG) {
      writeBigProfile(folder, key, 15_000);
    }
    writeAged(folder, SMALL, profile.text, 2 * HOUR_MS);
    sidecar = await startTestSidecar({
      storage: folder.url,
      warmRecent: '1h',
      warmIntervalMs: 150,
      parseWorkers: 1,
      maxProfileMb: 256,
      cacheMemoryMb: 1024,
    });
  });
  afterAll(async () => {
    await sidecar?.close();
    folder.dispose();
  });

  it('answers a query after at most the one warm parse in progress, and a query for the warming profile joins it', async () => {
    const warming = await waitFor('a warm parse in progress', async () => {
      const entries = await catalog(sidecar);
      return BIG.find((key) => entries[key].status === 'parsing' && entries[key].warmed);
    });
    const joined = heatmap(sidecar, warming);
    const small = await heatmap(sidecar, SMALL);
    expect(small.status).toBe(200);
    // Not stuck behind a queue of warm parses: at most the one in progress finished first.
    expect(await metric(sidecar, 'flamescope_warm_profiles_total')).toBeLessThanOrEqual(1);
    expect((await joined).status).toBe(200);
    // The query for the warming profile waited on that load instead of starting its own.
    expect(await metric(sidecar, 'flamescope_cache_misses_total')).toBe(1);
    expect(await metric(sidecar, 'flamescope_warm_hits_total')).toBe(1);
    // Warm-up goes on once the queries are done.
    await waitFor('every big profile warmed', async () => {
      const entries = await catalog(sidecar);
      return BIG.every((key) => entries[key].status === 'ready');
    });
    expect(await metric(sidecar, 'flamescope_warm_profiles_total')).toBe(3);
  });
});
