/**
 * Node-side input for the engine: a file or any byte stream, plain or gzip (detected from the magic bytes), pushed
 * chunk by chunk into a parser. A truncated gzip yields what was read plus a warning; input that cannot be read at
 * all is a ProfileInputError with one sentence for the user.
 */
import { createReadStream, promises as fs } from 'node:fs';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { createParser, detectCompression, ParseOptions, ProfileStore } from '../../src/profile';

export class ProfileInputError extends Error {
  constructor(
    message: string,
    readonly code: 'not-found' | 'unreadable' | 'unsupported-compression' | 'corrupt' | 'too-large' = 'unreadable'
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
  signal?: AbortSignal;
}

const CHUNK_BYTES = 1 << 20;

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
    const code = (e as NodeJS.ErrnoException).code;
    throw new ProfileInputError(
      code === 'ENOENT' ? `no such file: ${path}` : `cannot read ${path}: ${(e as Error).message}`,
      code === 'ENOENT' ? 'not-found' : 'unreadable'
    );
  }
  const stream = createReadStream(path, { highWaterMark: CHUNK_BYTES });
  return parseStream(stream, { ...options, totalBytes: options.totalBytes ?? size });
}

/** Parses a byte stream (file, stdin, an S3 body). */
export async function parseStream(
  input: Readable | AsyncIterable<Uint8Array>,
  options: ReadOptions = {}
): Promise<ProfileStore> {
  const parser = createParser(options);
  const source = input[Symbol.asyncIterator]();
  let rawBytes = 0;
  const report = () => options.onProgress?.(rawBytes, options.totalBytes);

  let first: IteratorResult<Uint8Array>;
  try {
    first = await source.next();
  } catch (e) {
    throw readError(e);
  }
  if (first.done) {
    return parser.finish();
  }
  const head = first.value;
  const compression = detectCompression(head);
  if (compression !== 'none' && compression !== 'gzip') {
    throw new ProfileInputError(
      `${compression} compression is not supported: decompress it or use gzip`,
      'unsupported-compression'
    );
  }

  const limit = options.maxBytes ?? Infinity;
  const push = (chunk: Uint8Array) => {
    if (parser.bytesRead + chunk.length > limit) {
      throw new ProfileInputError(`the profile is larger than the ${limit}-byte limit`, 'too-large');
    }
    parser.push(chunk);
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
      await gunzipInto(Readable.from(raw(), { objectMode: false }), push, parser);
    } else {
      for await (const chunk of raw()) {
        push(chunk);
      }
    }
  } catch (e) {
    if (e instanceof ProfileInputError) {
      throw e;
    }
    throw readError(e);
  }
  return parser.finish();
}

async function gunzipInto(
  compressed: Readable,
  push: (chunk: Uint8Array) => void,
  parser: { bytesRead: number; noteTruncated(message: string): void }
) {
  // Concatenated gzip members (pigz, `cat a.gz b.gz`) are one stream to zlib; keep reading them.
  const gunzip = createGunzip({ chunkSize: 256 * 1024 });
  compressed.on('error', (e) => gunzip.destroy(e));
  compressed.pipe(gunzip);
  try {
    for await (const chunk of gunzip) {
      push(chunk as Uint8Array);
    }
  } catch (e) {
    if (e instanceof ProfileInputError) {
      compressed.destroy();
      throw e;
    }
    const message = (e as Error).message;
    if (parser.bytesRead === 0) {
      throw new ProfileInputError(`the gzip data is corrupt: ${message}`, 'corrupt');
    }
    parser.noteTruncated(
      `the gzip stream ended early or is corrupt after ${parser.bytesRead} bytes (${message}); the profile is partial`
    );
    return;
  }
}

function readError(e: unknown): ProfileInputError {
  const err = e as NodeJS.ErrnoException;
  if (err.code === 'ENOENT') {
    return new ProfileInputError(`no such file: ${err.path ?? ''}`.trim(), 'not-found');
  }
  if (err.code === 'EISDIR') {
    return new ProfileInputError('the path is a directory, not a profile', 'unreadable');
  }
  return new ProfileInputError(`cannot read the profile: ${err.message}`, 'unreadable');
}
