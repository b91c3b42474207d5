/**
 * The WebAssembly frame-line matcher ships as bytes (line-match-wasm.ts) assembled from its source
 * (line-match.wat): the two must never drift apart, and the bytes must be a module this runtime accepts.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { LINE_MATCH_WASM } from '../../src/profile/perf-script/line-match-wasm';

describe('line-match WebAssembly module', () => {
  it('is what line-match.wat assembles to (npm run build:wasm)', () => {
    const root = join(__dirname, '..', '..');
    const out = execFileSync(process.execPath, [join(root, 'scripts', 'build-wasm.mjs'), '--check'], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(out).toMatch(/up to date/);
  });

  it('stays under 4 KB, what a browser main thread may compile synchronously (the cache compiles it so)', () => {
    expect(Buffer.from(LINE_MATCH_WASM, 'base64').length).toBeLessThan(4096);
  });

  it('validates, and exports what the cache calls', () => {
    const bytes = Buffer.from(LINE_MATCH_WASM, 'base64');
    expect(WebAssembly.validate(bytes)).toBe(true);
    const exports = WebAssembly.Module.exports(new WebAssembly.Module(bytes)).map((e) => e.name);
    expect(exports).toEqual(
      expect.arrayContaining(['init', 'run', 'newline', 'reserve', 'add', 'follows', 'size', 'arenaUsed'])
    );
  });
});
