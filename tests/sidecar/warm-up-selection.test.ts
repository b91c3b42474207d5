/**
 * Warm-up without I/O: which objects are chosen (recent, newest first, within the room), and the scheduler's rules
 * against a fake store and profile service — one warm load at a time and only while the pool is idle, each version
 * tried once (failures not retried on every listing, storage trouble a few times), replaced and removed objects;
 * and the flags.
 */
import { ConfigError, configHelp, loadConfig } from '../../sidecar/config';
import { parseDuration } from '../../sidecar/duration';
import { estimateParsedBytes, selectWarmCandidates, WarmUp, WarmUpDeps } from '../../sidecar/profiles/warm-up';
import { WarmOutcome } from '../../sidecar/profiles/profile-service';
import { ObjectInfo, ObjectStorage } from '../../sidecar/storage/types';

const NOW = Date.parse('2026-11-17T12:00:00Z');
const MIN = 60_000;
const HOUR = 60 * MIN;

function object(key: string, minutesAgo: number, size = 1000, etag = `e-${key}`): ObjectInfo {
  return { key, size, etag, lastModified: new Date(NOW - minutesAgo * MIN) };
}

describe('selectWarmCandidates', () => {
  const select = (objects: ObjectInfo[], roomBytes = Infinity, extra = {}) =>
    selectWarmCandidates({ objects, nowMs: NOW, windowMs: HOUR, roomBytes, ...extra }).map((o) => o.key);

  it('takes the objects modified within the window, newest first', () => {
    const objects = [object('a.perf', 50), object('b.perf', 5), object('old.perf', 61), object('c.perf', 20)];
    expect(select(objects)).toEqual(['b.perf', 'c.perf', 'a.perf']);
  });

  it('orders objects modified at the same instant by key', () => {
    expect(select([object('z.perf', 1), object('m.perf', 1), object('a.perf', 1)])).toEqual([
      'a.perf',
      'm.perf',
      'z.perf',
    ]);
  });

  it('accepts a little clock skew into the future, not more', () => {
    expect(select([object('skewed.perf', -2), object('far-future.perf', -60)])).toEqual(['skewed.perf']);
  });

  it('leaves out what is not a profile, folders that could not be listed, and settled versions', () => {
    const objects = [
      object('p.perf', 1),
      object('p.perf.idx', 1),
      object('notes.md', 1),
      object('empty.perf', 1, 0),
      { ...object('broken/', 1), listingError: 'cannot list this folder: permission denied' },
      object('done.perf', 1),
    ];
    expect(select(objects, Infinity, { settled: (o: ObjectInfo) => o.key === 'done.perf' })).toEqual(['p.perf']);
  });

  it('fills the room newest first, passing over a profile too big for what is left', () => {
    const sizes: Record<string, number> = { 'a.perf': 60, 'b.perf': 50, 'c.perf': 30, 'd.perf': 20 };
    const objects = [object('a.perf', 1), object('b.perf', 2), object('c.perf', 3), object('d.perf', 4)];
    expect(select(objects, 100, { sizeOf: (o: ObjectInfo) => sizes[o.key] })).toEqual(['a.perf', 'c.perf']);
    expect(select(objects, 0, { sizeOf: (o: ObjectInfo) => sizes[o.key] })).toEqual([]);
  });

  it('estimates a gzip object bigger once parsed than plain text of the same size', () => {
    expect(estimateParsedBytes(object('a.perf.gz', 1, 1000))).toBeGreaterThan(
      estimateParsedBytes(object('a.perf', 1, 1000))
    );
  });
});

/** A store whose listing the test sets, and a profile service whose warm loads the test resolves. */
class Fakes {
  objects: ObjectInfo[] = [];
  now = NOW;
  room = 1e9;
  pool = { busy: 0, queued: 0 };
  warmCalls: string[] = [];
  discarded: string[] = [];
  active = 0;
  maxActive = 0;
  outcome: (key: string) => WarmOutcome = () => ({ outcome: 'warmed', bytes: 10, etag: 'e' });
  listFails = false;
  private gates: Array<() => void> = [];
  /** When set, warm loads wait until release() is called. */
  holding = false;

  readonly storage = {
    description: 'fake://',
    list: (prefix: string) => this.list(prefix),
  } as unknown as ObjectStorage;

  private async *list(_prefix: string): AsyncIterable<ObjectInfo> {
    if (this.listFails) {
      throw new Error('the store is down');
    }
    yield* this.objects;
  }

  readonly profiles: WarmUpDeps['profiles'] = {
    warm: async (key: string) => {
      this.warmCalls.push(key);
      this.active++;
      this.maxActive = Math.max(this.maxActive, this.active);
      if (this.holding) {
        await new Promise<void>((resolve) => this.gates.push(resolve));
      }
      this.active--;
      const current = this.objects.find((o) => o.key === key);
      const result = this.outcome(key);
      return result.outcome === 'warmed' ? { ...result, etag: current?.etag ?? 'gone' } : result;
    },
    get warmRoom() {
      return fakes.room;
    },
    discardUnqueried: (key: string, etag: string) => this.discarded.push(`${key}@${etag}`) > 0,
  } as WarmUpDeps['profiles'];

  release() {
    this.gates.splice(0).forEach((go) => go());
  }
}

let fakes: Fakes;
let warmUp: WarmUp;
const silent = { info() {}, warn() {}, debug() {} };

function makeWarmUp(extra: Partial<WarmUpDeps> = {}) {
  return new WarmUp(
    { storage: fakes.storage, profiles: fakes.profiles, pool: fakes.pool, log: silent, now: () => fakes.now, ...extra },
    { windowMs: HOUR, intervalMs: 1000 }
  );
}

async function until(condition: () => boolean, what: string) {
  for (let i = 0; i < 400; i++) {
    if (condition()) {
      return;
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Lets queued promise callbacks and short timers run. */
const settle = () => new Promise((r) => setTimeout(r, 50));

beforeEach(() => {
  fakes = new Fakes();
  warmUp = makeWarmUp();
});
afterEach(() => warmUp.stop());

describe('WarmUp', () => {
  it('warms recent profiles newest first, one at a time', async () => {
    fakes.objects = [object('a.perf', 30), object('b.perf', 10), object('c.perf', 20), object('old.perf', 90)];
    fakes.holding = true;
    await warmUp.round();
    await until(() => fakes.warmCalls.length === 1, 'the first warm load');
    await settle();
    expect(fakes.warmCalls).toEqual(['b.perf']); // the next waits for this one
    for (let i = 2; i <= 3; i++) {
      fakes.release();
      await until(() => fakes.warmCalls.length === i, `warm load ${i}`);
    }
    fakes.release();
    await settle();
    expect(fakes.warmCalls).toEqual(['b.perf', 'c.perf', 'a.perf']);
    expect(fakes.maxActive).toBe(1);
  });

  it('starts no warm load while a parse runs or waits in the pool, and starts once it is idle', async () => {
    fakes.objects = [object('a.perf', 1)];
    fakes.pool.busy = 1;
    await warmUp.round();
    await settle();
    fakes.pool.busy = 0;
    fakes.pool.queued = 1;
    await settle();
    expect(fakes.warmCalls).toEqual([]);
    fakes.pool.queued = 0;
    await until(() => fakes.warmCalls.length === 1, 'the warm load once the pool is idle');
  });

  it('tries each version once: warmed, failed or already loaded versions are not tried on the next listings', async () => {
    fakes.objects = [object('ok.perf', 1), object('corrupt.perf', 2), object('loaded.perf', 3)];
    fakes.outcome = (key) =>
      key === 'corrupt.perf'
        ? { outcome: 'failed', kind: 'corrupt', message: 'not a profile' }
        : key === 'loaded.perf'
          ? { outcome: 'present' }
          : { outcome: 'warmed', bytes: 10, etag: '' };
    for (let i = 0; i < 3; i++) {
      await warmUp.round();
      await settle();
    }
    expect(fakes.warmCalls).toEqual(['ok.perf', 'corrupt.perf', 'loaded.perf']);
  });

  it('retries storage trouble a few times, further apart each time, then gives up', async () => {
    fakes.objects = [object('flaky.perf', 1)];
    fakes.outcome = () => ({ outcome: 'failed', kind: 'timeout', message: 'timed out' });
    for (let minute = 0; minute < 30; minute++) {
      fakes.now = NOW + minute * 1000; // one listing a second, intervalMs 1000
      await warmUp.round();
      await settle();
    }
    // Tries at 0 s, then 2 s and 4 s later (intervalMs × 2^attempts), and never after the third.
    expect(fakes.warmCalls).toEqual(['flaky.perf', 'flaky.perf', 'flaky.perf']);
  });

  it('warms a replaced object again and drops the unused warmed version; a removed one is dropped, not retried', async () => {
    fakes.objects = [object('r.perf', 1, 1000, 'v1'), object('gone.perf', 2, 1000, 'g1')];
    await warmUp.round();
    await until(() => fakes.warmCalls.length === 2, 'both warmed');
    fakes.objects = [object('r.perf', 0, 1200, 'v2')];
    await warmUp.round();
    await until(() => fakes.warmCalls.length === 3, 'the replaced object warmed again');
    expect(fakes.warmCalls).toEqual(['r.perf', 'gone.perf', 'r.perf']);
    expect(fakes.discarded.sort()).toEqual(['gone.perf@g1', 'r.perf@v1']);
    await warmUp.round();
    await settle();
    expect(fakes.warmCalls).toHaveLength(3);
    expect(fakes.discarded).toHaveLength(2);
  });

  it('keeps a warmed version whose folder could not be listed this time', async () => {
    fakes.objects = [object('dir/p.perf', 1, 1000, 'v1')];
    await warmUp.round();
    await until(() => fakes.warmCalls.length === 1, 'warmed');
    fakes.objects = [{ ...object('dir/', 1), listingError: 'cannot list this folder: permission denied' }];
    await warmUp.round();
    await settle();
    expect(fakes.discarded).toEqual([]);
  });

  it('warms nothing without room, and a profile too big for the room only once the room is there', async () => {
    fakes.objects = [object('big.perf', 1, 100)]; // estimated at 25 bytes parsed
    fakes.room = 0;
    await warmUp.round();
    await settle();
    expect(fakes.warmCalls).toEqual([]);
    fakes.room = 100;
    fakes.outcome = () => ({ outcome: 'no-room', bytes: 500 });
    await warmUp.round();
    await until(() => fakes.warmCalls.length === 1, 'the first try');
    for (let i = 0; i < 3; i++) {
      await warmUp.round(); // its real size (500) is known now: no parse for nothing
      await settle();
    }
    expect(fakes.warmCalls).toHaveLength(1);
    fakes.room = 600;
    fakes.outcome = () => ({ outcome: 'warmed', bytes: 500, etag: '' });
    await warmUp.round();
    await until(() => fakes.warmCalls.length === 2, 'the try once the room is there');
  });

  it('survives a failed listing and asks the catalog before loading an object', async () => {
    fakes.listFails = true;
    await warmUp.round();
    fakes.listFails = false;
    fakes.objects = [object('trace.json', 1), object('p.perf', 2)];
    warmUp.stop();
    warmUp = makeWarmUp({ isProfile: async (info) => !info.key.endsWith('.json') });
    await warmUp.round();
    await until(() => fakes.warmCalls.length === 1, 'the profile warmed');
    await settle();
    expect(fakes.warmCalls).toEqual(['p.perf']);
  });
});

describe('warm-up flags', () => {
  it('reads durations as people write them', () => {
    expect(parseDuration('1h')).toBe(3_600_000);
    expect(parseDuration('2h30m')).toBe(9_000_000);
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('1d')).toBe(86_400_000);
    expect(parseDuration('45')).toBe(45_000);
    for (const off of ['0', 'off', 'OFF', 'none']) {
      expect(parseDuration(off)).toBe(0);
    }
    for (const bad of ['', 'soon', '1h-', '1 h', 'h1', '1w']) {
      expect(parseDuration(bad)).toBeUndefined();
    }
  });

  it('defaults to the last hour, and refuses a bad window or a budget over the cache', () => {
    expect(loadConfig({}, {})).toMatchObject({ warmRecent: '1h', warmIntervalMs: 30000 });
    expect(loadConfig({ 'warm-recent': 'off' }, {}).warmRecent).toBe('off');
    expect(loadConfig({}, { FLAMESCOPE_WARM_RECENT: '15m', FLAMESCOPE_WARM_MAX_MB: '100' })).toMatchObject({
      warmRecent: '15m',
      warmMaxMb: 100,
    });
    expect(() => loadConfig({ 'warm-recent': 'lately' }, {})).toThrow(ConfigError);
    expect(() => loadConfig({ 'warm-max-mb': '2048', 'cache-memory-mb': '1024' }, {})).toThrow(/at most/);
    expect(() => loadConfig({ 'warm-max-mb': '0' }, {})).toThrow(ConfigError);
    expect(() => loadConfig({ 'warm-interval-ms': '10' }, {})).toThrow(ConfigError);
    expect(configHelp()).toMatch(/--warm-recent VALUE +FLAMESCOPE_WARM_RECENT/);
  });
});
