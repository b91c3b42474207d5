/**
 * Helpers for the Chrome-trace tests: fixture bytes, parsing in chunks, and views of a store computed straight from
 * its columns (not through fold.ts or flamegraph.ts), so the tests check the importer against first principles.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ProfileStore } from '../../../src/profile';
import { createChromeTraceParser } from '../../../src/profile/chrome-trace/importer';
import { sampleFrameNames } from '../../helpers/profile-views';

export const CHROME_FIXTURES = join(__dirname, '..', '..', 'fixtures', 'chrome');

export function chromeBytes(relativePath: string): Uint8Array {
  return new Uint8Array(readFileSync(join(CHROME_FIXTURES, relativePath)));
}

export function chromeJson(relativePath: string): unknown {
  return JSON.parse(readFileSync(join(CHROME_FIXTURES, relativePath), 'utf8'));
}

/** Parses bytes pushed in chunks whose sizes cycle through `sizes` (whole when empty). */
export function parseTrace(bytes: Uint8Array, sizes: number[] = []): ProfileStore {
  const parser = createChromeTraceParser();
  if (sizes.length === 0) {
    parser.push(bytes);
  } else {
    for (let pos = 0, k = 0; pos < bytes.length; k++) {
      const size = Math.max(1, sizes[k % sizes.length]);
      parser.push(bytes.subarray(pos, pos + size));
      pos += size;
    }
  }
  return parser.finish();
}

export function parseTraceFixture(relativePath: string, sizes: number[] = []): ProfileStore {
  return parseTrace(chromeBytes(relativePath), sizes);
}

export function threadOf(store: ProfileStore, i: number): number {
  return store.contexts.thread[store.context[i]];
}

/** `thread;frame;…` → summed weight (µs for duration traces), idle samples included only when asked. */
export function stacksByWeight(store: ProfileStore, includeIdle = false): Map<string, number> {
  const out = new Map<string, number>();
  for (let i = 0; i < store.sampleCount; i++) {
    if (!includeIdle && store.contexts.idle[store.context[i]]) {
      continue;
    }
    const key = [store.threads.comm[threadOf(store, i)], ...sampleFrameNames(store, i)].join(';');
    out.set(key, (out.get(key) ?? 0) + (store.weight === null ? 1 : store.weight[i]));
  }
  return out;
}

/** Samples per leaf frame name (idle included). */
export function samplesByLeaf(store: ProfileStore): Map<string, number> {
  const out = new Map<string, number>();
  for (let i = 0; i < store.sampleCount; i++) {
    const names = sampleFrameNames(store, i);
    const leaf = names[names.length - 1] ?? '';
    out.set(leaf, (out.get(leaf) ?? 0) + 1);
  }
  return out;
}

/** Absolute sample time in µs on the trace clock. */
export function sampleMicros(store: ProfileStore, i: number): number {
  return store.startSec * 1e6 + store.time[i] / 1000;
}
