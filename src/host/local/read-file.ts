/**
 * Parses a profile file in the browser with the engine: the file is streamed (never held whole), gunzipped on the fly
 * with DecompressionStream when it is gzip (detected from the bytes, as the CLI and the sidecar do), and pushed into
 * the streaming parser chunk by chunk. Runs in the parse worker, or on the page when workers are unavailable.
 */
import { createParser, detectCompression, ProfileStore } from '../../profile';

export interface ReadProgress {
  /** Bytes of the file read so far (compressed bytes for a .gz), of its size. */
  bytesRead: number;
  totalBytes: number;
}

export class UnsupportedFileError extends Error {}

/** The parts of a File we use (a Blob with a name works in tests too). */
export type ProfileFile = Pick<File, 'size' | 'slice' | 'stream' | 'name'>;

export async function parseProfileFile(
  file: ProfileFile,
  onProgress?: (p: ReadProgress) => void
): Promise<ProfileStore> {
  const head = new Uint8Array(await file.slice(0, 8).arrayBuffer());
  const compression = detectCompression(head);
  if (compression !== 'none' && compression !== 'gzip') {
    throw new UnsupportedFileError(
      `${file.name} is ${compression}-compressed: only plain text and gzip open here (decompress it first)`
    );
  }
  const totalBytes = file.size;
  let bytesRead = 0;
  let stream = file.stream().pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        bytesRead += chunk.byteLength;
        onProgress?.({ bytesRead, totalBytes });
        controller.enqueue(chunk);
      },
    })
  );
  if (compression === 'gzip') {
    stream = stream.pipeThrough(new DecompressionStream('gzip') as unknown as TransformStream<Uint8Array, Uint8Array>);
  }
  const parser = createParser();
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        break;
      }
      parser.push(value);
    }
  } catch (e) {
    if (compression !== 'gzip' || parser.bytesRead === 0) {
      throw e;
    }
    // As the sidecar does: what could be read is used, and the store says the input ended early.
    parser.noteTruncated(`the gzip stream ended early or is corrupt after ${parser.bytesRead} bytes`);
  }
  onProgress?.({ bytesRead: totalBytes, totalBytes });
  return parser.finish();
}
