/**
 * Storage faults told truthfully, over real files: a missing or unreadable profile folder, unreadable profiles and
 * subfolders, a root swapped for a symlink while running, hidden names, and S3 reachability (a local OpenStack Swift).
 *
 * Tests usually run as root, and root ignores file permissions, so the permission cases run FileStorage (bundled
 * with esbuild) or the sidecar itself in a child process as an unprivileged user; without root, chmod alone does it.
 * No error message may contain the server's absolute paths: they reach HTTP clients.
 */
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { DEFAULT_KEY_TIME_PATTERN } from '../../sidecar/config';
import { Catalog } from '../../sidecar/profiles/catalog';
import { ProfileService } from '../../sidecar/profiles/profile-service';
import { FileStorage } from '../../sidecar/storage/file-storage';
import { S3Storage } from '../../sidecar/storage/s3-storage';
import { ObjectInfo, ObjectStorage, StorageError } from '../../sidecar/storage/types';
import { startSwiftS3WithBucket, SwiftS3Server } from '../s3/swift-server';
import { SidecarProcess, spawnSidecar } from '../../sidecar/testing/spawn-sidecar';
import { getJson, ProfileFolder, steadyProfileWithBurst } from './harness';

jest.setTimeout(60_000);

const REPO = join(__dirname, '..', '..');
const KEY = 'svc/2026-11-17T09:30:00Z.perf';
const profile = steadyProfileWithBurst();
const IS_ROOT = process.getuid?.() === 0;
/** `nobody`: who the permission cases run as when the tests run as root. */
const UNPRIVILEGED = IS_ROOT ? { uid: 65534, gid: 65534 } : {};
const ROOT_UNAVAILABLE = 'the profile folder is missing or unreadable';

/** A ProfileFolder the unprivileged user can reach (mkdtemp makes 0700 folders). */
function sharedFolder(): ProfileFolder {
  const folder = new ProfileFolder();
  chmodSync(folder.root, 0o755);
  return folder;
}

async function rejection(promise: Promise<unknown>): Promise<StorageError> {
  try {
    await promise;
  } catch (e) {
    return e as StorageError;
  }
  throw new Error('expected a rejection');
}

/** One sentence that names no server path. */
function expectTold(e: unknown, kind: string, message: string | RegExp, ...paths: string[]) {
  expect(e).toBeInstanceOf(StorageError);
  expect((e as StorageError).kind).toBe(kind);
  expect((e as StorageError).message).toMatch(message);
  for (const path of [tmpdir(), ...paths]) {
    expect((e as StorageError).message).not.toContain(path);
  }
}

async function collect(storage: ObjectStorage, prefix = ''): Promise<ObjectInfo[]> {
  const out: ObjectInfo[] = [];
  for await (const info of storage.list(prefix)) {
    out.push(info);
  }
  return out;
}

async function readAll(body: AsyncIterable<Uint8Array>): Promise<number> {
  let n = 0;
  for await (const chunk of body) {
    n += chunk.length;
  }
  return n;
}

describe('FileStorage: faults as StorageErrors', () => {
  let folder: ProfileFolder;
  let storage: FileStorage;

  beforeEach(() => {
    folder = new ProfileFolder();
    folder.write(KEY, profile.text);
    storage = new FileStorage(folder.root);
  });
  afterEach(() => folder.dispose());

  it('probe: resolves for a readable folder; a missing folder, or a file in its place, is unavailable', async () => {
    await expect(storage.probe()).resolves.toBeUndefined();
    const missing = new FileStorage(join(folder.root, 'nothing-here'));
    expectTold(await rejection(missing.probe()), 'unavailable', ROOT_UNAVAILABLE, folder.root);
    const file = new FileStorage(join(folder.root, ...KEY.split('/')));
    expectTold(await rejection(file.probe()), 'unavailable', ROOT_UNAVAILABLE, folder.root);
  });

  it('a deleted root is unavailable for every call, not "not found"; restored, it answers again', async () => {
    rmSync(folder.root, { recursive: true });
    expectTold(await rejection(storage.head(KEY)), 'unavailable', ROOT_UNAVAILABLE, folder.root);
    expectTold(await rejection(storage.head('svc/other.perf')), 'unavailable', ROOT_UNAVAILABLE, folder.root);
    expectTold(await rejection(storage.get(KEY)), 'unavailable', ROOT_UNAVAILABLE, folder.root);
    expectTold(await rejection(collect(storage)), 'unavailable', ROOT_UNAVAILABLE, folder.root);
    expectTold(await rejection(storage.probe()), 'unavailable', ROOT_UNAVAILABLE, folder.root);

    folder.write(KEY, profile.text);
    expect(await storage.head(KEY)).toMatchObject({ key: KEY, size: profile.text.length });
    expect(await storage.head('svc/other.perf')).toBeUndefined();
    expect((await collect(storage)).map((i) => i.key)).toEqual([KEY]);
  });

  it('a root swapped for a symlink (and retargeted) while running is followed; links out stay refused', async () => {
    const a = new ProfileFolder();
    const b = new ProfileFolder();
    const outside = new ProfileFolder();
    const link = join(folder.root, 'current');
    try {
      a.write(KEY, profile.text);
      b.write(KEY, profile.text + '\n');
      outside.write('secret.perf', profile.text);
      mkdirSync(link);
      const linked = new FileStorage(link);
      expect(await linked.head(KEY)).toBeUndefined();

      rmSync(link, { recursive: true });
      symlinkSync(a.root, link);
      expect(await linked.head(KEY)).toMatchObject({ size: profile.text.length });
      const got = await linked.get(KEY);
      expect(await readAll(got.body)).toBe(profile.text.length);

      unlinkSync(link);
      symlinkSync(b.root, link);
      expect(await linked.head(KEY)).toMatchObject({ size: profile.text.length + 1 });
      expect((await collect(linked)).map((i) => i.key)).toEqual([KEY]);

      symlinkSync(join(outside.root, 'secret.perf'), join(b.root, 'svc', 'link.perf'));
      symlinkSync(outside.root, join(b.root, 'svc', 'linkdir'));
      for (const id of ['svc/link.perf', 'svc/linkdir/secret.perf', 'svc/linkdir/new.perf']) {
        expectTold(await rejection(linked.head(id)), 'bad-key', /outside/, b.root, outside.root);
        expectTold(await rejection(linked.get(id)), 'bad-key', /outside/, b.root, outside.root);
      }
      await expect(linked.put('svc/linkdir/new.perf.idx', new Uint8Array([1]))).rejects.toThrow(/outside/);
      expect(existsSync(join(outside.root, 'new.perf.idx'))).toBe(false);
    } finally {
      a.dispose();
      b.dispose();
      outside.dispose();
    }
  });

  it('hidden names are not found, as they are not listed, even though they exist', async () => {
    for (const key of ['.hidden.perf', '.dir/x.perf', 'svc/.secret.perf', 'svc/.git/objects/a.perf']) {
      folder.write(key, profile.text);
    }
    symlinkSync(join(folder.root, '.hidden.perf'), join(folder.root, 'svc', 'alias.perf'));
    for (const key of [
      '.hidden.perf',
      '.dir/x.perf',
      'svc/.secret.perf',
      'svc/.git/objects/a.perf',
      'svc/alias.perf',
    ]) {
      expect(await storage.head(key)).toBeUndefined();
      expectTold(await rejection(storage.get(key)), 'not-found', /no profile/, folder.root);
    }
    expect((await collect(storage)).map((i) => i.key)).toEqual([KEY]);
    expect(await collect(storage, '.dir/')).toEqual([]);
  });

  it('get opens the file at once: the bytes are those of the version returned, even if it is removed after', async () => {
    const got = await storage.get(KEY);
    folder.remove(KEY);
    expect(got.info.size).toBe(profile.text.length);
    expect(await readAll(got.body)).toBe(profile.text.length);
    expect(await storage.head(KEY)).toBeUndefined();
    expectTold(await rejection(storage.get(KEY)), 'not-found', `no profile ${KEY}`, folder.root);
  });

  it('a folder or a named pipe under a profile id is not found, without blocking', async () => {
    expectTold(await rejection(storage.get('svc')), 'not-found', /no profile/);
    if (spawnSync('mkfifo', [join(folder.root, 'svc', 'pipe.perf')]).status !== 0) {
      return; // no mkfifo here
    }
    expect(await storage.head('svc/pipe.perf')).toBeUndefined();
    expectTold(await rejection(storage.get('svc/pipe.perf')), 'not-found', /no profile/);
    expect((await collect(storage)).map((i) => i.key)).toEqual([KEY]);
  });

  it('lists only under the prefix, in key order', async () => {
    folder.write('b/2.perf', 'x');
    folder.write('a/1.perf', 'x');
    folder.write('svc-other/3.perf', 'x');
    // Key (byte) order, as S3 lists: '-' sorts before '/'.
    expect((await collect(storage)).map((i) => i.key)).toEqual(['a/1.perf', 'b/2.perf', 'svc-other/3.perf', KEY]);
    expect((await collect(storage, 'svc')).map((i) => i.key)).toEqual(['svc-other/3.perf', KEY]);
    expect((await collect(storage, 'svc/')).map((i) => i.key)).toEqual([KEY]);
    expect(await collect(storage, 'nothing/')).toEqual([]);
  });
});

// ---- Permissions: FileStorage in a child process as an unprivileged user ----------------------------------------

interface ChildResult {
  ok: boolean;
  value?: any;
  /** Where a get() failed: 'get' (the call) or 'stream' (while reading). */
  phase?: string;
  storageError?: boolean;
  kind?: string;
  message?: string;
}

const CHILD_SCRIPT = `
const { FileStorage, StorageError } = require(process.argv[2]);
const storage = new FileStorage(process.argv[3]);
const failed = (e, phase) => ({ ok: false, phase, storageError: e instanceof StorageError, kind: e.kind, message: e.message });
async function run(op) {
  try {
    switch (op.op) {
      case 'probe':
        await storage.probe();
        return { ok: true };
      case 'head': {
        const info = await storage.head(op.key);
        return { ok: true, value: info === undefined ? null : { key: info.key, size: info.size } };
      }
      case 'list': {
        const out = [];
        for await (const info of storage.list(op.key || '')) {
          out.push({ ...info, lastModified: info.lastModified.toISOString() });
        }
        return { ok: true, value: out };
      }
      case 'get': {
        let got;
        try {
          got = await storage.get(op.key);
        } catch (e) {
          return failed(e, 'get');
        }
        let read = 0;
        try {
          for await (const chunk of got.body) read += chunk.length;
        } catch (e) {
          return failed(e, 'stream');
        }
        return { ok: true, value: { size: got.info.size, read } };
      }
    }
  } catch (e) {
    return failed(e);
  }
}
(async () => {
  const results = [];
  for (const op of JSON.parse(process.argv[4])) results.push(await run(op));
  process.stdout.write(JSON.stringify(results));
})();
`;

describe('FileStorage: permission faults (as an unprivileged user)', () => {
  const bundleDir = mkdtempSync(join(tmpdir(), 'flamescope-storage-bundle-'));
  const bundle = join(bundleDir, 'storage.cjs');
  const script = join(bundleDir, 'run.cjs');
  let folder: ProfileFolder;

  beforeAll(() => {
    buildSync({
      stdin: {
        contents:
          "export { FileStorage } from './sidecar/storage/file-storage';\n" +
          "export { StorageError } from './sidecar/storage/types';\n",
        resolveDir: REPO,
        loader: 'ts',
      },
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      outfile: bundle,
      logLevel: 'error',
    });
    writeFileSync(script, CHILD_SCRIPT);
    chmodSync(bundleDir, 0o755);
    chmodSync(bundle, 0o644);
    chmodSync(script, 0o644);
  });
  afterAll(() => rmSync(bundleDir, { recursive: true, force: true }));

  beforeEach(() => {
    folder = sharedFolder();
    folder.write(KEY, profile.text);
    folder.write('svc/locked/2026-11-17T10:00:00Z.perf', profile.text);
    folder.write('svc/locked.perf', profile.text);
  });
  afterEach(() => {
    chmodSync(folder.root, 0o755);
    if (existsSync(join(folder.root, 'svc', 'locked'))) {
      chmodSync(join(folder.root, 'svc', 'locked'), 0o755);
    }
    folder.dispose();
  });

  function run(ops: Array<{ op: 'probe' | 'head' | 'get' | 'list'; key?: string }>): ChildResult[] {
    const r = spawnSync(process.execPath, [script, bundle, folder.root, JSON.stringify(ops)], {
      ...UNPRIVILEGED,
      encoding: 'utf8',
      timeout: 20_000,
    });
    if (r.status !== 0) {
      throw new Error(`the unprivileged check failed (${r.status}): ${r.stderr}`);
    }
    return JSON.parse(r.stdout);
  }

  function expectToldChild(r: ChildResult, kind: string, message: string | RegExp) {
    expect(r).toMatchObject({ ok: false, storageError: true, kind });
    expect(r.message).toMatch(message);
    expect(r.message).not.toContain(folder.root);
    expect(r.message).not.toContain(tmpdir());
  }

  it('the unprivileged user really is refused (the check is meaningful)', () => {
    chmodSync(join(folder.root, 'svc', 'locked.perf'), 0o000);
    const r = spawnSync(
      process.execPath,
      ['-e', `require('fs').readFileSync(process.argv[1])`, join(folder.root, 'svc', 'locked.perf')],
      {
        ...UNPRIVILEGED,
        encoding: 'utf8',
      }
    );
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/EACCES/);
  });

  it('an unreadable profile: denied from head and from get before streaming; still listed; readable again, served', () => {
    chmodSync(join(folder.root, 'svc', 'locked.perf'), 0o000);
    const [head, get, list, other] = run([
      { op: 'head', key: 'svc/locked.perf' },
      { op: 'get', key: 'svc/locked.perf' },
      { op: 'list', key: 'svc/' },
      { op: 'get', key: KEY },
    ]);
    expectToldChild(head, 'denied', 'cannot read svc/locked.perf: permission denied');
    expect(get.phase).toBe('get'); // a StorageError from get(), not a stream error later
    expectToldChild(get, 'denied', 'cannot read svc/locked.perf: permission denied');
    expect(list.value.map((i: ObjectInfo) => i.key)).toContain('svc/locked.perf');
    expect(other).toMatchObject({ ok: true, value: { size: profile.text.length, read: profile.text.length } });

    chmodSync(join(folder.root, 'svc', 'locked.perf'), 0o644);
    const [again] = run([{ op: 'get', key: 'svc/locked.perf' }]);
    expect(again).toMatchObject({ ok: true, value: { read: profile.text.length } });
  });

  it('an unreadable subfolder is listed as an entry with the reason, not silently left out', async () => {
    chmodSync(join(folder.root, 'svc', 'locked'), 0o000);
    const [list, inside, scoped] = run([
      { op: 'list' },
      { op: 'head', key: 'svc/locked/2026-11-17T10:00:00Z.perf' },
      { op: 'list', key: 'svc/locked/' },
    ]);
    expect(list.ok).toBe(true);
    expect(list.value.map((i: any) => [i.key, i.listingError])).toEqual([
      [KEY, undefined],
      ['svc/locked.perf', undefined],
      ['svc/locked/', 'cannot list this folder: permission denied'],
    ]);
    expect(list.value[2]).toMatchObject({ size: 0, etag: '', lastModified: new Date(0).toISOString() });
    expectToldChild(inside, 'denied', /permission denied/);
    expect(scoped.value.map((i: any) => i.key)).toEqual(['svc/locked/']);

    // The catalog shows it as failed in the /profiles listing, and never as a profile to load.
    const listing: ObjectInfo[] = list.value.map((i: any) => ({ ...i, lastModified: new Date(i.lastModified) }));
    const catalog = catalogOver(listing);
    expect((await catalog.list('')).find((e) => e.id === 'svc/locked/')).toMatchObject({
      status: 'failed',
      reason: 'cannot list this folder: permission denied',
    });
    expect((await catalog.list('', { from: 0, to: 4e12 }, false)).map((e) => e.id)).toEqual([KEY, 'svc/locked.perf']);
  });

  it('an unreadable root is unavailable, for the listing, the probe and any key', () => {
    chmodSync(folder.root, 0o000);
    const results = run([{ op: 'probe' }, { op: 'list' }, { op: 'head', key: KEY }, { op: 'get', key: KEY }]);
    for (const r of results) {
      expectToldChild(r, 'unavailable', ROOT_UNAVAILABLE);
    }
    chmodSync(folder.root, 0o755);
    expect(run([{ op: 'probe' }, { op: 'head', key: KEY }]).map((r) => r.ok)).toEqual([true, true]);
  });
});

// ---- Catalog --------------------------------------------------------------------------------------------------

function catalogOver(objects: ObjectInfo[]): Catalog {
  const storage: ObjectStorage = {
    description: 'memory://',
    async *list(prefix: string) {
      yield* objects.filter((o) => o.key.startsWith(prefix));
    },
    head: async () => undefined,
    get: async () => {
      throw new StorageError('not-found', 'no profile');
    },
    put: async () => undefined,
    probe: async () => undefined,
  };
  const profiles = { peek: () => undefined, state: () => undefined } as unknown as ProfileService;
  return new Catalog(storage, profiles, {
    keyTimePattern: new RegExp(DEFAULT_KEY_TIME_PATTERN),
    capturedOnTimeZone: 'UTC',
  });
}

describe('Catalog: folders that could not be listed', () => {
  const modified = new Date('2026-11-17T10:00:00Z');
  const objects: ObjectInfo[] = [
    { key: 'svc/2026-11-17T09:30:00Z.perf', size: 100, etag: 'e1', lastModified: modified },
    {
      key: 'svc/locked/',
      size: 0,
      etag: '',
      lastModified: new Date(0),
      listingError: 'cannot list this folder: permission denied',
    },
    { key: 'svc/notes.md', size: 10, etag: 'e2', lastModified: modified },
  ];

  it('describes a folder listing error as a failed entry with the reason', () => {
    expect(catalogOver(objects).describe(objects[1])).toEqual({
      id: 'svc/locked/',
      status: 'failed',
      reason: 'cannot list this folder: permission denied',
      size: 0,
      etag: '',
      spanKnown: false,
      lastModified: new Date(0).toISOString(),
    });
  });

  it('lists it in the /profiles catalog (with or without a range), never among profiles to load', async () => {
    const catalog = catalogOver(objects);
    expect((await catalog.list('svc/')).map((e) => [e.id, e.status])).toEqual([
      ['svc/2026-11-17T09:30:00Z.perf', 'not-parsed'],
      ['svc/locked/', 'failed'],
      ['svc/notes.md', 'skipped'],
    ]);
    const range = { from: Date.parse('2026-11-17T09:00:00Z'), to: Date.parse('2026-11-17T11:00:00Z') };
    expect((await catalog.list('svc/', range, true)).map((e) => e.id)).toEqual([
      'svc/2026-11-17T09:30:00Z.perf',
      'svc/locked/',
    ]);
    expect((await catalog.list('svc/', range, false)).map((e) => e.id)).toEqual(['svc/2026-11-17T09:30:00Z.perf']);
    expect((await catalog.list('svc/', undefined, false)).map((e) => e.id)).toEqual(['svc/2026-11-17T09:30:00Z.perf']);
  });
});

// ---- Over HTTP: the sidecar as its own process (as the unprivileged user when run as root) -------------------------
// What depends on the lead's server changes (issue 9) is marked "Lead:"; the rest passes with the storage and catalog
// changes alone (FileStorage.head already reports an unreadable profile as StorageError('denied') → 502
// storage_denied; a denial first seen by the parse worker's get() also needs the lead's ParseFailure('denied') mapping).

describe('storage faults over HTTP', () => {
  const folder = sharedFolder();
  const heatmap = (key: string) => `${sidecar.url}/api/v1/heatmap?profile=${encodeURIComponent(key)}`;
  let sidecar: SidecarProcess;

  beforeAll(async () => {
    folder.write(KEY, profile.text);
    sidecar = await spawnSidecar(['--storage', folder.url, '--revalidate-ms', '0', '--storage-timeout-ms', '3000'], {
      ...UNPRIVILEGED,
      cwd: REPO,
    });
  });
  afterAll(async () => {
    await sidecar?.stop();
    chmodSync(folder.root, 0o755);
    folder.dispose();
  });

  /** /healthz's status once it is `want`, or the last one seen after `withinMs`. */
  async function healthzStatusSettles(want: number, withinMs: number): Promise<number> {
    const until = Date.now() + withinMs;
    for (;;) {
      const { status } = await getJson(`${sidecar.url}/healthz`);
      if (status === want || Date.now() > until) {
        return status;
      }
      await new Promise((done) => setTimeout(done, 200));
    }
  }

  function expectNoServerPath(body: any) {
    expect(JSON.stringify(body)).not.toContain(folder.root);
    expect(JSON.stringify(body)).not.toContain(tmpdir());
  }

  it('a permission-denied profile is a 502 storage_denied, not cached: readable again, it is served', async () => {
    folder.write('svc/locked.perf', profile.text);
    chmodSync(join(folder.root, 'svc', 'locked.perf'), 0o000);
    const denied = await getJson(heatmap('svc/locked.perf'));
    expect(denied.status).toBe(502);
    expect(denied.body.error).toBe('storage_denied');
    expect(denied.body.message).toMatch(/permission denied/);
    expectNoServerPath(denied.body);

    chmodSync(join(folder.root, 'svc', 'locked.perf'), 0o644);
    expect((await getJson(heatmap('svc/locked.perf'))).status).toBe(200);
  });

  it('an unreadable subfolder is in the catalog as failed, with the reason; range queries still answer', async () => {
    folder.write('svc/locked/2026-11-17T09:31:00Z.perf', profile.text);
    chmodSync(join(folder.root, 'svc', 'locked'), 0o000);
    try {
      const catalog = await getJson(`${sidecar.url}/api/v1/profiles?prefix=svc/`);
      expect(catalog.status).toBe(200);
      const failed = catalog.body.profiles.find((p: any) => p.id === 'svc/locked/');
      expect(failed).toMatchObject({ status: 'failed', reason: 'cannot list this folder: permission denied' });
      expectNoServerPath(failed);
      // The folder is never loaded as a profile: the readable profile overlapping the range is served.
      const T0 = Date.parse('2026-11-17T09:30:00Z');
      const stitched = await getJson(`${sidecar.url}/api/v1/heatmap?prefix=svc/&from=${T0}&to=${T0 + 10_000}`);
      expect(stitched.status).toBe(200);
    } finally {
      chmodSync(join(folder.root, 'svc', 'locked'), 0o755);
      rmSync(join(folder.root, 'svc', 'locked'), { recursive: true });
    }
  });

  it('the root deleted: 502 storage_unavailable, not 404; restored, 200 again and the process stayed up', async () => {
    const saved = readFileSync(join(folder.root, ...KEY.split('/')));
    rmSync(folder.root, { recursive: true });
    try {
      for (const url of [heatmap(KEY), heatmap('svc/never-existed.perf'), `${sidecar.url}/api/v1/profiles`]) {
        const r = await getJson(url);
        expect(r.status).toBe(502);
        expect(r.body.error).toBe('storage_unavailable');
        expect(r.body.message).toMatch(ROOT_UNAVAILABLE);
        expectNoServerPath(r.body);
      }
      // Lead: /healthz probes the storage (503 while it is unavailable).
      expect(await healthzStatusSettles(503, 10_000)).toBe(503);
      const health = await getJson(`${sidecar.url}/healthz`);
      expect(health.body.status).toBe('unavailable');
      expectNoServerPath(health.body.storageError ?? '');
    } finally {
      mkdirSync(folder.root, { mode: 0o755 });
      chmodSync(folder.root, 0o755);
      folder.write(KEY, saved);
    }
    expect((await getJson(heatmap(KEY))).status).toBe(200);
    // Lead: /healthz may reuse its last storage check for a moment; it turns healthy again by itself.
    expect(await healthzStatusSettles(200, 10_000)).toBe(200);
    expect(sidecar.child.exitCode).toBeNull();
  });

  it('the root replaced by a symlink to a folder holding the same profile: served without restart', async () => {
    const other = sharedFolder();
    const moved = `${folder.root}.moved`;
    other.write(KEY, profile.text);
    renameSync(folder.root, moved);
    symlinkSync(other.root, folder.root);
    try {
      const r = await getJson(heatmap(KEY));
      expect(r.status).toBe(200);
      const catalog = await getJson(`${sidecar.url}/api/v1/profiles`);
      expect(catalog.body.profiles.map((p: any) => p.id)).toEqual([KEY]);
    } finally {
      unlinkSync(folder.root);
      renameSync(moved, folder.root);
      other.dispose();
    }
    expect((await getJson(heatmap(KEY))).status).toBe(200);
  });

  it('hidden files and folders are 404 although they exist', async () => {
    folder.write('.hidden.perf', profile.text);
    folder.write('.dir/x.perf', profile.text);
    for (const id of ['.hidden.perf', '.dir/x.perf']) {
      const r = await getJson(heatmap(id));
      expect(r.status).toBe(404);
      expect(r.body.error).toBe('not_found');
    }
    expect((await getJson(`${sidecar.url}/api/v1/profiles`)).body.profiles.map((p: any) => p.id)).toEqual([KEY]);
  });
});

// ---- S3Storage.probe against a real S3 server -------------------------------------------------------------------

describe('S3Storage.probe', () => {
  const BUCKET = 'probe-profiles';
  let s3: SwiftS3Server;
  let client: S3Client;
  const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };

  const storageFor = (bucket: string, prefix = 'prod/', timeoutMs = 1500) =>
    new S3Storage({ bucket, prefix, endpoint: s3.endpoint, region: s3.region, timeoutMs });

  beforeAll(async () => {
    ({ s3, client } = await startSwiftS3WithBucket(BUCKET));
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: `prod/${KEY}`, Body: profile.text }));
  }, 90_000);
  afterAll(async () => {
    process.env.AWS_ACCESS_KEY_ID = saved.id;
    process.env.AWS_SECRET_ACCESS_KEY = saved.secret;
    if (saved.id === undefined) {
      delete process.env.AWS_ACCESS_KEY_ID;
    }
    if (saved.secret === undefined) {
      delete process.env.AWS_SECRET_ACCESS_KEY;
    }
    await s3?.stop();
  });

  it('resolves for a reachable bucket, with or without objects under the prefix', async () => {
    await expect(storageFor(BUCKET).probe()).resolves.toBeUndefined();
    await expect(storageFor(BUCKET, 'empty/').probe()).resolves.toBeUndefined();
    await expect(storageFor(BUCKET, '').probe()).resolves.toBeUndefined();
  });

  it('a missing bucket is unavailable, not "not found"', async () => {
    const e = await rejection(storageFor('no-such-bucket').probe());
    expectTold(e, 'unavailable', /does not exist/);
  });

  it('wrong credentials are denied', async () => {
    process.env.AWS_SECRET_ACCESS_KEY = 'wrong-secret';
    try {
      const e = await rejection(storageFor(BUCKET).probe());
      expectTold(e, 'denied', /denied access/);
      expect(e.message).not.toContain('wrong-secret');
    } finally {
      process.env.AWS_SECRET_ACCESS_KEY = s3.secretAccessKey;
    }
  });

  it('a hanging store times out, a dead one is unavailable, an aborted probe rejects; then it recovers', async () => {
    await s3.pause();
    try {
      expectTold(await rejection(storageFor(BUCKET).probe()), 'timeout', /timed out/);
    } finally {
      await s3.resume();
    }
    await s3.killProxy();
    try {
      expectTold(await rejection(storageFor(BUCKET).probe()), 'unavailable', /cannot list the profile bucket/);
    } finally {
      await s3.startProxy();
    }
    const aborted = new AbortController();
    aborted.abort();
    expect(await rejection(storageFor(BUCKET).probe(aborted.signal))).toBeInstanceOf(StorageError);
    await expect(storageFor(BUCKET).probe()).resolves.toBeUndefined();
  });
});
