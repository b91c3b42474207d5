/**
 * A large plain perf script file parsed on threads that each read their own byte ranges
 * (sidecar/profiles/file-range-parse.ts, file-ranges.ts, through readProfileFile as the CLI and the sidecar call it):
 * the same store as the single-thread parse for every fixture and the bench generator's dense profile, at ranges
 * far smaller than a sample and at several thread counts; where the cuts fall (samples longer than the first read
 * around a boundary, stretches with no place to cut); a file that shrank during the parse; and failures that must
 * reject, not hang.
 */
import { mkdtempSync, openSync, closeSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProfileStore } from '../../src/profile';
import { ChunkParser } from '../../src/profile/perf-script/chunked';
import { isEventLine } from '../../src/profile/perf-script/chunks';
import { generateProfile, PROFILE_SPEC } from '../../bench/generate-profile';
import { readProfileFile, ReadOptions } from '../../sidecar/io/read-profile';
import { pooledChunkBytes } from '../../sidecar/profiles/chunk-memory';
import { findRangeCuts, nextRangeBytes, parseFileRange } from '../../sidecar/profiles/file-ranges';
import { ALL_PERF_INPUTS, chromeBytes, fixtureBytes } from '../helpers/fixtures';
import { firstDifference, latin1 } from '../helpers/profile-views';

jest.setTimeout(120_000);

const dir = mkdtempSync(join(tmpdir(), 'flamescope-ranges-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, bytes: Uint8Array): string {
  const path = join(dir, name.replace(/\.gz$/, '').replace(/\//g, '_'));
  writeFileSync(path, bytes);
  return path;
}

function expectSame(a: ProfileStore, b: ProfileStore) {
  expect(firstDifference(b, a)).toBeUndefined();
}

/** Ranges, with the threshold off: every file goes to threads. */
const ranges = (threads: number, rangeBytes: number, more: ReadOptions = {}): ReadOptions => ({
  ...more,
  parallel: { threads, minBytes: 0, chunkBytes: rangeBytes, ...more.parallel },
});

/** A sample of `frames` frame lines, at second `t`. */
function sample(t: number, frames: number, name = 'f'): string {
  const lines = [`proc 1/1 [000] ${t.toFixed(6)}: 1 cycles:`];
  for (let i = 0; i < frames; i++) {
    lines.push(`\t    ${(0x400000 + i * 16).toString(16)} ${name}${i}+0x1 (/bin/proc)`);
  }
  return lines.join('\n') + '\n\n';
}

describe('a file parsed in ranges each thread reads = the single-thread parse', () => {
  it('is read by the threads themselves: no chunk memory passes between threads', async () => {
    const path = write(
      'own-reads.txt',
      latin1(Array.from({ length: 300 }, (_, i) => sample(1 + i / 100, 20)).join(''))
    );
    expectSame(await readProfileFile(path), await readProfileFile(path, ranges(2, 2048)));
    // The streaming threaded parse pools the chunk memory it hands to threads (parallel-parse.test.ts); ranges need none.
    expect(pooledChunkBytes()).toBe(0);
  });

  it.each(ALL_PERF_INPUTS)('%s, at ranges of 300 bytes and 4 KiB, on 2 and 3 threads', async (name) => {
    const path = write(name, fixtureBytes(name));
    const one = await readProfileFile(path);
    for (const [threads, rangeBytes] of [
      [2, 300],
      [3, 4096],
    ]) {
      expectSame(one, await readProfileFile(path, ranges(threads, rangeBytes)));
    }
  });

  it('the dense bench profile (16 CPUs, deep stacks), with --addrs too', async () => {
    const path = join(dir, 'dense.txt');
    await generateProfile(path, join(dir, 'dense.txt.gz'), { ...PROFILE_SPEC, spanSec: 2, minPlainBytes: 0 });
    const one = await readProfileFile(path);
    expect(one.sampleCount).toBeGreaterThan(2000);
    for (const rangeBytes of [64 * 1024, 1 << 20]) {
      expectSame(one, await readProfileFile(path, ranges(2, rangeBytes)));
    }
    expectSame(
      await readProfileFile(path, { keepUnknownAddresses: true }),
      await readProfileFile(path, ranges(3, 256 * 1024, { keepUnknownAddresses: true }))
    );
    // A .gz streams (its ranges cannot be read apart): still the same store.
    expectSame(one, await readProfileFile(join(dir, 'dense.txt.gz'), ranges(2, 64 * 1024)));
  });

  it('only perf script within the size limit goes to ranges: other formats parse as before, too large is refused', async () => {
    const cpuprofile = write('profile.cpuprofile', chromeBytes('Chrome-65-simple.cpuprofile'));
    const store = await readProfileFile(cpuprofile, ranges(2, 1024));
    expect(store.format).toBe('cpuprofile');
    expectSame(await readProfileFile(cpuprofile), store);
    const perf = write('limit.txt', latin1(Array.from({ length: 100 }, (_, i) => sample(1 + i / 100, 10)).join('')));
    await expect(readProfileFile(perf, ranges(2, 1024, { maxBytes: 1000 }))).rejects.toMatchObject({
      code: 'too-large',
    });
  });

  it('reports progress up to the whole file', async () => {
    const path = write('progress.txt', latin1(Array.from({ length: 400 }, (_, i) => sample(1 + i / 100, 20)).join('')));
    const seen: number[] = [];
    await readProfileFile(path, ranges(2, 4096, { onProgress: (bytes) => seen.push(bytes) }));
    expect(seen.length).toBeGreaterThan(10);
    expect(seen[seen.length - 1]).toBe(readFileSync(path).length);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
  });
});

describe('where a file is cut', () => {
  it('at event lines right after a blank line, past samples longer than the first read around a boundary', async () => {
    // Samples of 40 to 3000 frames (~120 KiB): longer than the 64 KiB first read.
    const text = Array.from({ length: 60 }, (_, i) => sample(1 + i / 10, [40, 3000, 200][i % 3])).join('');
    const bytes = latin1(text);
    const path = write('long-samples.txt', bytes);
    const handle = await open(path);
    try {
      const cuts = await findRangeCuts(handle, bytes.length, 16 * 1024, 64 << 20);
      // Past each long sample at least (20 of them).
      expect(cuts.length).toBeGreaterThanOrEqual(20);
      // Some cut lies further than the first 64 KiB read from where its search began: found by reading on.
      const searched = cuts.map((cut, i) => cut - ((i === 0 ? 0 : cuts[i - 1]) + 16 * 1024));
      expect(Math.max(...searched)).toBeGreaterThan(64 * 1024);
      for (const cut of cuts) {
        expect(bytes[cut - 1]).toBe(10);
        expect(bytes[cut - 2]).toBe(10); // the blank line before it
        expect(isEventLine(bytes, cut, bytes.indexOf(10, cut))).toBe(true);
      }
      expect(cuts).toEqual([...cuts].sort((a, b) => a - b));
    } finally {
      await handle.close();
    }
    expectSame(await readProfileFile(path), await readProfileFile(path, ranges(2, 16 * 1024)));
  });

  it('nowhere in a stretch with no blank line (no call chains): the rest is one range', async () => {
    const lines = Array.from(
      { length: 20_000 },
      (_, i) => `proc 7/7 [00${i % 4}] ${1000 + i / 1000}: 1 cycles: 4004${i % 50} f${i % 50} (/bin/proc)`
    );
    const bytes = latin1(lines.join('\n') + '\n');
    const path = write('no-blank-lines.txt', bytes);
    const handle = await open(path);
    try {
      expect(await findRangeCuts(handle, bytes.length, 4096, 65536)).toEqual([]);
    } finally {
      await handle.close();
    }
    const one = await readProfileFile(path);
    expect(one.sampleCount).toBe(20_000);
    expectSame(one, await readProfileFile(path, ranges(2, 4096, { parallel: { threads: 2, maxUncutBytes: 65536 } })));
  });
});

describe('range sizes', () => {
  const MiB = 1 << 20;
  it('are the set size until the rest is about two per thread, then shrink to 2 MiB, so threads finish together', () => {
    expect(nextRangeBytes(200 * MiB, 16 * MiB, 2)).toBe(16 * MiB);
    expect(nextRangeBytes(64 * MiB, 16 * MiB, 2)).toBe(16 * MiB);
    expect(nextRangeBytes(40 * MiB, 16 * MiB, 2)).toBe(10 * MiB);
    expect(nextRangeBytes(40 * MiB, 16 * MiB, 4)).toBe(5 * MiB);
    expect(nextRangeBytes(5 * MiB, 16 * MiB, 2)).toBe(2 * MiB);
    // A set size under the floor is kept to the end (tests cut small files into many small ranges).
    expect(nextRangeBytes(10_000, 4096, 2)).toBe(4096);
    expect(nextRangeBytes(100, 4096, 2)).toBe(4096);
  });

  it("a file's cuts follow them: whole ranges first, then shrinking ones", async () => {
    const one = sample(1, 30);
    const bytes = latin1(one.repeat(Math.ceil((20 * MiB) / one.length)));
    const path = write('schedule.txt', bytes);
    const handle = await open(path);
    try {
      const cuts = await findRangeCuts(handle, bytes.length, 4 * MiB, 64 << 20, 2);
      const bounds = [0, ...cuts, bytes.length];
      const sizes = cuts.map((cut, i) => cut - bounds[i]);
      // Each range ends at the first sample past its nominal size (a sample is ~1 KiB here).
      const nominal = [4, 4, 3, 2.25, 2, 2, 2].map((m) => m * MiB);
      expect(sizes.length).toBe(nominal.length);
      sizes.forEach((size, i) => {
        expect(size).toBeGreaterThanOrEqual(nominal[i]);
        expect(size).toBeLessThan(nominal[i] + one.length);
      });
    } finally {
      await handle.close();
    }
  });
});

describe('a range parse that cannot finish', () => {
  it('a file that ended before its range: what was there, and a truncation warning', () => {
    const bytes = latin1(sample(1, 5) + sample(2, 5));
    const path = write('short.txt', bytes);
    const fd = openSync(path, 'r');
    try {
      const partial = parseFileRange(new ChunkParser(), fd, 0, bytes.length + 100);
      expect(partial.samples.count).toBe(2);
      expect(partial.warnings.map((w) => w.code)).toContain('truncated');
      expect(partial.warnings.find((w) => w.code === 'truncated')!.message).toMatch(/ended at byte \d+, before/);
    } finally {
      closeSync(fd);
    }
  });

  it('a thread that cannot start rejects the parse (nothing hangs), and the next parse works', async () => {
    const path = write('threads.txt', latin1(Array.from({ length: 200 }, (_, i) => sample(1 + i / 100, 10)).join('')));
    await expect(
      readProfileFile(path, ranges(2, 1024, { parallel: { threads: 2, workerScript: join(dir, 'no-such.cjs') } }))
    ).rejects.toThrow();
    expectSame(await readProfileFile(path), await readProfileFile(path, ranges(2, 1024)));
  });

  it('an aborted parse rejects', async () => {
    const path = write('abort.txt', latin1(Array.from({ length: 2000 }, (_, i) => sample(1 + i / 100, 10)).join('')));
    const controller = new AbortController();
    controller.abort();
    await expect(readProfileFile(path, ranges(2, 1024, { signal: controller.signal }))).rejects.toThrow();
  });
});
