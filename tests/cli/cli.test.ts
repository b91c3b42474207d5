/**
 * The `flamescope` command line, run as users run it (`node bin/flamescope.js …`): output formats, stdin, gzip,
 * time ranges, and errors — exit 1 for bad input, 2 for bad usage, exactly one line on stderr, never a stack trace.
 */
import { execFileSync, spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gunzipSync, gzipSync } from 'node:zlib';
import { parseProfile } from '../../src/profile';
import { DEFAULT_MAX_RATIO, MiB } from '../../sidecar/io/limits';
import { parseStream, ProfileInputError } from '../../sidecar/io/read-profile';
import { CHROME_FIXTURES, PERF_FIXTURES } from '../helpers/fixtures';

const ROOT = join(__dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'flamescope.js');
/** The bundle bin/flamescope.js loads (lib/….cjs, built by `npm run build:cli`). */
const BUNDLE = join(ROOT, 'bin', /require\('(\.\.\/lib\/[^']+\.cjs)'\)/.exec(readFileSync(BIN, 'utf8'))![1]);

interface Run {
  status: number | null;
  stdout: Buffer;
  stderr: string;
}

/** Runs the CLI to completion (several may run at once: each test awaits its runs together). */
function flamescope(args: string[], input?: Uint8Array): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (status) =>
      resolve({ status, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8') })
    );
    // The CLI may exit before reading all of stdin (an unsupported format): that is not a test failure.
    child.stdin.on('error', () => undefined);
    child.stdin.end(input === undefined ? undefined : Buffer.from(input));
  });
}

function fixture(relativePath: string): string {
  return join(PERF_FIXTURES, relativePath);
}

/** Newest modification time under a directory (TypeScript sources only). */
function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      newest = Math.max(newest, newestSource(path));
    } else if (/\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)) {
      newest = Math.max(newest, statSync(path).mtimeMs);
    }
  }
  return newest;
}

/** An error run: the exit code, one line on stderr, nothing on stdout, no stack trace anywhere. */
function expectOneLineError(r: Run, status: number, message?: RegExp) {
  expect(r.status).toBe(status);
  expect(r.stderr).toMatch(/^flamescope: [^\n]+\n$/);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.stdout.toString('latin1')).not.toMatch(/\s+at \S+ \(|Error:/);
  expect(r.stdout.length).toBe(0);
  if (message) {
    expect(r.stderr).toMatch(message);
  }
}

function foldedTotal(out: Buffer): number {
  return out
    .toString('latin1')
    .split('\n')
    .filter((l) => l !== '')
    .reduce((s, l) => s + Number(/ (\d+)$/.exec(l)![1]), 0);
}

let tmp: string;

beforeAll(() => {
  const sources = Math.max(newestSource(join(ROOT, 'src', 'profile')), newestSource(join(ROOT, 'sidecar')));
  if (!existsSync(BUNDLE) || statSync(BUNDLE).mtimeMs < sources) {
    execFileSync('npm', ['run', 'build:cli'], { cwd: ROOT, stdio: 'pipe' });
  }
  tmp = mkdtempSync(join(tmpdir(), 'flamescope-cli-test-'));
}, 120_000);

afterAll(() => {
  if (tmp) {
    rmSync(tmp, { recursive: true, force: true });
  }
});

describe('collapse', () => {
  it('equals stackcollapse-perf.pl --kernel on perf-cycles-instructions-01, byte for byte; also from stdin', async () => {
    const input = readFileSync(fixture('perf-cycles-instructions-01.txt'));
    const expected = readFileSync(fixture('expected/perf-cycles-instructions-01-collapsed-kernel.txt'));
    const [fromFile, fromStdin] = await Promise.all([
      flamescope(['collapse', '--kernel', fixture('perf-cycles-instructions-01.txt')]),
      flamescope(['collapse', '--kernel', '-'], input),
    ]);
    for (const r of [fromFile, fromStdin]) {
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.stdout.equals(expected)).toBe(true);
    }
  });

  it('reads gzip', async () => {
    const expected = readFileSync(fixture('inferno/expected/example-perf-stacks-collapsed.txt'));
    const r = await flamescope(['collapse', fixture('example-perf-stacks.txt.gz')]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout.equals(expected)).toBe(true);
  });

  it('keeps non-UTF-8 bytes in names byte-exact', async () => {
    const path = join(tmp, 'latin1.txt');
    writeFileSync(path, Buffer.from('a 1 1.000001: cycles:\n\t1 caf\xe9\xff (/x)\n\n', 'latin1'));
    const r = await flamescope(['collapse', path]);
    expect(r.status).toBe(0);
    expect(r.stdout.equals(Buffer.from('a;caf\xe9\xff 1\n', 'latin1'))).toBe(true);
  });

  describe('--from/--to', () => {
    let path: string;
    beforeAll(() => {
      // First sample at 100.5: floor(first sample) = 100, so relative times are 0.5, 1.0, 1.5, 2.0, 2.5.
      path = join(tmp, 'range.txt');
      const times = ['100.500000', '101.000000', '101.500000', '102.000000', '102.500000'];
      const names = ['s05', 's10', 's15', 's20', 's25'];
      writeFileSync(path, times.map((t, i) => `app 7 ${t}: cycles:\n\t1 ${names[i]} (/bin/app)\n\n`).join(''));
    });

    it('selects [from, to), seconds after floor(first sample)', async () => {
      const cases: Array<[string[], string]> = [
        // Relative to 100 (not to the first sample, 100.5): s05 is at 0.5 (in), s10 at 1.0 (out).
        [['--from', '0.5', '--to', '1'], 'app;s05 1\n'],
        [['--from', '1', '--to', '2'], 'app;s10 1\napp;s15 1\n'],
        [['--from', '2'], 'app;s20 1\napp;s25 1\n'],
        [['--to', '1.5'], 'app;s05 1\napp;s10 1\n'],
      ];
      const runs = await Promise.all(cases.map(([args]) => flamescope(['collapse', ...args, path])));
      runs.forEach((r, i) => {
        expect([cases[i][0], r.status, r.stderr, r.stdout.toString('latin1')]).toEqual([
          cases[i][0],
          0,
          '',
          cases[i][1],
        ]);
      });
    });

    it('refuses --to before --from as bad usage', async () => {
      expectOneLineError(await flamescope(['collapse', '--from', '2', '--to', '1', path]), 2);
    });
  });
});

describe('heatmap', () => {
  it('prints {start, columns, rows, counts[col][row], max}', async () => {
    const r = await flamescope(['heatmap', '--rows', '10', fixture('flamescope/perf.test01')]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const h = JSON.parse(r.stdout.toString('utf8'));
    expect(Object.keys(h).sort()).toEqual(['columns', 'counts', 'max', 'rows', 'start']);
    expect([h.start, h.columns, h.rows, h.max]).toEqual([5076, 42, 10, 1]);
    expect(h.counts).toHaveLength(42);
    for (const column of h.counts) {
      expect(column).toHaveLength(10);
    }
    // STACK-n at X s and Y ms → counts[X][Y / 100 ms]; the swapper samples are idle and left out.
    const cells: string[] = [];
    h.counts.forEach((column: number[], c: number) =>
      column.forEach((v, row) => v !== 0 && cells.push(`${c},${row}=${v}`))
    );
    expect(cells).toEqual(['0,1=1', '10,2=1', '20,3=1', '30,4=1', '40,5=1']);
  });

  it('includes idle samples with --include-idle and weighs by period with --weight period', async () => {
    const sumOf = (out: Buffer) =>
      (JSON.parse(out.toString('utf8')).counts as number[][]).flat().reduce((a, b) => a + b, 0);
    const [idle, dd] = await Promise.all([
      flamescope(['heatmap', '--include-idle', fixture('flamescope/perf.test01')]),
      flamescope(['heatmap', '--weight', 'period', fixture('perf-dd-stacks-01.txt')]),
    ]);
    expect([idle.status, dd.status]).toEqual([0, 0]);
    expect(sumOf(idle.stdout)).toBe(9);
    expect(sumOf(dd.stdout)).toBe(11 * 10101010);
  });

  it('refuses a profile without timestamps (exit 1) and a bad --rows (exit 2), in one line', async () => {
    const [untimed, rows] = await Promise.all([
      flamescope(['heatmap', fixture('perf-vertx-stacks-01.txt')]),
      flamescope(['heatmap', '--rows', 'ten', fixture('flamescope/perf.test01')]),
    ]);
    expectOneLineError(untimed, 1, /timestamp/);
    expectOneLineError(rows, 2);
  });
});

describe('info', () => {
  it('reports samples, events, time span and header', async () => {
    const r = await flamescope(['info', fixture('flamescope/perf.test01')]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const info = JSON.parse(r.stdout.toString('utf8'));
    expect(info.samples).toBe(9);
    expect(info.idleSamples).toBe(4);
    expect(info.events).toEqual([{ name: 'cpu-clock', samples: 9 }]);
    expect(info.time).toEqual({
      start: 5076,
      firstSample: '5076.100000',
      lastSample: '5117.999999',
      durationSeconds: 41.899999,
      precisionDigits: 6,
    });
    expect(info.header.hostname).toBe('i-xxx');
    expect(info.header.nrcpusOnline).toBe(8);
    expect(info.warnings).toEqual([]);
  });

  it('counts samples per event, and has no time for a profile without timestamps', async () => {
    const [multiRun, untimedRun] = await Promise.all([
      flamescope(['info', fixture('perf-cycles-instructions-01.txt')]),
      flamescope(['info', fixture('perf-vertx-stacks-01.txt')]),
    ]);
    const multi = JSON.parse(multiRun.stdout.toString('utf8'));
    expect(multi.samples).toBe(444);
    expect(
      Object.fromEntries((multi.events as Array<{ name: string; samples: number }>).map((e) => [e.name, e.samples]))
    ).toEqual({ cycles: 111, instructions: 333 });
    const untimed = JSON.parse(untimedRun.stdout.toString('utf8'));
    expect(untimed.samples).toBe(286);
    expect(untimed.time).toBeNull();
    expect(untimed.warnings.map((w: { code: string }) => w.code)).toContain('missing-timestamp');
  });
});

describe('damaged and unreadable input', () => {
  it('a truncated gzip gives partial output (exit 0) and a truncated warning in info', async () => {
    const gz = readFileSync(fixture('example-perf-stacks.txt.gz'));
    const path = join(tmp, 'half.txt.gz');
    writeFileSync(path, gz.subarray(0, Math.floor(gz.length / 2)));
    const [collapse, info] = await Promise.all([
      flamescope(['collapse', '--all-events', path]),
      flamescope(['info', path]),
    ]);

    expect(collapse.status).toBe(0);
    expect(collapse.stderr).toBe('');
    const lines = collapse.stdout.toString('latin1').split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.length).toBeGreaterThan(10);
    expect(lines.filter((line) => !/^\S.* \d+$/.test(line))).toEqual([]);
    const partial = foldedTotal(collapse.stdout);
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(1315);

    expect(info.status).toBe(0);
    const parsed = JSON.parse(info.stdout.toString('utf8'));
    expect(parsed.warnings.map((w: { code: string }) => w.code)).toContain('truncated');
    expect(parsed.samples).toBe(partial);
    // It read a prefix of the real text.
    expect(parsed.bytes).toBeGreaterThan(0);
    expect(parsed.bytes).toBeLessThan(gunzipSync(gz).length);
  });

  it('corrupt gzip (magic bytes, then junk), zstd, a missing file, a directory: exit 1, one line', async () => {
    const corrupt = join(tmp, 'corrupt.gz');
    writeFileSync(corrupt, Buffer.concat([Buffer.from([0x1f, 0x8b]), Buffer.from('this is not deflate data at all')]));
    const zstd = join(tmp, 'profile.zst');
    writeFileSync(zstd, Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x24, 0x00, 0x01, 0x00, 0x00]));
    const dir = join(tmp, 'a-directory');
    mkdirSync(dir, { recursive: true });
    const [corruptRun, zstdRun, missing, dirRun] = await Promise.all([
      flamescope(['collapse', corrupt]),
      flamescope(['collapse', zstd]),
      flamescope(['info', join(tmp, 'does-not-exist.txt')]),
      flamescope(['heatmap', dir]),
    ]);
    expectOneLineError(corruptRun, 1, /gzip/);
    expectOneLineError(zstdRun, 1, /^flamescope: zstd compression is not supported/);
    expectOneLineError(missing, 1, /does-not-exist/);
    expectOneLineError(dirRun, 1, /directory/);
  });

  it('an empty file is not an error', async () => {
    const path = join(tmp, 'empty.txt');
    writeFileSync(path, '');
    const [collapse, info] = await Promise.all([flamescope(['collapse', path]), flamescope(['info', path])]);
    expect([collapse.status, collapse.stdout.length, collapse.stderr]).toEqual([0, 0, '']);
    expect(info.status).toBe(0);
    const parsed = JSON.parse(info.stdout.toString('utf8'));
    expect(parsed.samples).toBe(0);
    expect(parsed.warnings.map((w: { code: string }) => w.code)).toEqual(['no-samples']);
  });
});

describe('formats other than perf script', () => {
  const cpuprofile = join(CHROME_FIXTURES, 'Chrome-65-simple.cpuprofile');

  it('info says the detected format (a .cpuprofile, plain or gzip from stdin, a folded file)', async () => {
    const folded = join(tmp, 'java.folded');
    writeFileSync(folded, readFileSync(fixture('expected/perf-java-stacks-02-collapsed-all.txt')));
    const [plain, piped, foldedRun] = await Promise.all([
      flamescope(['info', cpuprofile]),
      flamescope(['info', '-'], gzipSync(readFileSync(cpuprofile))),
      flamescope(['info', folded]),
    ]);
    for (const r of [plain, piped]) {
      expect([r.status, r.stderr]).toEqual([0, '']);
      const info = JSON.parse(r.stdout.toString('utf8'));
      expect(info).toMatchObject({ format: 'cpuprofile', samples: 29, idleSamples: 0, threads: 1, warnings: [] });
      // startTime 163140599286 µs + the first delta (11575) and + all 29 deltas: exact, in µs.
      expect(info.time).toMatchObject({
        firstSample: '163140.610861',
        lastSample: '163140.645206',
        precisionDigits: 6,
      });
    }
    const info = JSON.parse(foldedRun.stdout.toString('utf8'));
    expect(info).toMatchObject({ format: 'folded', time: null, warnings: [] });
  });

  it('collapse of a .cpuprofile: V8’s frames as `function file:line`, the thread first', async () => {
    const r = await flamescope(['collapse', cpuprofile]);
    expect(r.status).toBe(0);
    expect(r.stdout.toString('latin1')).toBe(
      'main;(anonymous) VM164:1 1\n' +
        'main;(anonymous) VM164:1;a VM164:1;b VM164:6;d VM164:14 14\n' +
        'main;(anonymous) VM164:1;a VM164:1;c VM164:10;d VM164:14 14\n'
    );
  });

  it('--format reads the file as that format; a bad value exits 2 with one sentence', async () => {
    const [asFolded, bad] = await Promise.all([
      flamescope(['info', '--format', 'folded', cpuprofile]),
      flamescope(['collapse', '--format', 'xml', cpuprofile]),
    ]);
    expect(asFolded.status).toBe(0);
    const info = JSON.parse(asFolded.stdout.toString('utf8'));
    // JSON lines are no folded stacks: nothing read, each counted.
    expect(info).toMatchObject({ format: 'folded', samples: 0 });
    expect(info.warnings.map((w: { code: string }) => w.code)).toEqual(['garbage-line', 'no-samples']);
    expectOneLineError(
      bad,
      2,
      /^flamescope: --format must be one of perf-script, cpuprofile, chrome-trace, nflxprofile, folded, got "xml"\n$/
    );
  });

  it('a heat map of folded stacks, and a truncated .cpuprofile: exit 1, one line', async () => {
    const folded = join(tmp, 'vertx.folded');
    writeFileSync(folded, readFileSync(fixture('expected/perf-vertx-stacks-01-collapsed-pid.txt')));
    const cut = join(tmp, 'cut.cpuprofile');
    writeFileSync(cut, readFileSync(cpuprofile).subarray(0, 700));
    const [heat, truncated, collapse] = await Promise.all([
      flamescope(['heatmap', folded]),
      flamescope(['info', cut]),
      flamescope(['collapse', folded]),
    ]);
    expectOneLineError(heat, 1, /^flamescope: folded stacks carry no timestamps: /);
    expectOneLineError(truncated, 1, /^flamescope: the \.cpuprofile is not valid JSON: /);
    // The folded file folds back to itself.
    expect(collapse.stdout.equals(readFileSync(folded))).toBe(true);
  });

  it('--help lists the formats and --format', async () => {
    const r = await flamescope(['--help']);
    expect(r.status).toBe(0);
    const help = r.stdout.toString('utf8');
    for (const format of ['perf-script', 'cpuprofile', 'chrome-trace', 'nflxprofile', 'folded', '--format NAME']) {
      expect(help).toContain(format);
    }
  });
});

describe('usage errors', () => {
  it('an unknown option or command, or two FILEs: exit 2, one line', async () => {
    const dd = fixture('perf-dd-stacks-01.txt');
    const [bogus, command, twoFiles] = await Promise.all([
      flamescope(['heatmap', '--kernel', dd]),
      flamescope(['fold', dd]),
      flamescope(['info', dd, dd]),
    ]);
    expectOneLineError(bogus, 2, /kernel/);
    expectOneLineError(command, 2, /fold/);
    expectOneLineError(twoFiles, 2);
  });
});

describe('input limits (hostile input)', () => {
  /**
   * A gzip bomb: `a\n` lines, 30 gzip members of 10 MiB each (one stream to zlib), 300 MiB from ~300 KiB: ~1000×.
   * Built member by member so the test never holds the 300 MiB.
   */
  function gzipBomb(): Buffer {
    const member = gzipSync(Buffer.alloc(10 * MiB, 'a\n'), { level: 9 });
    return Buffer.concat(Array.from({ length: 30 }, () => member));
  }

  /** One real, timed sample repeated: a legitimate profile that still compresses ~1000× (`count` samples). */
  const SAMPLE = 'app 7/7 [000] 1.000001: cycles:\n\t4005d0 spin (/bin/app)\n\n';
  function repeatedSamples(bytes: number): { text: Buffer; count: number } {
    const count = Math.floor(bytes / SAMPLE.length);
    return { text: Buffer.alloc(count * SAMPLE.length, SAMPLE), count };
  }

  describe('parseStream --max-ratio check', () => {
    it('refuses a real gzip bomb after a few MiB, pulling little of the input, and releases the source', async () => {
      const bomb = gzipBomb();
      expect(bomb.length).toBeLessThan(MiB);
      let pulled = 0;
      let released = false;
      async function* pieces(): AsyncGenerator<Uint8Array> {
        try {
          for (let i = 0; i < bomb.length; i += 16 * 1024) {
            pulled += Math.min(16 * 1024, bomb.length - i);
            yield bomb.subarray(i, i + 16 * 1024);
          }
        } finally {
          released = true;
        }
      }
      let progress = 0;
      const error = await parseStream(pieces(), {
        maxRatio: DEFAULT_MAX_RATIO,
        onProgress: (read) => (progress = read),
      }).catch((e) => e);
      expect(error).toBeInstanceOf(ProfileInputError);
      expect(error.code).toBe('too-large');
      expect(error.message).toMatch(/^the gzip data expands more than 100× \(a decompression bomb\?\)/);
      expect(error.message).toMatch(/--max-ratio/);
      expect(error.message).not.toMatch(/\n/);
      // Refused at ~18 MiB of output, i.e. ~18 KiB of input: far from the whole bomb.
      expect(pulled).toBeLessThan(bomb.length / 2);
      expect(progress).toBe(pulled);
      await new Promise((resolve) => setImmediate(resolve));
      expect(released).toBe(true);
    });

    it('refuses one in-memory chunk too (the ratio counts what zlib consumed, not what was read)', async () => {
      const error = await parseStream(Readable.from([gzipBomb()]), { maxRatio: 100 }).catch((e) => e);
      expect(error).toBeInstanceOf(ProfileInputError);
      expect(error.message).toMatch(/expands more than 100×/);
    });

    it('passes a real 46×-compressible fixture at 100× even without slack, refuses it at 40×; 0 is no limit', async () => {
      const text = readFileSync(fixture('perf-funcab-pid-01.txt'));
      const gz = gzipSync(text, { level: 9 });
      // gzip -9 makes 46×, zlib's level 9 about 48×: a legitimate profile near the top of the real range.
      expect(text.length / gz.length).toBeGreaterThan(45);
      expect(text.length / gz.length).toBeLessThan(50);
      const expected = parseProfile(text).sampleCount;
      const parse = (maxRatio: number) =>
        parseStream(Readable.from([gz]), { maxRatio, ratioSlackBytes: 0 }).then(
          (store) => store.sampleCount,
          (e: ProfileInputError) => e.code
        );
      expect(await parse(100)).toBe(expected);
      expect(await parse(40)).toBe('too-large');
      expect(await parse(0)).toBe(expected);
      // The default slack lets small inputs through whatever their ratio.
      expect((await parseStream(Readable.from([gz]), { maxRatio: 2 })).sampleCount).toBe(expected);
    });

    it('keeps maxBytes and the truncated-gzip behaviour', async () => {
      const text = readFileSync(fixture('perf-funcab-pid-01.txt'));
      const gz = gzipSync(text);
      const tooLarge = await parseStream(Readable.from([gz]), { maxBytes: 1000, maxRatio: 100 }).catch((e) => e);
      expect(tooLarge).toBeInstanceOf(ProfileInputError);
      expect(tooLarge.code).toBe('too-large');
      expect(tooLarge.message).toMatch(/larger than the 1000 bytes limit/);
      const partial = await parseStream(Readable.from([gz.subarray(0, gz.length - 100)]), { maxRatio: 100 });
      expect(partial.warnings.map((w) => w.code)).toContain('truncated');
      expect(partial.sampleCount).toBeGreaterThan(0);
    });

    it('reports a read error without the server path Node puts in its message', async () => {
      const secret = '/srv/secret/profiles/p.txt';
      const failing = new Readable({
        read() {
          this.destroy(
            Object.assign(new Error(`EACCES: permission denied, open '${secret}'`), {
              code: 'EACCES',
              errno: -13,
              syscall: 'open',
              path: secret,
            })
          );
        },
      });
      const error = await parseStream(failing).catch((e) => e);
      expect(error).toBeInstanceOf(ProfileInputError);
      expect(error.message).toBe('cannot read the profile: permission denied');
      const missing = new Readable({
        read() {
          this.destroy(
            Object.assign(new Error(`ENOENT: no such file, open '${secret}'`), { code: 'ENOENT', path: secret })
          );
        },
      });
      const gone = await parseStream(missing).catch((e) => e);
      expect(gone.code).toBe('not-found');
      expect(gone.message).not.toContain('/srv');
    });
  });

  describe('--max-mb and --max-ratio', () => {
    let bomb: string;
    let dense: string;
    let denseCount: number;
    let plain: string;
    beforeAll(() => {
      bomb = join(tmp, 'bomb.txt.gz');
      writeFileSync(bomb, gzipBomb());
      // 40 MiB of real samples at ~1000×: refused by default, read in full with --max-ratio 0.
      const { text, count } = repeatedSamples(40 * MiB);
      dense = join(tmp, 'dense.txt.gz');
      writeFileSync(dense, gzipSync(text, { level: 9 }));
      denseCount = count;
      // 3 MiB of plain text.
      plain = join(tmp, 'example-perf-stacks.txt');
      writeFileSync(plain, gunzipSync(readFileSync(fixture('example-perf-stacks.txt.gz'))));
    });

    it('a gzip bomb: exit 1, one line naming the ratio and the option, no path (file and stdin)', async () => {
      const [collapse, info, stdin] = await Promise.all([
        flamescope(['collapse', bomb]),
        flamescope(['info', bomb]),
        flamescope(['heatmap', '-'], readFileSync(bomb)),
      ]);
      for (const r of [collapse, info, stdin]) {
        expectOneLineError(
          r,
          1,
          /^flamescope: the gzip data expands more than 100× \(a decompression bomb\?\).*--max-ratio/
        );
        expect(r.stderr).not.toContain(tmp);
      }
    });

    it('--max-ratio 0 turns the check off: 40 MiB of real samples at ~1000× are read in full', async () => {
      const [refused, off, high] = await Promise.all([
        flamescope(['info', dense]),
        flamescope(['info', '--max-ratio', '0', dense]),
        flamescope(['info', '--max-ratio', '5000', dense]),
      ]);
      expectOneLineError(refused, 1, /expands more than 100×/);
      for (const r of [off, high]) {
        expect(r.stderr).toBe('');
        expect(r.status).toBe(0);
        const info = JSON.parse(r.stdout.toString('utf8'));
        expect(info.samples).toBe(denseCount);
        expect(info.bytes).toBe(denseCount * SAMPLE.length);
      }
    });

    it('--max-mb caps the decompressed size: exit 1 above it, plain or gzip; fine below', async () => {
      const [plainOver, gzOver, under, stdinOver] = await Promise.all([
        flamescope(['collapse', '--max-mb', '1', plain]),
        flamescope(['info', '--max-mb', '1', fixture('example-perf-stacks.txt.gz')]),
        flamescope(['info', '--max-mb', '4', plain]),
        flamescope(['view', '--max-mb', '1', '-'], readFileSync(plain)),
      ]);
      for (const r of [plainOver, gzOver, stdinOver]) {
        expectOneLineError(r, 1, /^flamescope: the profile is larger than the 1 MiB limit.*--max-mb/);
      }
      expect(under.status).toBe(0);
      expect(JSON.parse(under.stdout.toString('utf8')).samples).toBe(1315);
    });

    it('refuses bad limit values as usage errors, before reading anything', async () => {
      const [mb, ratio, word] = await Promise.all([
        flamescope(['info', '--max-mb', '0', plain]),
        flamescope(['info', '--max-ratio=-1', plain]),
        flamescope(['heatmap', '--max-ratio', 'lots', plain]),
      ]);
      expectOneLineError(mb, 2, /--max-mb/);
      expectOneLineError(ratio, 2, /--max-ratio/);
      expectOneLineError(word, 2, /--max-ratio/);
    });
  });

  describe('--rows and --from/--to', () => {
    it(`--rows above the maximum is bad usage (exit 2, one line), for heatmap and view; the maximum itself works`, async () => {
      const test01 = fixture('flamescope/perf.test01');
      const [heatmap, view, max] = await Promise.all([
        flamescope(['heatmap', '--rows', '1001', test01]),
        flamescope(['view', '--rows', '1001', test01]),
        flamescope(['heatmap', '--rows', '1000', test01]),
      ]);
      expectOneLineError(heatmap, 2, /--rows must be an integer from 1 to 1000, got "1001"/);
      expectOneLineError(view, 2, /--rows/);
      expect(max.status).toBe(0);
      expect(JSON.parse(max.stdout.toString('utf8')).rows).toBe(1000);
    });

    it('heat-map range errors speak of --from/--to, never the engine’s fromSec/toSec', async () => {
      // Two samples 10⁸ s apart: too many seconds for one heat map, whatever the rows.
      const span = join(tmp, 'span.txt');
      writeFileSync(
        span,
        'app 7 1.000001: cycles:\n\t1 a (/bin/app)\n\napp 7 100000000.000001: cycles:\n\t1 b (/bin/app)\n\n'
      );
      const [backwards, tooLong, narrowed] = await Promise.all([
        flamescope(['heatmap', '--from', '5', '--to', '2', fixture('flamescope/perf.test01')]),
        flamescope(['heatmap', span]),
        flamescope(['heatmap', '--from', '0', '--to', '10', span]),
      ]);
      expectOneLineError(backwards, 2, /--to \(2\) is before --from \(5\)/);
      expectOneLineError(tooLong, 1, /shorter time range with --from\/--to/);
      for (const r of [backwards, tooLong]) {
        expect(r.stderr).not.toMatch(/fromSec|toSec/);
      }
      expect(narrowed.status).toBe(0);
      expect(JSON.parse(narrowed.stdout.toString('utf8')).columns).toBe(10);
    });
  });
});
