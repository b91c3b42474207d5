/**
 * The Trace Event Format's own samples (Hermes and other exporters): `{"traceEvents": [...], "samples": [{pid, tid,
 * ts, sf}], "stackFrames": {"id": {name, category, parent}}}`. Each sample is a point at its `ts` (µs) on its thread,
 * its stack the chain of `stackFrames` from `sf` up through `parent`. Frames are named as written, their category as
 * the DSO. `stackFrames` may come after the samples, so samples are kept compactly until the end.
 */
import { StoreBuilder } from '../builder';
import { utf8ByteString } from '../bytes';
import { FrameKind } from '../frames';
import { FloatList, IntList } from '../import-kit/growable';
import { splitMicros } from '../import-kit/time';
import { WarningTally } from '../import-kit/warnings';
import { TraceThreads } from './threads';
import { isObject, num } from './values';

export class TraceSamples {
  private readonly thread = new IntList();
  private readonly ts = new FloatList();
  /** Index into `frameKeys` of each sample's `sf`. */
  private readonly sf = new IntList();
  private readonly frameKeys = new Map<string, number>();
  private readonly frameKeyNames: string[] = [];
  private stackFrames: Record<string, unknown> = {};
  private frameCount = 0;

  constructor(
    private readonly b: StoreBuilder,
    private readonly threads: TraceThreads,
    private readonly warnings: WarningTally
  ) {}

  get count(): number {
    return this.ts.length;
  }

  readSample(s: unknown) {
    if (!isObject(s) || s.sf === undefined || !Number.isFinite(num(s.ts))) {
      this.warnings.note('bad-sample', 'samples without a time or stack frame (skipped)');
      return;
    }
    const key = String(s.sf);
    let k = this.frameKeys.get(key);
    if (k === undefined) {
      k = this.frameKeyNames.length;
      this.frameKeyNames.push(key);
      this.frameKeys.set(key, k);
    }
    this.thread.push(this.threads.ref(s.pid, s.tid));
    this.ts.push(num(s.ts));
    this.sf.push(k);
  }

  readStackFrames(frames: unknown) {
    if (isObject(frames)) {
      this.stackFrames = frames;
      this.frameCount = Object.keys(frames).length;
    }
  }

  emit(event: number) {
    const stacks = new Int32Array(this.frameKeyNames.length).fill(-2);
    const frameIds = new Map<string, number>();
    const time = { sec: 0, nsec: 0 };
    for (let i = 0; i < this.ts.length; i++) {
      const k = this.sf.data[i];
      if (stacks[k] === -2) {
        stacks[k] = this.stackOf(this.frameKeyNames[k], frameIds);
      }
      const t = this.ts.data[i];
      if (stacks[k] < 0) {
        this.warnings.note('bad-sample', 'samples whose stack frames are missing (dropped)');
        continue;
      }
      if (t < 0) {
        this.warnings.note('bad-timestamp', 'samples at a negative time (dropped)');
        continue;
      }
      splitMicros(t, time);
      this.b.addSample(
        time.sec,
        time.nsec,
        stacks[k],
        this.threads.builderId(this.b, this.thread.data[i]),
        -1,
        event,
        1
      );
    }
  }

  private stackOf(sf: string, frameIds: Map<string, number>): number {
    const leafFirst: number[] = [];
    let key: string | undefined = sf;
    while (key !== undefined) {
      const f: unknown = this.stackFrames[key];
      // Longer than there are frames: the parent links make a cycle.
      if (!isObject(f) || leafFirst.length > this.frameCount) {
        return -1;
      }
      let id = frameIds.get(key);
      if (id === undefined) {
        const name = typeof f.name === 'string' && f.name !== '' ? f.name : '(anonymous)';
        const category = typeof f.category === 'string' ? f.category : '';
        id = this.b.frameOf(utf8ByteString(name), utf8ByteString(category), FrameKind.User);
        frameIds.set(key, id);
      }
      leafFirst.push(id);
      key = f.parent === undefined || f.parent === null ? undefined : String(f.parent);
    }
    return this.b.stackId(Int32Array.from(leafFirst), leafFirst.length);
  }
}
