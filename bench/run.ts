/**
 * `npm run bench`: the engine's performance as ratios against baselines measured in the same run on the same file,
 * so the figures mean the same on a laptop and on CI (absolute times are shown only as context).
 *
 *   node lib/bench.cjs                  generate (or reuse) bench-data/, measure, print the table; always exits 0
 *   node lib/bench.cjs --generate-only  just the profile
 *   node lib/bench.cjs --hotspots       also CPU-profile one parse and list where its time goes
 *   node lib/bench.cjs --hardening-only just section 6 (hardening under hostile load; generates its own profiles)
 *   node lib/bench.cjs --browser-only   just section 7 (the viewer in headless Chromium)
 *   node lib/bench.cjs --formats-only   just section 8 (a V8 .cpuprofile: import vs JSON.parse, peak memory)
 *   node lib/bench.cjs --parse-only     just section 9 (the parse on 1 thread and all cores: scan, zcat, RSS, crossover)
 *   node lib/bench.cjs --warm-only      just section 10 (a profile landing in a watched folder → its first heat map)
 *
 * Internal modes (run in a child so peak RSS and CPU profiles cover the parse alone):
 *   --child-parse FILE          parse, print {maxRssMB, hwmMB, ms, samples}
 *   --child-baseline            print the RSS of Node with this bundle loaded and nothing parsed
 *   --child-json-parse FILE     JSON.parse the file alone, print its memory (section 8's floor)
 *   --child-parse-threads FILE N   parse on N threads, print {maxRssMB, hwmMB, ms, samples} (section 9)
 */
import { spawn } from 'node:child_process';
import { createReadStream, promises as fs, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { createGunzip } from 'node:zlib';
import { computeFlameGraph, computeHeatmap, foldStacks, ProfileStore, storeByteSize } from '../src/profile';
import { readProfileFile } from '../sidecar/io/read-profile';
import { childJsonParse, formatRows } from './formats';
import { ensureProfile, ProfileManifest } from './generate-profile';
import { childParseThreads, parseRows } from './parse';
import { median, newlineScan, shell } from './timing';

const DATA_DIR = resolve(__dirname, '..', 'bench-data');
/** The same chunk size readProfileFile uses, so the baseline reads the file exactly as the parser does. */
const CHUNK_BYTES = 1 << 20;
const NS = 1e9;
/** Fast queries reach V8's optimised tiers only after ~5 calls: warm up past that, then take the median. */
const FAST_WARMUP = 5;
const FAST_REPS = 9;
/** The sidecar API's default flame-graph size. */
const MAX_NODES = 5000;

interface Row {
  figure: string;
  measured: string;
  target: string;
  /** undefined: informational, no target. */
  pass?: boolean;
}

main().catch((e) => {
  // A report, not a gate: exit 0 even when the bench itself breaks, but say so loudly.
  console.error(`bench failed: ${(e as Error).stack ?? e}`);
});

async function main() {
  const args = process.argv.slice(2);
  if (args[0] === '--child-parse') {
    return childParse(args[1]);
  }
  if (args[0] === '--child-baseline') {
    return console.log(JSON.stringify(rss()));
  }
  if (args[0] === '--child-json-parse') {
    return childJsonParse(args[1], rss);
  }
  if (args[0] === '--child-parse-threads') {
    return childParseThreads(args[1], Number(args[2]), rss);
  }
  if (args.includes('--parse-only')) {
    return parseOnly();
  }
  if (args.includes('--warm-only')) {
    return warmOnly();
  }
  if (args.includes('--formats-only')) {
    return printTable(await formatRows(DATA_DIR, (a) => runNode(a), console.log));
  }
  if (args[0] === '--generate-only') {
    const m = await ensureProfile(DATA_DIR, console.log);
    return args.includes('--quiet') ? undefined : console.log(describeManifest(m));
  }
  if (args.includes('--hardening-only')) {
    return hardeningOnly();
  }
  if (args.includes('--browser-only')) {
    return browserOnly();
  }

  const started = performance.now();
  // Generate in a child so the generator's garbage is not in this heap while we time the parser.
  const genStart = performance.now();
  await runNode(['--generate-only', '--quiet'], 'inherit');
  const manifest = await ensureProfile(DATA_DIR);
  const genMs = performance.now() - genStart;
  console.log(
    describeManifest(manifest) + (genMs > 2000 ? `  (generated in ${(genMs / 1000).toFixed(1)} s)` : '  (reused)')
  );
  console.log(`node ${process.version}, ${cpus().length}× ${cpus()[0]?.model.trim() ?? 'cpu'}\n`);

  const rows: Row[] = [];
  const { plainPath, gzipPath } = manifest;

  // 1. Parse + index vs. reading the file and finding its lines. The first scan also warms the page cache.
  await newlineScan(plainPath);
  const scan = await median(3, () => newlineScan(plainPath));
  let store!: ProfileStore;
  const parse = await median(3, async () => {
    store = await readProfileFile(plainPath);
  });
  rows.push(ratioRow('1 parse+index ÷ newline scan', parse, scan, 3));
  // The scan above is Buffer#indexOf (memchr, several GB/s here); the issue's gloss on the target is "≈ 300 MiB/s or
  // more", so the parse's own throughput is reported next to it.
  const mibPerSec = store.bytesRead / 1048576 / (parse / 1000);
  rows.push({
    figure: '  parse+index throughput',
    measured: `${mibPerSec.toFixed(0)} MiB/s (the scan: ${(store.bytesRead / 1048576 / (scan / 1000)).toFixed(0)} MiB/s)`,
    target: '≥ 300 MiB/s',
    pass: mibPerSec >= 300,
  });
  console.log(describeStore(store, parse) + '\n');

  // 2. gzip: our parse of the .gz vs. the system's fastest way to read it.
  await shell(`zcat '${gzipPath}' | wc -l`);
  const zcat = await median(3, () => shell(`zcat '${gzipPath}' | wc -l`));
  const gz = await median(3, async () => {
    await readProfileFile(gzipPath);
  });
  rows.push(ratioRow('2 parse .gz ÷ zcat | wc -l', gz, zcat, 1.5));
  // Context for a miss: Node's own gunzip floor, and how much of it the parse hides (1.0 = fully overlapped).
  const gunzip = await median(3, () => nodeGunzip(gzipPath));
  rows.push({
    figure: '  node gunzip alone ÷ zcat | wc -l',
    measured: `${(gunzip / zcat).toFixed(2)}× (${ms(gunzip)})`,
    target: 'info',
  });
  rows.push({
    figure: '  .gz parse ÷ (node gunzip + plain parse)',
    measured: `${(gz / (gunzip + parse)).toFixed(2)} (max(gunzip, parse) / sum = ${(Math.max(gunzip, parse) / (gunzip + parse)).toFixed(2)} if fully overlapped)`,
    target: 'info',
  });

  // 3. Memory: a parse alone in a fresh process; Node's own footprint for context.
  const child = JSON.parse(await runNode(['--child-parse', plainPath])) as ChildResult;
  const base = JSON.parse(await runNode(['--child-baseline'])) as ChildResult;
  // VmHWM, not maxRSS: on Linux a spawned child's maxRSS starts at its parent's RSS (it is kept across exec).
  const peak = Number.isNaN(child.hwmMB) ? child.maxRssMB : child.hwmMB;
  const bare = Number.isNaN(base.hwmMB) ? base.maxRssMB : base.hwmMB;
  rows.push({
    figure: '3 peak RSS, parse of the plain file',
    measured: `${peak.toFixed(0)} MB (bare node ${bare.toFixed(0)} MB; parse took ${ms(child.ms ?? NaN)})`,
    target: '< 200 MB',
    pass: peak < 200,
  });
  const storeBytes = storeByteSize(store);
  rows.push({
    figure: '  store size per sample',
    measured: `${(storeBytes / store.sampleCount).toFixed(1)} B/sample (${mb(storeBytes)} MB for ${store.sampleCount} samples)`,
    target: 'info',
  });

  // 4. Queries on the parsed store, as multiples of the cold parse.
  // The last whole second (the final column is partial).
  const lastSec = Math.floor(store.time[store.sampleCount - 1] / NS) - 1;
  const burst = manifest.bursts[Math.floor(manifest.bursts.length / 2)];
  const positions: Array<[string, number]> = [
    ['start', 0],
    ['middle', Math.floor(lastSec / 2)],
    ['end', lastSec],
    ['in a GC burst', burst[0]],
  ];
  for (const [where, sec] of positions) {
    const q = await median(
      FAST_REPS,
      () => void foldStacks(store, { fromNs: sec * NS, toNs: (sec + 1) * NS }),
      FAST_WARMUP
    );
    rows.push(fasterRow(`4 fold 1 s @ ${where} (${sec} s)`, parse, q, 50));
  }
  for (const [where, sec] of positions) {
    const q = await median(
      FAST_REPS,
      () => void computeFlameGraph(store, { fromNs: sec * NS, toNs: (sec + 1) * NS, maxNodes: MAX_NODES }),
      FAST_WARMUP
    );
    rows.push(fasterRow(`4 flame graph 1 s @ ${where}`, parse, q, 50));
  }
  const whole = await median(3, () => void foldStacks(store), 1);
  rows.push({
    figure: '4 whole-profile fold ÷ cold parse',
    measured: `${(whole / parse).toFixed(3)} = 1/${(parse / whole).toFixed(1)} (${ms(whole)} vs ${ms(parse)})`,
    target: '≤ 1/5',
    pass: whole / parse <= 0.2,
  });
  const heat = await median(FAST_REPS, () => void computeHeatmap(store, { rows: 50 }), FAST_WARMUP);
  rows.push({ ...fasterRow('4 heat map, 50 rows', parse, heat, 0), target: 'info', pass: undefined });

  // 5. Under load: the sidecar in its own process, driven over HTTP on 127.0.0.1.
  // Loaded only here: the child processes that measure a parse's memory must not carry autocannon or Playwright.
  const { loadRun } = await import('./load');
  for (const f of await loadRun(plainPath)) {
    rows.push({
      figure: `5 load: ${f.name}`,
      measured: `${f.requestsPerSec.toFixed(0)} req/s, p50 ${f.p50Ms} ms, p99 ${f.p99Ms} ms (8 connections, 5 s${f.errors + f.non2xx > 0 ? `, ${f.errors + f.non2xx} failed` : ''})`,
      target: 'info',
      pass: f.errors + f.non2xx === 0 ? undefined : false,
    });
  }

  // 6. Hardening: hostile load (200 clients with slow readers, a flood of missing ids, a 200 000-frame stack).
  rows.push(...(await hardeningRows()));

  // 7. In the browser: brush release to the flame graph's first paint; search and hover on it.
  rows.push(...(await browserRows(plainPath)));

  // 8. Other formats: a V8 .cpuprofile's import against JSON.parse of the same bytes (bench/formats.ts).
  rows.push(...(await formatRows(DATA_DIR, (a) => runNode(a), console.log)));

  // 9. The parse on one thread and on all cores (bench/parse.ts).
  rows.push(...(await parseRows(manifest, (a) => runNode(a), console.log)));

  // 10. Warm-up: the profile lands in a watched folder; its first heat map is answered from memory (bench/warm.ts).
  rows.push(...(await warmRows(plainPath)));

  printTable(rows);
  if (process.argv.includes('--hotspots')) {
    await hotspots(plainPath);
  }
  console.log(`\nbench time ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

// ---------------------------------------------------------------- measurements

/** Section 6 (bench/hardening.ts): a sidecar process per check, on its own moderate profiles in bench-data/hardening. */
async function hardeningRows(): Promise<Row[]> {
  // Loaded only here, like section 5: the parse-measuring children must not carry it.
  const { hardeningRun } = await import('./hardening');
  const rows = await hardeningRun(DATA_DIR, console.log);
  return rows.map((r) => ({ ...r, figure: r.figure.startsWith(' ') ? r.figure : `6 ${r.figure}` }));
}

/** Section 7 (bench/browser.ts): the viewer page in headless Chromium over a sidecar serving the benchmark profile. */
async function browserRows(plainPath: string): Promise<Row[]> {
  const { brushToPaint } = await import('./browser');
  const paint = await brushToPaint(plainPath);
  if (typeof paint === 'string') {
    return [{ figure: '7 brush release → flame graph painted', measured: paint, target: 'info' }];
  }
  const task = (ms: number) => (ms > 0 ? `${ms.toFixed(0)} ms` : '< 50 ms');
  const rows: Row[] = [];
  for (const s of [paint, ...paint.slices]) {
    const limit = s.rangeMs >= 5000 ? 300 : 150;
    // The issue's targets are at the panel's default maxNodes; the 20 000-node slice shows the headroom beyond it.
    const atDefault = s.maxNodes === undefined;
    rows.push({
      figure: `7 brush → painted, ${(s.rangeMs / 1000).toFixed(1)} s slice, maxNodes ${s.maxNodes ?? 'default'}`,
      measured: `${s.medianMs.toFixed(0)} ms, ${s.nodes} frames; longest task ${task(s.longestTaskMs)}`,
      target: atDefault ? `≤ ${limit} ms; task ≤ 100 ms` : 'info',
      pass: atDefault ? s.medianMs <= limit && s.longestTaskMs <= 100 : undefined,
    });
  }
  const i = paint.interaction;
  rows.push({
    figure: `7 search → highlight painted, ${paint.nodes} frames`,
    measured: `${i.searchMs.toFixed(0)} ms after the debounce; longest task ${task(i.searchLongestTaskMs)}`,
    target: '≤ 50 ms',
    pass: i.searchMs <= 50 && i.searchLongestTaskMs <= 100,
  });
  rows.push({
    figure: `7 hover: work per mouse move, ${paint.nodes} frames`,
    measured: `p95 ${i.hoverP95Ms.toFixed(1)} ms, max ${i.hoverMaxMs.toFixed(1)} ms (${i.moves} moves)`,
    target: '≤ 16 ms',
    pass: i.hoverMaxMs <= 16,
  });
  return rows;
}

/** `--browser-only`: section 7 alone (on the already generated profile), for a quick run. */
async function browserOnly() {
  const started = performance.now();
  await runNode(['--generate-only', '--quiet'], 'inherit');
  const manifest = await ensureProfile(DATA_DIR);
  console.log(describeManifest(manifest));
  printTable(await browserRows(manifest.plainPath));
  console.log(`\nbench time ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

/** `--parse-only`: section 9 alone (on the already generated profile), for a quick run. */
async function parseOnly() {
  const started = performance.now();
  await runNode(['--generate-only', '--quiet'], 'inherit');
  const manifest = await ensureProfile(DATA_DIR);
  console.log(describeManifest(manifest));
  console.log(`node ${process.version}, ${cpus().length}× ${cpus()[0]?.model.trim() ?? 'cpu'}\n`);
  printTable(await parseRows(manifest, (a) => runNode(a), console.log));
  console.log(`\nbench time ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

/** Section 10 (bench/warm.ts): a sidecar watching a folder; the profile copied in; its first heat map. */
async function warmRows(plainPath: string): Promise<Row[]> {
  const { warmRun } = await import('./warm');
  const rows = await warmRun(plainPath, DATA_DIR, console.log);
  return rows.map((r) => ({ ...r, figure: r.figure.startsWith(' ') ? r.figure : `10 ${r.figure}` }));
}

/** `--warm-only`: section 10 alone (on the already generated profile). */
async function warmOnly() {
  const started = performance.now();
  await runNode(['--generate-only', '--quiet'], 'inherit');
  const manifest = await ensureProfile(DATA_DIR);
  console.log(describeManifest(manifest));
  printTable(await warmRows(manifest.plainPath));
  console.log(`\nbench time ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

/** `--hardening-only`: section 6 alone, for a quick run. */
async function hardeningOnly() {
  const started = performance.now();
  console.log(`node ${process.version}, ${cpus().length}× ${cpus()[0]?.model.trim() ?? 'cpu'}\n`);
  printTable(await hardeningRows());
  console.log(`\nbench time ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

/** Decompression alone, through the same stream setup readProfileFile uses (1 MiB reads, 256 KiB inflate chunks). */
async function nodeGunzip(path: string): Promise<number> {
  let bytes = 0;
  const gunzip = createGunzip({ chunkSize: 256 * 1024 });
  createReadStream(path, { highWaterMark: CHUNK_BYTES }).pipe(gunzip);
  for await (const chunk of gunzip as AsyncIterable<Buffer>) {
    bytes += chunk.length;
  }
  return bytes;
}

function runNode(args: string[], stdout: 'pipe' | 'inherit' = 'pipe', nodeArgs: string[] = []): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const p = spawn(process.execPath, [...nodeArgs, __filename, ...args], { stdio: ['ignore', stdout, 'inherit'] });
    let out = '';
    p.stdout?.on('data', (d) => (out += d));
    p.on('error', reject);
    p.on('close', (code) =>
      code === 0 ? resolvePromise(out) : reject(new Error(`child ${args.join(' ')} exited ${code}`))
    );
  });
}

interface ChildResult {
  maxRssMB: number;
  hwmMB: number;
  ms?: number;
  samples?: number;
}

async function childParse(path: string) {
  const t = performance.now();
  const store = await readProfileFile(path);
  console.log(JSON.stringify({ ...rss(), ms: performance.now() - t, samples: store.sampleCount }));
}

function rss(): ChildResult {
  let hwm = NaN;
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    hwm = m ? Number(m[1]) / 1024 : NaN;
  } catch {
    // Not Linux.
  }
  return { maxRssMB: process.resourceUsage().maxRSS / 1024, hwmMB: hwm };
}

/**
 * CPU-profiles one parse in a child and lists where its time goes: by function (V8 inlines most of the parser into
 * a few functions, so also by source line, using the profile's line ticks and the bundle's `// file.ts` markers).
 */
async function hotspots(path: string) {
  const dir = join(DATA_DIR, 'cpuprofile');
  await fs.rm(dir, { recursive: true, force: true });
  await runNode(['--child-parse', path], 'pipe', ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--cpu-prof-interval=200']);
  const file = (await fs.readdir(dir)).find((f) => f.endsWith('.cpuprofile'))!;
  const prof = JSON.parse(await fs.readFile(join(dir, file), 'utf8')) as CpuProfile;
  const bundle = readFileSync(__filename, 'utf8').split('\n');
  const moduleOf = (line: number) => {
    for (let l = line - 1; l >= 0; l--) {
      const m = /^\/\/ ((?:src|sidecar|bench)\/\S+\.ts)$/.exec(bundle[l]);
      if (m) {
        return m[1];
      }
    }
    return '?';
  };
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  prof.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0)));
  const fns = new Map<string, number>();
  const lines = new Map<number, number>();
  let total = 0;
  let lineTicks = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id)!;
    const cf = node.callFrame;
    const ours = cf.url.endsWith('bench.cjs');
    const key = `${cf.functionName || '(anonymous)'} (${ours ? moduleOf(cf.lineNumber + 1) : cf.url || 'native'})`;
    fns.set(key, (fns.get(key) ?? 0) + us);
    total += us;
    for (const p of ours ? (node.positionTicks ?? []) : []) {
      lines.set(p.line, (lines.get(p.line) ?? 0) + p.ticks);
      lineTicks += p.ticks;
    }
  }
  console.log(`\nparse hot spots: ${file} in ${dir}\nby function (self time):`);
  for (const [key, us] of [...fns].sort((a, b) => b[1] - a[1]).slice(0, 12)) {
    console.log(`  ${((100 * us) / total).toFixed(1).padStart(5)}%  ${key}`);
  }
  console.log('by source line (share of ticks in engine code):');
  for (const [line, ticks] of [...lines].sort((a, b) => b[1] - a[1]).slice(0, 16)) {
    const where = moduleOf(line).replace(/^.*\//, '');
    console.log(
      `  ${((100 * ticks) / lineTicks).toFixed(1).padStart(5)}%  ${where.padEnd(16)} ${bundle[line - 1].trim().slice(0, 90)}`
    );
  }
}

interface CpuProfile {
  nodes: Array<{
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    positionTicks?: Array<{ line: number; ticks: number }>;
  }>;
  samples: number[];
  timeDeltas: number[];
}

// ---------------------------------------------------------------- report

function ratioRow(figure: string, t: number, baseline: number, max: number): Row {
  const r = t / baseline;
  return { figure, measured: `${r.toFixed(2)}× (${ms(t)} vs ${ms(baseline)})`, target: `≤ ${max}×`, pass: r <= max };
}

function fasterRow(figure: string, parse: number, t: number, min: number): Row {
  const r = parse / t;
  return {
    figure,
    measured: `${r.toFixed(0)}× faster than the cold parse (${ms(t)})`,
    target: `≥ ${min}×`,
    pass: r >= min,
  };
}

function printTable(rows: Row[]) {
  const w = [
    Math.max(...rows.map((r) => r.figure.length)),
    Math.max(...rows.map((r) => r.measured.length)),
    Math.max(8, ...rows.map((r) => r.target.length)),
  ];
  const line = (a: string, b: string, c: string, d: string) =>
    `${a.padEnd(w[0])}  ${b.padEnd(w[1])}  ${c.padEnd(w[2])}  ${d}`;
  console.log(line('figure', 'measured', 'target', 'result'));
  console.log('-'.repeat(w[0] + w[1] + w[2] + 14));
  for (const r of rows) {
    console.log(line(r.figure, r.measured, r.target, r.pass === undefined ? '' : r.pass ? 'PASS' : '** MISS **'));
  }
  const misses = rows.filter((r) => r.pass === false);
  const scored = rows.filter((r) => r.pass !== undefined);
  console.log(
    misses.length === 0
      ? `\nall ${scored.length} targets met`
      : `\n${misses.length} of ${scored.length} targets MISSED: ${misses.map((r) => r.figure.trim()).join('; ')}`
  );
}

function describeManifest(m: ProfileManifest): string {
  return (
    `profile: ${m.plainPath} — ${mb(m.plainBytes)} MB plain, ${mb(m.gzipBytes)} MB gzip; ${m.samples} samples ` +
    `(${m.idleSamples} idle) on ${m.spec.cpus} CPUs at ${m.spec.hz} Hz over ${m.spec.spanSec} s; ` +
    `${m.functions} functions, ${m.templatesUsed} stack templates sampled; generator v${m.generatorVersion}`
  );
}

function describeStore(s: ProfileStore, parseMs: number): string {
  const unique = new Set(s.contexts.stack).size;
  const warnings = s.warnings.map((w) => `${w.code}×${w.count}`).join(', ') || 'none';
  return (
    `store: ${s.sampleCount} samples, ${unique} unique stacks (${s.stacks.count} trie nodes), ${s.frames.count} frames, ` +
    `${s.threads.count} threads, ${s.contexts.count} contexts; warnings: ${warnings}; ` +
    `parse ${(s.bytesRead / 1e6 / (parseMs / 1000)).toFixed(0)} MB/s`
  );
}

const ms = (t: number) => (t >= 100 ? `${t.toFixed(0)} ms` : `${t.toFixed(2)} ms`);
const mb = (b: number) => (b / 1e6).toFixed(1);
