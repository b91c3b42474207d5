/**
 * The frame-line cache (src/profile/perf-script/frame-line-cache.ts) recognises a frame line by its exact bytes and
 * hands back what the full parse made of it. It must never change a result: every fixture, however chunked, parses
 * to the very store the parser makes with the cache off. And it must stay bounded on hostile input: lines built to
 * share a hash, lines holding zero bytes (the 8-byte compare's one blind spot), lines cut at a chunk's end, lines that
 * extend a kept one.
 */
import fc from 'fast-check';
import { PerfScriptOptions, PerfScriptParser, ProfileStore } from '../../src/profile';
import { FrameLineCache } from '../../src/profile/perf-script/frame-line-cache';
import { ALL_PERF_INPUTS, fixtureBytes } from '../helpers/fixtures';
import { latin1, sampleFrameNames } from '../helpers/profile-views';
import { expectSameStore } from '../helpers/same-store';

const viewOf = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);

function parse(bytes: Uint8Array, pieces: number, options: PerfScriptOptions = {}): ProfileStore {
  const parser = new PerfScriptParser(options);
  const size = Math.max(1, Math.ceil(bytes.length / pieces));
  for (let at = 0; at < bytes.length; at += size) {
    parser.push(bytes.subarray(at, Math.min(bytes.length, at + size)));
  }
  return parser.finish();
}

const FIXTURES = ALL_PERF_INPUTS.map((path) => ({ path, bytes: fixtureBytes(path) }));

describe('frame-line cache', () => {
  it.each(FIXTURES.map((f) => [f.path, f] as const))('%s: same store with and without it', (_path, { bytes }) => {
    for (const pieces of [1, 7, Math.max(1, Math.floor(bytes.length / 100))]) {
      expectSameStore(parse(bytes, pieces), parse(bytes, 1, { noFrameLineCache: true }));
    }
    expectSameStore(
      parse(bytes, 3, { keepUnknownAddresses: true }),
      parse(bytes, 1, { keepUnknownAddresses: true, noFrameLineCache: true })
    );
  });

  it('same store at random chunk sizes (property)', () => {
    const expected = FIXTURES.map((f) => parse(f.bytes, 1, { noFrameLineCache: true }));
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: FIXTURES.length - 1 }),
        fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 8 }),
        (which, sizes) => {
          const { bytes } = FIXTURES[which];
          const parser = new PerfScriptParser();
          for (let at = 0, i = 0; at < bytes.length; i++) {
            const size = sizes[i % sizes.length];
            parser.push(bytes.subarray(at, at + size));
            at += size;
          }
          expectSameStore(parser.finish(), expected[which]);
        }
      ),
      { numRuns: 60 }
    );
  });

  it('reads lines that share bytes 8–32 and their length (a hash flood) right, and keeps few of them', () => {
    // 3000 distinct frames whose lines differ only in their last bytes: one hash, one length.
    const lines = Array.from(
      { length: 3000 },
      (_, i) => `\t          4f9498 runtime.fn+0x1 (/usr/lib/x${i % 10}${(i / 10) | 0})`
    );
    const text = lines
      .map((line, i) => `proc 1/1 [000] ${(1 + i / 1000).toFixed(3)}: 1 cycles:\n${line}\n${lines[0]}\n\n`)
      .join('');
    const bytes = latin1(text.repeat(2));
    const store = parse(bytes, 1);
    expectSameStore(store, parse(bytes, 1, { noFrameLineCache: true }));
    expect(sampleFrameNames(store, 2999)).toEqual(['runtime.fn', 'runtime.fn']);
    expect(store.frames.dso).toContain('/usr/lib/x9299');

    const cache = new FrameLineCache();
    const buf = latin1(lines.join('\n') + '\n');
    let at = 0;
    let kept = 0;
    for (const line of lines) {
      kept += cache.add(buf, viewOf(buf), at, at + line.length, 1) >= 0 ? 1 : 0;
      at += line.length + 1;
    }
    expect(kept).toBeLessThanOrEqual(8);
  });

  it('stops keeping lines at its byte bound (every line distinct: a hostile profile)', () => {
    const cache = new FrameLineCache();
    const line = (i: number) => `\t    ${(0x7f0000000000 + i * 16).toString(16)} fn_${i}+0x10 (/usr/lib/libx.so)`;
    const lines = Array.from({ length: 360_000 }, (_, i) => line(i));
    const buf = latin1(lines.join('\n') + '\n');
    const view = viewOf(buf);
    let at = 0;
    let kept = 0;
    for (const text of lines) {
      kept += cache.add(buf, view, at, at + text.length, 1) >= 0 ? 1 : 0;
      at += text.length + 1;
    }
    expect(buf.length).toBeGreaterThan(16 << 20);
    expect(kept).toBeGreaterThan(100_000);
    expect(kept).toBeLessThan(lines.length);
    // The arena at its bound (16 MiB), plus the table and the entries of what was kept (≤ 96 bytes a line).
    expect(cache.byteSize()).toBeLessThan((16 << 20) + kept * 96);
  });

  it('never takes a line that only begins like a kept one, or that a chunk cut short', () => {
    const cache = new FrameLineCache();
    const line = '\t          4f9498 runtime.copystack+0xd8 (/usr/bin/containerd)';
    const kept = latin1(line + '\n');
    const id = cache.add(kept, viewOf(kept), 0, line.length, 42);
    expect(id).toBe(0);
    const match = (text: string) => {
      const buf = latin1(text);
      return cache.match(buf, new DataView(buf.buffer, buf.byteOffset, buf.byteLength), 0, -1);
    };
    expect(match(line + '\n')).toBe(0);
    expect(cache.value(0)).toBe(42);
    expect(match(line + ' \n')).toBe(-1); // longer
    expect(match(line + 'x\n')).toBe(-1);
    expect(match(line)).toBe(-1); // no newline yet: the chunk ends here
    expect(match(line.slice(0, -1) + '\n')).toBe(-1); // shorter
    expect(match(line.replace('0xd8', '0xd9') + '\n')).toBe(-1);
    expect(match(line + '\r\n')).toBe(-1); // CRLF is another line (kept on its own)
  });

  it('keeps no line holding a zero byte, where an 8-byte float compare could call +0 and -0 equal', () => {
    const cache = new FrameLineCache();
    // Bytes 24–31 of these two lines read as the doubles +0 and -0.
    const zero = `\t          4f9498 sym${'\0'.repeat(8)}tail (/x)`;
    const minusZero = `\t          4f9498 sym${'\0'.repeat(7)}\x80tail (/x)`;
    const zeroBytes = latin1(zero + '\n');
    expect(cache.add(zeroBytes, viewOf(zeroBytes), 0, zero.length, 1)).toBe(-1);
    const buf = latin1(minusZero + '\n');
    expect(cache.match(buf, new DataView(buf.buffer), 0, -1)).toBe(-1);
    const text = latin1(`p 1/1 [000] 1.0: 1 cycles:\n${zero}\n\np 1/1 [000] 1.1: 1 cycles:\n${minusZero}\n\n`);
    const store = parse(text, 1);
    expectSameStore(store, parse(text, 1, { noFrameLineCache: true }));
    expect(store.frames.count).toBe(2);
  });

  it('tries the line that followed last time first, and still finds another', () => {
    const cache = new FrameLineCache();
    const a = '\t          4f9498 a+0x1 (/usr/bin/x)';
    const b = '\t          4f94a8 b+0x2 (/usr/bin/x)';
    const c = '\t          4f94b8 c+0x3 (/usr/bin/x)';
    const text = latin1([a, b, c].join('\n') + '\n');
    const view = new DataView(text.buffer);
    const starts = [0, a.length + 1, a.length + b.length + 2];
    const kept = [a, b, c].map((line, i) => cache.add(text, viewOf(text), starts[i], starts[i] + line.length, 10 + i));
    expect(kept).toEqual([0, 1, 2]);
    cache.follows(kept[0], kept[1]);
    expect(cache.match(text, view, starts[1], kept[0])).toBe(kept[1]);
    // The prediction is b, the line is c: found by hash, and c becomes the prediction.
    expect(cache.match(text, view, starts[2], kept[0])).toBe(kept[2]);
    expect(cache.match(text, view, starts[1], kept[0])).toBe(kept[1]);
    expect(cache.value(kept[2])).toBe(12);
  });
});
