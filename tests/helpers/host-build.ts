/**
 * The viewer page the browser tests open is lib/host, built from the sources: rebuilt when it is missing or older
 * than any of the page's, the panel's, the data source's or the engine's sources, so a test never runs stale code.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const SOURCES = ['src/host', 'src/panel', 'src/datasource', 'src/profile', 'src/dataframes'];

export function buildHostIfStale(): void {
  const built = join(ROOT, 'lib', 'host', 'index.html');
  const newest = Math.max(...SOURCES.map((d) => newestMtime(join(ROOT, d))));
  if (!existsSync(built) || statSync(built).mtimeMs < newest) {
    execFileSync('npm', ['run', '--silent', 'build:host'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  }
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}
