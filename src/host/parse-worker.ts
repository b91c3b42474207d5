/**
 * The parse worker (bundled to /host/parse-worker.js): parses a dropped profile off the page's thread, reporting
 * progress, and moves the parsed store's typed arrays back to the page without copying.
 */
import { parseProfileFile, UnsupportedFileError } from './local/read-file';
import { ParseFileRequest, ParseFileResponse, storeBuffers } from './local/worker-protocol';

const PROGRESS_EVERY_MS = 50;

function reply(message: ParseFileResponse, transfer: Transferable[] = []) {
  self.postMessage(message, { transfer });
}

self.onmessage = async (event: MessageEvent<ParseFileRequest>) => {
  let last = 0;
  try {
    const store = await parseProfileFile(event.data.file, ({ bytesRead, totalBytes }) => {
      const now = performance.now();
      if (now - last >= PROGRESS_EVERY_MS) {
        last = now;
        reply({ type: 'progress', bytesRead, totalBytes });
      }
    });
    reply({ type: 'done', store }, storeBuffers(store));
  } catch (e) {
    reply({
      type: 'error',
      message: e instanceof Error ? e.message : String(e),
      unsupported: e instanceof UnsupportedFileError,
    });
  }
};
