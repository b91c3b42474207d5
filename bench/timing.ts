/** What the bench sections time with: a median of runs, a shell command's output, the bare line scan. */
import { spawn } from 'node:child_process';
import { open } from 'node:fs/promises';

/** The parser's read size. */
const CHUNK_BYTES = 1 << 20;

/** Median wall time of `reps` runs after `warmup` untimed ones, ms. */
export async function median(reps: number, fn: () => unknown, warmup = 0): Promise<number> {
  for (let i = 0; i < warmup; i++) {
    await fn();
  }
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

/**
 * Median wall times of several runs measured in turns (a round runs each once, in order), after `warmup` untimed
 * rounds: on a machine whose speed drifts (a shared VM), figures taken in turns stay comparable with each other;
 * taken one after the other, the drift lands in the ratio.
 */
export async function medianInTurns(reps: number, fns: Array<() => unknown>, warmup = 0): Promise<number[]> {
  for (let i = 0; i < warmup; i++) {
    for (const fn of fns) {
      await fn();
    }
  }
  const times = fns.map(() => [] as number[]);
  for (let r = 0; r < reps; r++) {
    for (let f = 0; f < fns.length; f++) {
      const t = performance.now();
      await fns[f]();
      times[f].push(performance.now() - t);
    }
  }
  return times.map((list) => list.sort((a, b) => a - b)[Math.floor(list.length / 2)]);
}

/** A shell command's standard output; rejects when it exits non-zero. */
export function shell(command: string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const p = spawn('sh', ['-c', command], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolvePromise(out) : reject(new Error(`${command} exited ${code}`))));
  });
}

/** The floor for any streaming parser in Node: read the file in the parser's chunks and find every line. */
export async function newlineScan(path: string): Promise<number> {
  // Read as the single-thread parser reads a file: 1 MiB at a time into one reused buffer (a stream would allocate a
  // fresh one per read, work the parser does not do).
  const handle = await open(path, 'r');
  const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  let lines = 0;
  try {
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, CHUNK_BYTES, null);
      if (bytesRead === 0) {
        return lines;
      }
      const chunk = bytesRead === CHUNK_BYTES ? buffer : buffer.subarray(0, bytesRead);
      let at = chunk.indexOf(10);
      while (at >= 0) {
        lines++;
        at = chunk.indexOf(10, at + 1);
      }
    }
  } finally {
    await handle.close();
  }
}
