/**
 * Node-side input for the engine: a file or any byte stream, plain or gzip (detected from the magic bytes), pushed
 * chunk by chunk into a parser. A truncated gzip yields what was read plus a warning; input that cannot be read at
 * all, or that is too large (in all, or relative to its compressed size: a gzip bomb), is a ProfileInputError with
 * one sentence for the user — never a server path, since the sidecar shows these messages to Grafana users.
 */
import { promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import {
  DETECT_WINDOWS,
  detectCompression,
  detectFormat,
  ImportError,
  ParseOptions,
  ProfileFormat,
  ProfileStore,
} from '../../src/profile';
import { parseFileInRanges, RANGE_BYTES } from '../profiles/file-range-parse';
import {
  createStreamParser,
  MAX_UNCUT_BYTES,
  PARALLEL_MIN_BYTES,
  ParallelOptions,
  StreamParser,
} from '../profiles/parallel-parse';
import { FileChunks } from './file-chunks';
import { InflatePipeline } from './inflate';
import { MiB, RATIO_SLACK_BYTES } from './limits';

export class ProfileInputError extends Error {
  constructor(
    message: string,
    readonly code:
      | 'not-found'
      | 'unreadable'
      | 'unsupported-compression'
      | 'unsupported-format'
      | 'corrupt'
      | 'too-large' = 'unreadable'
  ) {
    super(message);
  }
}

export interface ReadOptions extends ParseOptions {
  /** Called as input is consumed: bytes read of the raw (possibly compressed) input, and its size when known. */
  onProgress?: (bytesRead: number, totalBytes: number | undefined) => void;
  totalBytes?: number;
  /** Refuse input whose decompressed size exceeds this. */
  maxBytes?: number;
  /**
   * Refuse gzip input that expands more than this many times: checked while streaming, against the compressed bytes
   * consumed so far (plus `ratioSlackBytes`), so a bomb stops after a few MiB. 0 or undefined: no check.
   */
  maxRatio?: number;
  /** Output allowed beyond `maxRatio` × compressed bytes; RATIO_SLACK_BYTES unless given (tests use 0). */
  ratioSlackBytes?: number;
  /** How the caller's users set the limits, named in the refusals (defaults: the sidecar's flags). */
  limitFlags?: { maxBytes?: string; maxRatio?: string };
  signal?: AbortSignal;
  /** Parse a large perf script profile on this many threads (default: this thread only). */
  parallel?: ParallelOptions;
}

const CHUNK_BYTES = 1 << 20;
/** Inflated bytes that may wait for the parse (see inflate.ts): download, inflate and parse overlap. */
const INFLATE_AHEAD_BYTES = 8 << 20;

export async function readProfileFile(path: string, options: ReadOptions = {}): Promise<ProfileStore> {
  let size: number;
  try {
    const stat = await fs.stat(path);
    if (stat.isDirectory()) {
      throw new ProfileInputError(`${path} is a directory, not a profile`, 'unreadable');
    }
    size = stat.size;
  } catch (e) {
    if (e instanceof ProfileInputError) {
      throw e;
    }
    // The path is the one the caller (the CLI's user) gave; the error's own message would repeat it.
    const code = (e as NodeJS.ErrnoException).code;
    throw new ProfileInputError(
      code === 'ENOENT' ? `no such file: ${path}` : `cannot read ${path}: ${errnoText(e)}`,
      code === 'ENOENT' ? 'not-found' : 'unreadable'
    );
  }
  let handle: FileHandle;
  try {
    handle = await fs.open(path, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ProfileInputError(
      code === 'ENOENT' ? `no such file: ${path}` : `cannot read ${path}: ${errnoText(e)}`,
      code === 'ENOENT' ? 'not-found' : 'unreadable'
    );
  }
  return parseStream(new FileChunks(handle, CHUNK_BYTES), { ...options, totalBytes: options.totalBytes ?? size });
}

/**
 * Whether a file is parsed on threads that read their own ranges (file-range-parse.ts): plain perf script, large
 * enough for threads (as the streaming parse decides), within the size limit (else the stream refuses it as usual).
 */
async function splitsIntoRanges(handle: FileHandle, size: number, options: ReadOptions): Promise<boolean> {
  const parallel = options.parallel;
  if (
    !parallel ||
    parallel.threads <= 1 ||
    size < (parallel.minBytes ?? PARALLEL_MIN_BYTES) ||
    size > (options.maxBytes ?? Infinity) ||
    (options.format !== undefined && options.format !== 'perf-script')
  ) {
    return false;
  }
  const head = Buffer.alloc(Math.min(size, DETECT_WINDOWS[DETECT_WINDOWS.length - 1]));
  try {
    await handle.read(head, 0, head.length, 0);
  } catch {
    return false;
  }
  if (detectCompression(head) !== 'none') {
    return false;
  }
  // The format as the detecting parser tells it: the first window that decides, else perf script.
  let format: ProfileFormat | undefined = options.format;
  for (let i = 0; format === undefined && i < DETECT_WINDOWS.length; i++) {
    format = detectFormat(head.subarray(0, DETECT_WINDOWS[i]), false);
  }
  return (format ?? 'perf-script') === 'perf-script';
}

async function parseRanges(file: FileChunks, size: number, options: ReadOptions) {
  const parallel = options.parallel!;
  try {
    return await parseFileInRanges(file.file, size, {
      perf: { keepUnknownAddresses: options.keepUnknownAddresses },
      threads: parallel.threads,
      rangeBytes: parallel.chunkBytes ?? RANGE_BYTES,
      maxUncutBytes: parallel.maxUncutBytes ?? MAX_UNCUT_BYTES,
      workerScript: parallel.workerScript,
      onProgress: (bytes) => options.onProgress?.(bytes, size),
      signal: options.signal,
    });
  } catch (e) {
    // As the streaming parse sorts them: an importer's refusal, the input that could not be read (or the reading that
    // was stopped), and anything else (a thread that crashed) as it is.
    if (e instanceof ImportError) {
      throw importError(e);
    }
    if (options.signal?.aborted || typeof (e as NodeJS.ErrnoException)?.code === 'string') {
      throw readError(e);
    }
    throw e;
  } finally {
    await file.close();
  }
}

/** Parses a byte stream (file, stdin, an S3 body). */
export async function parseStream(
  input: Readable | AsyncIterable<Uint8Array>,
  options: ReadOptions = {}
): Promise<ProfileStore> {
  if (input instanceof FileChunks && options.totalBytes !== undefined) {
    // A large plain perf script file (the CLI's, the folder storage's): threads read their own ranges of it.
    if (await splitsIntoRanges(input.file, options.totalBytes, options)) {
      return parseRanges(input, options.totalBytes, options);
    }
  }
  const source = input[Symbol.asyncIterator]();
  let rawBytes = 0;
  const report = () => options.onProgress?.(rawBytes, options.totalBytes);

  let first: IteratorResult<Uint8Array>;
  try {
    first = await source.next();
  } catch (e) {
    release(input, source);
    throw readError(e);
  }
  const compression = first.done ? 'none' : detectCompression(first.value);
  let parser: StreamParser;
  try {
    parser = createStreamParser(options, parseThreads(options.parallel, compression));
  } catch (e) {
    release(input, source);
    throw importError(e);
  }
  if (first.done) {
    return finish(parser);
  }
  const head = first.value;
  if (compression !== 'none' && compression !== 'gzip') {
    release(input, source);
    parser.abort();
    throw new ProfileInputError(
      `${compression} compression is not supported: decompress it or use gzip`,
      'unsupported-compression'
    );
  }

  if (options.totalBytes !== undefined) {
    // A large profile is cut for threads from its start, not after the single-thread threshold.
    parser.expectBytes(options.totalBytes * (compression === 'gzip' ? GZIP_RATIO_GUESS : 1));
  }
  if (compression === 'none' && input instanceof FileChunks) {
    // Plain bytes from a file go where the parser wants them (a single-thread parser's own memory): no copy.
    input.readInto = (bytes) => parser.readTarget?.(bytes);
  }
  const limit = options.maxBytes ?? Infinity;
  const push = (chunk: Uint8Array): void | Promise<void> => {
    if (parser.bytesRead + chunk.length > limit) {
      const flag = options.limitFlags?.maxBytes ?? '--max-profile-mb';
      throw new ProfileInputError(
        `the profile is larger than the ${sizeText(limit)} limit (decompressed): raise ${flag} to allow it`,
        'too-large'
      );
    }
    try {
      return parser.push(chunk);
    } catch (e) {
      // An importer's refusal (a format without one, a JSON profile past V8's longest string) is the input's fault,
      // not a gzip stream gone bad: it must reach the user as it is.
      throw importError(e);
    }
  };

  // Raw chunks, with progress counted on the raw (compressed) bytes.
  async function* raw(): AsyncGenerator<Uint8Array> {
    rawBytes += head.length;
    report();
    yield head;
    for (;;) {
      options.signal?.throwIfAborted();
      const next = await source.next();
      if (next.done) {
        return;
      }
      rawBytes += next.value.length;
      report();
      yield next.value;
    }
  }

  try {
    if (compression === 'gzip') {
      const ratio: RatioLimit | undefined =
        options.maxRatio !== undefined && options.maxRatio > 0
          ? {
              max: options.maxRatio,
              slack: options.ratioSlackBytes ?? RATIO_SLACK_BYTES,
              flag: options.limitFlags?.maxRatio ?? '--max-ratio',
            }
          : undefined;
      const complete = await gunzipInto(raw(), push, parser, ratio);
      if (!complete) {
        // Corrupt mid-stream: whatever follows in the input is of no use.
        release(input, source);
      }
    } else {
      for await (const chunk of raw()) {
        await push(chunk);
      }
    }
  } catch (e) {
    // Stop reading now (a refused bomb, an S3 download): do not leave the source running until it is collected.
    release(input, source);
    parser.abort();
    if (e instanceof ProfileInputError) {
      throw e;
    }
    throw readError(e);
  }
  return finish(parser);
}

/**
 * Gzip inflates on a thread of its own (zlib, on libuv's pool) while the parse runs: it takes one of the cores the
 * parallel options count. On 2 cores a .gz parsed on 2 threads beside the inflate ran 1.04–1.19× slower than on 1
 * (bench section 9: three busy threads on two cores), and inflate is the slower stage anyway (~300 MB/s).
 */
function parseThreads(parallel: ParallelOptions | undefined, compression: string): ParallelOptions | undefined {
  return parallel && compression === 'gzip' ? { ...parallel, threads: Math.max(1, parallel.threads - 1) } : parallel;
}

/** perf script text gzips 5–8× (the bench profile: 6.3×): a low guess at what a .gz inflates to. */
const GZIP_RATIO_GUESS = 4;

/** The parsed store; an input an importer cannot read at all is a ProfileInputError with its sentence. */
async function finish(parser: StreamParser): Promise<ProfileStore> {
  try {
    return await parser.finish();
  } catch (e) {
    throw importError(e);
  }
}

/** An importer's refusal in the terms of this module (anything else is rethrown as it is: a bug). */
function importError(e: unknown): unknown {
  if (!(e instanceof ImportError)) {
    return e;
  }
  const code = e.code === 'unsupported' ? 'unsupported-format' : e.code === 'too-large' ? 'too-large' : 'corrupt';
  return new ProfileInputError(e.message, code);
}

interface RatioLimit {
  max: number;
  slack: number;
  flag: string;
}

/** Decompresses into `push`; false when the gzip stream ended early or went corrupt (the profile is partial). */
async function gunzipInto(
  compressed: AsyncIterable<Uint8Array>,
  push: (chunk: Uint8Array) => void | Promise<void>,
  parser: { bytesRead: number; noteTruncated(message: string): void },
  ratio: RatioLimit | undefined
): Promise<boolean> {
  // Concatenated gzip members (pigz, `cat a.gz b.gz`) are one stream to zlib; keep reading them.
  const gunzip = createGunzip({ chunkSize: 256 * 1024 });
  const inflate = new InflatePipeline(gunzip, INFLATE_AHEAD_BYTES);
  const feeding = inflate.feed(compressed);
  try {
    for (;;) {
      const chunk = await inflate.next();
      if (chunk === null) {
        break;
      }
      const { bytes, compressedSoFar } = chunk;
      // compressedSoFar: compressed bytes zlib had consumed when it emitted this (not merely read ahead).
      if (ratio && parser.bytesRead + bytes.length > ratio.max * compressedSoFar + ratio.slack) {
        throw new ProfileInputError(
          `the gzip data expands more than ${ratio.max}× (a decompression bomb?): ` +
            `${sizeText(parser.bytesRead + bytes.length)} from ${sizeText(compressedSoFar)} so far; ` +
            `raise ${ratio.flag} to allow it`,
          'too-large'
        );
      }
      await push(bytes);
    }
  } catch (e) {
    // Stop zlib and the reader at once: a bomb must not go on inflating in the background.
    inflate.stop();
    await feeding;
    if (e instanceof ProfileInputError) {
      throw e;
    }
    const message = (e as Error).message;
    if (parser.bytesRead === 0) {
      throw new ProfileInputError(`the gzip data is corrupt: ${message}`, 'corrupt');
    }
    parser.noteTruncated(
      `the gzip stream ended early or is corrupt after ${parser.bytesRead} bytes (${message}); the profile is partial`
    );
    return false;
  }
  await feeding;
  return true;
}

/** Stops an input that will not be read to its end: destroys a stream, or ends an iterator (fire and forget). */
function release(input: Readable | AsyncIterable<Uint8Array>, source: AsyncIterator<Uint8Array>) {
  const destroy = (input as { destroy?: unknown }).destroy;
  if (typeof destroy === 'function') {
    destroy.call(input);
  } else {
    source.return?.().catch(() => undefined);
  }
}

/** 1536 → "1.5 KiB"; exact units stay whole ("2048 MiB"). */
function sizeText(bytes: number): string {
  if (!Number.isFinite(bytes)) {
    return String(bytes);
  }
  const [unit, scale] = bytes >= MiB ? ['MiB', MiB] : bytes >= 1024 ? ['KiB', 1024] : ['bytes', 1];
  const value = bytes / (scale as number);
  return `${Number.isInteger(value) ? value : value.toFixed(1)} ${unit}`;
}

/** A read failure as one sentence without the server path that Node's own message (`EACCES: …, open '/…'`) holds. */
function readError(e: unknown): ProfileInputError {
  const err = e as NodeJS.ErrnoException;
  if (err?.code === 'ENOENT') {
    return new ProfileInputError('the profile does not exist (it may have been removed)', 'not-found');
  }
  if (err?.code === 'EISDIR') {
    return new ProfileInputError('the path is a directory, not a profile', 'unreadable');
  }
  return new ProfileInputError(`cannot read the profile: ${errnoText(e)}`, 'unreadable');
}

const ERRNO_TEXT: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOENT: 'no such file',
  EISDIR: 'it is a directory',
  ENOTDIR: 'a part of the path is not a directory',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'the name is too long',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files',
  EIO: 'an input/output error',
  ENXIO: 'no such device',
  ENODEV: 'no such device',
  EINVAL: 'it cannot be read as a file',
  ESPIPE: 'it cannot be read as a file',
  EAGAIN: 'the input is not ready (non-blocking)',
  ECONNRESET: 'the connection was reset',
  ECONNREFUSED: 'the connection was refused',
  ETIMEDOUT: 'the connection timed out',
  EPIPE: 'the input was closed',
  ABORT_ERR: 'reading was cancelled',
  ERR_STREAM_PREMATURE_CLOSE: 'the input was closed before its end',
};

/** err.code as words; never err.message (for fs errors it names the path). */
function errnoText(e: unknown): string {
  const err = e as (NodeJS.ErrnoException & { name?: string }) | undefined;
  if (err?.name === 'AbortError') {
    return ERRNO_TEXT.ABORT_ERR;
  }
  const code = typeof err?.code === 'string' ? err.code : undefined;
  if (code === undefined) {
    return 'the input failed';
  }
  return ERRNO_TEXT[code] ?? (/^E[A-Z0-9_]+$/.test(code) ? `error ${code}` : 'the input failed');
}
