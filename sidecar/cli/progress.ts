/**
 * "reading 120 MiB of 480 MiB (25%)" on stderr while a long parse runs — only on a terminal, never on a pipe, and
 * at most ten times a second.
 */
export interface Progress {
  update(bytesRead: number, totalBytes: number | undefined): void;
  done(): void;
}

const MiB = 1024 * 1024;

export function terminalProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY) {
    return { update() {}, done() {} };
  }
  const started = Date.now();
  let last = 0;
  let shown = false;
  return {
    update(bytesRead, totalBytes) {
      const now = Date.now();
      if (now - last < 100 || now - started < 300) {
        return;
      }
      last = now;
      shown = true;
      const read = (bytesRead / MiB).toFixed(0);
      const text =
        totalBytes && totalBytes > 0
          ? `reading ${read} MiB of ${(totalBytes / MiB).toFixed(0)} MiB (${Math.floor((100 * bytesRead) / totalBytes)}%)`
          : `reading ${read} MiB`;
      stream.write(`\r${text}\x1b[K`);
    },
    done() {
      if (shown) {
        stream.write('\r\x1b[K');
      }
    },
  };
}
