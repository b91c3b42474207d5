/**
 * The `.idx` encoding: a decoded store answers exactly like the parsed one; a foreign, stale or truncated index is
 * refused (the sidecar then parses instead).
 */
import { computeHeatmap, decodeStore, encodeStore, foldedText, foldStacks, IndexFormatError } from '../../src/profile';
import { ALL_PERF_INPUTS, parseFixture } from '../helpers/fixtures';

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
