/**
 * The threaded parse (sidecar/profiles/parallel-parse.ts, lib/parse-worker.cjs in its chunk role) against the
 * single-thread one, through parseStream as the CLI and the sidecar call it: the same store for every fixture and
 * the bench generator's dense profile, plain or gzip, truncated or corrupt (the same warnings, at the same lines),
 * for input with no place to cut, and for other formats (which never go to threads). Then the CLI and a sidecar
 * with --parse-concurrency 1 and 2: the same answers, byte for byte.
 */
import { defaultParseThreads, defaultServerParseThreads } from '../../sidecar/profiles/parse-threads';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { ProfileStore } from '../../src/profile';
import { generateProfile, PROFILE_SPEC } from '../../bench/generate-profile';
import { FileChunks } from '../../sidecar/io/file-chunks';
import { parseStream, readProfileFile, ReadOptions } from '../../sidecar/io/read-profile';
import { pooledChunkBytes } from '../../sidecar/profiles/chunk-memory';
import { ParallelOptions } from '../../sidecar/profiles/parallel-parse';
import { ALL_PERF_INPUTS, chromeBytes, fixtureBytes } from '../helpers/fixtures';
import { firstDifference, latin1 } from '../helpers/profile-views';
import { getJson, ProfileFolder, startTestSidecar } from './harness';

jest.setTimeout(120_000);

const ROOT = join(__dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'flamescope.js');
const run = promisify(execFile);

/** Feeds `bytes` in 64 KiB pieces, as a stream would. */
function stream(bytes: Uint8Array, piece = 65536): Readable {
  const pieces: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += piece) {
    pieces.push(bytes.subarray(i, Math.min(bytes.length, i + piece)));
  }
  return Readable.from(pieces);
}

const SMALL_CHUNKS: ParallelOptions = { threads: 2, minBytes: 0, chunkBytes: 16 * 1024 };

async function both(bytes: Uint8Array, options: ReadOptions = {}, parallel = SMALL_CHUNKS) {
  const [one, many] = await Promise.all([
    parseStream(stream(bytes), options).catch((e: Error) => e),
    parseStream(stream(bytes), { ...options, parallel }).catch((e: Error) => e),
  ]);
  return { one, many };
}

function expectSame(a: ProfileStore | Error, b: ProfileStore | Error) {
  expect(firstDifference(b, a)).toBeUndefined();
}

let dense: { plain: Uint8Array; gzip: Uint8Array };
const dir = mkdtempSync(join(tmpdir(), 'flamescope-parallel-'));

// The threaded path from 1 MiB on (its default threshold is far above the test profile's size), for the CLI (through
// its environment) and the sidecar's parse workers (which inherit this process's).
const MIN_BYTES_ENV = 'FLAMESCOPE_PARALLEL_MIN_BYTES';
const savedMinBytes = process.env[MIN_BYTES_ENV];
process.env[MIN_BYTES_ENV] = String(1 << 20);
afterAll(() => {
  if (savedMinBytes === undefined) {
    delete process.env[MIN_BYTES_ENV];
  } else {
    process.env[MIN_BYTES_ENV] = savedMinBytes;
  }
});

beforeAll(async () => {
  // The bench's dense 16-CPU profile, 3 s of it (~11 MB).
  const plainPath = join(dir, 'dense.txt');
  const gzipPath = join(dir, 'dense.txt.gz');
  await generateProfile(plainPath, gzipPath, { ...PROFILE_SPEC, spanSec: 3, minPlainBytes: 0 });
  dense = { plain: readFileSync(plainPath), gzip: readFileSync(gzipPath) };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('threaded parse = single-thread parse', () => {
  it.each(ALL_PERF_INPUTS)('%s', async (path) => {
    const bytes = fixtureBytes(path);
    // A .gz takes a thread for its inflate: 3 are 2 parsing.
    const threads = path.endsWith('.gz') ? 3 : 2;
    const { one, many } = await both(bytes, {}, { threads, minBytes: 0, chunkBytes: 2048 });
    expect(one).not.toBeInstanceOf(Error);
    expectSame(one, many);
  });

  it('the dense bench profile, at several chunk sizes and thread counts, plain and gzip', async () => {
    expect(dense.plain.length).toBeGreaterThan(8 << 20);
    const expected = await parseStream(stream(dense.plain));
    expect((expected as ProfileStore).sampleCount).toBeGreaterThan(3 * 16 * 99 * 0.9);
    // minBytes > 0: the first bytes stream through one parser that becomes chunk 0 at the first cut past them.
    for (const [threads, chunkBytes, minBytes] of [
      [2, 256 * 1024, 0],
      [3, 1 << 20, 100_001],
      [2, 4 << 20, 3_000_001],
    ]) {
      const many = await parseStream(stream(dense.plain), { parallel: { threads, minBytes, chunkBytes } });
      expectSame(expected, many);
    }
    // Its size known up front: cut from the first sample boundary on.
    const hinted = await parseStream(stream(dense.plain), {
      totalBytes: dense.plain.length,
      parallel: { threads: 2, minBytes: 1 << 20, chunkBytes: 1 << 20 },
    });
    expectSame(expected, hinted);
    // Gzip: one thread inflates, so 3 are 2 parsing.
    const gz = await parseStream(stream(dense.gzip), { parallel: { threads: 3, minBytes: 0, chunkBytes: 1 << 20 } });
    expectSame(expected, gz);
  });

  it('a truncated gzip: the same partial store and the same "truncated" warning', async () => {
    for (const cut of [0.3, 0.77]) {
      const truncated = dense.gzip.subarray(0, Math.floor(dense.gzip.length * cut));
      const { one, many } = await both(truncated, {}, { threads: 3, minBytes: 0, chunkBytes: 256 * 1024 });
      expect(one).not.toBeInstanceOf(Error);
      expect((one as ProfileStore).warnings.map((w) => w.code)).toContain('truncated');
      expectSame(one, many);
    }
  });

  it('a corrupt gzip: the same partial store or the same error', async () => {
    const corrupt = Buffer.from(dense.gzip);
    for (let i = 0; i < 64; i++) {
      corrupt[Math.floor(corrupt.length / 2) + i * 7] ^= 0x5a;
    }
    const { one, many } = await both(corrupt, {}, { threads: 3, minBytes: 0, chunkBytes: 256 * 1024 });
    expectSame(one, many);
    const head = Buffer.from(gzipSync(latin1('x'.repeat(1000))));
    head[12] ^= 0xff;
    const bad = await both(head, {}, { threads: 3, minBytes: 0, chunkBytes: 256 });
    expect(bad.one).toBeInstanceOf(Error);
    expect((bad.many as Error).message).toBe((bad.one as Error).message);
  });

  it('the size limit refuses the same input with the same sentence', async () => {
    const { one, many } = await both(
      dense.plain,
      { maxBytes: 2 << 20 },
      { threads: 2, minBytes: 0, chunkBytes: 65536 }
    );
    expect(one).toBeInstanceOf(Error);
    expect((many as Error).message).toBe((one as Error).message);
  });

  it('perf script with no blank lines (no place to cut): the rest is parsed on one thread, still the same store', async () => {
    const lines: string[] = [];
    for (let i = 0; i < 20_000; i++) {
      lines.push(
        `proc ${100 + (i % 7)}/${100 + (i % 7)} [00${i % 4}] ${1000 + i / 1000}: 1 cycles: 4004${i % 50} f${i % 50} (/bin/proc)`
      );
    }
    const bytes = latin1(lines.join('\n') + '\n');
    const { one, many } = await both(bytes, {}, { threads: 2, minBytes: 0, chunkBytes: 4096, maxUncutBytes: 65536 });
    expect((one as ProfileStore).sampleCount).toBe(20_000);
    expectSame(one, many);
  });

  it('threads only above the size threshold, and only for perf script (a missing thread script shows which path ran)', async () => {
    const broken = { threads: 2, workerScript: join(dir, 'no-such-worker.cjs') };
    await expect(parseStream(stream(dense.plain), { parallel: { ...broken, minBytes: 0 } })).rejects.toThrow();
    const small = await parseStream(stream(dense.plain), { parallel: { ...broken, minBytes: dense.plain.length + 1 } });
    expect(small.sampleCount).toBeGreaterThan(0);
    // The input's size (a file's, an object's) decides before the threshold is streamed: a large one goes to threads
    // from its first cut; a .gz's size counts for a few times more.
    const minBytes = dense.plain.length + 1;
    await expect(
      parseStream(stream(dense.plain), { totalBytes: minBytes, parallel: { ...broken, minBytes } })
    ).rejects.toThrow();
    const gzipHint = { totalBytes: Math.ceil(minBytes / 3), parallel: { ...broken, threads: 3, minBytes } };
    await expect(parseStream(stream(dense.gzip), gzipHint)).rejects.toThrow();
    // Gzip on 2 threads: one inflates, this one parses (no parse thread is started).
    const gzipOnTwo = await parseStream(stream(dense.gzip), {
      ...gzipHint,
      parallel: { ...gzipHint.parallel, threads: 2 },
    });
    expectSame(small, gzipOnTwo);
    const plainSmallHint = await parseStream(stream(dense.plain), {
      totalBytes: Math.ceil(minBytes / 3),
      parallel: { ...broken, minBytes },
    });
    expectSame(small, plainSmallHint);
    const cpuprofile = chromeBytes('Chrome-65-simple.cpuprofile');
    expect((await parseStream(stream(cpuprofile), { parallel: { ...broken, minBytes: 0 } })).format).toBe('cpuprofile');
  });

  it('other formats never go to threads and parse as before', async () => {
    const bytes = chromeBytes('Chrome-65-simple.cpuprofile');
    const { one, many } = await both(bytes, {}, { threads: 2, minBytes: 0, chunkBytes: 1024 });
    expect((one as ProfileStore).format).toBe('cpuprofile');
    expectSame(one, many);
  });

  it('--addrs (keepUnknownAddresses) reaches the chunk threads', async () => {
    const bytes = fixtureBytes('perf-numa-stacks-01.txt');
    const { one, many } = await both(
      bytes,
      { keepUnknownAddresses: true },
      { threads: 2, minBytes: 0, chunkBytes: 4096 }
    );
    expect((one as ProfileStore).frames.address.some((a) => a !== undefined)).toBe(true);
    expectSame(one, many);
  });
});

describe('a file read straight into the memory the parser offers', () => {
  /** FileChunks, counting the chunks it yields and those that landed in memory the parser offered. */
  class CountingChunks extends FileChunks {
    yielded = 0;
    inPlace = 0;
    readonly memory = new Set<ArrayBufferLike>();
    async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
      for await (const chunk of super[Symbol.asyncIterator]()) {
        this.yielded++;
        this.inPlace += chunk.buffer instanceof SharedArrayBuffer ? 1 : 0;
        this.memory.add(chunk.buffer);
        yield chunk;
      }
    }
  }

  it('parses to the single-thread store: threads read a file of known size themselves, one thread reuses its memory', async () => {
    const path = join(dir, 'dense.txt');
    const expected = await parseStream(stream(dense.plain));
    // Threads: the file's ranges are read by the threads (file-range-parse.ts), nothing through the iterator.
    const chunks = new CountingChunks(await open(path), 256 * 1024);
    const many = await parseStream(chunks, {
      totalBytes: dense.plain.length,
      parallel: { threads: 2, minBytes: 0, chunkBytes: 1 << 20 },
    });
    expectSame(expected, many);
    expect(chunks.yielded).toBe(0);
    expectSame(expected, await readProfileFile(path, { parallel: { threads: 2, minBytes: 0, chunkBytes: 1 << 20 } }));
    // Of unknown size, it streams to the threads as any input does.
    const unsized = new CountingChunks(await open(path), 256 * 1024);
    expectSame(expected, await parseStream(unsized, { parallel: { threads: 2, minBytes: 0, chunkBytes: 1 << 20 } }));
    expect(unsized.yielded).toBeGreaterThan(40);
    // One thread reads every chunk through: its reads reuse its parser's memory once the format is known.
    const single = new CountingChunks(await open(path), 256 * 1024);
    expectSame(expected, await parseStream(single, {}));
    expect(single.inPlace).toBe(0);
    expect(single.yielded).toBeGreaterThan(40);
    expect(single.memory.size).toBeLessThanOrEqual(2);
  });

  it('reuses the chunk memory of one parse for the next', async () => {
    const options = { totalBytes: dense.plain.length, parallel: { threads: 2, minBytes: 0, chunkBytes: 1 << 20 } };
    await parseStream(stream(dense.plain), options);
    const pooled = pooledChunkBytes();
    expect(pooled).toBeGreaterThan(0);
    for (let i = 0; i < 3; i++) {
      await parseStream(stream(dense.plain), options);
      expect(pooledChunkBytes()).toBe(pooled);
    }
  });

  it('yields exactly the file, in reads no larger than the memory offered', async () => {
    const path = join(dir, 'dense.txt.gz');
    const chunks = new FileChunks(await open(path), 1 << 20);
    const offered = Buffer.from(new SharedArrayBuffer(4096));
    let asked = 0;
    chunks.readInto = (bytes) => (asked++ % 2 === 0 ? offered.subarray(0, Math.min(bytes, 1000)) : undefined);
    const read: Buffer[] = [];
    for await (const chunk of chunks) {
      expect(chunk.length).toBeLessThanOrEqual(chunk.buffer === offered.buffer ? 1000 : 1 << 20);
      read.push(Buffer.from(chunk));
    }
    expect(Buffer.concat(read).equals(dense.gzip)).toBe(true);
  });
});

describe('--parse-concurrency 1 and 2 answer the same', () => {
  it('the CLI: collapse, heatmap and info, plain and gzip', async () => {
    const plain = join(dir, 'dense.txt');
    for (const args of [['collapse'], ['heatmap', '--rows', '25'], ['info']]) {
      const [one, two, gz] = await Promise.all([
        run(process.execPath, [BIN, ...args, '--parse-concurrency', '1', plain], {
          maxBuffer: 1 << 28,
          encoding: 'buffer',
        }),
        run(process.execPath, [BIN, ...args, '--parse-concurrency', '2', plain], {
          maxBuffer: 1 << 28,
          encoding: 'buffer',
        }),
        run(process.execPath, [BIN, ...args, '--parse-concurrency', '2', plain + '.gz'], {
          maxBuffer: 1 << 28,
          encoding: 'buffer',
        }),
      ]);
      expect(one.stdout.length).toBeGreaterThan(100);
      expect(two.stdout.equals(one.stdout)).toBe(true);
      if (args[0] !== 'info') {
        expect(gz.stdout.equals(one.stdout)).toBe(true);
      }
    }
  });

  it('the CLI refuses a bad --parse-concurrency as a usage error', async () => {
    await expect(
      run(process.execPath, [BIN, 'info', '--parse-concurrency', '0', join(dir, 'dense.txt')])
    ).rejects.toMatchObject({ code: 2, stderr: expect.stringMatching(/--parse-concurrency must be an integer/) });
  });

  it('the sidecar: heat map, flame graph and folded stacks', async () => {
    const folder = new ProfileFolder();
    const key = 'dense/2026-11-17T09:30:00Z.perf';
    folder.write(key, dense.plain);
    const sidecars = await Promise.all(
      [1, 2].map((n) => startTestSidecar({ storage: folder.url, parseConcurrency: n }))
    );
    try {
      const answers = await Promise.all(
        sidecars.map(async (s) => {
          const q = `profile=${encodeURIComponent(key)}`;
          const heat = await getJson(`${s.url}/api/v1/heatmap?${q}&rows=20`);
          const flame = await getJson(`${s.url}/api/v1/flamegraph?${q}`);
          const folded = await (await fetch(`${s.url}/api/v1/folded?${q}`)).text();
          return { heat, flame, folded };
        })
      );
      expect(answers[0].heat.status).toBe(200);
      expect(answers[0].flame.status).toBe(200);
      expect(answers[0].folded.length).toBeGreaterThan(1000);
      // Compared as JSON text: a mismatch names its place instead of printing megabytes of folded stacks.
      expect(firstDifference(answers[1].heat, answers[0].heat)).toBeUndefined();
      expect(firstDifference(answers[1].flame, answers[0].flame)).toBeUndefined();
      expect(answers[1].folded === answers[0].folded).toBe(true);
    } finally {
      await Promise.all(sidecars.map((s) => s.close()));
      folder.dispose();
    }
  });
});

describe('the default thread count for one profile', () => {
  it('the sidecar (warm threads) uses every core; the CLI (cold threads) splits only from 4 cores', () => {
    expect([1, 2, 3, 4, 16].map((cores) => defaultServerParseThreads(cores))).toEqual([1, 2, 3, 4, 16]);
    expect([1, 2, 3, 4, 16].map((cores) => defaultParseThreads(cores))).toEqual([1, 1, 1, 4, 16]);
  });
});
