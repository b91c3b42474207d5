/** Names the builder interns from bytes (threads, events), from JS strings. */
import { StoreBuilder } from '../builder';

let encoder: TextEncoder | undefined;

function utf8(s: string): Uint8Array {
  encoder ??= new TextEncoder();
  return encoder.encode(s);
}

export function threadIdOf(b: StoreBuilder, name: string, pid: number, tid: number): number {
  const bytes = utf8(name);
  return b.threadId(bytes, 0, bytes.length, pid, tid);
}

export function eventIdOf(b: StoreBuilder, name: string): number {
  const bytes = utf8(name);
  return b.eventId(bytes, 0, bytes.length);
}
