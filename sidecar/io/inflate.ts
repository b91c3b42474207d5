/**
 * gunzip as a pipeline stage: compressed bytes go into zlib (which inflates on libuv's thread pool) as long as fewer
 * than `aheadBytes` of its output wait to be parsed, so inflating runs while the parse works instead of taking turns
 * with it. The output is taken the moment zlib emits it (the stream never pauses; backpressure is on the input side),
 * so when the data turns out corrupt or truncated, every byte inflated before that point is still handed over: how
 * much of a damaged file is read never depends on timing, or on how fast the parse consumed it.
 */
import { Gunzip } from 'node:zlib';

export interface InflatedChunk {
  bytes: Uint8Array;
  /** Compressed bytes zlib had consumed when it emitted this chunk (for the decompression-ratio check). */
  compressedSoFar: number;
}

export class InflatePipeline {
  private readonly chunks: InflatedChunk[] = [];
  private queuedBytes = 0;
  private ended = false;
  private closed = false;
  private error: Error | undefined;
  private wakeReader: (() => void) | undefined;
  private wakeFeeder: (() => void) | undefined;

  constructor(
    private readonly gunzip: Gunzip,
    private readonly aheadBytes: number
  ) {
    gunzip.on('data', (bytes: Buffer) => {
      this.chunks.push({ bytes, compressedSoFar: gunzip.bytesWritten });
      this.queuedBytes += bytes.length;
      this.notifyReader();
    });
    gunzip.on('end', () => {
      this.ended = true;
      this.notifyReader();
    });
    gunzip.on('error', (e) => {
      this.error = e;
      this.notifyReader();
    });
    gunzip.on('close', () => {
      this.closed = true;
      this.notifyReader();
      this.notifyFeeder();
    });
  }

  /** Feeds `compressed` into zlib, pausing while the output queue is full or zlib's input buffer is; never throws. */
  async feed(compressed: AsyncIterable<Uint8Array>): Promise<void> {
    try {
      for await (const chunk of compressed) {
        if (this.closed) {
          return;
        }
        if (!this.gunzip.write(chunk)) {
          await this.drained();
        }
        while (!this.closed && this.queuedBytes > this.aheadBytes) {
          await new Promise<void>((resolve) => (this.wakeFeeder = resolve));
        }
      }
      if (!this.closed) {
        this.gunzip.end();
      }
    } catch (e) {
      // A read error ends the gzip stream as corrupt input would (the reader reports it).
      this.gunzip.destroy(e as Error);
    }
  }

  /** The next inflated chunk; null at the end; throws zlib's (or the input's) error once every earlier byte is out. */
  async next(): Promise<InflatedChunk | null> {
    for (;;) {
      const chunk = this.chunks.shift();
      if (chunk) {
        this.queuedBytes -= chunk.bytes.length;
        if (this.queuedBytes <= this.aheadBytes) {
          this.notifyFeeder();
        }
        return chunk;
      }
      if (this.error) {
        throw this.error;
      }
      if (this.ended) {
        return null;
      }
      if (this.closed) {
        throw new Error('the gzip stream was closed');
      }
      await new Promise<void>((resolve) => (this.wakeReader = resolve));
    }
  }

  /** Stops zlib and the feeder (the reader gave up). */
  stop() {
    this.gunzip.destroy();
  }

  /** zlib took in what was written (or is gone). */
  private drained(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.gunzip.off('drain', done);
        this.gunzip.off('close', done);
        resolve();
      };
      this.gunzip.on('drain', done);
      this.gunzip.on('close', done);
    });
  }

  private notifyReader() {
    const wake = this.wakeReader;
    this.wakeReader = undefined;
    wake?.();
  }

  private notifyFeeder() {
    const wake = this.wakeFeeder;
    this.wakeFeeder = undefined;
    wake?.();
  }
}
