/**
 * The `.idx` encoding: a decoded store answers exactly like the parsed one; a foreign, stale or truncated index is
 * refused (the sidecar then parses instead).
 */
import {
  computeFlameGraph,
  computeHeatmap,
  decodeStore,
  encodeStore,
  foldedText,
  foldStacks,
  IndexFormatError,
  parseProfile,
} from '../../src/profile';
import { ALL_PERF_INPUTS, chromeBytes, fixtureBytes, parseFixture } from '../helpers/fixtures';

describe('store encoding', () => {
  it.each(ALL_PERF_INPUTS)('%s decodes to a store that folds and bins identically', (input) => {
    const store = parseFixture(input);
    const decoded = decodeStore(encodeStore(store, 'etag-1'), 'etag-1');
    expect(decoded.sampleCount).toBe(store.sampleCount);
    expect(Array.from(decoded.time)).toEqual(Array.from(store.time));
    expect(decoded.header).toEqual(store.header);
    expect(decoded.warnings).toEqual(store.warnings);
    expect(foldedText(foldStacks(decoded, { pid: true, kernel: true }))).toBe(
      foldedText(foldStacks(store, { pid: true, kernel: true }))
    );
    if (store.hasTimestamps && store.sampleCount > 0) {
      expect(Array.from(computeHeatmap(decoded, { rows: 20, includeIdle: true }).counts)).toEqual(
        Array.from(computeHeatmap(store, { rows: 20, includeIdle: true }).counts)
      );
    }
  });

  it('keeps non-UTF-8 bytes and periods exactly', () => {
    const store = parseFixture('perf-dd-stacks-01.txt');
    const decoded = decodeStore(encodeStore(store));
    expect(Array.from(decoded.weight!)).toEqual(Array.from(store.weight!));
    expect(decoded.frames.name).toEqual(store.frames.name);
  });

  it('carries the format, frame kinds, idle marks and folded counts of other formats', () => {
    const cpuprofile = parseProfile(chromeBytes('Chrome-65-sucrase.cpuprofile'));
    const fromIndex = decodeStore(encodeStore(cpuprofile, 'e'), 'e');
    expect(fromIndex.format).toBe('cpuprofile');
    expect(Array.from(fromIndex.frames.kind)).toEqual(
      Array.from(cpuprofile.frames.kind.subarray(0, cpuprofile.frames.count))
    );
    expect(computeFlameGraph(fromIndex)).toEqual(computeFlameGraph(cpuprofile));

    const folded = parseProfile(fixtureBytes('expected/perf-java-stacks-01-collapsed-all.txt'));
    const foldedFromIndex = decodeStore(encodeStore(folded, 'e'), 'e');
    expect(foldedFromIndex.format).toBe('folded');
    expect(foldedFromIndex.hasPeriods).toBe(false); // the weights stay sample counts
    expect(foldedText(foldStacks(foldedFromIndex))).toBe(foldedText(foldStacks(folded)));
    expect(computeFlameGraph(foldedFromIndex).total).toBe(computeFlameGraph(folded).total);
  });

  it('refuses an index made for another version of the profile', () => {
    const bytes = encodeStore(parseFixture('perf-dd-stacks-01.txt'), 'etag-1');
    expect(() => decodeStore(bytes, 'etag-2')).toThrow(IndexFormatError);
  });

  it('refuses truncated and foreign bytes', () => {
    const bytes = encodeStore(parseFixture('perf-numa-stacks-01.txt'), 'e');
    expect(() => decodeStore(bytes.subarray(0, bytes.length - 100), 'e')).toThrow(IndexFormatError);
    expect(() => decodeStore(bytes.subarray(0, 12), 'e')).toThrow(IndexFormatError);
    expect(() => decodeStore(new TextEncoder().encode('perf 123 1.0: cycles:\n'))).toThrow(IndexFormatError);
  });
});
