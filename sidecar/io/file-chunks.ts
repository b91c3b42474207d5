/**
 * A file's bytes as an async iterable of chunks, read with one FileHandle. What a stream does, plus one thing: a
 * consumer may say where the next read should land (`readInto`), so a threaded parse reads straight into the shared
 * memory its workers parse from, instead of into a new buffer that is then copied there (on a 2-vCPU VM that copy
 * cost the cutting thread ~0.7 ms per MiB).
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

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    try {
      for (;;) {
        const target = this.readInto?.(this.chunkBytes) ?? Buffer.allocUnsafe(this.chunkBytes);
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

  private async close() {
    if (!this.closed) {
      this.closed = true;
      await this.handle.close().catch(() => undefined);
    }
  }
}
