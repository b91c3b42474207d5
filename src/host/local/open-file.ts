/**
 * Opens a dropped profile: parsed in a Web Worker (the page stays responsive; on the page itself if workers are
 * unavailable), then placed on the wall clock exactly as the sidecar places an object — epoch timestamps, perf's tod
 * field, an ISO-8601 instant in the file name, the header's `captured on`, else the file's last-modified time as the
 * last sample.
 */
import { ProfileStore } from '../../profile';
import { anchorProfile } from '../../../sidecar/profiles/anchor';
import { LocalProfile, localProfile } from './local-datasource';
import { parseProfileFile, ReadProgress } from './read-file';
import { ParseFileRequest, ParseFileResponse } from './worker-protocol';

/** The sidecar's default --key-time-pattern (sidecar/config.ts): an ISO-8601 instant anywhere in the name. */
const KEY_TIME_PATTERN =
  /(\d{4}-\d{2}-\d{2}T\d{2}[:_-]?\d{2}[:_-]?\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2}))|(\d{8}T\d{6}(?:\.\d+)?Z)/;

export class OpenFileError extends Error {}

export async function openProfileFile(file: File, onProgress?: (p: ReadProgress) => void): Promise<LocalProfile> {
  const store = await parse(file, onProgress);
  const anchor = anchorProfile(
    store,
    { key: file.name, size: file.size, etag: '', lastModified: new Date(file.lastModified || Date.now()) },
    { keyTimePattern: KEY_TIME_PATTERN, capturedOnTimeZone: 'UTC' }
  );
  const profile = localProfile(file.name, file.size, file.lastModified, store, anchor);
  if (!profile) {
    throw new OpenFileError(
      store.sampleCount === 0
        ? `${file.name} has no samples: is it the text output of perf script?`
        : `${file.name} has no timestamps (perf script without the time field), so it cannot be placed in time`
    );
  }
  return profile;
}

async function parse(file: File, onProgress?: (p: ReadProgress) => void): Promise<ProfileStore> {
  if (typeof Worker === 'undefined') {
    return parseProfileFile(file, onProgress);
  }
  try {
    return await parseInWorker(file, onProgress);
  } catch (e) {
    if (e instanceof WorkerUnavailable) {
      return parseProfileFile(file, onProgress);
    }
    throw e;
  }
}

class WorkerUnavailable extends Error {}

function parseInWorker(file: File, onProgress?: (p: ReadProgress) => void): Promise<ProfileStore> {
  return new Promise((resolve, reject) => {
    let worker: Worker;
    try {
      worker = new Worker(new URL('./parse-worker.js', import.meta.url), { type: 'module', name: 'flamescope-parse' });
    } catch (e) {
      reject(new WorkerUnavailable(String(e)));
      return;
    }
    let started = false;
    worker.onmessage = (event: MessageEvent<ParseFileResponse>) => {
      const message = event.data;
      if (message.type === 'progress') {
        started = true;
        onProgress?.({ bytesRead: message.bytesRead, totalBytes: message.totalBytes });
        return;
      }
      worker.terminate();
      if (message.type === 'done') {
        resolve(message.store);
      } else {
        reject(new OpenFileError(message.message));
      }
    };
    // The script failed to load or run (not a parse error: those come back as messages).
    worker.onerror = (event) => {
      event.preventDefault();
      worker.terminate();
      reject(
        started ? new OpenFileError(event.message || 'the parse worker failed') : new WorkerUnavailable(event.message)
      );
    };
    const request: ParseFileRequest = { file };
    worker.postMessage(request);
  });
}
