import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parseProfile, ParseOptions, ProfileStore } from '../../src/profile';

export const PERF_FIXTURES = join(__dirname, '..', 'fixtures', 'perf');
/** V8 .cpuprofile files and a few Chrome traces (speedscope's samples), and Netflix's nflxprofile fixture. */
export const CHROME_FIXTURES = join(__dirname, '..', 'fixtures', 'chrome');
export const NFLXPROFILE_FIXTURES = join(__dirname, '..', 'fixtures', 'nflxprofile');

/** A Chrome fixture's bytes. */
export function chromeBytes(relativePath: string): Uint8Array {
  return readFileSync(join(CHROME_FIXTURES, relativePath));
}

/** The .cpuprofile fixtures. */
export const CPUPROFILE_INPUTS = [
  'Chrome-65-simple.cpuprofile',
  'Chrome-65-sucrase.cpuprofile',
  'node-10.11.0-example.cpuprofile',
];

/** A fixture's bytes, decompressed when it is gzip. */
export function fixtureBytes(relativePath: string): Uint8Array {
  const raw = readFileSync(join(PERF_FIXTURES, relativePath));
  return raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw) : raw;
}

export function parseFixture(relativePath: string, options: ParseOptions = {}): ProfileStore {
  return parseProfile(fixtureBytes(relativePath), options);
}

/** Every perf-script input among the fixtures (not the expected outputs). */
export const ALL_PERF_INPUTS = [
  'example-perf-stacks.txt.gz',
  'perf-cycles-instructions-01.txt',
  'perf-dd-stacks-01.txt',
  'perf-funcab-cmd-01.txt',
  'perf-funcab-pid-01.txt',
  'perf-iperf-stacks-pidtid-01.txt',
  'perf-java-faults-01.txt',
  'perf-java-stacks-01.txt',
  'perf-java-stacks-02.txt',
  'perf-js-stacks-01.txt',
  'perf-mirageos-stacks-01.txt',
  'perf-numa-stacks-01.txt',
  'perf-rust-Yamakaky-dcpu.txt',
  'perf-vertx-stacks-01.txt',
  'inferno/cpp-stacks-std-function.txt',
  'inferno/empty-line.txt',
  'inferno/go-stacks.txt',
  'inferno/java-inline.txt',
  'inferno/no-events.txt',
  'inferno/single-event.txt',
  'inferno/single-line-stacks.txt',
  'inferno/sourcepawn-jitdump.txt',
  'inferno/versioned-vmlinux.txt',
  'inferno/weird-stack-line.txt',
  'speedscope/forks.linux-perf.txt',
  'speedscope/one-sample.linux-perf.txt',
  'speedscope/rust-mangled.linux-perf.txt',
  'speedscope/simple-with-header.linux-perf.txt',
  'speedscope/simple-with-pid.linux-perf.txt',
  'speedscope/simple.linux-perf.txt',
  'speedscope/system-wide.linux-perf.txt',
  'flamescope/perf.test01',
  'firefox-profiler/graphviz.perf.gz',
  'firefox-profiler/gzip.perf.gz',
  'firefox-profiler/simple-perf.txt.gz',
  'firefox-profiler/test.perf.gz',
];
