/**
 * Bench section 9 (`--parse-only` runs it alone): the parse of the dense 16-CPU perf script profile on one thread and
 * on all cores, as ratios against baselines measured in the same run on the same file — a bare line scan, and
 * `zcat | wc -l` for the .gz — plus the speedup of N threads over one, the single/parallel crossover on slices of the
 * file (what PARALLEL_MIN_BYTES should be), and peak RSS while parsing (a child process per figure).
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { parseStream, readProfileFile } from '../sidecar/io/read-profile';
import { PARALLEL_MIN_BYTES } from '../sidecar/profiles/parallel-parse';
import type { BenchRow, RunChild } from './formats';
import type { ProfileManifest } from './generate-profile';
import { medianInTurns, newlineScan, shell } from './timing';

const CHUNK_BYTES = 1 << 20;
const MiB = 1 << 20;
/** The targets (on a 2-core machine). */
const TARGET_PARSE_VS_SCAN = 3;
const TARGET_SPEEDUP_2 = 1.7;
const TARGET_GZ_VS_ZCAT = 1.5;
const TARGET_RSS_MB = 256;

export async function parseRows(
  manifest: ProfileManifest,
  runChild: RunChild,
  log: (m: string) => void
): Promise<BenchRow[]> {
  const { plainPath, gzipPath } = manifest;
  const cores = availableParallelism();
  const rows: BenchRow[] = [];
  log(`section 9: parse on 1 and ${cores} threads (${cores} cores here)`);

  // In turns, after a round that starts the threads (kept warm between parses, as in the sidecar).
  const [scan, one, all] = await medianInTurns(
    5,
    [
      () => newlineScan(plainPath),
      () => readProfileFile(plainPath, { parallel: { threads: 1 } }),
      () => readProfileFile(plainPath, { parallel: { threads: cores } }),
    ],
    1
  );
  rows.push({
    figure: '9 parse+index ÷ line scan, 1 thread',
    measured: `${(one / scan).toFixed(2)}× (${ms(one)} vs ${ms(scan)}; ${mibps(manifest.plainBytes, one)})`,
    target: 'info',
  });
  rows.push({
    figure: `9 parse+index ÷ line scan, ${cores} threads`,
    measured: `${(all / scan).toFixed(2)}× (${ms(all)}; ${mibps(manifest.plainBytes, all)})`,
    target: `≤ ${TARGET_PARSE_VS_SCAN}× on 2 cores`,
    pass: cores >= 2 ? all / scan <= TARGET_PARSE_VS_SCAN : undefined,
  });
  // What the machine itself gives: two independent single-thread parses at once vs one (shared cores, caches and
  // memory bandwidth, and whatever else runs) — the ceiling the threaded parse is measured against.
  const [pair, alone] = await medianInTurns(3, [
    () =>
      Promise.all([
        runChild(['--child-parse-threads', plainPath, '1']),
        runChild(['--child-parse-threads', plainPath, '1']),
      ]),
    () => runChild(['--child-parse-threads', plainPath, '1']),
  ]);
  const ceiling = (2 * alone) / pair;
  rows.push({
    figure: '9 machine ceiling: 2 parses at once ÷ 1 (throughput)',
    measured: `${ceiling.toFixed(2)}× (one process ${ms(alone)}, two at once ${ms(pair)})`,
    target: 'info',
  });
  rows.push({
    figure: `9 speedup ${cores} threads over 1`,
    measured: `${(one / all).toFixed(2)}× (${((100 * (one / all - 1)) / Math.max(0.01, ceiling - 1)).toFixed(0)} % of the ceiling's gain)`,
    target: `≥ ${TARGET_SPEEDUP_2}× (1 → 2)`,
    pass: cores >= 2 ? one / all >= TARGET_SPEEDUP_2 : undefined,
  });

  const [zcat, gzOne, gzAll] = await medianInTurns(
    3,
    [
      () => shell(`zcat '${gzipPath}' | wc -l`),
      () => readProfileFile(gzipPath, { parallel: { threads: 1 } }),
      () => readProfileFile(gzipPath, { parallel: { threads: cores } }),
    ],
    1
  );
  rows.push({
    figure: '9 parse .gz ÷ zcat | wc -l, 1 thread',
    measured: `${(gzOne / zcat).toFixed(2)}× (${ms(gzOne)} vs ${ms(zcat)})`,
    target: 'info',
  });
  rows.push({
    figure: `9 parse .gz ÷ zcat | wc -l, ${cores} threads`,
    // One of them inflates (read-profile.ts, parseThreads): the rest parse.
    measured: `${(gzAll / zcat).toFixed(2)}× (${ms(gzAll)}; inflate on 1, parse on ${Math.max(1, cores - 1)})`,
    target: `≤ ${TARGET_GZ_VS_ZCAT}×`,
    pass: gzAll / zcat <= TARGET_GZ_VS_ZCAT,
  });

  for (const threads of [1, cores]) {
    const child = JSON.parse(await runChild(['--child-parse-threads', plainPath, String(threads)])) as ChildResult;
    const peak = Number.isNaN(child.hwmMB) ? child.maxRssMB : child.hwmMB;
    rows.push({
      figure: `9 peak RSS parsing, ${threads} thread${threads > 1 ? 's' : ''}`,
      measured: `${peak.toFixed(0)} MiB = ${((peak * MiB) / manifest.plainBytes).toFixed(2)}× the file (${mb(manifest.plainBytes)} MB)`,
      target: `< ${TARGET_RSS_MB} MB`,
      pass: peak * MiB < TARGET_RSS_MB * 1e6,
    });
  }

  rows.push(...(await crossoverRows(plainPath, cores)));
  return rows;
}

/**
 * 1 thread vs all cores on the file's first N MiB (cut at a sample): the smallest size where threads win is what
 * PARALLEL_MIN_BYTES should be (set in parallel-parse.ts, shown beside).
 */
async function crossoverRows(plainPath: string, cores: number): Promise<BenchRow[]> {
  if (cores < 2) {
    return [];
  }
  const whole = readFileSync(plainPath);
  const sizes = [1, 4, 16, 32, 64, 128].map((m) => m * MiB);
  const streamed: string[] = [];
  const files: string[] = [];
  let crossover: number | undefined;
  let fileCrossover: number | undefined;
  const prefixPath = `${plainPath}.prefix`;
  try {
    for (const size of sizes) {
      const end = whole.indexOf('\n\n', size);
      const slice = whole.subarray(0, end < 0 ? whole.length : end + 2);
      // Both through parseStream, so the threaded run pays its threads' start-up as a real parse does.
      const run = (threads: number) => () =>
        parseStream(pieces(slice), { parallel: { threads, minBytes: 0 } }).then(() => undefined);
      const reps = size >= 64 * MiB ? 3 : 5;
      const [one, many] = await medianInTurns(reps, [run(1), run(cores)], 1);
      streamed.push(`${size / MiB} MiB ${(one / many).toFixed(2)}×`);
      if (crossover === undefined && many < one) {
        crossover = size;
      }
      // The same prefix as a file: threads read their own ranges of it (file-range-parse.ts).
      writeFileSync(prefixPath, slice);
      const read = (threads: number) => () =>
        readProfileFile(prefixPath, { parallel: { threads, minBytes: 0 } }).then(() => undefined);
      const [fileOne, fileMany] = await medianInTurns(reps, [read(1), read(cores)], 1);
      files.push(`${size / MiB} MiB ${(fileOne / fileMany).toFixed(2)}×`);
      if (fileCrossover === undefined && fileMany < fileOne) {
        fileCrossover = size;
      }
    }
  } finally {
    rmSync(prefixPath, { force: true });
  }
  const at = (size: number | undefined) => (size === undefined ? '> 128 MiB' : `≤ ${size / MiB} MiB`);
  return [
    {
      figure: `9 crossover: speedup ${cores} threads over 1 by size, streamed`,
      measured: streamed.join(', '),
      target: 'info',
    },
    {
      figure: `9 crossover: the same prefixes as files (ranges)`,
      measured: files.join(', '),
      target: 'info',
    },
    {
      figure: '  threads from (PARALLEL_MIN_BYTES)',
      measured: `${PARALLEL_MIN_BYTES / MiB} MiB; measured crossover ${at(crossover)} streamed, ${at(fileCrossover)} files`,
      target: 'info',
    },
  ];
}

/** `--child-parse-threads FILE N`: one parse on N threads in a fresh process; prints its memory and time. */
export async function childParseThreads(path: string, threads: number, rss: () => ChildResult) {
  const t = performance.now();
  const store = await readProfileFile(path, { parallel: { threads } });
  console.log(JSON.stringify({ ...rss(), ms: performance.now() - t, samples: store.sampleCount }));
}

export interface ChildResult {
  maxRssMB: number;
  hwmMB: number;
  ms?: number;
  samples?: number;
}

async function* pieces(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += CHUNK_BYTES) {
    yield bytes.subarray(i, Math.min(bytes.length, i + CHUNK_BYTES));
  }
}

const ms = (t: number) => (t >= 100 ? `${t.toFixed(0)} ms` : `${t.toFixed(2)} ms`);
const mb = (b: number) => (b / 1e6).toFixed(1);
const mibps = (bytes: number, t: number) => `${(bytes / MiB / (t / 1000)).toFixed(0)} MiB/s`;
