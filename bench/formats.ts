/**
 * `npm run bench` section 8: importing a V8 .cpuprofile, against JSON.parse of the same bytes (the floor for any
 * importer that reads the file as JSON), and its peak memory; then the same recording as a Chrome trace. The profile is generated deterministically into
 * bench-data/: a dense Node service profile — a 10-minute recording at a 100 µs interval, ~6 M samples over a
 * 60 000-node call tree of 4 000 functions (the user's code, node_modules packages and Node's internals) — ~85 MB,
 * mostly the `samples` and `timeDeltas` arrays, as real long recordings are.
 *
 * `node lib/bench.cjs --formats-only` runs this section alone.
 */
import { once } from 'node:events';
import { createWriteStream, promises as fs } from 'node:fs';
import { join } from 'node:path';
import { parseProfile } from '../src/profile';
import { Rng, Zipf } from './prng';
import { median } from './timing';

/** Bump when the output changes in any way: a present profile is reused only when this matches. */
const CPUPROFILE_VERSION = 1;

const SPEC = {
  seed: 0xc0ffee12,
  functions: 4000,
  nodes: 60_000,
  samples: 6_000_000,
  intervalUs: 100,
  /** Share of samples idle (the event loop waiting). */
  idle: 0.3,
  /** µs on V8's clock (CLOCK_MONOTONIC) at the start: a day of uptime. */
  startUs: 86_400_000_000,
};

export interface BenchRow {
  figure: string;
  measured: string;
  target: string;
  pass?: boolean;
}

interface Generated {
  version: number;
  path: string;
  bytes: number;
  samples: number;
  idleSamples: number;
}

/** Runs this bundle in a child with the given arguments and returns its stdout. */
export type RunChild = (args: string[]) => Promise<string>;

export async function formatRows(dataDir: string, runChild: RunChild, log: (m: string) => void): Promise<BenchRow[]> {
  const g = await ensureCpuProfile(dataDir, log);
  log(
    `cpuprofile: ${g.path} — ${mb(g.bytes)} MB, ${g.samples} samples (${g.idleSamples} idle), generator v${g.version}`
  );
  const bytes = await fs.readFile(g.path);

  // The floor: the bytes decoded and JSON.parse'd, nothing built from them.
  const jsonParse = await median(3, () => void JSON.parse(new TextDecoder().decode(bytes)));
  let samples = 0;
  // The import of the same bytes (in memory, as the baseline has them): detection, JSON, tree and samples.
  const ours = await median(3, () => {
    samples = parseProfile(bytes).sampleCount;
  });
  const ratio = ours / jsonParse;
  const rows: BenchRow[] = [
    {
      figure: '8 .cpuprofile import ÷ JSON.parse of the same bytes',
      measured: `${ratio.toFixed(2)}× (${ms(ours)} vs ${ms(jsonParse)}; ${mb(g.bytes)} MB, ${samples} samples)`,
      target: 'info',
    },
    // A ratio of an import that dropped samples would be of less work: every generated sample must be kept.
    keptEverySample('8 .cpuprofile import keeps every sample', samples, g.samples),
  ];

  // Memory, each in a fresh process: the import as the sidecar and CLI run it (a file read in 1 MiB chunks), and a
  // bare JSON.parse for comparison.
  const imported = JSON.parse(await runChild(['--child-parse', g.path])) as ChildMemory;
  const parsed = JSON.parse(await runChild(['--child-json-parse', g.path])) as ChildMemory;
  const bare = JSON.parse(await runChild(['--child-baseline'])) as ChildMemory;
  const peak = (c: ChildMemory) => (Number.isNaN(c.hwmMB) ? c.maxRssMB : c.hwmMB);
  rows.push({
    figure: '8 peak RSS, .cpuprofile import',
    measured:
      `${peak(imported).toFixed(0)} MB = ${(peak(imported) / (g.bytes / 1e6)).toFixed(1)}× the file ` +
      `(bare JSON.parse ${peak(parsed).toFixed(0)} MB; bare node ${peak(bare).toFixed(0)} MB)`,
    target: 'info',
  });

  // The same recording as a DevTools Performance trace (Profile + ProfileChunk events): the per-event reading the
  // trace importer does, against JSON.parse of the same bytes.
  const tracePath = await ensureTrace(g.path, log);
  const traceBytes = await fs.readFile(tracePath);
  const traceJsonParse = await median(3, () => void JSON.parse(new TextDecoder().decode(traceBytes)));
  let traceSamples = 0;
  const traceOurs = await median(3, () => {
    traceSamples = parseProfile(traceBytes).sampleCount;
  });
  rows.push({
    figure: '8 Chrome trace import ÷ JSON.parse of the same bytes',
    measured:
      `${(traceOurs / traceJsonParse).toFixed(2)}× (${ms(traceOurs)} vs ${ms(traceJsonParse)}; ` +
      `${mb(traceBytes.length)} MB, ${traceSamples} samples)`,
    target: 'info',
  });
  rows.push(keptEverySample('8 Chrome trace import keeps every sample', traceSamples, g.samples));
  return rows;
}

function keptEverySample(figure: string, kept: number, generated: number): BenchRow {
  return { figure, measured: `${kept} of ${generated}`, target: 'all', pass: kept === generated };
}

/**
 * The generated .cpuprofile as a Chrome trace: a thread name, a Profile event and ProfileChunk events of 50 000
 * samples each, nodes given with their parent in the first chunk (as DevTools writes them).
 */
async function ensureTrace(cpuprofilePath: string, log: (m: string) => void): Promise<string> {
  const path = cpuprofilePath.replace(/\.cpuprofile$/, '.trace.json');
  const [source, target] = await Promise.all([fs.stat(cpuprofilePath), fs.stat(path).catch(() => undefined)]);
  if (target && target.mtimeMs >= source.mtimeMs) {
    return path;
  }
  log(`writing ${path} from the .cpuprofile…`);
  const profile = JSON.parse(await fs.readFile(cpuprofilePath, 'utf8')) as {
    nodes: Array<{ id: number; callFrame: unknown; children?: number[] }>;
    startTime: number;
    samples: number[];
    timeDeltas: number[];
  };
  const parent = new Map<number, number>();
  for (const n of profile.nodes) {
    for (const c of n.children ?? []) {
      parent.set(c, n.id);
    }
  }
  const nodes = profile.nodes.map((n) => ({ id: n.id, callFrame: n.callFrame, parent: parent.get(n.id) }));
  const out = createWriteStream(path + '.tmp');
  const write = async (text: string) => {
    if (!out.write(text)) {
      await once(out, 'drain');
    }
  };
  const ev = { pid: 1, tid: 1, id: '0x1', cat: 'disabled-by-default-v8.cpu_profiler' };
  await write('{"traceEvents":[');
  await write(JSON.stringify({ ph: 'M', name: 'thread_name', pid: 1, tid: 1, args: { name: 'CrRendererMain' } }));
  await write(
    ',' +
      JSON.stringify({
        ...ev,
        ph: 'P',
        name: 'Profile',
        ts: profile.startTime,
        args: { data: { startTime: profile.startTime } },
      })
  );
  const CHUNK = 50_000;
  for (let i = 0, ts = profile.startTime; i < profile.samples.length; i += CHUNK) {
    const cpuProfile = { ...(i === 0 ? { nodes } : {}), samples: profile.samples.slice(i, i + CHUNK) };
    const timeDeltas = profile.timeDeltas.slice(i, i + CHUNK);
    ts += timeDeltas.reduce((a, b) => a + b, 0);
    await write(
      ',' + JSON.stringify({ ...ev, ph: 'P', name: 'ProfileChunk', ts, args: { data: { cpuProfile, timeDeltas } } })
    );
  }
  await write('],"metadata":{"source":"DevTools"}}');
  out.end();
  await once(out, 'finish');
  await fs.rename(path + '.tmp', path);
  return path;
}

interface ChildMemory {
  maxRssMB: number;
  hwmMB: number;
}

/** `--child-json-parse FILE`: read and JSON.parse the file, nothing else; print the memory it took. */
export async function childJsonParse(path: string, rss: () => ChildMemory) {
  const value = JSON.parse(new TextDecoder().decode(await fs.readFile(path)));
  console.log(JSON.stringify({ ...rss(), keys: Object.keys(value).length }));
}

/** The generated profile in `dir`, made only when missing or from another generator version. */
async function ensureCpuProfile(dir: string, log: (m: string) => void): Promise<Generated> {
  const path = join(dir, 'node-service.cpuprofile');
  const manifestPath = join(dir, 'node-service.json');
  try {
    const m = JSON.parse(await fs.readFile(manifestPath, 'utf8')) as Generated;
    if (m.version === CPUPROFILE_VERSION && (await fs.stat(path)).size === m.bytes) {
      return m;
    }
  } catch {
    // Missing or unreadable: generate.
  }
  log(`generating ${path}, generator v${CPUPROFILE_VERSION}…`);
  await fs.mkdir(dir, { recursive: true });
  const m = await generateCpuProfile(path);
  await fs.writeFile(manifestPath, JSON.stringify(m, null, 2) + '\n');
  return m;
}

interface Fn {
  name: string;
  url: string;
  line: number;
}

async function generateCpuProfile(path: string): Promise<Generated> {
  const rng = new Rng(SPEC.seed);
  const fns = functions(rng);
  // The call tree: node i's parent is a random earlier node (a random recursive tree: ~11 deep on average, ~30 at
  // most), as a service's call tree fans out from a few entry points.
  const parent = new Int32Array(SPEC.nodes + 1);
  const depth = new Int32Array(SPEC.nodes + 1);
  const fnOf = new Int32Array(SPEC.nodes + 1);
  const children: number[][] = Array.from({ length: SPEC.nodes + 1 }, () => []);
  // 1: (root); 2–4: V8's pseudo-frames; 5: the main module.
  const PSEUDO = ['(program)', '(garbage collector)', '(idle)'];
  for (let id = 2; id <= 5; id++) {
    parent[id] = 1;
    depth[id] = 1;
    children[1].push(id);
  }
  for (let id = 6; id <= SPEC.nodes; id++) {
    const p = 5 + rng.int(id - 5);
    parent[id] = p;
    depth[id] = depth[p] + 1;
    fnOf[id] = rng.int(fns.length);
    children[p].push(id);
  }

  const out = createWriteStream(path + '.tmp', { highWaterMark: 1 << 20 });
  let bytes = 0;
  let buffer = '';
  const write = async (text: string) => {
    buffer += text;
    if (buffer.length >= 1 << 20) {
      bytes += buffer.length;
      if (!out.write(buffer)) {
        await once(out, 'drain');
      }
      buffer = '';
    }
  };
  const frame = (name: string, url: string, line: number) =>
    `{"functionName":${JSON.stringify(name)},"scriptId":"${url === '' ? 0 : 1 + (hashString(url) % 900)}",` +
    `"url":${JSON.stringify(url)},"lineNumber":${line},"columnNumber":${line < 0 ? -1 : 4}}`;

  await write('{"nodes":[');
  for (let id = 1; id <= SPEC.nodes; id++) {
    let callFrame: string;
    if (id === 1) {
      callFrame = frame('(root)', '', -1);
    } else if (id <= 4) {
      callFrame = frame(PSEUDO[id - 2], '', -1);
    } else if (id === 5) {
      callFrame = frame('', 'file:///srv/app/server.js', 0);
    } else {
      const f = fns[fnOf[id]];
      callFrame = frame(f.name, f.url, f.line);
    }
    const kids = children[id].length > 0 ? `,"children":[${children[id].join(',')}]` : '';
    await write(`${id === 1 ? '' : ','}{"id":${id},"callFrame":${callFrame},"hitCount":0${kids}}`);
  }
  // Samples: idle, GC and (program) now and then; otherwise a Zipf pick among the tree's nodes (hot paths).
  const zipf = new Zipf(SPEC.nodes - 5, 1.05);
  const order = Array.from({ length: SPEC.nodes - 5 }, (_, i) => i + 6);
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const picks = new Int32Array(SPEC.samples);
  let idleSamples = 0;
  for (let i = 0; i < SPEC.samples; i++) {
    const u = rng.next();
    if (u < SPEC.idle) {
      picks[i] = 4;
      idleSamples++;
    } else if (u < SPEC.idle + 0.02) {
      picks[i] = 3;
    } else if (u < SPEC.idle + 0.03) {
      picks[i] = 2;
    } else {
      picks[i] = order[zipf.sample(rng)];
    }
  }
  const endUs = SPEC.startUs + SPEC.samples * SPEC.intervalUs;
  await write(`],"startTime":${SPEC.startUs},"endTime":${endUs},"samples":[`);
  for (let i = 0; i < SPEC.samples; i += 4096) {
    await write((i === 0 ? '' : ',') + Array.from(picks.subarray(i, i + 4096)).join(','));
  }
  await write('],"timeDeltas":[');
  for (let i = 0; i < SPEC.samples; i += 4096) {
    const deltas: number[] = [];
    for (let k = i; k < Math.min(SPEC.samples, i + 4096); k++) {
      // A sampler wakes a little late, by 0–40 µs.
      deltas.push(SPEC.intervalUs + rng.int(41));
    }
    await write((i === 0 ? '' : ',') + deltas.join(','));
  }
  await write(']}');
  bytes += buffer.length;
  out.end(buffer);
  await once(out, 'finish');
  await fs.rename(path + '.tmp', path);
  return { version: CPUPROFILE_VERSION, path, bytes, samples: SPEC.samples, idleSamples };
}

/** The service's functions: its own code, packages under node_modules, Node's internals, and builtins. */
function functions(rng: Rng): Fn[] {
  const verbs = ['get', 'parse', 'render', 'handle', 'validate', 'serialize', 'emit', 'resolve', 'query', 'map'];
  const nouns = ['Request', 'User', 'Order', 'Token', 'Header', 'Row', 'Buffer', 'Route', 'Cache', 'Session'];
  const packages = ['express', 'pg', 'lodash', 'ajv', 'pino', 'undici', 'graphql', 'ioredis'];
  const internals = ['node:internal/timers', 'node:events', 'node:internal/streams/readable', 'node:net', 'node:zlib'];
  const out: Fn[] = [];
  for (let i = 0; i < SPEC.functions; i++) {
    const name = rng.chance(0.1) ? '' : `${rng.pick(verbs)}${rng.pick(nouns)}${i}`;
    const kind = rng.next();
    const url =
      kind < 0.45
        ? `file:///srv/app/src/${rng.pick(nouns).toLowerCase()}/${rng.pick(verbs)}.js`
        : kind < 0.8
          ? `file:///srv/app/node_modules/${rng.pick(packages)}/lib/${rng.pick(verbs)}.js`
          : kind < 0.95
            ? rng.pick(internals)
            : '';
    out.push({ name: url === '' && name === '' ? 'builtin' : name, url, line: url === '' ? -1 : rng.int(2000) });
  }
  return out;
}

function hashString(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) {
    h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  }
  return h >>> 0;
}

const ms = (t: number) => (t >= 100 ? `${t.toFixed(0)} ms` : `${t.toFixed(2)} ms`);
const mb = (b: number) => (b / 1e6).toFixed(1);
