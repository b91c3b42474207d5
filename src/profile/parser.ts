/**
 * The seam for input formats: every parser takes bytes in chunks and returns the same ProfileStore, so heat maps,
 * flame graphs and folding work whatever was read. perf script is the first; Chrome .cpuprofile and folded stacks
 * plug in here later.
 */
import { detectCompression } from './bytes';
import { PerfScriptOptions, PerfScriptParser } from './perf-script/parser';
import { ProfileFormat, ProfileStore } from './store';

export interface ProfileParser {
  push(chunk: Uint8Array): void;
  finish(): ProfileStore;
  /** Records that the input ended early, so the store carries a warning. */
  noteTruncated(message: string): void;
  readonly bytesRead: number;
}

export type { ProfileFormat } from './store';

export interface ParseOptions extends PerfScriptOptions {
  format?: ProfileFormat;
}

export function createParser(options: ParseOptions = {}): ProfileParser {
  return new PerfScriptParser(options);
}

/** Parses a whole in-memory profile (tests, small inputs, a dropped file in the browser). Plain text only. */
export function parseProfile(bytes: Uint8Array, options: ParseOptions = {}): ProfileStore {
  if (detectCompression(bytes) !== 'none') {
    throw new Error(`input is ${detectCompression(bytes)}-compressed: decompress it before parseProfile`);
  }
  const parser = createParser(options);
  parser.push(bytes);
  return parser.finish();
}
