/**
 * Byte helpers shared by the parsers. The engine keeps text as "byte strings": one UTF-16 code unit per input byte
 * (latin1). That keeps non-UTF-8 input intact, makes string comparison equal byte comparison (what
 * stackcollapse-perf.pl's `sort` does) and round-trips exactly when written back as latin1.
 * `toDisplayText` turns a byte string into proper Unicode for people and JSON.
 */

export const CHAR_TAB = 9;
export const CHAR_LF = 10;
export const CHAR_CR = 13;
export const CHAR_SPACE = 32;

export function isBlank(c: number): boolean {
  return c === CHAR_SPACE || c === CHAR_TAB || c === CHAR_CR;
}

export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

const HEX = new Uint8Array(256);
for (const c of '0123456789abcdefABCDEF') {
  HEX[c.charCodeAt(0)] = 1;
}

export function isHexDigit(c: number): boolean {
  return HEX[c] === 1;
}

/** Bytes [start, end) as a byte string. */
export function byteString(buf: Uint8Array, start: number, end: number): string {
  let out = '';
  // fromCharCode.apply has an argument-count limit; 8 KiB pieces stay well below it.
  for (let p = start; p < end; p += 8192) {
    const stop = Math.min(end, p + 8192);
    out += String.fromCharCode.apply(null, buf.subarray(p, stop) as unknown as number[]);
  }
  return out;
}

export function byteStringToBytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    out[i] = s.charCodeAt(i) & 0xff;
  }
  return out;
}

let utf8: TextDecoder | undefined;
let utf8Encoder: TextEncoder | undefined;

/** Unicode text (a name read from JSON) as the engine's byte string: its UTF-8 bytes, one char each. */
export function utf8ByteString(text: string): string {
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) > 0x7f) {
      utf8Encoder ??= new TextEncoder();
      const bytes = utf8Encoder.encode(text);
      return byteString(bytes, 0, bytes.length);
    }
  }
  return text;
}

/** A byte string decoded as UTF-8 (invalid sequences become U+FFFD), for display. */
export function toDisplayText(s: string): string {
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) > 0x7f) {
      utf8 ??= new TextDecoder('utf-8', { fatal: false });
      return utf8.decode(byteStringToBytes(s));
    }
  }
  return s;
}

export type Compression = 'none' | 'gzip' | 'zstd' | 'xz' | 'bzip2';

/** Compression detected from the first bytes of a stream (never from a file name). */
export function detectCompression(head: Uint8Array): Compression {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) {
    return 'gzip';
  }
  if (head.length >= 4 && head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) {
    return 'zstd';
  }
  if (head.length >= 6 && head[0] === 0xfd && head[1] === 0x37 && head[2] === 0x7a && head[3] === 0x58) {
    return 'xz';
  }
  if (head.length >= 3 && head[0] === 0x42 && head[1] === 0x5a && head[2] === 0x68) {
    return 'bzip2';
  }
  return 'none';
}
