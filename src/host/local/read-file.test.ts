import { Blob as NodeBlob } from 'node:buffer';
import { DecompressionStream, TransformStream } from 'node:stream/web';
import { gzipSync } from 'node:zlib';
import { steadyProfileWithBurst } from '../../../tests/helpers/profile-folder';
import { parseProfileFile, ProfileFile, UnsupportedFileError } from './read-file';
import { storeBuffers } from './worker-protocol';

// jsdom leaves out the streams a browser has.
Object.assign(globalThis, { TransformStream, DecompressionStream });

function file(name: string, bytes: Uint8Array): ProfileFile {
  const blob = new NodeBlob([bytes]) as unknown as Blob;
  return Object.assign(blob, { name }) as unknown as ProfileFile;
}

const text = steadyProfileWithBurst().text;
const plain = new TextEncoder().encode(text);

describe('reading a dropped file', () => {
  it('parses plain text, reporting progress up to the whole file', async () => {
    const progress: number[] = [];
    const store = await parseProfileFile(file('a.txt', plain), (p) => progress.push(p.bytesRead / p.totalBytes));
    expect(store.sampleCount).toBe(1050);
    expect(progress[progress.length - 1]).toBe(1);
  });

  it('gunzips on the fly when the bytes say gzip, whatever the name', async () => {
    const store = await parseProfileFile(file('no-extension', gzipSync(plain)));
    expect(store.sampleCount).toBe(1050);
    expect(store.warnings).toEqual([]);
  });

  it('keeps what it could read of a truncated gzip file, with a warning', async () => {
    const gz = gzipSync(plain);
    const store = await parseProfileFile(file('cut.gz', gz.subarray(0, Math.floor(gz.length * 0.6))));
    expect(store.sampleCount).toBeGreaterThan(100);
    expect(store.sampleCount).toBeLessThan(1050);
    expect(store.warnings.map((w) => w.code)).toContain('truncated');
  });

  it('refuses other compressions in a sentence', async () => {
    const zstd = new Uint8Array([0x28, 0xb5, 0x2f, 0xfd, 0, 0, 0, 0]);
    await expect(parseProfileFile(file('p.zst', zstd))).rejects.toThrow(UnsupportedFileError);
    await expect(parseProfileFile(file('p.zst', zstd))).rejects.toThrow(/p\.zst is zstd-compressed/);
  });

  it('moves every typed array of the store to the page (each buffer once)', async () => {
    const store = await parseProfileFile(file('a.txt', plain));
    const buffers = storeBuffers(store);
    expect(buffers).toContain(store.time.buffer);
    expect(buffers).toContain(store.contexts.stack.buffer);
    expect(new Set(buffers).size).toBe(buffers.length);
  });
});
