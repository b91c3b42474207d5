/**
 * A chunk-parsing thread (see chunk-workers.ts): chunks of one perf script profile in, in file order (as bytes, or as
 * a byte range of a file this thread reads itself); for each, what it added (a PartialStore) out. A new session (the next profile) starts from nothing; `release` drops the last one.
 */
import { parentPort } from 'node:worker_threads';
import { ChunkParser } from '../../src/profile/perf-script/chunked';
import { ChunkAnswer, ChunkJob, partialTransferList } from './chunk-workers';
import { parseFileRange } from './file-ranges';

let parser: ChunkParser | undefined;
let session: number | undefined;

function endSession() {
  parser?.release();
  parser = undefined;
  session = undefined;
}

parentPort?.on('message', (job: ChunkJob | { release: true }) => {
  if ('release' in job) {
    endSession();
    return;
  }
  if (job.session !== session) {
    endSession();
    session = job.session;
  }
  let answer: ChunkAnswer;
  try {
    parser ??= new ChunkParser(job.options);
    if (job.range) {
      answer = { id: job.id, partial: parseFileRange(parser, job.range.fd, job.range.start, job.range.end) };
    } else {
      // The bytes arrive as a plain Uint8Array over the moved buffer; a Buffer view gives the parser memchr.
      const bytes = Buffer.from(job.bytes!.buffer, job.bytes!.byteOffset, job.bytes!.byteLength);
      const memory = job.bytes!.buffer;
      answer = {
        id: job.id,
        partial: parser.parse(bytes, job.truncations),
        buffer: memory instanceof ArrayBuffer ? memory : undefined,
      };
    }
  } catch (e) {
    answer = { id: job.id, error: (e as Error)?.stack ?? String(e) };
  }
  const moved =
    'partial' in answer ? [...partialTransferList(answer.partial), ...(answer.buffer ? [answer.buffer] : [])] : [];
  parentPort!.postMessage(answer, moved);
});
