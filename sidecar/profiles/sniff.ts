/**
 * The format of a profile that is not parsed yet, from its first 4 KiB (gzip unwrapped): what the catalog needs to
 * tell a `.json` profile (a .cpuprofile, a Chrome trace) from any other JSON without downloading it. One read of the
 * object's head per version, remembered; a read that fails is not remembered (storage trouble passes).
 */
import { constants, gunzipSync } from 'node:zlib';
import { LRUCache } from 'lru-cache';
import { detectCompression, DETECT_WINDOWS, detectFormat, ProfileFormat } from '../../src/profile';
import { ObjectInfo, ObjectStorage } from '../storage/types';

/** Decompressed bytes looked at: detection's first window. */
const HEAD_BYTES = DETECT_WINDOWS[0];
/** Raw bytes read at most: a gzip head of HEAD_BYTES needs far fewer; the rest of the object is never read. */
const RAW_HEAD_BYTES = 64 * 1024;
const MAX_REMEMBERED = 10_000;

/** What the head says: a format, or undefined when 4 KiB cannot tell (an odd JSON, a corrupt gzip). */
export type Sniffed = { format: ProfileFormat | undefined };

export class FormatSniffer {
  private readonly known = new LRUCache<string, Sniffed>({ max: MAX_REMEMBERED });

  constructor(private readonly storage: ObjectStorage) {}

  /** The object's format from its head; throws the storage's error when it cannot be read. */
  async sniff(info: ObjectInfo): Promise<Sniffed> {
    const id = `${info.key}\u0000${info.etag}`;
    const known = this.known.get(id);
    if (known) {
      return known;
    }
    const { head, complete } = await readHead(this.storage, info.key);
    const sniffed = { format: detectFormat(head, complete) };
    this.known.set(id, sniffed);
    return sniffed;
  }
}

/** The first HEAD_BYTES of the object's (decompressed) bytes, and whether that is all of them. */
async function readHead(storage: ObjectStorage, key: string): Promise<{ head: Uint8Array; complete: boolean }> {
  const controller = new AbortController();
  const chunks: Uint8Array[] = [];
  let length = 0;
  let whole = true;
  try {
    const { body } = await storage.get(key, controller.signal);
    for await (const chunk of body) {
      chunks.push(chunk);
      length += chunk.length;
      if (length >= RAW_HEAD_BYTES) {
        whole = false;
        break; // ends the stream: the rest is never read
      }
    }
  } finally {
    controller.abort();
  }
  let bytes: Uint8Array = Buffer.concat(chunks, length);
  if (detectCompression(bytes) === 'gzip') {
    try {
      // A sync flush inflates what the bytes hold so far instead of failing on the missing end.
      bytes = gunzipSync(bytes, { finishFlush: constants.Z_SYNC_FLUSH });
    } catch {
      return { head: new Uint8Array(0), complete: false };
    }
  }
  return { head: bytes.subarray(0, HEAD_BYTES), complete: whole && bytes.length <= HEAD_BYTES };
}
