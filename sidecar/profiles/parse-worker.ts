/**
 * The parse worker script (lib/parse-worker.cjs), in one of two roles: a pool worker that downloads and parses one
 * profile (parse-job-worker.ts), or a thread parsing chunks of one (parse-chunk-worker.ts) that such a worker or the
 * CLI starts. One bundle for both keeps the image's files as they are; each role loads only its own modules (a chunk
 * thread never loads the S3 SDK: ~200 ms and ~20 MB a thread).
 */
import { workerData } from 'node:worker_threads';
import { CHUNK_ROLE } from './chunk-workers';

if ((workerData as { role?: string } | null)?.role === CHUNK_ROLE) {
  void import('./parse-chunk-worker');
} else {
  void import('./parse-job-worker');
}
