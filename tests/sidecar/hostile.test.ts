/**
 * The sidecar as an attacker and a bad day would hit it, over real HTTP on 127.0.0.1: every way past the token
 * (encoded paths, absolute- and asterisk-form targets, double slashes, case, HEAD), a 200 000-frame stack, deadlines
 * and clients that leave (work stopped, counted), admission under overload, stitched queries over bad objects,
 * decompression bombs and oversized parses remembered per version, non-Latin-1 keys in headers, wrong methods,
 * bounded bookkeeping under a flood of distinct ids, and a shutdown with a deadline.
 */
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { gzipSync } from 'node:zlib';
import { ConfigError, loadConfig } from '../../sidecar/config';
import { QueryGate } from '../../sidecar/http/admission';
import { runSliced } from '../../sidecar/http/sliced-runner';
import { ProfileService } from '../../sidecar/profiles/profile-service';
import { WorkerPool } from '../../sidecar/profiles/worker-pool';
import { Sidecar } from '../../sidecar/serve';
import { FileStorage } from '../../sidecar/storage/file-storage';
import { getJson, perfScript, ProfileFolder, startTestSidecar, steadyProfileWithBurst, usToSeconds } from './harness';

const KEY = 'svc/2026-11-17T09:30:00Z.perf';
const T0 = Date.parse('2026-11-17T09:30:00Z');
const TOKEN = 's3cret-token';
const profile = steadyProfileWithBurst();

/** Sends raw bytes and returns the status line and body (for request targets fetch cannot send). */
function rawRequest(url: string, request: string): Promise<{ status: number; text: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(request));
    let text = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk) => (text += chunk));
    socket.on('error', reject);
    socket.on('end', () => resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), text }));
  });
}

async function metric(sidecar: { url: string }, name: string): Promise<number> {
  const text = await (await fetch(`${sidecar.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(name));
  return line ? Number(line.split(' ').pop()) : 0;
}

/** A dense profile: `stacks` unique stacks `depth` frames deep, one sample each over 10 s, so queries take a while. */
function denseProfile(stacks: number, depth: number): string {
  const samples = [];
  for (let i = 0; i < stacks; i++) {
    const stack = ['main'];
    for (let d = 1; d < depth; d++) {
      stack.push(`fn_${d}_${(i * 7919 + d * 104_729) % (stacks * 4)}`);
    }
    samples.push({ time: usToSeconds(1000_000_000 + Math.floor((i * 10_000_000) / stacks)), cpu: i % 16, stack });
  }
  return perfScript(samples);
}

async function waitUntilReady(sidecar: Sidecar, id: string, headers: Record<string, string> = {}) {
  for (let i = 0; i < 400; i++) {
    const list = await getJson(`${sidecar.url}/api/v1/profiles`, headers);
    const entry = list.body.profiles?.find((p: any) => p.id === id);
    if (entry?.status === 'ready' || entry?.status === 'failed') {
      return entry;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`${id} never became ready`);
}

describe('the token cannot be bypassed', () => {
  const folder = new ProfileFolder();
  let sidecar: Sidecar;
  beforeAll(async () => {
    folder.write(KEY, profile.text);
    sidecar = await startTestSidecar({ storage: folder.url, token: TOKEN });
  });
  afterAll(async () => {
    await sidecar.close();
    folder.dispose();
  });

  const q = `profile=${encodeURIComponent(KEY)}`;
  it.each([
    '/%61pi/v1/profiles',
    '/api/v1/%70rofiles',
    `/%61pi/v1/heatmap?${q}`,
    `/api/%761/flamegraph?${q}`,
    `/%61pi/v1/folded?${q}`,
    '//api/v1/profiles',
    '/API/v1/profiles',
    '/api/v1/profiles/',
    '/api/v1//profiles',
    '/./api/v1/profiles',
    '/x/../api/v1/profiles',
  ])('GET %s without the token is refused', async (path) => {
    const r = await rawRequest(sidecar.url, `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    expect(r.status).not.toBe(200);
    expect([400, 401, 404]).toContain(r.status);
    expect(r.text).not.toContain('"profiles":[');
    expect(r.text).not.toContain('"values"');
  });

  it.each([
    ['absolute-form', `GET http://x/api/v1/profiles HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`],
    ['absolute-form, encoded', `GET http://x/%61pi/v1/heatmap?${q} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`],
    ['asterisk-form', `OPTIONS * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`],
    ['HEAD', `HEAD /api/v1/profiles HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`],
    ['HEAD, encoded', `HEAD /%61pi/v1/profiles HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`],
    ['POST', `POST /api/v1/profiles HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`],
  ])('%s without the token is refused', async (_name, request) => {
    const r = await rawRequest(sidecar.url, request);
    expect([400, 401]).toContain(r.status);
    expect(r.text).not.toContain('"profiles":[');
  });

  it('answers encoded and absolute-form targets with the token, as the router matches them', async () => {
    const auth = `Authorization: Bearer ${TOKEN}\r\n`;
    const encoded = await rawRequest(
      sidecar.url,
      `GET /%61pi/v1/profiles HTTP/1.1\r\nHost: x\r\n${auth}Connection: close\r\n\r\n`
    );
    expect(encoded.status).toBe(200);
    expect(encoded.text).toContain('"profiles":[');
  });

  it('keeps /healthz, /metrics and the viewer open, and everything else shut', async () => {
    const health = await getJson(`${sidecar.url}/healthz`);
    expect(health.status).toBe(200);
    // Where the profiles live is for token holders only.
    expect(health.body.storage).toBeUndefined();
    expect((await getJson(`${sidecar.url}/healthz`, { authorization: `Bearer ${TOKEN}` })).body.storage).toBe(
      folder.url.replace(/\/$/, '')
    );
    expect((await fetch(`${sidecar.url}/metrics`)).status).toBe(200);
    expect((await fetch(`${sidecar.url}/nothing/here`)).status).toBe(401);
    const wrong = await getJson(`${sidecar.url}/api/v1/profiles`, { authorization: `Bearer ${TOKEN}x` });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({ error: 'unauthorized', message: expect.any(String) });
  });

  it('can keep /metrics behind the token', async () => {
    const closed = await startTestSidecar({ storage: folder.url, token: TOKEN, publicMetrics: false });
    try {
      expect((await fetch(`${closed.url}/metrics`)).status).toBe(401);
      expect((await fetch(`${closed.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(
        200
      );
      expect((await fetch(`${closed.url}/healthz`)).status).toBe(200);
    } finally {
      await closed.close();
    }
  });

  it('refuses a blank or padded token at start', () => {
    expect(() => loadConfig({ token: '   ' }, {})).toThrow(ConfigError);
    expect(() => loadConfig({ token: ' tok ' }, {})).toThrow(/whitespace/);
    expect(() => loadConfig({}, { FLAMESCOPE_TOKEN: '\t' })).toThrow(/blank/);
  });
});

describe('wrong methods', () => {
  const folder = new ProfileFolder();
  let sidecar: Sidecar;
  beforeAll(async () => {
    sidecar = await startTestSidecar({ storage: folder.url });
  });
  afterAll(async () => {
    await sidecar.close();
    folder.dispose();
  });

  it.each(['POST', 'PUT', 'DELETE', 'PATCH'])('%s on an endpoint is a 405 with Allow', async (method) => {
    const r = await fetch(`${sidecar.url}/api/v1/heatmap?profile=x`, { method });
    expect(r.status).toBe(405);
    expect(r.headers.get('allow')).toBe('GET, HEAD');
    expect(await r.json()).toMatchObject({ error: 'method_not_allowed' });
  });

  it('an unknown path stays a 404', async () => {
    expect((await fetch(`${sidecar.url}/api/v1/nothing`, { method: 'POST' })).status).toBe(404);
  });
});

describe('a 200 000-frame stack', () => {
  const folder = new ProfileFolder();
  let sidecar: Sidecar;
  const deep: string[] = [];
  for (let i = 0; i < 200_000; i++) {
    deep.push(`f${i}`);
  }
  beforeAll(async () => {
    folder.write(
      KEY,
      perfScript([
        { time: '1000.000000', stack: ['main', 'serve'] },
        { time: '1000.500000', stack: deep },
        { time: '1001.000000', stack: ['main', 'gc'] },
      ])
    );
    sidecar = await startTestSidecar({ storage: folder.url });
  });
  afterAll(async () => {
    await sidecar.close();
    folder.dispose();
  });

  it('draws with its middle elided and a notice, and folds in full', async () => {
    const fg = await getJson(`${sidecar.url}/api/v1/flamegraph?profile=${encodeURIComponent(KEY)}&maxNodes=200000`);
    expect(fg.status).toBe(200);
    const [level, value, , label] = fg.body.data.values;
    expect(value[0]).toBe(3);
    expect(Math.max(...level)).toBe(1025);
    expect(label.some((l: string) => /frames elided/.test(l))).toBe(true);
    expect(fg.body.schema.meta.notices.map((n: any) => n.text).join(' ')).toMatch(/deeper than 1024 frames/);
    const folded = await fetch(`${sidecar.url}/api/v1/folded?profile=${encodeURIComponent(KEY)}`);
    const lines = (await folded.text()).trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines.some((l) => l.split(';').length === 200_001)).toBe(true);
    expect((await getJson(`${sidecar.url}/healthz`)).status).toBe(200);
  });
});

describe('deadlines, clients that leave, and overload', () => {
  const folder = new ProfileFolder();
  const DENSE = 'dense/2026-11-17T09:30:00Z.perf';
  beforeAll(() => {
    folder.write(DENSE, denseProfile(6000, 40));
    folder.write(KEY, profile.text);
  });
  afterAll(() => folder.dispose());

  it('a query past its deadline gets a 504, its work is stopped, and the sidecar keeps serving', async () => {
    const sidecar = await startTestSidecar({ storage: folder.url, requestTimeoutMs: 1 });
    try {
      // The first request starts the parse (and times out waiting for it); the parse goes on.
      const first = await getJson(`${sidecar.url}/api/v1/heatmap?profile=${encodeURIComponent(DENSE)}`);
      expect(first.status).toBe(504);
      expect(first.headers.get('retry-after')).toBe('5');
      await waitUntilReady(sidecar, DENSE);
      const r = await getJson(`${sidecar.url}/api/v1/flamegraph?profile=${encodeURIComponent(DENSE)}&maxNodes=200000`);
      expect(r.status).toBe(504);
      // 1 ms may run out while the profile's version is checked, or while the graph is computed.
      expect(r.body).toEqual({ error: 'timeout', message: expect.stringMatching(/to compute|may still be parsing/) });
      expect(await metric(sidecar, 'flamescope_queries_cancelled_total{reason="timeout"}')).toBeGreaterThanOrEqual(2);
      expect((await getJson(`${sidecar.url}/healthz`)).status).toBe(200);
    } finally {
      await sidecar.close();
    }
  });

  it('a client that disconnects stops its query', async () => {
    const sidecar = await startTestSidecar({ storage: folder.url });
    try {
      await getJson(`${sidecar.url}/api/v1/heatmap?profile=${encodeURIComponent(DENSE)}`);
      const { port } = new URL(sidecar.url);
      const socket = connect(Number(port), '127.0.0.1', () =>
        socket.write(
          `GET /api/v1/flamegraph?profile=${encodeURIComponent(DENSE)}&maxNodes=200000 HTTP/1.1\r\nHost: x\r\n\r\n`
        )
      );
      // Leave once the query is being worked on.
      for (let i = 0; i < 500 && (await metric(sidecar, 'flamescope_queries_running')) === 0; i++) {
        await new Promise((r) => setTimeout(r, 2));
      }
      socket.destroy();
      let cancelled = 0;
      for (let i = 0; i < 100 && cancelled === 0; i++) {
        await new Promise((r) => setTimeout(r, 20));
        cancelled = await metric(sidecar, 'flamescope_queries_cancelled_total{reason="client_closed"}');
      }
      expect(cancelled).toBe(1);
      expect((await getJson(`${sidecar.url}/api/v1/heatmap?profile=${encodeURIComponent(KEY)}`)).status).toBe(200);
    } finally {
      await sidecar.close();
    }
  });

  it('beyond the running and waiting caps a query gets a 503 with Retry-After at once', async () => {
    const sidecar = await startTestSidecar({ storage: folder.url, maxConcurrentQueries: 1, maxQueuedQueries: 0 });
    try {
      // The first query holds the only slot while the dense profile parses.
      const first = getJson(`${sidecar.url}/api/v1/heatmap?profile=${encodeURIComponent(DENSE)}`);
      for (let i = 0; i < 200; i++) {
        const list = await getJson(`${sidecar.url}/api/v1/profiles?prefix=dense/`);
        if (list.body.profiles[0]?.status === 'parsing') {
          break;
        }
        await new Promise((r) => setTimeout(r, 5));
      }
      const second = await getJson(`${sidecar.url}/api/v1/heatmap?profile=${encodeURIComponent(KEY)}`);
      expect(second.status).toBe(503);
      expect(second.body.error).toBe('busy');
      expect(second.headers.get('retry-after')).toBe('2');
      expect((await first).status).toBe(200);
      // The slot is free again.
      expect((await getJson(`${sidecar.url}/api/v1/heatmap?profile=${encodeURIComponent(KEY)}`)).status).toBe(200);
    } finally {
      await sidecar.close();
    }
  });

  it('an answer over --max-response-mb is a 413 saying how to get a smaller one', async () => {
    const sidecar = await startTestSidecar({ storage: folder.url, maxResponseMb: 0.25 });
    try {
      const r = await getJson(`${sidecar.url}/api/v1/flamegraph?profile=${encodeURIComponent(DENSE)}&maxNodes=200000`);
      expect(r.status).toBe(413);
      expect(r.body).toEqual({ error: 'response_too_large', message: expect.stringMatching(/lower maxNodes/) });
      expect((await getJson(`${sidecar.url}/api/v1/flamegraph?profile=${encodeURIComponent(DENSE)}`)).status).toBe(200);
    } finally {
      await sidecar.close();
    }
  });

  it('maxNodes above 200 000 is refused up front', async () => {
    const sidecar = await startTestSidecar({ storage: folder.url });
    try {
      const r = await getJson(`${sidecar.url}/api/v1/flamegraph?profile=${encodeURIComponent(KEY)}&maxNodes=1000000`);
      expect(r.status).toBe(400);
      expect(r.body.message).toMatch(/200000/);
    } finally {
      await sidecar.close();
    }
  });
});

describe('sliced computation', () => {
  it('stops endless work when its signal aborts, with the signal’s reason', async () => {
    function* forever(): Generator<void, never, void> {
      for (;;) {
        yield;
      }
    }
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('deadline')), 30);
    await expect(runSliced(forever(), controller.signal)).rejects.toThrow('deadline');
  });
});

describe('the query gate', () => {
  it('queues up to its limit, hands slots over in order, and refuses while too many bytes are held', async () => {
    const gate = new QueryGate(1, 1, 100);
    const signal = new AbortController().signal;
    const release1 = await gate.enter(signal);
    const waiting = gate.enter(signal);
    await expect(gate.enter(signal)).rejects.toMatchObject({ status: 503, retryAfterSeconds: 2 });
    release1();
    const release2 = await waiting;
    expect(gate.activeQueries).toBe(1);
    release2();
    expect(gate.activeQueries).toBe(0);

    const response = new (require('node:events').EventEmitter)();
    gate.holdUntilClosed(101, response); // one answer alone may always go out
    await expect(gate.enter(signal)).rejects.toMatchObject({ status: 503 });
    expect(() => gate.holdUntilClosed(1, new (require('node:events').EventEmitter)())).toThrow(/slow clients/);
    response.emit('close');
    (await gate.enter(signal))();
  });

  it('a waiting query whose client leaves gives up its place', async () => {
    const gate = new QueryGate(1, 5, 100);
    const release = await gate.enter(new AbortController().signal);
    const controller = new AbortController();
    const waiting = gate.enter(controller.signal);
    controller.abort(new Error('gone'));
    await expect(waiting).rejects.toThrow('gone');
    expect(gate.queuedQueries).toBe(0);
    release();
    expect(gate.activeQueries).toBe(0);
  });
});

describe('stitched queries over bad objects', () => {
  const folder = new ProfileFolder();
  let sidecar: Sidecar;
  const GOOD = 'api/2026-11-17T09:30:00Z.perf';
  const TRUNCATED = 'api/2026-11-17T09:30:05Z.perf.gz';
  const GARBAGE = 'api/2026-11-17T09:30:06Z.perf';
  beforeAll(async () => {
    folder.write(GOOD, profile.text);
    folder.write(TRUNCATED, gzipSync(Buffer.from(profile.text)).subarray(0, 12));
    folder.write(GARBAGE, 'not a profile\n');
    sidecar = await startTestSidecar({ storage: folder.url });
  });
  afterAll(async () => {
    await sidecar.close();
    folder.dispose();
  });

  it('a prefix leaves out the profiles that fail, naming each and why', async () => {
    const r = await getJson(`${sidecar.url}/api/v1/heatmap?prefix=api/&from=${T0}&to=${T0 + 60_000}`);
    expect(r.status).toBe(200);
    expect(r.body.data.values[3].reduce((a: number, b: number) => a + b, 0)).toBe(profile.samples);
    const notices = r.body.schema.meta.notices.map((n: any) => n.text);
    expect(notices.some((t: string) => t.startsWith(`${TRUNCATED}: left out — `))).toBe(true);
    expect(notices.some((t: string) => t.startsWith(`${GARBAGE}: left out — `) && /no timestamps/.test(t))).toBe(true);
  });

  it('repeated profile parameters do the same, in the flame graph and the folded download', async () => {
    const ids = [GOOD, TRUNCATED].map((id) => `profile=${encodeURIComponent(id)}`).join('&');
    const fg = await getJson(`${sidecar.url}/api/v1/flamegraph?${ids}`);
    expect(fg.status).toBe(200);
    expect(fg.body.data.values[1][0]).toBe(profile.samples);
    expect(fg.body.schema.meta.notices.some((n: any) => n.text.startsWith(TRUNCATED))).toBe(true);
    const folded = await fetch(`${sidecar.url}/api/v1/folded?${ids}`);
    expect(folded.status).toBe(200);
    expect(decodeURI(folded.headers.get('x-flamescope-notice') ?? '')).toContain(TRUNCATED);
  });

  it('only when none can be used is it an error, naming the first', async () => {
    const ids = [TRUNCATED, GARBAGE].map((id) => `profile=${encodeURIComponent(id)}`).join('&');
    const r = await getJson(`${sidecar.url}/api/v1/heatmap?${ids}`);
    expect(r.status).toBe(422);
    expect(r.body.message).toMatch(new RegExp(`^none of the 2 profiles named could be used; the first: `));
  });
});

describe('decompression bombs and oversized parses', () => {
  const folder = new ProfileFolder();
  let sidecar: Sidecar;
  beforeAll(async () => {
    // 64 MiB of one repeated line compresses ~1000×: far past the 100× default.
    const line = Buffer.from('app 100/100 [000] 1000.000000: cycles: \n\t400000 main+0x1 (/usr/bin/app)\n\n');
    folder.write('bomb/2026-11-17T09:30:00Z.perf.gz', gzipSync(Buffer.alloc(64 << 20, line)));
    folder.write(KEY, profile.text);
    sidecar = await startTestSidecar({ storage: folder.url, maxProfileMb: 1024 });
  });
  afterAll(async () => {
    await sidecar.close();
    folder.dispose();
  });

  it('a gzip bomb is refused by its ratio, and remembered for its version', async () => {
    const url = `${sidecar.url}/api/v1/heatmap?profile=${encodeURIComponent('bomb/2026-11-17T09:30:00Z.perf.gz')}`;
    const r = await getJson(url);
    expect(r.status).toBe(413);
    expect(r.body.error).toBe('too_large');
    expect(r.body.message).toMatch(/100×/);
    const misses = await metric(sidecar, 'flamescope_cache_misses_total');
    const again = await getJson(url);
    expect(again.status).toBe(413);
    expect(await metric(sidecar, 'flamescope_cache_misses_total')).toBe(misses);
    expect((await getJson(`${sidecar.url}/api/v1/heatmap?profile=${encodeURIComponent(KEY)}`)).status).toBe(200);
  });

  it('a parse bigger than --cache-memory-mb is a 413 that names the option, not a parse per request', async () => {
    const tiny = await startTestSidecar({ storage: folder.url, cacheMemoryMb: 0.01 });
    try {
      const url = `${tiny.url}/api/v1/heatmap?profile=${encodeURIComponent(KEY)}`;
      const r = await getJson(url);
      expect(r.status).toBe(413);
      expect(r.body.message).toMatch(/--cache-memory-mb/);
      expect((await getJson(url)).status).toBe(413);
      expect(await metric(tiny, 'flamescope_profile_load_duration_seconds_count{from="parse"}')).toBe(0);
      expect(await metric(tiny, 'flamescope_cache_misses_total')).toBe(1);
    } finally {
      await tiny.close();
    }
  });
});

describe('keys that are not Latin-1', () => {
  const folder = new ProfileFolder();
  let sidecar: Sidecar;
  const KEY_JP = 'サービス/2026-11-17T09:30:00Z.perf';
  beforeAll(async () => {
    folder.write(KEY_JP, profile.text);
    sidecar = await startTestSidecar({ storage: folder.url });
  });
  afterAll(async () => {
    await sidecar.close();
    folder.dispose();
  });

  it('folded answers 200 with the key percent-encoded in its header', async () => {
    const r = await fetch(`${sidecar.url}/api/v1/folded?profile=${encodeURIComponent(KEY_JP)}`);
    expect(r.status).toBe(200);
    expect(decodeURI(r.headers.get('x-flamescope-anchor')!)).toContain(`${KEY_JP}=key-pattern`);
    expect((await r.text()).split('\n')[0]).toMatch(/^app;main;gc;mark \d+$/);
  });
});

describe('bounded bookkeeping', () => {
  it('a flood of distinct missing ids leaves the state bounded', async () => {
    const folder = new ProfileFolder();
    folder.write(KEY, profile.text);
    const pool = new WorkerPool(1, { storage: folder.url, storageTimeoutMs: 1000 }, 1 << 30, 100);
    const service = new ProfileService(new FileStorage(folder.root), pool, {
      cacheBytes: 1 << 28,
      maxBytes: 1 << 30,
      revalidateMs: 60_000,
      writeIndex: false,
      anchor: { keyTimePattern: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/, capturedOnTimeZone: 'UTC' },
    });
    try {
      await service.load(KEY);
      for (let i = 0; i < 5_000; i++) {
        await expect(service.load(`missing/${i}.perf`)).rejects.toMatchObject({ kind: 'not-found' });
      }
      expect(service.trackedEntries).toBeLessThanOrEqual(2_001 + 1);
      // The good profile's version survived the flood.
      expect((await service.load(KEY)).key).toBe(KEY);
      expect(service.cachedProfiles).toBe(1);
    } finally {
      await pool.close();
      folder.dispose();
    }
  });
});

describe('shutdown', () => {
  it('stops accepting, waits at most --shutdown-timeout-ms for a stuck response, logs it and exits', async () => {
    const folder = new ProfileFolder();
    const bin = require('node:path').join(__dirname, '..', '..', 'bin', 'flamescope.js');
    const child = spawn(
      process.execPath,
      [bin, 'serve', '--port', '0', '--storage', folder.url, '--shutdown-timeout-ms', '300', '--log-level', 'info'],
      { stdio: ['ignore', 'pipe', 'pipe'] }
    );
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const poll = setInterval(() => {
          const m = /serving .* on (http:\/\/[\d.]+:\d+)/.exec(out);
          if (m) {
            clearInterval(poll);
            resolve(m[1]);
          }
        }, 10);
        child.once('exit', () => reject(new Error(out)));
      });
      // A client that announces a request body and never sends it keeps its request in flight.
      const { port } = new URL(url);
      const stuck = connect(Number(port), '127.0.0.1', () =>
        stuck.write(
          `POST /api/v1/heatmap HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 900\r\n\r\n{`
        )
      );
      stuck.on('error', () => undefined);
      await new Promise((r) => setTimeout(r, 200));
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      const code = await exited;
      stuck.destroy();
      expect(out).toMatch(/SIGTERM: shutting down — no new connections; waiting up to 300 ms for \d+ open connection/);
      expect(out).toMatch(/shutdown deadline of 300 ms passed/);
      expect(code).toBe(1);
    } finally {
      child.kill('SIGKILL');
      folder.dispose();
    }
  });

  it('with nothing in flight it exits 0 at once, saying so', async () => {
    const folder = new ProfileFolder();
    const bin = require('node:path').join(__dirname, '..', '..', 'bin', 'flamescope.js');
    const child = spawn(process.execPath, [bin, 'serve', '--port', '0', '--storage', folder.url], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let signalled = false;
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      if (/serving/.test(out) && !signalled) {
        signalled = true;
        child.kill('SIGTERM');
      }
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    folder.dispose();
    expect(out).toMatch(/shut down cleanly/);
    expect(code).toBe(0);
  });
});
