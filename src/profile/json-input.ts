/**
 * The bytes of a JSON profile, gathered chunk by chunk and parsed once at the end. JSON.parse needs the whole text as
 * one string, so the input is kept as bytes until then (the chunks themselves, no copy: readers hand over fresh
 * buffers), joined, decoded once (ASCII decodes to a one-byte string: 1 byte per character) and parsed — all but
 * the big number arrays an importer names, which are read from the bytes (json-arrays.ts). The longest string V8
 * makes is 2^29 − 24 characters, so a larger input is refused as soon as it passes that, with a sentence.
 */
import { ChunkBuffer } from './import-kit/chunk-buffer';
import { ImportError } from './import-error';
import { findNumberArrays, NumberArray } from './json-arrays';

/** V8's String::kMaxLength on 64-bit hosts; UTF-8 never decodes to more characters than it has bytes. */
export const MAX_JSON_BYTES = 2 ** 29 - 24;

export class JsonInput {
  private readonly chunks = new ChunkBuffer();

  get bytes(): number {
    return this.chunks.bytes;
  }

  /** `what` names the input in messages ("the .cpuprofile"). */
  constructor(private readonly what: string) {}

  push(chunk: Uint8Array) {
    if (this.bytes + chunk.length > MAX_JSON_BYTES) {
      this.chunks.clear();
      throw new ImportError(
        `${this.what} is larger than 512 MiB, and a JSON profile is read as one JavaScript string, which V8 caps at 512 MiB`,
        'too-large'
      );
    }
    this.chunks.push(chunk);
  }

  /**
   * The parsed value; an ImportError with one sentence when the text is empty or not JSON. The top-level arrays of
   * numbers under `numberKeys` come back as Float64Arrays, read from the bytes without JSON.parse (json-arrays.ts).
   */
  parse(truncated: boolean, numberKeys: readonly string[] = []): unknown {
    if (this.bytes === 0) {
      throw new ImportError(`${this.what} is empty`);
    }
    const bytes = this.chunks.take();
    const arrays = numberKeys.length > 0 ? findNumberArrays(bytes, numberKeys) : [];
    const decoder = new TextDecoder('utf-8');
    let value: unknown;
    try {
      value = JSON.parse(arrays.length === 0 ? decoder.decode(bytes) : withoutArrays(bytes, arrays, decoder));
    } catch (e) {
      // The message of the whole text (its positions are the file's).
      const message = arrays.length === 0 ? (e as Error).message : jsonError(decoder.decode(bytes));
      const why = truncated ? ' (the input ended early)' : '';
      throw new ImportError(`${this.what} is not valid JSON${why}: ${firstLine(message)}`);
    }
    for (const array of arrays) {
      (value as Record<string, unknown>)[array.key] = array.values;
    }
    return value;
  }
}

/** The text with each taken-out array left as `[]` (pieces split at ASCII brackets: no character is cut). */
function withoutArrays(bytes: Uint8Array, arrays: NumberArray[], decoder: TextDecoder): string {
  const parts: string[] = [];
  let at = 0;
  for (const array of arrays) {
    parts.push(decoder.decode(bytes.subarray(at, array.start)), '[]');
    at = array.end;
  }
  parts.push(decoder.decode(bytes.subarray(at)));
  return parts.join('');
}

function jsonError(text: string): string {
  try {
    JSON.parse(text);
    return 'the JSON is malformed';
  } catch (e) {
    return (e as Error).message;
  }
}

/** JSON.parse's message, kept short (V8 quotes the text around the error, which may be a long line). */
function firstLine(message: string): string {
  const line = message.split('\n')[0];
  return line.length > 200 ? line.slice(0, 200) + '…' : line;
}
