/**
 * A temp folder of profiles (the sidecar's file storage in tests) and synthetic perf script with known times.
 * No engine or sidecar imports, so any test environment can use it.
 */
import { closeSync, mkdtempSync, mkdirSync, openSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';

export class ProfileFolder {
  readonly root = mkdtempSync(join(tmpdir(), 'flamescope-profiles-'));
  get url(): string {
    return pathToFileURL(this.root).href;
  }
  write(key: string, content: string | Uint8Array, gzip = false) {
    const path = join(this.root, ...key.split('/'));
    mkdirSync(dirname(path), { recursive: true });
    const bytes = typeof content === 'string' ? Buffer.from(content, 'latin1') : content;
    writeFileSync(path, gzip ? gzipSync(bytes) : bytes);
  }
  remove(key: string) {
    rmSync(join(this.root, ...key.split('/')));
  }
  dispose() {
    rmSync(this.root, { recursive: true, force: true });
  }
}

export interface SyntheticSample {
  /** Perf-clock seconds, as a decimal string with 6 or 9 places. */
  time: string;
  comm?: string;
  pid?: number;
  cpu?: number;
  /** Root first. */
  stack: string[];
  period?: number;
}

/** perf script text for the given samples (leaf-first frames, blank line after each). */
export function perfScript(samples: SyntheticSample[], header = ''): string {
  let out = header;
  for (const s of samples) {
    const comm = s.comm ?? 'app';
    const pid = s.pid ?? 100;
    const period = s.period === undefined ? '' : ` ${s.period}`;
    out += `${comm} ${pid}/${pid} [${String(s.cpu ?? 0).padStart(3, '0')}] ${s.time}:${period} cycles: \n`;
    for (let i = s.stack.length - 1; i >= 0; i--) {
      out += `\t    ${(0x400000 + i * 16).toString(16)} ${s.stack[i]}+0x1${i} (/usr/bin/app)\n`;
    }
    out += '\n';
  }
  return out;
}

/**
 * A 10-second, 100 Hz profile starting at perf time 1000.000000, with a burst of `burst` frames at 3.25–3.30 s.
 * Returns the text and the sample counts a test can check against.
 */
export function steadyProfileWithBurst(): { text: string; samples: number; burstSamples: number } {
  const samples: SyntheticSample[] = [];
  for (let i = 0; i < 1000; i++) {
    const us = 1000_000_000 + i * 10_000;
    samples.push({ time: usToSeconds(us), stack: ['main', 'serve', i % 2 ? 'parse' : 'render'] });
  }
  let burstSamples = 0;
  for (let us = 1003_250_000; us < 1003_300_000; us += 1000) {
    samples.push({ time: usToSeconds(us), cpu: 1, stack: ['main', 'gc', 'mark'] });
    burstSamples++;
  }
  samples.sort((a, b) => Number(a.time) - Number(b.time));
  return { text: perfScript(samples), samples: samples.length, burstSamples };
}

export function usToSeconds(us: number): string {
  return `${Math.floor(us / 1e6)}.${String(us % 1e6).padStart(6, '0')}`;
}

/**
 * A big perf script profile written straight to the folder: `samples` samples 1 ms apart from perf-clock 1000 s,
 * 31–61 frames each (~4 KB a sample: 36 000 make ~150 MB, over a second to parse), written in batches so a test
 * neither holds it as one string nor takes long to make it. Returns its size in bytes.
 */
export function writeBigProfile(folder: ProfileFolder, key: string, samples: number): number {
  const path = join(folder.root, ...key.split('/'));
  mkdirSync(dirname(path), { recursive: true });
  const frames = Array.from(
    { length: 60 },
    (_, i) =>
      `\t    ${(0x400000 + i * 16).toString(16)} some::namespace::Function${i}<with::template::Args>::method+0x1 (/usr/bin/app)\n`
  ).reverse();
  const fd = openSync(path, 'w');
  try {
    let batch = '';
    for (let i = 0; i < samples; i++) {
      batch += `app 100/100 [00${i % 8}] ${usToSeconds(1000_000_000 + i * 1000)}: cycles: \n`;
      batch += `\t    4ff000 leaf${i % 500}+0x1 (/usr/bin/app)\n`;
      batch += frames.slice(60 - (30 + (i % 30))).join('') + '\n';
      if (batch.length > 4 << 20) {
        writeSync(fd, batch, null, 'latin1');
        batch = '';
      }
    }
    writeSync(fd, batch, null, 'latin1');
  } finally {
    closeSync(fd);
  }
  return statSync(path).size;
}
