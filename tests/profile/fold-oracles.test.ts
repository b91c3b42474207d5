/**
 * Folded output must equal, byte for byte, FlameGraph's stackcollapse-perf.pl results (expected/) and, where inferno
 * fixes the perl script, inferno's (inferno/expected/).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FoldOptions, foldedText, foldStacks, parseProfile } from '../../src/profile';
import { fixtureBytes, parseFixture, PERF_FIXTURES } from '../helpers/fixtures';

type Option = 'default' | 'pid' | 'tid' | 'kernel' | 'jit' | 'all' | 'addrs';

function foldOptions(option: Option): FoldOptions {
  return option === 'default' ? {} : { [option]: true };
}

function fold(input: string, option: Option, perlView = false): string {
  let bytes = fixtureBytes(input);
  if (perlView) {
    bytes = withoutUnterminatedLastSample(bytes);
  }
  const store = parseProfile(bytes, { keepUnknownAddresses: option === 'addrs' });
  return foldedText(foldStacks(store, foldOptions(option)));
}

/**
 * The perl script only counts a sample when a blank line ends it, so it drops the last sample of a file that does
 * not end with one (6 FlameGraph inputs). We count it; to compare, cut it off as the script never saw it.
 */
function withoutUnterminatedLastSample(bytes: Uint8Array): Uint8Array {
  const text = Buffer.from(bytes).toString('latin1');
  if (text.endsWith('\n\n')) {
    return bytes;
  }
  return Buffer.from(text.slice(0, text.lastIndexOf('\n\n') + 2), 'latin1');
}

// These 8 results predate the script's stripping of Java's leading `L` for --pid/--tid (see the fixtures' README).
const STALE_JAVA = ['perf-java-faults-01', 'perf-java-stacks-01', 'perf-java-stacks-02', 'perf-vertx-stacks-01'];

function stripJavaL(folded: string): string {
  const lines = folded
    .trimEnd()
    .split('\n')
    .map((line) =>
      line.startsWith('java-') ? line.replace(/;L([^;]*\/[^;]*)/g, (_m, rest: string) => `;${rest}`) : line
    );
  return lines.sort().join('\n') + '\n';
}

interface OracleCase {
  input: string;
  option: Option;
  expected: string;
}

function flameGraphCases(): OracleCase[] {
  const cases: OracleCase[] = [];
  for (const file of readdirSync(join(PERF_FIXTURES, 'expected')).sort()) {
    const m = /^(.*)-collapsed-(\w+)\.txt$/.exec(file)!;
    // inferno's copy of the Rust result wins: it demangles, the perl script does not.
    if (existsSync(join(PERF_FIXTURES, 'inferno', 'expected', file))) {
      continue;
    }
    cases.push({ input: `${m[1]}.txt`, option: m[2] as Option, expected: `expected/${file}` });
  }
  return cases;
}

function infernoCases(): OracleCase[] {
  const cases: OracleCase[] = [];
  for (const file of readdirSync(join(PERF_FIXTURES, 'inferno', 'expected')).sort()) {
    const m = /^(.*)-collapsed(?:-(\w+))?\.txt$/.exec(file)!;
    const name = m[1];
    const input = existsSync(join(PERF_FIXTURES, 'inferno', `${name}.txt`))
      ? `inferno/${name}.txt`
      : name === 'example-perf-stacks'
        ? 'example-perf-stacks.txt.gz'
        : `${name}.txt`;
    cases.push({ input, option: (m[2] ?? 'default') as Option, expected: `inferno/expected/${file}` });
  }
  return cases;
}

describe('folding equals FlameGraph stackcollapse-perf.pl', () => {
  const cases = flameGraphCases();
  it('covers every option on every FlameGraph input', () => {
    expect(cases.length).toBeGreaterThanOrEqual(70);
  });
  it.each(cases.map((c) => [c.expected, c] as const))('%s', (_name, c) => {
    let expected = readFileSync(join(PERF_FIXTURES, c.expected), 'latin1');
    if ((c.option === 'pid' || c.option === 'tid') && STALE_JAVA.some((s) => c.input.startsWith(s))) {
      expected = stripJavaL(expected);
    }
    expect(fold(c.input, c.option, true)).toBe(expected);
  });
  it('counts the last sample even without a final blank line (the perl script drops it)', () => {
    const full = parseFixture('perf-dd-stacks-01.txt');
    const perlView = parseProfile(withoutUnterminatedLastSample(fixtureBytes('perf-dd-stacks-01.txt')));
    expect(full.sampleCount).toBe(perlView.sampleCount + 1);
    expect(fold('perf-dd-stacks-01.txt', 'default')).toContain('dd;[unknown];system_call 10101010\n');
  });
});

describe('folding equals inferno where it fixes the perl script', () => {
  it.each(infernoCases().map((c) => [c.expected, c] as const))('%s', (_name, c) => {
    const expected = readFileSync(join(PERF_FIXTURES, c.expected), 'latin1');
    expect(fold(c.input, c.option)).toBe(expected);
  });
});
