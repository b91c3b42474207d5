/**
 * Generates the benchmark's `perf script` profile (plain text and gzip) into bench-data/, streaming: samples are
 * rendered into 1 MiB chunks that go to the file and to zlib at once (zlib compresses on the thread pool while the
 * next chunk is rendered), so the profile is never held in memory and both files take one pass.
 *
 * The timeline is `perf record -F 99 -a -g` on 16 CPUs: every CPU samples 99 times a second; a sample is idle
 * (swapper) or busy with some kind of work (workload.ts). Load has structure for the heat map: a slow wave, a
 * once-a-second InnoDB flush band at 300–420 ms into each second, and a JVM young GC every 4.3 s (a longer mixed
 * collection every fifth time) during which the GC workers take most CPUs and Java application threads stop.
 */
import { once } from 'node:events';
import { createWriteStream, promises as fs, WriteStream } from 'node:fs';
import { join } from 'node:path';
import { createGzip, Gzip } from 'node:zlib';
import { INTERRUPTS } from './kernel';
import { hash2, Rng } from './prng';
import { buildWorkload, Template, WorkClass, Workload } from './workload';

/** Bump when the output changes in any way: a present profile is reused only when this matches. */
export const GENERATOR_VERSION = 1;

export const PROFILE_SPEC = {
  seed: 0x5eed2024,
  cpus: 16,
  hz: 99,
  spanSec: 70,
  /** Perf clock (seconds since boot) at the first sample: four days of uptime. */
  clockStartSec: 352719,
  /** GC bursts: every `gcEverySec`, first at `gcFirstSec`; every fifth one is a longer mixed collection. */
  gcEverySec: 4.3,
  gcFirstSec: 1.9,
  /** The InnoDB flush band, as a fraction of each second. */
  flushBand: [0.3, 0.42],
  minPlainBytes: 200e6,
};

export type ProfileSpec = typeof PROFILE_SPEC & { hostname?: string };

export interface ProfileManifest {
  generatorVersion: number;
  spec: typeof PROFILE_SPEC;
  plainPath: string;
  gzipPath: string;
  plainBytes: number;
  gzipBytes: number;
  samples: number;
  idleSamples: number;
  /** Distinct templates sampled (interrupts landing on top of them add more distinct stacks). */
  templatesUsed: number;
  functions: number;
  /** [from, to) in seconds since the first sample's whole second (= store.startSec). */
  bursts: Array<[number, number]>;
  generateMs: number;
}

const BUSY_MIX: Array<[WorkClass, number]> = [
  ['java', 0.36],
  ['c2', 0.04],
  ['jvm', 0.02],
  ['envoy', 0.18],
  ['mysql', 0.14],
  ['node', 0.08],
  ['python', 0.07],
  ['go', 0.05],
  ['kthread', 0.03],
  ['misc', 0.03],
];
/** While the JVM is at a safepoint its application threads do not run. */
const GC_MIX = BUSY_MIX.filter(([c]) => c !== 'java' && c !== 'c2' && c !== 'jvm');
const CHUNK_BYTES = 1 << 20;
/** perf's frequency mode starts each CPU's counter with tiny periods before settling. */
const WARMUP_PERIODS = [1, 1, 9, 211, 4877];

export function profilePaths(dir: string) {
  return {
    plain: join(dir, 'perf-16cpu-99hz.txt'),
    gzip: join(dir, 'perf-16cpu-99hz.txt.gz'),
    manifest: join(dir, 'perf-16cpu-99hz.json'),
  };
}

/** The profile in `dir`, generated only when missing or made by another generator version. */
export async function ensureProfile(dir: string, log: (msg: string) => void = () => {}): Promise<ProfileManifest> {
  const paths = profilePaths(dir);
  try {
    const m = JSON.parse(await fs.readFile(paths.manifest, 'utf8')) as ProfileManifest;
    const [plain, gz] = await Promise.all([fs.stat(paths.plain), fs.stat(paths.gzip)]);
    if (m.generatorVersion === GENERATOR_VERSION && plain.size === m.plainBytes && gz.size === m.gzipBytes) {
      return m;
    }
  } catch {
    // Missing or unreadable: generate.
  }
  log(`generating ${paths.plain} (+ .gz), generator v${GENERATOR_VERSION}…`);
  await fs.mkdir(dir, { recursive: true });
  const m = await generateProfile(paths.plain, paths.gzip);
  await fs.writeFile(paths.manifest, JSON.stringify(m, null, 2) + '\n');
  return m;
}

/** Time of CPU `cpu`'s sample in tick `k`, µs on the perf clock. CPUs sample in fixed staggered slots. */
function sampleTimeUs(spec: ProfileSpec, k: number, slot: number, cpu: number): number {
  const { hz, cpus, clockStartSec } = spec;
  const spacing = Math.floor(1e6 / hz / cpus);
  return clockStartSec * 1e6 + 3417 + Math.floor((k * 1e6) / hz) + slot * spacing + (hash2(k, cpu) % 60);
}

function burstWindows(spec: ProfileSpec): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let i = 0, t = spec.gcFirstSec; t < spec.spanSec; i++, t += spec.gcEverySec) {
    const length = i % 5 === 4 ? 0.9 : 0.26 + 0.06 * (i % 3);
    out.push([round3(t), round3(t + length)]);
  }
  return out;
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

export async function generateProfile(
  plainPath: string,
  gzipPath: string,
  spec: ProfileSpec = PROFILE_SPEC
): Promise<ProfileManifest> {
  const t0 = performance.now();
  const workload = buildWorkload(spec.seed);
  const rng = new Rng(spec.seed ^ 0xa5a5);
  const sink = new Sink(createWriteStream(plainPath + '.tmp', { highWaterMark: 16 * CHUNK_BYTES }), gzipPath + '.tmp');
  const render = new Renderer(workload, rng);

  // CPUs sample in a shuffled slot order within each tick; emitting by slot keeps the output time-sorted like perf's.
  const slots = Array.from({ length: spec.cpus }, (_, i) => i);
  for (let i = slots.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [slots[i], slots[j]] = [slots[j], slots[i]];
  }
  const cpuBySlot = new Array<number>(spec.cpus);
  slots.forEach((slot, cpu) => (cpuBySlot[slot] = cpu));
  const ticks = spec.spanSec * spec.hz;
  const firstUs = sampleTimeUs(spec, 0, 0, cpuBySlot[0]);
  const lastUs = sampleTimeUs(spec, ticks - 1, spec.cpus - 1, cpuBySlot[spec.cpus - 1]);
  sink.text(header(spec, firstUs, lastUs));

  const bursts = burstWindows(spec);
  const baseUs = spec.clockStartSec * 1e6;
  let burst = 0;
  let samples = 0;
  let idleSamples = 0;
  const used = new Set<Template>();
  for (let k = 0; k < ticks; k++) {
    for (let slot = 0; slot < spec.cpus; slot++) {
      const cpu = cpuBySlot[slot];
      const us = sampleTimeUs(spec, k, slot, cpu);
      const t = (us - baseUs) / 1e6;
      while (burst < bursts.length && t >= bursts[burst][1]) {
        burst++;
      }
      const inGc = burst < bursts.length && t >= bursts[burst][0];
      const frac = t - Math.floor(t);
      const inBand = frac >= spec.flushBand[0] && frac < spec.flushBand[1];
      let busy = 0.58 + 0.14 * Math.sin((2 * Math.PI * t) / 23) + (inBand ? 0.2 : 0);
      if (inGc) {
        busy = 0.97;
      }
      let work: WorkClass = 'idle';
      if (rng.next() < busy) {
        if (inGc) {
          work = rng.chance(0.72) ? 'gc' : weighted(GC_MIX, rng);
        } else {
          work = inBand && rng.chance(0.4) ? 'mysqlFlush' : weighted(BUSY_MIX, rng);
        }
      }
      const template = workload.sets[work].pick(rng);
      used.add(template);
      const period =
        k < WARMUP_PERIODS.length
          ? WARMUP_PERIODS[k]
          : work === 'idle'
            ? rng.range(150_000, 3_000_000)
            : Math.round(30_303_030 * (0.85 + 0.3 * rng.next()));
      render.sample(sink, template, cpu, us, period, rng.chance(work === 'idle' ? 0.05 : 0.015));
      samples++;
      if (work === 'idle') {
        idleSamples++;
      }
    }
    await sink.backpressure();
  }
  const [plainBytes, gzipBytes] = await sink.close();
  await fs.rename(plainPath + '.tmp', plainPath);
  await fs.rename(gzipPath + '.tmp', gzipPath);
  if (plainBytes < spec.minPlainBytes) {
    throw new Error(`generated only ${plainBytes} bytes (< ${spec.minPlainBytes}): raise PROFILE_SPEC.spanSec`);
  }
  return {
    generatorVersion: GENERATOR_VERSION,
    spec,
    plainPath,
    gzipPath,
    plainBytes,
    gzipBytes,
    samples,
    idleSamples,
    templatesUsed: used.size,
    functions: workload.symbols.count,
    bursts,
    generateMs: Math.round(performance.now() - t0),
  };
}

function weighted<T>(items: Array<[T, number]>, rng: Rng): T {
  let u = rng.next() * items.reduce((a, [, w]) => a + w, 0);
  for (const [item, w] of items) {
    if ((u -= w) < 0) {
      return item;
    }
  }
  return items[items.length - 1][0];
}

/** Renders samples; a template's caller lines (fixed call sites) are rendered once and reused as bytes. */
class Renderer {
  private readonly blocks = new Map<Template, Buffer>();

  constructor(
    private readonly w: Workload,
    private readonly rng: Rng
  ) {}

  sample(sink: Sink, template: Template, cpu: number, us: number, period: number, interrupted: boolean) {
    const thread = template.threads.length === 1 ? template.threads[0] : this.rng.pick(template.threads);
    const sec = Math.floor(us / 1e6);
    const usec = String(us - sec * 1e6).padStart(6, '0');
    // `perf script` with a call chain: comm unpadded, %7d/%-7d pid/tid, [%03d] cpu, %5lu.%06lu time, %10lu period.
    sink.text(
      `${thread.comm} ${String(thread.pid).padStart(7)}/${String(thread.tid).padEnd(7)} [${String(cpu).padStart(3, '0')}] ` +
        `${sec}.${usec}: ${String(period).padStart(10)} cycles:P: \n`
    );
    const sy = this.w.symbols;
    if (interrupted) {
      // An interrupt on top of whatever ran: its path is above (leaf-side of) the interrupted frame.
      const irq = this.w.kernel.landing(this.rng.pick(INTERRUPTS), 'irq', 2);
      let text = sy.line(irq[irq.length - 1], sy.sampleOffset(irq[irq.length - 1], this.rng));
      for (let i = irq.length - 2; i >= 0; i--) {
        text += sy.line(irq[i], sy.callSite(irq[i], irq[i + 1]));
      }
      sink.text(text);
    }
    const f = template.frames;
    const leaf = f[f.length - 1];
    sink.text(sy.line(leaf, sy.sampleOffset(leaf, this.rng)));
    let block = this.blocks.get(template);
    if (!block) {
      let text = '';
      for (let i = f.length - 2; i >= 0; i--) {
        text += sy.line(f[i], sy.callSite(f[i], f[i + 1]));
      }
      block = Buffer.from(text + '\n', 'latin1');
      this.blocks.set(template, block);
    }
    sink.bytes(block);
  }
}

/** 1 MiB chunks to the plain file and to gzip (level 6) at once, with backpressure from both. */
class Sink {
  private chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  private used = 0;
  private plainBytes = 0;
  private readonly gzip: Gzip;
  private readonly gzipFile: WriteStream;
  private waits: Array<Promise<unknown>> = [];

  constructor(
    private readonly plain: WriteStream,
    gzipPath: string
  ) {
    // A deep buffer lets zlib compress earlier chunks on the thread pool while later ones are rendered.
    this.gzip = createGzip({ level: 6, highWaterMark: 16 * CHUNK_BYTES } as object);
    this.gzipFile = createWriteStream(gzipPath);
    this.gzip.pipe(this.gzipFile);
  }

  text(s: string) {
    if (this.used + s.length > this.chunk.length) {
      this.flush();
    }
    if (s.length > this.chunk.length) {
      this.bytes(Buffer.from(s, 'latin1'));
      return;
    }
    this.used += this.chunk.write(s, this.used, 'latin1');
  }

  bytes(b: Buffer) {
    if (this.used + b.length > this.chunk.length) {
      this.flush();
    }
    if (b.length > this.chunk.length) {
      this.emit(b);
      return;
    }
    b.copy(this.chunk, this.used);
    this.used += b.length;
  }

  async backpressure() {
    if (this.waits.length > 0) {
      const waits = this.waits;
      this.waits = [];
      await Promise.all(waits);
    }
  }

  async close(): Promise<[number, number]> {
    this.flush();
    await this.backpressure();
    this.plain.end();
    this.gzip.end();
    await Promise.all([once(this.plain, 'close'), once(this.gzipFile, 'close')]);
    return [this.plainBytes, this.gzipFile.bytesWritten];
  }

  private flush() {
    if (this.used > 0) {
      this.emit(this.chunk.subarray(0, this.used));
      this.chunk = Buffer.allocUnsafe(CHUNK_BYTES);
      this.used = 0;
    }
  }

  private emit(b: Buffer) {
    this.plainBytes += b.length;
    if (!this.plain.write(b)) {
      this.waits.push(once(this.plain, 'drain'));
    }
    if (!this.gzip.write(b)) {
      this.waits.push(once(this.gzip, 'drain'));
    }
  }
}

/** `perf script --header` of a perf 6.x capture. */
function header(s: ProfileSpec, firstUs: number, lastUs: number): string {
  const time = (us: number) => `${Math.floor(us / 1e6)}.${String(us % 1e6).padStart(6, '0')}`;
  return [
    '# ========',
    '# captured on    : Tue Mar 12 10:15:02 2024',
    '# header version : 1',
    '# data offset    : 1296',
    '# data size      : 61865984',
    '# feat offset    : 61867280',
    `# hostname : ${s.hostname ?? 'bench-db-api-07'}`,
    '# os release : 6.5.0-27-generic',
    '# perf version : 6.5.13',
    '# arch : x86_64',
    `# nrcpus online : ${s.cpus}`,
    `# nrcpus avail : ${s.cpus}`,
    '# cpudesc : AMD EPYC 7B13',
    '# cpuid : AuthenticAMD,25,1,0',
    '# total memory : 65843204 kB',
    `# cmdline : /usr/bin/perf record -F ${s.hz} -a -g -- sleep ${s.spanSec} `,
    `# event : name = cycles:P, , id = { ${Array.from({ length: s.cpus }, (_, i) => 11 + i).join(', ')} }, size = 136, { sample_period, sample_freq } = ${s.hz}, sample_type = IP|TID|TIME|CALLCHAIN|CPU|PERIOD, read_format = ID|LOST, disabled = 1, inherit = 1, mmap = 1, comm = 1, freq = 1, task = 1, precise_ip = 2, sample_id_all = 1, mmap2 = 1, comm_exec = 1, ksymbol = 1, bpf_event = 1`,
    '# CPU_TOPOLOGY info available, use -I to display',
    '# NUMA_TOPOLOGY info available, use -I to display',
    '# pmu mappings: cpu = 4, breakpoint = 5, kprobe = 9, msr = 10, power = 11, software = 1, tracepoint = 2, uprobe = 8',
    '# CACHE info available, use -I to display',
    `# time of first sample : ${time(firstUs)}`,
    `# time of last sample : ${time(lastUs)}`,
    `# sample duration : ${((lastUs - firstUs) / 1000).toFixed(3)} ms`,
    '# MEM_TOPOLOGY info available, use -I to display',
    '# bpf_prog_info 12: bpf_prog_6deef7357e7b4530 addr 0xffffffffc0a1e000 size 66',
    '# cpu pmu capabilities: max_precise=0',
    '# missing features: TRACING_DATA BRANCH_STACK GROUP_DESC AUXTRACE STAT CLOCKID DIR_FORMAT COMPRESSED CLOCK_DATA ',
    '# ========',
    '#',
    '',
  ].join('\n');
}
