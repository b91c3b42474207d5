/**
 * A file's bytes as an async iterable of chunks, read with one FileHandle. What a stream does, plus two things: a
 * consumer may say where the next read should land (`readInto`), so a single-thread parse reads straight into its
 * parser's memory instead of touching fresh memory for every read (page faults are slow on a VM); and a consumer may
 * take the open file itself (`file`) to read it by position — the threaded parse of a large file, whose threads each
 * read their own ranges (file-range-parse.ts).
 */
import type { FileHandle } from 'node:fs/promises';

export class FileChunks implements AsyncIterable<Uint8Array> {
  /** Memory for the next read of up to `bytes` (undefined: a new buffer). Set by the consumer between reads. */
  readInto: ((bytes: number) => Uint8Array | undefined) | undefined;
  private closed = false;

  constructor(
    private readonly handle: FileHandle,
    private readonly chunkBytes = 1 << 20
  ) {}

  /** The open file, for a consumer that reads it by position instead (file-range-parse.ts); close() when done. */
  get file(): FileHandle {
    return this.handle;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    try {
      for (;;) {
        const offered = this.readInto?.(this.chunkBytes);
        // A Buffer view either way: parsers find lines with Buffer's indexOf (memchr).
        const target = offered
          ? Buffer.from(offered.buffer, offered.byteOffset, offered.byteLength)
          : Buffer.allocUnsafe(this.chunkBytes);
        const { bytesRead } = await this.handle.read(target, 0, Math.min(target.length, this.chunkBytes), null);
        if (bytesRead === 0) {
          return;
        }
        yield target.subarray(0, bytesRead);
      }
    } finally {
      await this.close();
    }
  }

  /** Closes the file (reading stops); what a stream's destroy does. */
  destroy() {
    void this.close();
  }

  async close() {
    if (!this.closed) {
      this.closed = true;
      await this.handle.close().catch(() => undefined);
    }
  }
}
