/** Messages between the page and the parse worker (src/host/parse-worker.ts). */
import type { ProfileStore } from '../../profile';

export interface ParseFileRequest {
  file: File;
}

export type ParseFileResponse =
  | { type: 'progress'; bytesRead: number; totalBytes: number }
  | { type: 'done'; store: ProfileStore }
  | { type: 'error'; message: string; unsupported: boolean };

/**
 * The buffers of every typed array in a store (one level of nesting: the frame, stack, thread and context tables), to
 * move them to the page instead of copying. Found by walking the store, so a new column is never left behind.
 */
export function storeBuffers(store: ProfileStore): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  const visit = (value: unknown, depth: number) => {
    if (ArrayBuffer.isView(value)) {
      if (value.buffer instanceof ArrayBuffer) {
        buffers.add(value.buffer);
      }
    } else if (value && typeof value === 'object' && !Array.isArray(value) && depth < 2) {
      for (const v of Object.values(value)) {
        visit(v, depth + 1);
      }
    }
  };
  visit(store, 0);
  return [...buffers];
}
