/**
 * A real S3-compatible server for integration tests: OpenStack Swift (Debian's packages,
 * installed by `.ci/install-s3-server.sh`) with the `s3api` middleware and `tempauth`,
 * run as four child processes (proxy, account, container, object servers) on free
 * loopback ports, with one-replica rings and all config and data in a fresh temp dir.
 *
 * Nothing under /etc/swift is read: a small Python launcher points Swift at the temp dir's
 * swift.conf before the server loads. Each server runs with `workers = 0` (one process,
 * no forks), so SIGSTOP/SIGCONT of the proxy freezes/thaws the whole S3 endpoint.
 * The children exit on their own when the test process dies (they watch a stdin pipe).
 *
 * Usage:
 *   const s3 = await startSwiftS3();
 *   new S3Client({ endpoint: s3.endpoint, region: s3.region, forcePathStyle: true,
 *     credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } });
 *   await s3.pause();  // storage hangs (requests time out on the client side)
 *   await s3.resume();
 *   await s3.killProxy();  // storage down (connection refused)
 *   await s3.startProxy(); // back on the same port, same data
 *   await s3.stop();
 */
import { CreateBucketCommand, S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as dgram from 'node:dgram';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export const SWIFT_MISSING_MESSAGE =
  'OpenStack Swift (the S3 test server) is not installed: run `sudo bash .ci/install-s3-server.sh` ' +
  '(Debian packages swift, swift-proxy, swift-account, swift-container, swift-object).';

const BINARIES = [
  'swift-proxy-server',
  'swift-account-server',
  'swift-container-server',
  'swift-object-server',
  'swift-ring-builder',
] as const;

type ServerKind = 'proxy' | 'account' | 'container' | 'object';
const BACKENDS: ServerKind[] = ['account', 'container', 'object'];

export interface SwiftS3Options {
  /** Parent of the temp dir (default: $SWIFT_S3_TMPDIR or os.tmpdir()); must support user xattrs. */
  baseDir?: string;
  /** How long to wait for all servers to answer (default 45 s). */
  startTimeoutMs?: number;
}

export interface SwiftS3Server {
  /** e.g. http://127.0.0.1:40123 (use path-style addressing). */
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** The temp dir holding config, rings and data (removed by stop()). */
  dir: string;
  /** SIGSTOP the proxy: connections are accepted by the kernel but never answered. */
  pause(): Promise<void>;
  /** SIGCONT the proxy. */
  resume(): Promise<void>;
  /** Pause now and resume by itself after `ms` (a slow storage); resolves once resumed. */
  pauseFor(ms: number): Promise<void>;
  /** SIGKILL the proxy: requests fail with ECONNREFUSED until startProxy(). */
  killProxy(): Promise<void>;
  /** Start the proxy again on the same port (no-op when running); resolves once it answers. */
  startProxy(): Promise<void>;
  /** killProxy() then startProxy(). */
  restartProxy(): Promise<void>;
  /** Recent log lines of all servers (syslog and stderr), for diagnosing a failure. */
  logs(): string;
  /** Kill every process and remove the temp dir. Idempotent. */
  stop(): Promise<void>;
}

/** The directory holding `name` on PATH (plus the usual system dirs), or undefined. */
function which(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), '/usr/bin', '/usr/local/bin', '/bin'];
  for (const dir of dirs) {
    if (!dir) {
      continue;
    }
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // keep looking
    }
  }
  return undefined;
}

/** The Python that runs Swift: the interpreter named by swift-proxy-server's shebang. */
function swiftPython(): string | undefined {
  const proxy = which('swift-proxy-server');
  if (!proxy) {
    return undefined;
  }
  const firstLine = fs.readFileSync(proxy, 'utf8').split('\n', 1)[0];
  const match = /^#!\s*(\S+)(?:\s+(\S+))?/.exec(firstLine);
  if (!match) {
    return undefined;
  }
  // `#!/usr/bin/env python3` → resolve python3 on PATH.
  const interpreter = path.basename(match[1]) === 'env' && match[2] ? which(match[2]) : match[1];
  if (!interpreter) {
    return undefined;
  }
  try {
    fs.accessSync(interpreter, fs.constants.X_OK);
    return interpreter;
  } catch {
    return undefined;
  }
}

/** True when Swift's servers and ring builder are installed (see .ci/install-s3-server.sh). */
export function isSwiftAvailable(): boolean {
  return BINARIES.every((b) => which(b) !== undefined) && swiftPython() !== undefined;
}

/** Throws an Error with SWIFT_MISSING_MESSAGE when Swift is not installed. */
export function assertSwiftAvailable(): void {
  if (!isSwiftAvailable()) {
    throw new Error(SWIFT_MISSING_MESSAGE);
  }
}

// ---------------------------------------------------------------------------------------------
// Python helpers written into the temp dir.

/** Runs one Swift WSGI server against <swift_dir>/swift.conf instead of /etc/swift/swift.conf. */
const LAUNCHER_PY = `"""Run one Swift WSGI server with a private swift_dir (tests/s3/swift-server.ts)."""
import os
import sys
import threading


def watch_parent():
    # stdin is a pipe from the test process: EOF means it is gone, so exit too.
    # Read a dup of fd 0 (Swift later points fds 0-2 at /dev/null) in a real OS thread
    # started before eventlet monkey-patches threading.
    fd = os.dup(0)
    read = os.read

    def run():
        try:
            while read(fd, 4096):
                pass
        except OSError:
            pass
        os._exit(0)

    threading.Thread(target=run, name='parent-watch', daemon=True).start()


def die_with_parent():
    # Also SIGKILL on the parent's death: that reaches a SIGSTOPped (paused) proxy too,
    # which the stdin watch cannot.
    try:
        import ctypes
        ctypes.CDLL(None, use_errno=True).prctl(1, 9, 0, 0, 0)  # PR_SET_PDEATHSIG, SIGKILL
    except Exception:
        pass


def main():
    swift_dir, app_section, conf_path = sys.argv[1:4]
    die_with_parent()
    watch_parent()
    from swift.common import utils
    utils.set_swift_dir(swift_dir)  # reads and validates <swift_dir>/swift.conf
    from swift.common import storage_policy
    storage_policy.reload_storage_policies()
    from swift.common.wsgi import run_wsgi
    sys.exit(run_wsgi(conf_path, app_section))


if __name__ == '__main__':
    main()
`;

/** Builds the three one-replica rings (the library behind swift-ring-builder) and checks xattrs. */
const SETUP_PY = `"""Build one-replica rings and check user xattrs (tests/s3/swift-server.ts)."""
import errno
import json
import os
import sys

swift_dir, device_dir, ports_json = sys.argv[1:4]
ports = json.loads(ports_json)

probe = os.path.join(device_dir, '.xattr-probe')
with open(probe, 'wb'):
    pass
try:
    os.setxattr(probe, 'user.swift.probe', b'1')
except OSError as e:
    sys.stderr.write(
        'The filesystem of %s does not support user xattrs (%s), which Swift\\'s object '
        'server needs: set SWIFT_S3_TMPDIR to a directory on ext4/xfs/btrfs.\\n'
        % (device_dir, errno.errorcode.get(e.errno, e.errno)))
    sys.exit(3)
finally:
    os.unlink(probe)

from swift.common.ring import RingBuilder

for kind in ('account', 'container', 'object'):
    builder = RingBuilder(6, 1, 0)  # 2**6 partitions, 1 replica, min_part_hours 0
    builder.add_dev({
        'id': 0, 'region': 1, 'zone': 1, 'ip': '127.0.0.1', 'port': ports[kind],
        'replication_ip': '127.0.0.1', 'replication_port': ports[kind],
        'device': os.path.basename(device_dir), 'weight': 100.0, 'meta': '',
    })
    builder.rebalance()
    builder.save(os.path.join(swift_dir, kind + '.builder'))
    builder.get_ring().save(os.path.join(swift_dir, kind + '.ring.gz'))
`;

/**
 * An in-process stand-in for memcached (swift.common.memcached.MemcacheRing's interface):
 * tempauth and the proxy's info caching need a cache, and the proxy runs as one process,
 * so a dict suffices and no memcached daemon is needed.
 */
const CACHE_PY = `"""In-process memcache stand-in for a one-process Swift proxy (tests/s3/swift-server.ts)."""
import json
import threading
import time as _time

_MAX_RELATIVE = 30 * 24 * 60 * 60


class DictCache(object):
    def __init__(self):
        self._data = {}
        self._lock = threading.Lock()

    @staticmethod
    def _expiry(time):
        time = float(time or 0)
        if time <= 0:
            return 0
        return time if time > _MAX_RELATIVE else _time.time() + time

    def _live(self, key):
        item = self._data.get(key)
        if item is None:
            return None
        if item[1] and item[1] < _time.time():
            del self._data[key]
            return None
        return item

    def get(self, key, raise_on_error=False, **kwargs):
        with self._lock:
            item = self._live(key)
        if item is None:
            return None
        value, _expires, serialized = item
        return json.loads(value) if serialized else value

    def set(self, key, value, serialize=True, time=0, min_compress_len=0,
            raise_on_error=False, **kwargs):
        stored = json.dumps(value) if serialize else value
        with self._lock:
            self._data[key] = (stored, self._expiry(time), serialize)

    def incr(self, key, delta=1, time=0, **kwargs):
        with self._lock:
            item = self._live(key)
            current = int(json.loads(item[0])) if item else 0
            current = max(0, current + int(delta))
            expires = item[1] if item else self._expiry(time)
            self._data[key] = (json.dumps(current), expires, True)
            return current

    def decr(self, key, delta=1, time=0, **kwargs):
        return self.incr(key, -int(delta), time)

    def delete(self, key, server_key=None, **kwargs):
        with self._lock:
            self._data.pop(key, None)

    def get_multi(self, keys, server_key=None, **kwargs):
        return [self.get(k) for k in keys]

    def set_multi(self, mapping, server_key=None, serialize=True, time=0,
                  min_compress_len=0, **kwargs):
        for k, v in mapping.items():
            self.set(k, v, serialize=serialize, time=time)


def filter_factory(global_conf, **local_conf):
    cache = DictCache()

    def make(app):
        def middleware(env, start_response):
            env['swift.cache'] = cache
            return app(env, start_response)
        return middleware
    return make
`;

// ---------------------------------------------------------------------------------------------
// Config files.

interface Layout {
  dir: string;
  devices: string;
  user: string;
  logPort: number;
  ports: Record<ServerKind, number>;
}

function commonDefaults(l: Layout, kind: ServerKind): string {
  return [
    '[DEFAULT]',
    'bind_ip = 127.0.0.1',
    `bind_port = ${l.ports[kind]}`,
    'bind_timeout = 10',
    'workers = 0',
    `user = ${l.user}`,
    `swift_dir = ${l.dir}`,
    `devices = ${l.devices}`,
    'mount_check = false',
    'disable_fallocate = true',
    'fallocate_reserve = 0',
    `log_name = ${kind}-server`,
    'log_udp_host = 127.0.0.1',
    `log_udp_port = ${l.logPort}`,
    'log_level = INFO',
    '',
  ].join('\n');
}

function swiftConf(): string {
  return [
    '[swift-hash]',
    `swift_hash_path_suffix = ${randomBytes(8).toString('hex')}`,
    `swift_hash_path_prefix = ${randomBytes(8).toString('hex')}`,
    '',
    '[storage-policy:0]',
    'name = Policy-0',
    'default = yes',
    '',
    '[swift-constraints]',
    '',
  ].join('\n');
}

function proxyConf(l: Layout, region: string, user: string, key: string): string {
  const [account, name] = user.split(':');
  return [
    commonDefaults(l, 'proxy'),
    '[pipeline:main]',
    'pipeline = catch_errors gatekeeper healthcheck proxy-logging cache listing_formats s3api tempauth ' +
      'copy slo dlo versioned_writes proxy-logging proxy-server',
    '',
    '[app:proxy-server]',
    'use = egg:swift#proxy',
    'account_autocreate = true',
    'conn_timeout = 1',
    'node_timeout = 10',
    '',
    '[filter:s3api]',
    'use = egg:swift#s3api',
    `location = ${region}`,
    '',
    '[filter:tempauth]',
    'use = egg:swift#tempauth',
    `user_${account}_${name} = ${key} .admin`,
    '',
    '[filter:cache]',
    'paste.filter_factory = swift_s3_testcache:filter_factory',
    '',
    ...['catch_errors', 'gatekeeper', 'healthcheck', 'proxy-logging', 'listing_formats', 'copy', 'slo', 'dlo'].map(
      (f) => `[filter:${f}]\nuse = egg:swift#${f.replace('-', '_')}\n`
    ),
    '[filter:versioned_writes]',
    'use = egg:swift#versioned_writes',
    '',
  ].join('\n');
}

function backendConf(l: Layout, kind: ServerKind): string {
  return [
    commonDefaults(l, kind),
    '[pipeline:main]',
    `pipeline = healthcheck ${kind}-server`,
    '',
    `[app:${kind}-server]`,
    `use = egg:swift#${kind}`,
    '',
    '[filter:healthcheck]',
    'use = egg:swift#healthcheck',
    '',
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------
// Process plumbing.

/** `count` distinct free TCP ports on 127.0.0.1 (held together while picking, then released). */
async function freePorts(count: number): Promise<number[]> {
  const servers: net.Server[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const server = net.createServer();
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => resolve());
      });
    }
    return servers.map((s) => (s.address() as net.AddressInfo).port);
  } finally {
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }
}

/** GET http://127.0.0.1:port/path → status and body; rejects on connection errors and after timeoutMs. */
function httpGet(
  port: number,
  urlPath: string,
  timeoutMs: number,
  headers: Record<string, string> = {}
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(
      { host: '127.0.0.1', port, path: urlPath, agent: false, timeout: timeoutMs, headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      }
    );
    req.on('timeout', () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
    req.on('error', reject);
  });
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The state letter of /proc/<pid>/stat (R, S, T, Z, …), or undefined when gone. */
function procState(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ', 1)[0];
  } catch {
    return undefined;
  }
}

class LogBuffer {
  private lines: string[] = [];
  constructor(private readonly max = 2000) {}
  add(text: string, prefix = ''): void {
    for (const line of text.split('\n')) {
      if (line.trim()) {
        this.lines.push(prefix + line);
      }
    }
    if (this.lines.length > this.max) {
      this.lines.splice(0, this.lines.length - this.max);
    }
  }
  tail(n = 60): string {
    return this.lines.slice(-n).join('\n');
  }
  all(): string {
    return this.lines.join('\n');
  }
}

// ---------------------------------------------------------------------------------------------

/** Start Swift with s3api on free loopback ports; resolves once the S3 endpoint answers. */
export async function startSwiftS3(options: SwiftS3Options = {}): Promise<SwiftS3Server> {
  assertSwiftAvailable();
  const python = swiftPython()!;
  const startTimeoutMs = options.startTimeoutMs ?? 45_000;
  const baseDir = options.baseDir ?? process.env.SWIFT_S3_TMPDIR ?? os.tmpdir();
  const region = 'us-east-1';
  const accessKeyId = 'test:tester';
  const secretAccessKey = 'testing';

  const dir = fs.mkdtempSync(path.join(baseDir, 'swift-s3-'));
  const devices = path.join(dir, 'devices');
  fs.mkdirSync(path.join(devices, 'sda1'), { recursive: true });

  const logs = new LogBuffer();
  const children = new Map<ServerKind, ChildProcess>();
  let stopped = false;

  // Swift logs to syslog: receive it over UDP instead of spraying it at localhost:514.
  const logSocket = dgram.createSocket('udp4');
  logSocket.on('message', (msg) => logs.add(msg.toString('utf8').replace(/^<\d+>/, '')));
  logSocket.on('error', () => undefined);
  await new Promise<void>((resolve) => logSocket.bind(0, '127.0.0.1', () => resolve()));
  logSocket.unref();

  const killAllSync = () => {
    for (const child of children.values()) {
      if (child.exitCode === null && child.signalCode === null && child.pid) {
        try {
          process.kill(child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
  };
  // Last resort if the test process exits without stop(): no orphans, no temp dir left.
  const onExit = () => {
    killAllSync();
    try {
      fs.rmSync(dir, { recursive: true, force: true });
    } catch {
      // best effort
    }
  };
  process.on('exit', onExit);

  const [proxyPort, accountPort, containerPort, objectPort] = await freePorts(4);
  const layout: Layout = {
    dir,
    devices,
    user: os.userInfo().username,
    logPort: (logSocket.address() as net.AddressInfo).port,
    ports: { proxy: proxyPort, account: accountPort, container: containerPort, object: objectPort },
  };
  const confPath = (kind: ServerKind) => path.join(dir, `${kind}-server.conf`);

  const runPython = (args: string[]) =>
    new Promise<void>((resolve, reject) => {
      const child = spawn(python, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      child.stderr.on('data', (c: Buffer) => (out += c.toString()));
      child.on('error', reject);
      child.on('close', (code) =>
        code === 0 ? resolve() : reject(new Error(`${python} ${args.join(' ')} exited ${code}:\n${out}`))
      );
    });

  const spawnServer = (kind: ServerKind): ChildProcess => {
    const child = spawn(python, [path.join(dir, 'swift_s3_launch.py'), dir, `${kind}-server`, confPath(kind)], {
      cwd: dir,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', PYTHONPATH: dir },
    });
    const tag = `[${kind}] `;
    child.stdout!.on('data', (c: Buffer) => logs.add(c.toString('utf8'), tag));
    child.stderr!.on('data', (c: Buffer) => logs.add(c.toString('utf8'), tag));
    child.stdin!.on('error', () => undefined);
    child.on('error', (e) => logs.add(`${tag}spawn error: ${e.message}`));
    child.on('exit', (code, signal) => {
      if (!stopped) {
        logs.add(`${tag}exited (${signal ?? code})`);
      }
    });
    // Do not keep the test process alive for these; stdin closing on exit stops them anyway.
    child.unref();
    for (const stream of [child.stdin, child.stdout, child.stderr]) {
      (stream as unknown as net.Socket | null)?.unref?.();
    }
    children.set(kind, child);
    return child;
  };

  const isRunning = (child: ChildProcess | undefined) =>
    !!child && child.exitCode === null && child.signalCode === null;

  const waitExit = (child: ChildProcess, timeoutMs: number) =>
    new Promise<void>((resolve) => {
      if (!isRunning(child)) {
        resolve();
        return;
      }
      const timer = setTimeout(resolve, timeoutMs);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
    });

  /** Poll until `check` resolves true; fail early when a watched child exits. */
  const waitFor = async (what: string, kinds: ServerKind[], check: () => Promise<boolean>, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      for (const kind of kinds) {
        if (!isRunning(children.get(kind))) {
          throw new Error(`Swift ${kind}-server exited while waiting for ${what}. Logs:\n${logs.tail()}`);
        }
      }
      if (await check().catch(() => false)) {
        return;
      }
      if (Date.now() > deadline) {
        throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}. Logs:\n${logs.tail()}`);
      }
      await sleep(50);
    }
  };

  const healthy = (kind: ServerKind) => async () =>
    (await httpGet(layout.ports[kind], '/healthcheck', 1000)).status === 200;

  /**
   * The proxy answers a badly signed S3 request with an S3 error document, so s3api and tempauth
   * are in the pipeline. (An unsigned request would go through to Swift's own API.)
   */
  const s3Answers = async () => {
    const res = await httpGet(proxyPort, '/', 2000, {
      Date: new Date().toUTCString(),
      Authorization: `AWS ${accessKeyId}:bm90LWEtc2lnbmF0dXJl`,
    });
    return res.status === 403 && res.body.includes('<Error>');
  };

  const waitProxyReady = async (timeoutMs: number) => {
    await waitFor('the proxy healthcheck', ['proxy'], healthy('proxy'), timeoutMs);
    await waitFor('the S3 endpoint', ['proxy'], s3Answers, timeoutMs);
  };

  const killProxy = async () => {
    const child = children.get('proxy');
    if (child && isRunning(child)) {
      process.kill(child.pid!, 'SIGKILL'); // works on a SIGSTOPped process too
      await waitExit(child, 5000);
    }
  };

  const startProxy = async () => {
    if (stopped) {
      throw new Error('Swift S3 server was stopped');
    }
    if (isRunning(children.get('proxy'))) {
      return;
    }
    spawnServer('proxy');
    await waitProxyReady(startTimeoutMs);
  };

  const signalProxy = async (signal: 'SIGSTOP' | 'SIGCONT') => {
    const child = children.get('proxy');
    if (!child || !isRunning(child)) {
      throw new Error(`cannot ${signal} the Swift proxy: it is not running`);
    }
    process.kill(child.pid!, signal);
    // Wait until the kernel reports the new state, so the caller's next request sees it.
    const wantStopped = signal === 'SIGSTOP';
    for (let i = 0; i < 200; i++) {
      const state = procState(child.pid!);
      if (state === undefined || (state === 'T') === wantStopped) {
        return;
      }
      await sleep(5);
    }
  };

  const stop = async () => {
    if (stopped) {
      return;
    }
    stopped = true;
    const running = [...children.values()].filter(isRunning);
    killAllSync();
    await Promise.all(running.map((c) => waitExit(c, 5000)));
    for (const child of children.values()) {
      child.stdin?.destroy();
      child.stdout?.destroy();
      child.stderr?.destroy();
    }
    try {
      logSocket.close();
    } catch {
      // already closed
    }
    process.removeListener('exit', onExit);
    await fs.promises.rm(dir, { recursive: true, force: true });
  };

  try {
    fs.writeFileSync(path.join(dir, 'swift_s3_launch.py'), LAUNCHER_PY);
    fs.writeFileSync(path.join(dir, 'swift_s3_setup.py'), SETUP_PY);
    fs.writeFileSync(path.join(dir, 'swift_s3_testcache.py'), CACHE_PY);
    fs.writeFileSync(path.join(dir, 'swift.conf'), swiftConf());
    fs.writeFileSync(confPath('proxy'), proxyConf(layout, region, accessKeyId, secretAccessKey));
    for (const kind of BACKENDS) {
      fs.writeFileSync(confPath(kind), backendConf(layout, kind));
    }
    await runPython([
      path.join(dir, 'swift_s3_setup.py'),
      dir,
      path.join(devices, 'sda1'),
      JSON.stringify({ account: accountPort, container: containerPort, object: objectPort }),
    ]);

    for (const kind of [...BACKENDS, 'proxy'] as ServerKind[]) {
      spawnServer(kind);
    }
    await Promise.all([
      ...BACKENDS.map((kind) => waitFor(`the ${kind} server`, [kind], healthy(kind), startTimeoutMs)),
      waitProxyReady(startTimeoutMs),
    ]);
  } catch (err) {
    await stop();
    throw err;
  }

  return {
    endpoint: `http://127.0.0.1:${proxyPort}`,
    region,
    accessKeyId,
    secretAccessKey,
    dir,
    pause: () => signalProxy('SIGSTOP'),
    resume: () => signalProxy('SIGCONT'),
    pauseFor: async (ms: number) => {
      await signalProxy('SIGSTOP');
      await sleep(ms);
      await signalProxy('SIGCONT');
    },
    killProxy,
    startProxy,
    restartProxy: async () => {
      await killProxy();
      await startProxy();
    },
    logs: () => logs.all(),
    stop,
  };
}

/** An S3 client for the server, configured as every non-AWS endpoint needs (path style, checksums when required). */
export function s3ClientFor(server: SwiftS3Server, extra: Partial<S3ClientConfig> = {}): S3Client {
  return new S3Client({
    endpoint: server.endpoint,
    region: server.region,
    credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    ...extra,
  });
}

/**
 * A started server with `bucket` created, its credentials in this process's AWS environment (where the sidecar's
 * storage and its parse workers read them), and a client for it.
 */
export async function startSwiftS3WithBucket(bucket: string): Promise<{ s3: SwiftS3Server; client: S3Client }> {
  const s3 = await startSwiftS3();
  process.env.AWS_ACCESS_KEY_ID = s3.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = s3.secretAccessKey;
  const client = s3ClientFor(s3);
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  return { s3, client };
}
