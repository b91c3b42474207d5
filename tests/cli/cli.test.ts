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
import { gunzipSync } from 'node:zlib';
import { PERF_FIXTURES } from '../helpers/fixtures';

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
