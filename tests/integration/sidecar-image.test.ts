/**
 * The sidecar as the image runs it, without Docker: the bundle built by the Dockerfile's own build:cli command, copied
 * alone (no node_modules) into a temp dir, started with docker-compose.yaml's environment for the `flamescope` service
 * against a real S3 server (OpenStack Swift + s3api, as in tests/sidecar/s3.test.ts) seeded the way `minio-init` seeds
 * MinIO. Checks that the image's files are enough, that compose's variables configure it, and the token.
 */
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { s3ClientFor, startSwiftS3, SwiftS3Server } from '../s3/swift-server';
import { readText, readYaml, repoPath, ROOT } from './helpers';

jest.setTimeout(120_000);

const DEMO_KEY = 'checkout-api/2026-11-17T09:30:00Z.perf.gz';
const DEMO_FROM = Date.parse('2026-11-17T09:30:00Z');
const DEMO_TO = Date.parse('2026-11-17T09:30:40Z');

let s3: SwiftS3Server | undefined;
let app: string;
let sidecar: ChildProcess | undefined;
let base: string;
let token: string;
let output = '';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? files(full) : [full];
  });
}

/** compose's ${VAR:-default} with nothing set: the defaults. */
function composeDefaults(env: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).map(([k, v]) => [k, String(v).replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1')])
  );
}

async function waitForHealth(url: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const r = await fetch(`${url}/healthz`);
      if (r.ok) {
        return;
      }
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline || sidecar?.exitCode !== null) {
      throw new Error(`the sidecar did not become healthy:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  // 1. The image's files: `npm run build:cli -- <the Dockerfile's extra flags>` into a folder of its own.
  const run = /^RUN npm run build:cli -- (.+)$/m.exec(readText('Dockerfile'));
  expect(run).not.toBeNull();
  app = mkdtempSync(join(tmpdir(), 'flamescope-image-'));
  mkdirSync(join(app, 'bin'));
  execFileSync('npm', ['run', '--silent', 'build:cli', '--', ...run![1].split(/\s+/), `--outdir=${join(app, 'lib')}`], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  copyFileSync(repoPath('bin', 'flamescope.js'), join(app, 'bin', 'flamescope.js'));

  // 2. The bucket, seeded as minio-init does (`mc mirror /profiles local/profiles`).
  s3 = await startSwiftS3();
  const compose = readYaml('docker-compose.yaml');
  const env = composeDefaults(compose.services.flamescope.environment);
  const bucket = env.FLAMESCOPE_STORAGE.replace(/^s3:\/\//, '').replace(/\/.*$/, '');
  const client = s3ClientFor(s3);
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  for (const file of files(repoPath('profiles'))) {
    const key = relative(repoPath('profiles'), file).split('\\').join('/');
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: readFileSync(file) }));
  }
  client.destroy();

  // 3. The sidecar with compose's environment; only the S3 endpoint, its keys and the port differ here.
  const port = await freePort();
  token = env.FLAMESCOPE_TOKEN;
  base = `http://127.0.0.1:${port}`;
  sidecar = spawn(process.execPath, ['bin/flamescope.js', 'serve'], {
    cwd: app,
    env: {
      PATH: process.env.PATH,
      HOME: app,
      ...env,
      FLAMESCOPE_S3_ENDPOINT: s3.endpoint,
      FLAMESCOPE_PORT: String(port),
      FLAMESCOPE_LOG_LEVEL: 'warn',
      AWS_ACCESS_KEY_ID: s3.accessKeyId,
      AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
      AWS_REGION: s3.region,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  sidecar.stdout!.on('data', (d) => (output += d));
  sidecar.stderr!.on('data', (d) => (output += d));
  await waitForHealth(base, 30_000);
});

afterAll(async () => {
  if (sidecar && sidecar.exitCode === null) {
    const exited = new Promise((r) => sidecar!.once('exit', r));
    sidecar.kill('SIGTERM');
    await exited;
  }
  await s3?.stop();
  if (app) {
    rmSync(app, { recursive: true, force: true });
  }
});

describe('the sidecar image (bundle + compose environment), against S3', () => {
  it('needs nothing but bin/ and lib/: no node_modules anywhere above it', () => {
    expect(readdirSync(app).sort()).toEqual(['bin', 'lib']);
    expect(
      readdirSync(join(app, 'lib'))
        .filter((f) => f.endsWith('.cjs'))
        .sort()
    ).toEqual(['main.cjs', 'parse-worker.cjs']);
    for (let dir = app; dir !== '/'; dir = join(dir, '..')) {
      expect(readdirSync(dir)).not.toContain('node_modules');
    }
  });

  it('is healthy, and reports the S3 storage to token holders only', async () => {
    const open = await (await fetch(`${base}/healthz`)).json();
    expect(open.status).toBe('ok');
    expect(open.storage).toBeUndefined();
    const health = await (await fetch(`${base}/healthz`, { headers: { Authorization: `Bearer ${token}` } })).json();
    expect(health.storage).toBe('s3://profiles/');
  });

  it('asks for the token compose gives Grafana', async () => {
    expect((await fetch(`${base}/api/v1/profiles`)).status).toBe(401);
    const r = await fetch(`${base}/api/v1/profiles`, { headers: { Authorization: `Bearer ${token}` } });
    expect(r.status).toBe(200);
    const { profiles } = await r.json();
    expect(profiles.map((p: { id: string }) => p.id)).toContain(DEMO_KEY);
  });

  it("answers the dashboard's heat map: the demo profile over its wall-clock span, placed by its key", async () => {
    const url = `${base}/api/v1/heatmap?prefix=checkout-api/&from=${DEMO_FROM}&to=${DEMO_TO}&rows=50`;
    const r = await fetch(url, { headers: { Authorization: `Bearer ${token}` } });
    const text = await r.text();
    expect([r.status, text.slice(0, 200)]).toEqual([200, text.slice(0, 200)]);
    const frame = JSON.parse(text);
    expect(frame.schema.meta.type).toBe('heatmap-cells');
    expect(frame.schema.meta.custom.total).toBeGreaterThan(1000);
    expect(frame.schema.meta.custom.profiles[0].anchor.method).toBe('key-pattern');
    expect(output).not.toMatch(/Cannot find module/);
  });
});
