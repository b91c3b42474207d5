/**
 * Threads of a trace, by pid and tid, named from the trace's metadata events (`thread_name`, else `process_name`).
 * Events refer to threads before their names are known (metadata may come last), so threads get local indices while
 * reading and builder threads, with their final names, only at the end.
 */
import { StoreBuilder } from '../builder';
import { threadIdOf } from '../import-kit/names';
import { idKey, idValue, isObject } from './values';

export class TraceThreads {
  private readonly index = new Map<string, number>();
  private readonly pids: unknown[] = [];
  private readonly tids: unknown[] = [];
  private readonly threadNames = new Map<string, string>();
  private readonly processNames = new Map<string, string>();
  private builderIds: Int32Array | null = null;
  // The last thread looked up: events come in runs from one thread.
  private lastPid: unknown = undefined;
  private lastTid: unknown = undefined;
  private last = -1;

  /** Local index of the thread (pid, tid). */
  ref(pid: unknown, tid: unknown): number {
    if (this.last >= 0 && pid === this.lastPid && tid === this.lastTid) {
      return this.last;
    }
    const key = `${idKey(pid)}:${idKey(tid)}`;
    let i = this.index.get(key);
    if (i === undefined) {
      i = this.pids.length;
      this.pids.push(pid);
      this.tids.push(tid);
      this.index.set(key, i);
    }
    this.lastPid = pid;
    this.lastTid = tid;
    this.last = i;
    return i;
  }

  /** Reads a metadata event (`ph: 'M'`); returns whether it named something. */
  noteMetadata(ev: Record<string, unknown>): boolean {
    const args = ev.args;
    if (!isObject(args) || typeof args.name !== 'string') {
      return false;
    }
    if (ev.name === 'thread_name') {
      this.threadNames.set(`${idKey(ev.pid)}:${idKey(ev.tid)}`, args.name);
      return true;
    }
    if (ev.name === 'process_name') {
      this.processNames.set(idKey(ev.pid), args.name);
      return true;
    }
    return false;
  }

  name(i: number): string {
    const pid = idKey(this.pids[i]);
    const tid = idKey(this.tids[i]);
    return this.threadNames.get(`${pid}:${tid}`) ?? this.processNames.get(pid) ?? `pid ${pid} tid ${tid}`;
  }

  /** The builder's thread id for local thread `i`, made on first use (at the end, when names are final). */
  builderId(b: StoreBuilder, i: number): number {
    if (this.builderIds === null || this.builderIds.length < this.pids.length) {
      const ids = new Int32Array(this.pids.length).fill(-1);
      if (this.builderIds) {
        ids.set(this.builderIds);
      }
      this.builderIds = ids;
    }
    let id = this.builderIds[i];
    if (id < 0) {
      id = threadIdOf(b, this.name(i), idValue(this.pids[i]), idValue(this.tids[i]));
      this.builderIds[i] = id;
    }
    return id;
  }
}
