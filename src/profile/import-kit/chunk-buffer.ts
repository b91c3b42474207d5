/**
 * The chunks of an input that is decoded whole at the end (JSON, protobuf): kept as handed over (readers give fresh
 * buffers, so no copy until the end), then joined once and let go, so their memory can be reclaimed while the whole
 * is decoded.
 */
export class ChunkBuffer {
  private chunks: Uint8Array[] = [];
  bytes = 0;

  push(chunk: Uint8Array): void {
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.bytes += chunk.length;
    }
  }

  /** Drops what was gathered (an input refused half-way). */
  clear(): void {
    this.chunks = [];
  }

  /** Every chunk in one buffer; the buffer forgets them. */
  take(): Uint8Array {
    const chunks = this.chunks;
    this.chunks = [];
    if (chunks.length === 1) {
      return chunks[0];
    }
    const all = new Uint8Array(this.bytes);
    let at = 0;
    for (const c of chunks) {
      all.set(c, at);
      at += c.length;
    }
    return all;
  }
}
