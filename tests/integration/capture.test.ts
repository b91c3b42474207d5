/**
 * scripts/capture.sh: bash accepts it, it records with the wall clock (-k CLOCK_REALTIME), and — run against stand-ins
 * for perf and the AWS CLI on PATH — it uploads `perf script --header` output, gzipped, under
 * <host>/<UTC instant of the start>Z.perf.gz with flamescope-start metadata, which the sidecar's key pattern reads.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DEFAULT_KEY_TIME_PATTERN } from '../../sidecar/config';
import { readText, repoPath } from './helpers';

const SCRIPT = repoPath('scripts', 'capture.sh');
const PERF_SCRIPT_OUTPUT = [
  '# ========',
  '# captured on    : Tue Nov 17 09:30:41 2026',
  '# hostname : checkout-api-7f9c',
  '# cmdline : /usr/bin/perf record -F 49 -a -g -k CLOCK_REALTIME -- sleep 1',
  '# ========',
  '#',
  'java 4242/4243 [001] 1794907800.012345: 20408163 cpu-clock:pppH: ',
  '\tffffffff81000000 do_syscall_64+0x0 ([kernel.kallsyms])',
  '\t7f0000001000 Interpreter+0x0 (/tmp/perf-4242.map)',
  '',
  '',
].join('\n');

let dir: string;
let bin: string;

/** Stand-ins: `perf record` writes its -o file, `perf script` prints a profile; `aws` keeps what it is given. */
function writeFakes() {
  bin = join(dir, 'bin');
  execFileSync('mkdir', ['-p', bin, join(dir, 'uploads')]);
  writeFileSync(join(dir, 'perf-script-output.txt'), PERF_SCRIPT_OUTPUT);
  const perf = `#!/usr/bin/env bash
echo "perf $*" >> "${dir}/calls.log"
case "$1" in
  record)
    while [ $# -gt 0 ]; do
      if [ "$1" = "-o" ]; then echo fake-perf-data > "$2"; fi
      shift
    done ;;
  script) cat "${dir}/perf-script-output.txt" ;;
  *) exit 1 ;;
esac
`;
  const aws = `#!/usr/bin/env bash
printf '%s\\n' "$@" > "${dir}/aws-args.txt"
for last; do :; done
src=""
for a in "$@"; do case "$a" in /*.perf.gz) src="$a" ;; esac; done
cp "$src" "${dir}/uploads/uploaded.perf.gz"
echo "$last" > "${dir}/uploads/key.txt"
`;
  for (const [name, body] of [
    ['perf', perf],
    ['aws', aws],
  ]) {
    writeFileSync(join(bin, name), body);
    chmodSync(join(bin, name), 0o755);
  }
}

function capture(args: string[], env: Record<string, string> = {}) {
  return spawnSync('bash', [SCRIPT, ...args], {
    encoding: 'utf8',
    env: { PATH: `${bin}:${process.env.PATH}`, HOME: dir, TMPDIR: dir, ...env },
    timeout: 30_000,
  });
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'flamescope-capture-test-'));
  writeFakes();
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('scripts/capture.sh', () => {
  it('passes bash -n and is executable', () => {
    execFileSync('bash', ['-n', SCRIPT]);
    expect(readFileSync(SCRIPT, 'utf8').startsWith('#!/usr/bin/env bash\n')).toBe(true);
    const mode = execFileSync('stat', ['-c', '%a', SCRIPT], { encoding: 'utf8' }).trim();
    expect(Number.parseInt(mode, 8) & 0o111).not.toBe(0);
  });

  it('records every CPU at 49 Hz with call graphs and the wall clock, and writes perf script --header', () => {
    const text = readFileSync(SCRIPT, 'utf8');
    expect(text).toMatch(/"\$perf" record -F "\$frequency" "\$\{target\[@\]\}" -g -k CLOCK_REALTIME /);
    expect(text).toMatch(/^frequency=49$/m);
    expect(text).toMatch(/^\s+local target=\(-a\)$/m);
    expect(text).toContain('"$perf" script --header -i "$data"');
  });

  it('uploads the gzipped profile under <host>/<UTC start instant>Z.perf.gz with flamescope-start metadata', () => {
    const before = Math.floor(Date.now() / 1000) * 1000;
    const r = capture([
      '--bucket',
      's3://profiles/prod',
      '--host',
      'checkout-api',
      '--duration',
      '1',
      '--endpoint-url',
      'http://minio:9000',
    ]);
    const after = Date.now();
    expect(r.stderr).toMatch(/capture\.sh: s3:\/\/profiles\/prod\/checkout-api\/.*\.perf\.gz/);
    expect(r.status).toBe(0);

    const calls = readFileSync(join(dir, 'calls.log'), 'utf8').trim().split('\n');
    expect(calls[0]).toMatch(/^perf record -F 49 -a -g -k CLOCK_REALTIME -o \S+\.data -- sleep 1$/);
    expect(calls[1]).toMatch(/^perf script --header -i \S+\.data$/);

    const key = readFileSync(join(dir, 'uploads', 'key.txt'), 'utf8').trim();
    const m = /^s3:\/\/profiles\/prod\/checkout-api\/(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z)\.perf\.gz$/.exec(key);
    expect(m).not.toBeNull();
    const instant = Date.parse(m![1]);
    expect(instant).toBeGreaterThanOrEqual(before);
    expect(instant).toBeLessThanOrEqual(after);
    // The sidecar's default key pattern finds exactly that instant in the key.
    expect(new RegExp(DEFAULT_KEY_TIME_PATTERN).exec(key)![0]).toBe(m![1]);

    const args = readFileSync(join(dir, 'aws-args.txt'), 'utf8').trim().split('\n');
    expect(args.slice(0, 2)).toEqual(['s3', 'cp']);
    expect(args[args.indexOf('--metadata') + 1]).toBe(`flamescope-start=${m![1]}`);
    expect(args[args.indexOf('--endpoint-url') + 1]).toBe('http://minio:9000');
    expect(gunzipSync(readFileSync(join(dir, 'uploads', 'uploaded.perf.gz'))).toString('utf8')).toBe(
      PERF_SCRIPT_OUTPUT
    );
    // Nothing left behind in the temporary directory.
    expect(readdirSync(dir).filter((f) => f.startsWith('flamescope-capture.'))).toEqual([]);
  });

  it('writes <dir>/<host>/<instant>.perf.gz with --output-dir (for file:// storage)', () => {
    const out = join(dir, 'profiles');
    const r = capture(['--output-dir', out, '--host', 'web 1', '--duration', '1', '--before-script', 'true']);
    expect(r.status).toBe(0);
    const [host] = readdirSync(out);
    expect(host).toBe('web_1'); // one safe path segment
    const [file] = readdirSync(join(out, host));
    expect(file).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z\.perf\.gz$/);
    expect(gunzipSync(readFileSync(join(out, host, file))).toString('utf8')).toBe(PERF_SCRIPT_OUTPUT);
  });

  it('records one process with --pid, and prints without running anything with --dry-run', () => {
    const r = capture(['--dry-run', '--bucket', 's3://b/', '--host', 'h', '--pid', '4242', '--duration', '5']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^\+ perf record -F 49 -p 4242 -g -k CLOCK_REALTIME -o \S+ -- sleep 5$/m);
    expect(r.stdout).toMatch(/^\+ aws s3 cp .*s3:\/\/b\/h\/\S+Z\.perf\.gz$/m);
    expect(() => readFileSync(join(dir, 'calls.log'))).toThrow();
  });

  it('refuses bad usage with exit status 2', () => {
    for (const args of [[], ['--bucket', 'profiles'], ['--output-dir', dir, '--duration', 'x'], ['--nope']]) {
      const r = capture(args);
      expect([args.join(' '), r.status]).toEqual([args.join(' '), 2]);
      expect(r.stderr).toMatch(/capture\.sh: /);
    }
    expect(capture(['--help']).status).toBe(0);
  });

  it('ships a systemd timer and service that run it', () => {
    const service = readText('scripts', 'systemd', 'flamescope-capture.service');
    const timer = readText('scripts', 'systemd', 'flamescope-capture.timer');
    expect(service).toMatch(/^ExecStart=\/usr\/local\/bin\/flamescope-capture --bucket \$\{FLAMESCOPE_BUCKET\}/m);
    expect(service).toMatch(/^Type=oneshot$/m);
    expect(service).toMatch(/^PrivateTmp=false$/m); // perf script must see /tmp/perf-<pid>.map
    expect(timer).toMatch(/^OnCalendar=\S+$/m);
    expect(timer).toMatch(/^WantedBy=timers\.target$/m);
  });
});
