/**
 * A parse worker thread: downloads one profile from storage and parses it, off the sidecar's request thread, so a
 * 2 GB parse never stalls other queries. Posts progress (bytes read of total) while it works. A large perf script
 * profile is cut into chunks for threads of its own (parallel-parse.ts) while this one downloads and inflates.
 */
import { parentPort } from 'node:worker_threads';
import { parseStream, ProfileInputError } from '../io/read-profile';
import { openStorage } from '../storage/open-storage';
import { ObjectStorage, StorageError } from '../storage/types';
import { FailureKind, ParseRequest, ParseResponse, transferList } from './parse-job';

const storages = new Map<string, ObjectStorage>();

function storageFor(request: ParseRequest): ObjectStorage {
  const id = JSON.stringify(request.storage);
  let storage = storages.get(id);
  if (!storage) {
    storage = openStorage(request.storage);
    storages.set(id, storage);
  }
  return storage;
}

async function parse(request: ParseRequest): Promise<ParseResponse> {
  const { info, body } = await storageFor(request).get(request.key);
  let lastPost = 0;
  const store = await parseStream(body, {
    totalBytes: info.size,
    maxBytes: request.maxBytes,
    maxRatio: request.maxRatio,
    format: request.format,
    parallel: { threads: request.parseThreads },
    onProgress: (bytesRead, totalBytes) => {
      const now = Date.now();
      if (now - lastPost > 100) {
        lastPost = now;
        post({ id: request.id, type: 'progress', bytesRead, totalBytes: totalBytes ?? info.size });
      }
    },
  });
  return { id: request.id, type: 'done', store, info };
}

function failure(id: number, e: unknown): ParseResponse {
  let kind: FailureKind = 'internal';
  if (e instanceof StorageError) {
    kind = e.kind;
  } else if (e instanceof ProfileInputError) {
    kind =
      e.code === 'too-large'
        ? 'too-large'
        : e.code === 'unsupported-compression' || e.code === 'unsupported-format'
          ? 'unsupported'
          : e.code === 'not-found'
            ? 'not-found'
            : 'corrupt';
  }
  return { id, type: 'error', kind, message: (e as Error)?.message ?? String(e) };
}

function post(message: ParseResponse) {
  if (message.type === 'done') {
    parentPort!.postMessage(message, transferList(message.store));
  } else {
    parentPort!.postMessage(message);
  }
}

parentPort?.on('message', (request: ParseRequest) => {
  parse(request).then(post, (e) => post(failure(request.id, e)));
});
