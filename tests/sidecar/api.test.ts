/**
 * The sidecar over real HTTP on 127.0.0.1, serving a local folder: catalog, wall-clock heat maps, flame graphs and
 * folded stacks that agree with each other, errors, auth, single-flight parsing, replaced and deleted profiles, and
 * index files shared between replicas.
 */
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ConfigError, loadConfig } from '../../sidecar/config';
import { Sidecar } from '../../sidecar/serve';
import { getJson, perfScript, ProfileFolder, startTestSidecar, steadyProfileWithBurst } from './harness';

const KEY = 'svc/2026-11-17T09:30:00Z.perf';
const T0 = Date.parse('2026-11-17T09:30:00Z');
const profile = steadyProfileWithBurst();

/** Cell value of a heat-map frame at (column start, row start). */
function cell(frame: any, xMin: number, yMin: number): number {
  const [xs, ys, , counts] = frame.data.values;
  for (let i = 0; i < xs.length; i++) {
    if (xs[i] === xMin && Math.abs(ys[i] - yMin) < 1e-6) {
      return counts[i];
    }
  }
  return NaN;
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

async function metric(sidecar: Sidecar, name: string): Promise<number> {
  const text = await (await fetch(`${sidecar.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(name));
  return line ? Number(line.split(' ').pop()) : 0;
}

describe('sidecar API over a local folder', () => {
  const folder = new ProfileFolder();
  let sidecar: Sidecar;

  beforeAll(async () => {
    folder.write(KEY, profile.text);
    folder.write('svc/notes.md', '# not a profile');
    folder.write('svc/empty.perf', '');
    sidecar = await startTestSidecar({ storage: folder.url });
  });
  afterAll(async () => {
    await sidecar.close();
    folder.dispose();
  });

  it('lists profiles, skipping what is not one with a reason, and fills in the span once parsed', async () => {
    const before = await getJson(`${sidecar.url}/api/v1/profiles?prefix=svc/`);
    expect(before.status).toBe(200);
    const entries = Object.fromEntries(before.body.profiles.map((p: any) => [p.id, p]));
    expect(entries[KEY].status).toBe('not-parsed');
    expect(entries[KEY].from).toBe(T0); // estimated from the key
    expect(entries['svc/notes.md']).toMatchObject({ status: 'skipped', reason: expect.stringContaining('extension') });
    expect(entries['svc/empty.perf']).toMatchObject({ status: 'skipped', reason: 'empty object' });

    await getJson(`${sidecar.url}/api/v1/heatmap?profile=${encodeURIComponent(KEY)}`);
    const after = await getJson(`${sidecar.url}/api/v1/profiles?prefix=svc/`);
    const ready = after.body.profiles.find((p: any) => p.id === KEY);
    expect(ready).toMatchObject({
      status: 'ready',
      samples: profile.samples,
      spanKnown: true,
      from: T0,
      to: T0 + 9990,
    });
    expect(ready.anchor).toMatchObject({ method: 'key-pattern', precisionMs: 1000 });
  });

  it('filters the catalog by time range', async () => {
    const inside = await getJson(`${sidecar.url}/api/v1/profiles?from=${T0 + 1000}&to=${T0 + 2000}`);
    expect(inside.body.profiles.map((p: any) => p.id)).toEqual([KEY]);
    const outside = await getJson(`${sidecar.url}/api/v1/profiles?from=${T0 + 60_000}&to=${T0 + 70_000}`);
    expect(outside.body.profiles).toEqual([]);
  });

  it('places heat-map cells on the wall clock: 3.25 s after the first sample lands in row 12 of 50', async () => {
    const { status, body } = await getJson(`${sidecar.url}/api/v1/heatmap?profile=${encodeURIComponent(KEY)}&rows=50`);
    expect(status).toBe(200);
    expect(body.schema.meta.type).toBe('heatmap-cells');
    expect(body.schema.fields.map((f: any) => f.name)).toEqual(['xMin', 'yMin', 'yMax', 'count']);
    expect(body.schema.meta.notices[0].text).toContain('the instant in its key');
    expect(sum(body.data.values[3])).toBe(profile.samples);
    // Steady 100 Hz gives 2 samples per 20-ms cell; the burst (1 kHz over 3.250–3.300 s) adds 10, 20 and 20.
    expect(cell(body, T0 + 3000, 240)).toBe(12);
    expect(cell(body, T0 + 3000, 260)).toBe(22);
    expect(cell(body, T0 + 3000, 280)).toBe(22);
    expect(cell(body, T0 + 3000, 300)).toBe(2);
    expect(cell(body, T0 + 5000, 240)).toBe(2);
  });

  it('merges whole seconds into columns when the range holds more than maxColumns', async () => {
    const { body } = await getJson(
      `${sidecar.url}/api/v1/heatmap?profile=${encodeURIComponent(KEY)}&rows=10&maxColumns=5`
    );
    expect(body.schema.meta.custom.secondsPerColumn).toBe(2);
    const xs = new Set(body.data.values[0]);
    expect(xs.size).toBe(5);
    expect(sum(body.data.values[3])).toBe(profile.samples);
  });

  it('agrees across endpoints: heat-map column, flame-graph root and folded totals for the same range', async () => {
    const range = `from=${T0 + 3000}&to=${T0 + 4000}`;
    const heat = await getJson(`${sidecar.url}/api/v1/heatmap?profile=${encodeURIComponent(KEY)}&${range}`);
    const flame = await getJson(`${sidecar.url}/api/v1/flamegraph?profile=${encodeURIComponent(KEY)}&${range}`);
    const folded = await fetch(`${sidecar.url}/api/v1/folded?profile=${encodeURIComponent(KEY)}&${range}`);
    const foldedTotal = sum(
      (await folded.text())
        .trim()
        .split('\n')
        .map((l) => Number(l.split(' ').pop()))
    );
    const columnTotal = sum(heat.body.data.values[3]);
    expect(columnTotal).toBe(150);
    expect(flame.body.data.values[1][0]).toBe(150); // root value
    expect(foldedTotal).toBe(150);
    expect(flame.body.schema.meta.preferredVisualisationType).toBe('flamegraph');
    expect(folded.headers.get('x-flamescope-anchor')).toContain('key-pattern');
  });

  it('folds exactly the half-open range asked for', async () => {
    const r = await fetch(
      `${sidecar.url}/api/v1/folded?profile=${encodeURIComponent(KEY)}&from=${T0 + 3250}&to=${T0 + 3300}`
    );
    expect(await r.text()).toBe('app;main;gc;mark 50\napp;main;serve;parse 3\napp;main;serve;render 2\n');
  });

  it('shows all below a focused frame ("show all" for a zoom) and prunes the rest as asked', async () => {
    const base = `profile=${encodeURIComponent(KEY)}&from=${T0 + 3000}&to=${T0 + 4000}&maxNodes=2`;
    const pruned = await getJson(`${sidecar.url}/api/v1/flamegraph?${base}`);
    expect(pruned.body.data.values[3]).toEqual(['all', 'app']);
    const focused = await getJson(`${sidecar.url}/api/v1/flamegraph?${base}&focus=app&focus=main`);
    expect(focused.status).toBe(200);
    const [level, value, , label] = focused.body.data.values;
    expect(label).toEqual(['all', 'app', 'main', 'gc', 'mark', 'serve', 'parse', 'render']);
    expect(level).toEqual([0, 1, 2, 3, 4, 3, 4, 4]);
    expect(value[0]).toBe(150);
    expect(focused.body.schema.meta.custom.focus).toEqual({ path: ['app', 'main'], found: true, droppedNodes: 0 });
    const budget = await getJson(`${sidecar.url}/api/v1/flamegraph?${base}&focus=app&focus=main&focusMaxNodes=2`);
    expect(budget.body.data.values[3]).toEqual(['all', 'app', 'main', 'serve', 'render']);
    expect(budget.body.schema.meta.custom.focus.droppedNodes).toBe(3);
    const missing = await getJson(`${sidecar.url}/api/v1/flamegraph?${base}&focus=app&focus=nope`);
    expect(missing.body.data.values[3]).toEqual(['all', 'app']);
    expect(missing.body.schema.meta.notices.map((n: any) => n.text).join(' ')).toMatch(/\(nope\) is not in this slice/);
    const lonely = await getJson(`${sidecar.url}/api/v1/flamegraph?${base}&focusMaxNodes=5`);
    expect(lonely).toMatchObject({ status: 400, body: { message: expect.stringMatching(/needs "focus"/) } });
    const deep = Array.from({ length: 1100 }, () => 'focus=x').join('&');
    expect((await getJson(`${sidecar.url}/api/v1/flamegraph?${base}&${deep}`)).status).toBe(400);
  });

  it('draws a differential flame graph against a baseline range', async () => {
    const q = `profile=${encodeURIComponent(KEY)}&from=${T0 + 3000}&to=${T0 + 4000}&baselineFrom=${T0 + 5000}&baselineTo=${T0 + 6000}`;
    const { body } = await getJson(`${sidecar.url}/api/v1/flamegraph?${q}`);
    const names = body.schema.fields.map((f: any) => f.name);
    expect(names).toContain('valueRight');
    const [, value, , label, , valueRight] = body.data.values;
    expect(value[0]).toBe(250); // baseline 100 + selection 150
    expect(valueRight[0]).toBe(150);
    const gc = label.indexOf('gc');
    expect(valueRight[gc]).toBe(50);
    expect(value[gc]).toBe(50);
  });

  it.each([
    ['../etc/passwd', 400],
    ['svc/../../etc/passwd', 400],
    ['/etc/passwd', 400],
    ['svc\\..\\x', 400],
    ['svc/%00', 404],
    ['svc//x', 400],
    ['svc/nope.perf', 404],
  ])('refuses profile id %s with %d and a JSON error', async (id, status) => {
    const r = await getJson(`${sidecar.url}/api/v1/heatmap?profile=${encodeURIComponent(id)}`);
    expect(r.status).toBe(status);
    expect(r.body).toMatchObject({ error: expect.any(String), message: expect.any(String) });
  });

  it.each([
    ['rows=0', 400],
    ['rows=1001', 400],
    ['rows=abc', 400],
    [`from=${T0}&to=${T0 - 1}`, 400],
    [`from=${T0}`, 400],
    ['from=1&to=2', 416],
    [`from=${T0}&to=${T0 + 400 * 86_400_000}`, 400],
    ['from=99999999999999999&to=999999999999999999', 400],
    ['idle=maybe', 400],
    ['weight=bytes', 400],
    ['maxColumns=0', 400],
  ])('rejects %s with %d', async (params, status) => {
    const r = await getJson(`${sidecar.url}/api/v1/heatmap?profile=${encodeURIComponent(KEY)}&${params}`);
    expect(r.status).toBe(status);
    expect(typeof r.body.message).toBe('string');
  });

  it('does not follow a symlink out of the profile folder', async () => {
    const outside = new ProfileFolder();
    outside.write('secret.perf', profile.text);
    symlinkSync(join(outside.root, 'secret.perf'), join(folder.root, 'svc', 'link.perf'));
    symlinkSync(outside.root, join(folder.root, 'svc', 'linkdir'));
    try {
      for (const id of ['svc/link.perf', 'svc/linkdir/secret.perf']) {
        const r = await getJson(`${sidecar.url}/api/v1/heatmap?profile=${encodeURIComponent(id)}`);
        expect(r.status).toBe(400);
        expect(r.body.message).toMatch(/outside/);
      }
    } finally {
      outside.dispose();
    }
  });

  it('refuses huge query strings with a JSON 431 and keeps serving', async () => {
    const r = await getJson(`${sidecar.url}/api/v1/heatmap?profile=${'a'.repeat(70_000)}`);
    expect(r.status).toBe(431);
    expect(r.body.error).toBe('request_too_large');
    expect((await getJson(`${sidecar.url}/healthz`)).status).toBe(200);
  });

  it('answers unknown endpoints with a JSON 404', async () => {
    const r = await getJson(`${sidecar.url}/api/v2/nothing`);
    expect(r.status).toBe(404);
    expect(r.body.error).toBe('not_found');
  });
});

describe('parse once, serve many', () => {
  const folder = new ProfileFolder();
  let sidecar: Sidecar;
  beforeAll(async () => {
    folder.write('cold.perf.gz', profile.text, true);
    sidecar = await startTestSidecar({ storage: folder.url, revalidateMs: 60_000 });
  });
  afterAll(async () => {
    await sidecar.close();
    folder.dispose();
  });

  it('50 concurrent first requests for a cold profile: one parse, every answer right', async () => {
    const url = `${sidecar.url}/api/v1/heatmap?profile=cold.perf.gz&rows=20`;
    const answers = await Promise.all(Array.from({ length: 50 }, () => getJson(url)));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    const first = JSON.stringify(answers[0].body);
    expect(answers.every((a) => JSON.stringify(a.body) === first)).toBe(true);
    expect(sum(answers[0].body.data.values[3])).toBe(profile.samples);
    expect(await metric(sidecar, 'flamescope_cache_misses_total')).toBe(1);
    expect(await metric(sidecar, 'flamescope_profile_load_duration_seconds_count{from="parse"}')).toBe(1);
  });
});

describe('profile versions', () => {
  const folder = new ProfileFolder();
  let sidecar: Sidecar;
  beforeAll(async () => {
    folder.write('v/2026-11-17T09:30:00Z.perf', profile.text);
    sidecar = await startTestSidecar({ storage: folder.url, revalidateMs: 0 });
  });
  afterAll(async () => {
    await sidecar.close();
    folder.dispose();
  });

  it('re-parses a replaced object and answers 404 once it is deleted', async () => {
    const url = `${sidecar.url}/api/v1/heatmap?profile=${encodeURIComponent('v/2026-11-17T09:30:00Z.perf')}`;
    const before = await getJson(url);
    expect(sum(before.body.data.values[3])).toBe(profile.samples);
    const etagBefore = before.body.schema.meta.custom.profiles[0].etag;

    folder.write(
      'v/2026-11-17T09:30:00Z.perf',
      perfScript([
        { time: '5.000000', stack: ['only'] },
        { time: '5.500000', stack: ['only'] },
      ])
    );
    const after = await getJson(url);
    expect(sum(after.body.data.values[3])).toBe(2);
    expect(after.body.schema.meta.custom.profiles[0].etag).not.toBe(etagBefore);

    folder.remove('v/2026-11-17T09:30:00Z.perf');
    const gone = await getJson(url);
    expect(gone.status).toBe(404);
    expect(gone.body.error).toBe('not_found');
  });
});

describe('bad profiles never break the service', () => {
  const folder = new ProfileFolder();
  let sidecar: Sidecar;
  beforeAll(async () => {
    folder.write('garbage.perf', 'this is not\nperf script output\n');
    folder.write('big.perf', profile.text);
    const gz = gzipSync(Buffer.from(profile.text));
    folder.write('truncated.perf.gz', gz.subarray(0, Math.floor(gz.length / 2)));
    folder.write('zstd.perf', Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 1, 2, 3, 4]));
    folder.write('2026-11-17T09:30:00Z-good.perf', profile.text);
    sidecar = await startTestSidecar({ storage: folder.url, maxProfileMb: 0.01 });
  });
  afterAll(async () => {
    await sidecar.close();
    folder.dispose();
  });

  it('a profile without samples is a 422 with one sentence', async () => {
    const r = await getJson(`${sidecar.url}/api/v1/heatmap?profile=garbage.perf`);
    expect(r.status).toBe(422);
    expect(r.body.message).toMatch(/no timestamps/);
  });

  it('an oversized profile is a 413', async () => {
    const r = await getJson(`${sidecar.url}/api/v1/heatmap?profile=big.perf`);
    expect(r.status).toBe(413);
    expect(r.body.error).toBe('too_large');
  });

  it('zstd is a 422 saying so', async () => {
    const r = await getJson(`${sidecar.url}/api/v1/heatmap?profile=zstd.perf`);
    expect(r.status).toBe(422);
    expect(r.body.message).toMatch(/zstd compression is not supported/);
  });

  it('a truncated gzip gives what could be read, with a warning notice', async () => {
    const r = await getJson(`${sidecar.url}/api/v1/heatmap?profile=truncated.perf.gz`);
    // Half the compressed bytes of a 10 KB-per-MB profile stay under the 0.01 MiB limit only partly: accept either
    // a partial result or a size refusal, but never a 5xx.
    expect([200, 413]).toContain(r.status);
    if (r.status === 200) {
      expect(sum(r.body.data.values[3])).toBeLessThan(profile.samples);
      expect(r.body.schema.meta.notices.map((n: any) => n.text).join(' ')).toMatch(/partial/);
    }
  });

  it('still serves good profiles afterwards', async () => {
    expect((await getJson(`${sidecar.url}/healthz`)).status).toBe(200);
    const r = await getJson(`${sidecar.url}/api/v1/profiles`);
    expect(r.status).toBe(200);
  });
});

describe('truncated gzip', () => {
  const folder = new ProfileFolder();
  let sidecar: Sidecar;
  beforeAll(async () => {
    const gz = gzipSync(Buffer.from(profile.text));
    folder.write('2026-11-17T09:30:00Z.perf.gz', gz.subarray(0, Math.floor(gz.length * 0.6)));
    sidecar = await startTestSidecar({ storage: folder.url });
  });
  afterAll(async () => {
    await sidecar.close();
    folder.dispose();
  });

  it('serves the partial profile with a warning', async () => {
    const r = await getJson(
      `${sidecar.url}/api/v1/heatmap?profile=${encodeURIComponent('2026-11-17T09:30:00Z.perf.gz')}`
    );
    expect(r.status).toBe(200);
    const total = sum(r.body.data.values[3]);
    expect(total).toBeGreaterThan(0);
    expect(total).toBeLessThan(profile.samples);
    expect(r.body.schema.meta.notices.some((n: any) => n.severity === 'warning' && /partial/.test(n.text))).toBe(true);
  });
});

describe('auth', () => {
  const folder = new ProfileFolder();
  let sidecar: Sidecar;
  beforeAll(async () => {
    folder.write(KEY, profile.text);
    sidecar = await startTestSidecar({ storage: folder.url, token: 's3cret-token' });
  });
  afterAll(async () => {
    await sidecar.close();
    folder.dispose();
  });

  it('needs the bearer token on the API, not on /healthz', async () => {
    const url = `${sidecar.url}/api/v1/profiles`;
    expect((await getJson(url)).status).toBe(401);
    expect((await getJson(url, { authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await getJson(url, { authorization: 's3cret-token' })).status).toBe(401);
    const ok = await getJson(url, { authorization: 'Bearer s3cret-token' });
    expect(ok.status).toBe(200);
    expect((await getJson(`${sidecar.url}/healthz`)).status).toBe(200);
  });

  it('refuses to listen off loopback without a token', () => {
    expect(() => loadConfig({ host: '0.0.0.0' }, {})).toThrow(ConfigError);
    expect(() => loadConfig({ host: '0.0.0.0', token: 't' }, {})).not.toThrow();
    expect(() => loadConfig({}, { FLAMESCOPE_HOST: '10.1.2.3' })).toThrow(/token/);
  });
});

describe('index files shared between replicas', () => {
  const folder = new ProfileFolder();
  let writer: Sidecar;
  let reader: Sidecar;
  beforeAll(async () => {
    folder.write(KEY, profile.text);
    writer = await startTestSidecar({ storage: folder.url, writeIndex: true });
    reader = await startTestSidecar({ storage: folder.url });
  });
  afterAll(async () => {
    await writer.close();
    await reader.close();
    folder.dispose();
  });

  it('a replica loads the index another wrote, and answers the same', async () => {
    const path = `/api/v1/heatmap?profile=${encodeURIComponent(KEY)}&rows=25`;
    const fromParse = await getJson(writer.url + path);
    // The index is written in the background; wait for it to appear in the catalog as a skipped .idx object.
    for (let i = 0; i < 50; i++) {
      const list = await getJson(`${writer.url}/api/v1/profiles?prefix=svc/`);
      if (list.body.profiles.some((p: any) => p.id === `${KEY}.idx`)) {
        break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    const fromIndex = await getJson(reader.url + path);
    expect(fromIndex.body.data).toEqual(fromParse.body.data);
    expect(await metric(reader, 'flamescope_profile_load_duration_seconds_count{from="index"}')).toBe(1);
    expect(await metric(reader, 'flamescope_profile_load_duration_seconds_count{from="parse"}')).toBe(0);
  });
});
