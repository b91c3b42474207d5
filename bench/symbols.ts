/**
 * The generator's symbol table: every function gets a DSO, an address range laid out inside that DSO, and renders
 * frame lines exactly as `perf script` prints them (`\t%16lx sym+0xoff (dso)`), so addresses, offsets and DSO paths
 * look like a real capture — the parser's byte-level cost depends on those widths.
 */
import { hash2, Rng } from './prng';

export const KERNEL = '[kernel.kallsyms]';
export const LIBC = '/usr/lib/x86_64-linux-gnu/libc.so.6';
export const LIBSTDCXX = '/usr/lib/x86_64-linux-gnu/libstdc++.so.6.0.30';
export const LIBSSL = '/usr/lib/x86_64-linux-gnu/libssl.so.3';
export const LIBCRYPTO = '/usr/lib/x86_64-linux-gnu/libcrypto.so.3';
export const LIBZ = '/usr/lib/x86_64-linux-gnu/libz.so.1.2.13';
export const LD = '/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2';
export const VDSO = '[vdso]';
export const UNKNOWN = '[unknown]';

/** [symbol, dso]. */
export type Sym = readonly [string, string];

export class SymbolTable {
  readonly name: string[] = [];
  readonly dso: string[] = [];
  readonly size: number[] = [];
  /** Start address; for the kernel and its modules the low 32 bits under 0xffffffff00000000 (beyond 2^53). */
  private readonly start: number[] = [];
  private readonly kernelSpace: boolean[] = [];
  private readonly ids = new Map<string, number>();
  private readonly nextAddress = new Map<string, number>();
  private libraries = 0;
  private executables = 0;
  private modules = 0;

  constructor(private readonly rng: Rng) {}

  get count(): number {
    return this.name.length;
  }

  has(name: string, dso: string): boolean {
    return this.ids.has(name + '\0' + dso);
  }

  /** Id of the function, laid out after the DSO's previous one when new. */
  fn(name: string, dso: string): number {
    const key = name + '\0' + dso;
    let id = this.ids.get(key);
    if (id !== undefined) {
      return id;
    }
    id = this.name.length;
    const kernel = dso.startsWith('[') && dso !== VDSO && dso !== UNKNOWN;
    const jit = dso.startsWith('/tmp/perf-');
    const size = kernel
      ? this.rng.range(0x30, 0x900)
      : jit
        ? this.rng.range(0x60, 0x3000)
        : this.rng.range(0x40, 0x1400);
    let at = this.nextAddress.get(dso) ?? this.dsoBase(dso, kernel);
    at += this.rng.range(0, 0x200) & ~0xf;
    this.nextAddress.set(dso, at + ((size + 0xf) & ~0xf));
    this.name.push(name);
    this.dso.push(dso);
    this.size.push(size);
    this.start.push(at);
    this.kernelSpace.push(kernel);
    this.ids.set(key, id);
    return id;
  }

  /** A frame line; `[unknown]` symbols print no offset, like perf. */
  line(id: number, offset: number): string {
    const name = this.name[id];
    const symbol = name === UNKNOWN ? name : `${name}+0x${offset.toString(16)}`;
    return `\t${this.address(id, offset)} ${symbol} (${this.dso[id]})\n`;
  }

  /** The return address inside `caller` for its call to `callee`: fixed per call site, as in real stacks. */
  callSite(caller: number, callee: number): number {
    return 5 + (hash2(caller, callee) % (this.size[caller] - 8));
  }

  /** Where a sample landed inside the leaf function. */
  sampleOffset(id: number, rng: Rng): number {
    return rng.int(this.size[id]);
  }

  private address(id: number, offset: number): string {
    const a = this.start[id] + offset;
    if (this.kernelSpace[id]) {
      return 'ffffffff' + a.toString(16).padStart(8, '0');
    }
    return a.toString(16).padStart(16, ' ');
  }

  private dsoBase(dso: string, kernel: boolean): number {
    if (dso === KERNEL) {
      return 0x81000000;
    }
    if (kernel) {
      return 0xc0000000 + 0x200000 * this.modules++;
    }
    if (dso === VDSO) {
      return 0x7ffd5a5f1000;
    }
    if (dso === UNKNOWN) {
      return 0x7f9c00000000;
    }
    if (dso.startsWith('/tmp/perf-')) {
      return 0x7f3a10000000 + 0x1000000 * (Number.parseInt(dso.slice(10), 10) % 64);
    }
    if (/\.so(\.|$)/.test(dso)) {
      return 0x7f3a40000000 + 0x8000000 * this.libraries++;
    }
    // Go binaries are not position independent (each maps at 0x400000); everything else is a PIE.
    if (/containerd|kubelet/.test(dso)) {
      return 0x400000;
    }
    return 0x55d4a3c00000 + 0x40000000 * this.executables++;
  }
}
