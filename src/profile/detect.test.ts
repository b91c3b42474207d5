/**
 * Format detection from the bytes: every real input of each format is told apart, however it is chunked; what looks
 * a little like another format (JSON that is not a profile, `comm pid` lines) stays perf script; `format` overrides
 * detection; a format without an importer is refused with a sentence naming it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import {
  ALL_PERF_INPUTS,
  chromeBytes,
  CPUPROFILE_INPUTS,
  fixtureBytes,
  NFLXPROFILE_FIXTURES,
} from '../../tests/helpers/fixtures';
import { parseInChunks } from '../../tests/helpers/profile-views';
import { DETECT_WINDOWS, detectFormat } from './detect';
import { foldedText, foldStacks } from './fold';
import { ImportError } from './import-error';
import { createParser, IMPORTERS, parseProfile } from './parser';
import { ProfileFormat } from './store';

const TRACES = ['Chrome-141-no-arg-data.json', 'trace-event/simple.json', 'trace-event/simple-object.json'];
const text = (s: string) => new TextEncoder().encode(s);

/** The format the detecting parser picks, read from the store (or the refusal, for formats without an importer). */
function detected(bytes: Uint8Array, chunks: number[] = [bytes.length + 1]): ProfileFormat | string {
  try {
    return parseInChunks(bytes, chunks).format;
  } catch (e) {
    return e instanceof ImportError ? e.message : String(e);
  }
}

describe('detectFormat on real inputs', () => {
  it.each(ALL_PERF_INPUTS)('perf script: %s', (path) => {
    expect(detectFormat(fixtureBytes(path), true)).toBe('perf-script');
  });

  it.each(CPUPROFILE_INPUTS)('.cpuprofile: %s, from its first window alone', (path) => {
    const bytes = chromeBytes(path);
    expect(detectFormat(bytes.subarray(0, DETECT_WINDOWS[0]), bytes.length <= DETECT_WINDOWS[0])).toBe('cpuprofile');
  });

  it.each([...TRACES, 'trace-event/simple-partial-whitespace.json'])('Chrome trace: %s', (path) => {
    expect(detectFormat(chromeBytes(path), true)).toBe('chrome-trace');
  });

  it('nflxprofile: the protobuf fixture, but not text that starts with a TAB', () => {
    const bytes = readFileSync(join(NFLXPROFILE_FIXTURES, 'nodejs1.nflxprofile'));
    expect(detectFormat(bytes, true)).toBe('nflxprofile');
    expect(detectFormat(bytes.subarray(0, 9), false)).toBeUndefined(); // a TAB and 8 bytes: cannot tell yet
    expect(detectFormat(text('\t    7f0 main (/bin/app)\n\n'), true)).toBe('perf-script');
  });

  it('folded: the fold of every perf input (and FlameGraph’s own folded oracles)', () => {
    for (const path of ALL_PERF_INPUTS) {
      const folded = foldedText(foldStacks(parseProfile(fixtureBytes(path))));
      if (folded.includes(';')) {
        expect([path, detectFormat(text(folded), true)]).toEqual([path, 'folded']);
      }
    }
    const oracle = fixtureBytes('expected/perf-vertx-stacks-01-collapsed-all.txt');
    expect(detectFormat(oracle, true)).toBe('folded');
  });
});

describe('what is not a profile of the other formats stays perf script', () => {
  it.each([
    ['JSON that is no profile', '{"name": "flamescope", "version": "1.0.0"}'],
    ['a JSON array of numbers', '[1, 2, 3]'],
    ['`comm pid` lines (perf script -F comm,pid: no call chains)', 'java 1234\njava 1234\nsshd 99\n'],
    ['text whose lines end in numbers but start blank', '  a;b 1\n  a;c 2\n'],
    ['empty input', ''],
  ])('%s', (_what, input) => {
    expect(detectFormat(text(input), true)).toBe('perf-script');
  });

  it('a pretty-printed .cpuprofile with a BOM is still one; a trace object whose metadata comes first is a trace', () => {
    const pretty = JSON.stringify(
      JSON.parse(new TextDecoder().decode(chromeBytes('Chrome-65-simple.cpuprofile'))),
      null,
      2
    );
    expect(detectFormat(text('\ufeff' + pretty), true)).toBe('cpuprofile');
    // A cpuprofile's nested "nodes"/"samples" inside a trace's events must not fool the top-level key scan.
    expect(detectFormat(text('{"traceEvents": [{"args": {"data": {"cpuProfile": {"nodes": []}}}}]}'), true)).toBe(
      'chrome-trace'
    );
    expect(detectFormat(text('{"otherData": {"nodes": 1}, "samples": []}'), true)).toBe('chrome-trace');
  });
});

describe('the detecting parser', () => {
  it('picks the same importer however the bytes are chunked (a folded file split anywhere, a cpuprofile byte by byte)', () => {
    const folded = text(foldedText(foldStacks(parseProfile(fixtureBytes('perf-vertx-stacks-01.txt')))));
    const cpuprofile = chromeBytes('Chrome-65-simple.cpuprofile');
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 9000 }), { minLength: 1, maxLength: 8 }), (chunks) => {
        expect(detected(folded, chunks)).toBe('folded');
        expect(detected(cpuprofile, chunks)).toBe('cpuprofile');
        expect(detected(fixtureBytes('perf-funcab-cmd-01.txt'), chunks)).toBe('perf-script');
      }),
      { numRuns: 50 }
    );
    expect(detected(cpuprofile, [1])).toBe('cpuprofile');
  });

  it('counts the bytes it holds before deciding, and forwards a truncation noted before it decided', () => {
    const parser = createParser();
    const bytes = chromeBytes('Chrome-65-simple.cpuprofile');
    parser.push(bytes.subarray(0, 100));
    expect(parser.bytesRead).toBe(100);
    parser.push(bytes.subarray(100));
    parser.noteTruncated('the gzip stream ended early');
    const store = parser.finish();
    expect(store.format).toBe('cpuprofile');
    expect(store.bytesRead).toBe(bytes.length);
    expect(store.warnings.map((w) => w.code)).toEqual(['truncated']);
  });

  it('format overrides detection: a folded file read as perf script is garbage lines, not folded samples', () => {
    const folded = fixtureBytes('expected/perf-funcab-cmd-01-collapsed-pid.txt');
    const asPerf = parseProfile(folded, { format: 'perf-script' });
    expect(asPerf.format).toBe('perf-script');
    expect(asPerf.sampleCount).toBe(0);
    expect(asPerf.warnings.map((w) => w.code)).toContain('garbage-line');
    expect(parseProfile(folded).format).toBe('folded');
  });

  it('a format without an importer is refused with a sentence naming it, detected or asked for', () => {
    const missing = (['chrome-trace', 'nflxprofile'] as const).filter((f) => IMPORTERS[f] === undefined);
    for (const format of missing) {
      expect(() => createParser({ format })).toThrow(new RegExp(`^${format} input .* is not supported yet$`));
    }
    if (missing.includes('chrome-trace')) {
      expect(detected(chromeBytes('trace-event/simple.json'))).toMatch(/^chrome-trace input \(a Chrome trace\)/);
    }
  });
});
