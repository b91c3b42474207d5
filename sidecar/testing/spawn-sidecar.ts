/**
 * Runs `flamescope serve` as its own process on a free loopback port — as in production, and usable from any test
 * environment (the browser-like jsdom one included) and from the benchmark.
 */
import { ChildProcess, spawn, SpawnOptions } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export interface SidecarProcess {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

// From sources (sidecar/testing/) or from a bundle in lib/.
const BIN = [join(__dirname, '..', '..', 'bin', 'flamescope.js'), join(__dirname, '..', 'bin', 'flamescope.js')].find(
  (p) => existsSync(p)
)!;

/**
 * `options`: spawn's own (e.g. uid/gid, to run it as an unprivileged user). Warm-up is off unless `args` set
 * `--warm-recent`: tests and benchmarks that time a cold parse must not find it done in the background.
 */
export function spawnSidecar(args: string[], options: SpawnOptions = {}): Promise<SidecarProcess> {
  const warm = args.includes('--warm-recent') ? [] : ['--warm-recent', 'off'];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--log-level', 'info', ...warm, ...args], {
      ...options,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /serving .* on (http:\/\/[\d.]+:\d+)/.exec(out);
      if (m) {
        child.stdout!.off('data', onData);
        child.stdout!.resume();
        resolve({
          url: m[1],
          child,
          stop: () =>
            new Promise<void>((done) => {
              if (child.exitCode !== null) {
                return done();
              }
              child.once('exit', () => done());
              child.kill('SIGTERM');
            }),
        });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('exit', (code) => reject(new Error(`the sidecar exited (${code}) before listening: ${out.slice(-500)}`)));
  });
}
