/**
 * Profiles in a local folder (the embedded default: the bundled examples). Keys are paths relative to the root;
 * every resolved path is checked to stay inside the root, symlinks included.
 */
import { createHash } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { checkKey, checkPrefix, ObjectInfo, ObjectStorage, StorageError } from './types';

export class FileStorage implements ObjectStorage {
  readonly description: string;
  private readonly root: string;
  private realRoot: Promise<string>;

  constructor(root: string) {
    this.root = resolve(root);
    this.description = `file://${this.root}`;
    this.realRoot = fs.realpath(this.root).catch(() => this.root);
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    checkPrefix(prefix);
    const files: string[] = [];
    await this.walk(this.root, files);
    files.sort();
    for (const path of files) {
      const key = relative(this.root, path).split(sep).join('/');
      if (!key.startsWith(prefix)) {
        continue;
      }
      const info = await this.head(key).catch(() => undefined);
      if (info) {
        yield info;
      }
    }
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    const path = await this.pathOf(key);
    try {
      const stat = await fs.stat(path);
      if (!stat.isFile()) {
        return undefined;
      }
      return {
        key,
        size: stat.size,
        etag: createHash('sha1').update(`${stat.size}:${stat.mtimeMs}:${stat.ino}`).digest('hex').slice(0, 16),
        lastModified: stat.mtime,
        metadata: {},
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') {
        return undefined;
      }
      throw new StorageError('unavailable', `cannot read ${key}: ${(e as Error).message}`);
    }
  }

  async get(key: string): Promise<{ info: ObjectInfo; body: AsyncIterable<Uint8Array> }> {
    const info = await this.head(key);
    if (!info) {
      throw new StorageError('not-found', `no profile ${key}`);
    }
    return { info, body: createReadStream(await this.pathOf(key), { highWaterMark: 1 << 20 }) };
  }

  async put(key: string, bytes: Uint8Array): Promise<void> {
    const path = await this.pathOf(key);
    const temp = `${path}.${process.pid}.tmp`;
    await fs.writeFile(temp, bytes);
    await fs.rename(temp, path);
  }

  /** The absolute path of a key, refusing anything that resolves outside the root (`..`, symlinks). */
  private async pathOf(key: string): Promise<string> {
    checkKey(key);
    const path = join(this.root, ...key.split('/'));
    const realRoot = await this.realRoot;
    const real = await fs.realpath(path).catch(() => path);
    if (!(real === realRoot || real.startsWith(realRoot + sep) || real.startsWith(this.root + sep))) {
      throw new StorageError('bad-key', `profile id ${key} points outside the profile folder`);
    }
    return path;
  }

  private async walk(dir: string, out: string[]) {
    let entries;
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch (e) {
      if (dir === this.root) {
        throw new StorageError('unavailable', `cannot list ${this.root}: ${(e as Error).message}`);
      }
      return;
    }
    for (const entry of entries) {
      if (entry.name.startsWith('.')) {
        continue;
      }
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        await this.walk(path, out);
      } else if (entry.isFile()) {
        out.push(path);
      }
    }
  }
}
