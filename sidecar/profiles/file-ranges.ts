/**
 * A plain perf script file cut into byte ranges that threads read and parse themselves (file-range-parse.ts): the
 * cuts are found by reading a little around each nominal boundary, so no thread reads the bulk of the file for
 * another, and each range is read straight into its parser's memory.
 */
import { readSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import type { PartialStore } from '../../src/profile/merge';
import type { ChunkParser } from '../../src/profile/perf-script/chunked';
import { findChunkStart } from '../../src/profile/perf-script/chunks';

/** A range's bytes go to its parser in pieces of this size (the parser's memory holds one piece). */
const PIECE_BYTES = 8 << 20;
/** The first read around a boundary; doubled while no cut is found in it. */
const WINDOW_BYTES = 64 << 10;

/**
 * Offsets in [1, size) where ranges 1… start: the first sample start (an event line after a blank line, as
 * findChunkStart says) at or after each multiple of `rangeBytes` past the previous cut. No cut within `maxUncutBytes`
 * of a boundary (perf script without call chains has no blank lines): the rest is one range.
 */
export async function findRangeCuts(
  handle: FileHandle,
  size: number,
  rangeBytes: number,
  maxUncutBytes: number,
  threads = 1
): Promise<number[]> {
  const cuts: number[] = [];
  let from = nextRangeBytes(size, rangeBytes, threads);
  while (from < size) {
    // The window starts one byte early: findChunkStart looks for a line that begins after a newline at ≥ from - 1.
    const base = from - 1;
    let cut = -1;
    for (let window = WINDOW_BYTES; ; window *= 2) {
      const bytes = Math.min(window, size - base);
      const buf = Buffer.allocUnsafe(bytes);
      const { bytesRead } = await handle.read(buf, 0, bytes, base);
      const at = findChunkStart(buf, 1, bytesRead);
      if (at >= 0) {
        cut = base + at;
        break;
      }
      if (bytesRead < bytes || base + bytesRead >= size || window >= maxUncutBytes) {
        break;
      }
    }
    if (cut < 0) {
      break;
    }
    cuts.push(cut);
    from = cut + nextRangeBytes(size - cut, rangeBytes, threads);
  }
  return cuts;
}

/** The smallest range the schedule below makes. */
const MIN_RANGE_BYTES = 2 << 20;

/**
 * The next range's size with `remaining` bytes of the file left: `rangeBytes`, until the rest is little more than
 * what every thread takes twice; then shrinking (guided self-scheduling), so the threads run out of work together
 * and the merge's backlog at the end (this thread merges while the others idle) is small.
 */
export function nextRangeBytes(remaining: number, rangeBytes: number, threads: number): number {
  return Math.max(Math.min(rangeBytes, Math.ceil(remaining / (2 * threads))), Math.min(rangeBytes, MIN_RANGE_BYTES));
}

/**
 * Reads bytes [start, end) of the open file `fd` into `parser`, piece by piece in its own memory, and returns the
 * range's partial store. A file that ended before `end` (shrunk since the parse began) yields what was there, with a
 * truncation warning.
 */
export function parseFileRange(parser: ChunkParser, fd: number, start: number, end: number): PartialStore {
  parser.begin();
  const truncations: string[] = [];
  for (let at = start; at < end;) {
    const want = Math.min(PIECE_BYTES, end - at);
    const target = parser.readTarget(want);
    let got = 0;
    while (got < want) {
      const n = readSync(fd, target, got, want - got, at + got);
      if (n === 0) {
        break;
      }
      got += n;
    }
    if (got > 0) {
      parser.push(target.subarray(0, got));
    }
    at += got;
    if (got < want) {
      truncations.push(`the file ended at byte ${at}, before the ${end} bytes it had when the parse began`);
      break;
    }
  }
  return parser.end(truncations);
}
