/**
 * Where a perf script profile can be cut into chunks that parse on their own. After a blank line the parser holds no
 * sample (a blank line ends one) and the header is behind it once a sample has started, so a chunk that begins with
 * an event line right after a blank line parses exactly as that stretch of the whole input would: its ids are local
 * (merge.ts maps them) and its line numbers are offset by the lines before it. Nowhere else is safe — without a
 * blank line, a line that looks like an event may be a frame of the sample before it (`cafe 12/12 …` starts with a
 * hex address), and a `#` line before the first sample is header.
 */
import { CHAR_CR, CHAR_LF, isBlank } from '../bytes';
import { emptyEventLine, EventLine, parseEventLine } from './event-line';
import { MAX_LINE_BYTES } from './parser';

const scratch: EventLine = emptyEventLine();

/**
 * The first offset ≥ `from` + 1 in buf[0, end) where a chunk may start: the start of an event line whose previous line
 * is blank, both whole within `end`. When there is none yet, returns -(resume + 1): search again from `resume` once
 * more bytes have arrived (nothing before it can be a start).
 *
 * `buf` should be a Node Buffer when it can: its indexOf is memchr.
 */
export function findChunkStart(buf: Uint8Array, from: number, end: number): number {
  // `lf` ends the line before the candidate blank line (from ≥ 1: a chunk never starts at 0 here).
  let lf = buf.indexOf(CHAR_LF, Math.max(0, from - 1));
  for (;;) {
    if (lf < 0 || lf >= end) {
      return -(Math.max(from, end) + 1);
    }
    const blankStart = lf + 1;
    const blankEnd = buf.indexOf(CHAR_LF, blankStart);
    if (blankEnd < 0 || blankEnd >= end) {
      return -(lf + 1);
    }
    if (isBlankLine(buf, blankStart, blankEnd)) {
      const lineStart = blankEnd + 1;
      const lineEnd = buf.indexOf(CHAR_LF, lineStart);
      if (lineEnd < 0 || lineEnd >= end) {
        return -(lf + 1);
      }
      if (isEventLine(buf, lineStart, lineEnd)) {
        return lineStart;
      }
    }
    lf = blankEnd;
  }
}

/** A line the parser takes as blank (a longer one is skipped as garbage instead, and ends no sample). */
function isBlankLine(buf: Uint8Array, start: number, end: number): boolean {
  if (end - start > MAX_LINE_BYTES) {
    return false;
  }
  for (let p = start; p < end; p++) {
    if (!isBlank(buf[p])) {
      return false;
    }
  }
  return true;
}

/** Whether the parser, holding no sample, reads buf[start, end) (no LF) as a sample's event line. */
export function isEventLine(buf: Uint8Array, start: number, end: number): boolean {
  if (end - start > MAX_LINE_BYTES) {
    return false;
  }
  if (end > start && buf[end - 1] === CHAR_CR) {
    end--;
  }
  let first = start;
  while (first < end && isBlank(buf[first])) {
    first++;
  }
  if (first === end || buf[first] === 35 /* # */) {
    return false;
  }
  return parseEventLine(buf, start, end, scratch);
}

/**
 * Cuts buf[0, length) into chunks of about `target` bytes (more when samples are longer): the offsets where chunks
 * 1… start. For tests and in-memory inputs; a stream uses findChunkStart as bytes arrive.
 */
export function chunkStarts(buf: Uint8Array, target: number, length = buf.length): number[] {
  const starts: number[] = [];
  let from = Math.max(1, target);
  while (from < length) {
    const at = findChunkStart(buf, from, length);
    if (at < 0) {
      break;
    }
    starts.push(at);
    from = at + Math.max(1, target);
  }
  return starts;
}
