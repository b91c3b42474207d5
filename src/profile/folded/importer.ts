/**
 * Folded stacks, FlameGraph's format (`comm;caller;callee 42`): what stackcollapse-* and many tools export. The first
 * frame is the thread, as stackcollapse-perf.pl and fold.ts write it (comm, `comm-pid` or `comm-pid/tid`), so a
 * perf → folded → import → folded round trip gives the same lines. Each line is one sample whose weight is its count
 * (the store's weights are counts: hasPeriods is false). Folded stacks carry no time: no heat map, no range.
 *
 * Names are kept byte for byte, FlameGraph's annotations (`_[k]`, `_[j]`, `_[i]`) included; they give the frame's
 * kind. A line that is not `stack count` is skipped with a warning naming its line; nothing throws.
 */
import { byteString, CHAR_CR, CHAR_LF, isBlank } from '../bytes';
import { StoreBuilder } from '../builder';
import { foldedLine } from '../detect';
import { frameFlags, FrameKind } from '../frames';
import { ByteInterner } from '../interner';
import { ProfileParser } from '../parser';
import { ProfileStore } from '../store';

/** A folded line may be long (a 200 000-frame stack is ~4 MB); beyond this it is garbage, skipped unbuffered. */
const MAX_LINE_BYTES = 64 << 20;
const SEMICOLON = 0x3b;
const NO_EVENT = new Uint8Array(0);

export class FoldedParser implements ProfileParser {
  private readonly b = new StoreBuilder();
  private carry = new Uint8Array(0);
  private carryLength = 0;
  private skippingLongLine = false;
  private lineNo = 0;
  private readonly event: number;
  // Frame bytes seen so far → frame id.
  private readonly frameKeys = new ByteInterner();
  private frameIds = new Int32Array(1024);
  /** Keys below this have their frame id in frameIds. */
  private resolved = 0;

  constructor() {
    this.b.format = 'folded';
    this.b.weightsAreCounts = true;
    this.b.timestampsExpected = false;
    this.event = this.b.eventId(NO_EVENT, 0, 0);
  }

  get bytesRead(): number {
    return this.b.bytesRead;
  }

  push(chunk: Uint8Array): void {
    this.b.bytesRead += chunk.length;
    let pos = 0;
    for (;;) {
      const nl = chunk.indexOf(CHAR_LF, pos);
      if (nl < 0) {
        break;
      }
      if (this.carryLength > 0 || this.skippingLongLine) {
        this.appendCarry(chunk, pos, nl);
        this.endCarriedLine();
      } else {
        this.line(chunk, pos, nl);
      }
      pos = nl + 1;
    }
    if (pos < chunk.length) {
      this.appendCarry(chunk, pos, chunk.length);
    }
  }

  finish(): ProfileStore {
    if (this.carryLength > 0 || this.skippingLongLine) {
      this.endCarriedLine();
    }
    return this.b.finish();
  }

  noteTruncated(message: string): void {
    this.b.warn('truncated', message);
  }

  private endCarriedLine() {
    if (this.skippingLongLine) {
      this.skippingLongLine = false;
      this.lineNo++;
    } else {
      this.line(this.carry, 0, this.carryLength);
    }
    this.carryLength = 0;
  }

  private appendCarry(chunk: Uint8Array, start: number, end: number) {
    if (this.skippingLongLine) {
      return;
    }
    const need = this.carryLength + end - start;
    if (need > MAX_LINE_BYTES) {
      this.b.warn('garbage-line', `a line longer than ${MAX_LINE_BYTES} bytes was skipped`, this.lineNo + 1);
      this.skippingLongLine = true;
      this.carryLength = 0;
      return;
    }
    if (this.carry.length < need) {
      const bigger = new Uint8Array(Math.max(need, 4096) * 2);
      bigger.set(this.carry.subarray(0, this.carryLength));
      this.carry = bigger;
    }
    this.carry.set(chunk.subarray(start, end), this.carryLength);
    this.carryLength = need;
  }

  private line(buf: Uint8Array, start: number, end: number) {
    this.lineNo++;
    if (end > start && buf[end - 1] === CHAR_CR) {
      end--;
    }
    let first = start;
    while (first < end && isBlank(buf[first])) {
      first++;
    }
    if (first === end) {
      return;
    }
    const parts = foldedLine(buf, start, end);
    if (parts === undefined) {
      this.b.warn('garbage-line', 'lines that are not `frame;frame;… count` were skipped', this.lineNo);
      return;
    }
    const count = countOf(buf, parts.countStart, end);
    if (count === 0) {
      return; // nothing to weigh
    }
    let semi = buf.indexOf(SEMICOLON, start);
    if (semi < 0 || semi > parts.stackEnd) {
      semi = parts.stackEnd;
    }
    const thread = this.b.threadId(buf, start, semi, -1, -1);
    let node = 0;
    for (let p = semi + 1; p <= parts.stackEnd;) {
      let q = buf.indexOf(SEMICOLON, p);
      if (q < 0 || q > parts.stackEnd) {
        q = parts.stackEnd;
      }
      node = this.b.stackChild(node, this.frame(buf, p, q));
      p = q + 1;
    }
    this.b.addSample(-1, 0, node, thread, -1, this.event, count);
  }

  /** Frame id of the frame bytes [start, end), made once per distinct name. */
  private frame(buf: Uint8Array, start: number, end: number): number {
    const key = this.frameKeys.intern(buf, start, end);
    if (key === this.resolved) {
      if (key === this.frameIds.length) {
        const bigger = new Int32Array(this.frameIds.length * 2);
        bigger.set(this.frameIds);
        this.frameIds = bigger;
      }
      const name = byteString(buf, start, end);
      const kind = annotatedKind(name);
      // Idle loops and interrupt work are known by name (perf's rule), so a folded swapper's idle stays idle.
      const flags = frameFlags(kind === FrameKind.User ? name : name.slice(0, -4), FrameKind.Kernel);
      this.frameIds[key] = this.b.frameOf(name, '', kind, flags);
      this.resolved++;
    }
    return this.frameIds[key];
  }
}

/** FlameGraph's annotations: `_[k]` kernel, `_[j]` JIT, `_[i]` inlined; anything else is the user's code. */
function annotatedKind(name: string): FrameKind {
  if (name.length > 4 && name.charCodeAt(name.length - 4) === 0x5f /* _ */ && name.endsWith(']')) {
    switch (name.slice(-4)) {
      case '_[k]':
        return FrameKind.Kernel;
      case '_[j]':
        return FrameKind.Jit;
      case '_[i]':
        return FrameKind.Inlined;
    }
  }
  return FrameKind.User;
}

/** The count at the end of a folded line: digits, perhaps with a fraction. */
function countOf(buf: Uint8Array, start: number, end: number): number {
  let n = 0;
  for (let i = start; i < end; i++) {
    const c = buf[i];
    if (c === 0x2e /* . */) {
      return Number(byteString(buf, start, end));
    }
    n = n * 10 + (c - 48);
  }
  return n;
}
