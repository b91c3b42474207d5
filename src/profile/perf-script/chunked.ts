/**
 * A perf script profile parsed as chunks (chunks.ts cuts, merge.ts joins): a parser that takes chunks one after
 * another (a worker thread's), and the whole sequence on one thread — what the threaded parse must equal, and what
 * tests check it against.
 */
import { ChunkMerger, PartialStore } from '../merge';
import { ProfileStore } from '../store';
import { PerfScriptOptions, PerfScriptParser } from './parser';

/** Parses chunks of one profile, each after the last it was given in file order (not necessarily adjacent). */
export class ChunkParser {
  private readonly parser: PerfScriptParser;
  private started = false;

  constructor(options: PerfScriptOptions = {}) {
    // Stacks as sequences: the merge builds the one trie, no thread builds one of its own.
    this.parser = new PerfScriptParser({ ...options, stacksAsSequences: true });
  }

  /**
   * One chunk. `truncations`: the input ended early right after this (last) chunk; noted before its final,
   * unterminated line is read, as the streaming parser would.
   */
  parse(bytes: Uint8Array, truncations: readonly string[] = []): PartialStore {
    this.begin();
    this.push(bytes);
    return this.end(truncations);
  }

  /** One chunk in pieces: begin, push its bytes in order (each may be read into readTarget), end. */
  begin() {
    if (this.started) {
      this.parser.startChunk();
    }
    this.started = true;
  }

  push(bytes: Uint8Array) {
    this.parser.push(bytes);
  }

  /** Memory to read the chunk's next piece into, so pushing it costs no copy (see PerfScriptParser.readTarget). */
  readTarget(bytes: number): Uint8Array {
    return this.parser.readTarget(bytes);
  }

  end(truncations: readonly string[] = []): PartialStore {
    for (const message of truncations) {
      this.parser.noteTruncated(message);
    }
    return this.parser.finishPartial();
  }

  /** No more chunks: what only parsing needs is freed (see PerfScriptParser.release). */
  release() {
    this.parser.release();
  }
}

/** One chunk on a parser of its own. */
export function parsePerfChunk(
  bytes: Uint8Array,
  options: PerfScriptOptions = {},
  truncations: readonly string[] = []
): PartialStore {
  return new ChunkParser(options).parse(bytes, truncations);
}

/**
 * Parses buf cut at `starts` (chunk offsets after 0) and merges the chunks. Chunk i goes to parser i % `parsers`,
 * as chunks go round worker threads.
 */
export function parseChunksSerially(
  buf: Uint8Array,
  starts: readonly number[],
  options: PerfScriptOptions = {},
  parsers = 1
): ProfileStore {
  const merger = new ChunkMerger();
  const sessions = Array.from({ length: parsers }, () => new ChunkParser(options));
  const bounds = [0, ...starts, buf.length];
  for (let i = 0; i + 1 < bounds.length; i++) {
    merger.add(sessions[i % parsers].parse(buf.subarray(bounds[i], bounds[i + 1])), i % parsers);
  }
  return merger.finish();
}
