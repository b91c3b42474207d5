/** What every bench section times with: a median of runs, and a shell command's output. */
import { spawn } from 'node:child_process';

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
