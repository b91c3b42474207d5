/**
 * Profiles in a local folder (the embedded default: the bundled examples). Keys are paths relative to the root;
 * every resolved path is checked to stay inside the root, symlinks included. Hidden names (a path segment starting
 * with `.`) are neither listed nor served.
 *
 * Error messages reach HTTP clients: they name keys, never the server's absolute paths. The root's real path is
 * resolved on every call, so a root that is deleted, restored, or swapped for a symlink is seen at once.
 */
import { createHash } from 'node:crypto';
import { constants, promises as fs, Stats } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { checkKey, checkPrefix, ObjectInfo, ObjectStorage, StorageError } from './types';
import { FileChunks } from '../io/file-chunks';

const ROOT_UNAVAILABLE = 'the profile folder is missing or unreadable';
/** Never blocks on a FIFO or device planted under the root (ignored for regular files). */
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

export class FileStorage implements ObjectStorage {
  readonly description: string;
  private readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
    this.description = `file://${this.root}`;
  }

  async probe(): Promise<void> {
    try {
      await fs.access(this.root, constants.R_OK | constants.X_OK);
      if ((await fs.stat(this.root)).isDirectory()) {
        return;
      }
    } catch {
      // reported below
    }
    throw new StorageError('unavailable', ROOT_UNAVAILABLE);
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    checkPrefix(prefix);
    const out: ObjectInfo[] = [];
    await this.walk(this.root, '', prefix, out);
    out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    yield* out;
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    const path = await this.pathOf(key);
    if (path === undefined) {
      return this.missing();
    }
    let stat: Stats;
    try {
      stat = await fs.stat(path);
      if (stat.isFile()) {
        // Readable too: a profile that cannot be read is reported as such here, before any parse is started.
        await fs.access(path, constants.R_OK);
      }
    } catch (e) {
      if (isMissing(e)) {
        return this.missing();
      }
      throw await this.failure(key, e);
    }
    return stat.isFile() ? infoOf(key, stat) : undefined;
  }

  async get(key: string): Promise<{ info: ObjectInfo; body: AsyncIterable<Uint8Array> }> {
    const path = await this.pathOf(key);
    if (path === undefined) {
      await this.missing();
      throw notFound(key);
    }
    // Opened here, not when the stream is first read: a permission error is a StorageError before streaming starts,
    // and the bytes streamed are those of the file whose size and version are returned.
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(path, OPEN_FLAGS);
    } catch (e) {
      if (isMissing(e)) {
        await this.missing();
        throw notFound(key);
      }
      throw await this.failure(key, e);
    }
    let stat: Stats;
    try {
      stat = await handle.stat();
    } catch (e) {
      await handle.close().catch(() => undefined);
      throw await this.failure(key, e);
    }
    if (!stat.isFile()) {
      await handle.close().catch(() => undefined);
      throw notFound(key);
    }
    return { info: infoOf(key, stat), body: new FileChunks(handle, 1 << 20) };
  }

  async put(key: string, bytes: Uint8Array): Promise<void> {
    const path = await this.pathOf(key);
    if (path === undefined) {
      throw new StorageError('bad-key', `cannot write ${key}: hidden names (starting with ".") are not stored`);
    }
    const temp = `${path}.${process.pid}.tmp`;
    try {
      await fs.writeFile(temp, bytes);
      await fs.rename(temp, path);
    } catch (e) {
      await fs.rm(temp, { force: true }).catch(() => undefined);
      throw await this.failure(key, e, 'write');
    }
  }

  /** The root's current real path (it may have been replaced by a symlink since start). */
  private async realRoot(): Promise<string> {
    try {
      return await fs.realpath(this.root);
    } catch {
      throw new StorageError('unavailable', ROOT_UNAVAILABLE);
    }
  }

  /**
   * The absolute path of a key, refusing anything that resolves outside the root (`..`, symlinks); undefined for a
   * hidden key (a segment starting with `.`, before or after resolving symlinks), which is never served.
   */
  private async pathOf(key: string): Promise<string | undefined> {
    checkKey(key);
    const realRoot = await this.realRoot();
    if (isHidden(key.split('/'))) {
      return undefined;
    }
    const path = join(this.root, ...key.split('/'));
    const real = await realpathOfExisting(path, this.root, realRoot);
    if (!(real === realRoot || real.startsWith(realRoot.endsWith(sep) ? realRoot : realRoot + sep))) {
      throw new StorageError('bad-key', `profile id ${key} points outside the profile folder`);
    }
    if (isHidden(relative(realRoot, real).split(sep))) {
      return undefined;
    }
    return path;
  }

  /** A key that is not there: not found, unless the whole folder is gone or unreadable. */
  private async missing(): Promise<undefined> {
    await this.probe();
    return undefined;
  }

  /** A failure reading `key`: the folder's own trouble when the whole folder is gone or unreadable, else the key's. */
  private async failure(key: string, e: unknown, verb = 'read'): Promise<StorageError> {
    try {
      await this.probe();
    } catch (rootError) {
      return rootError as StorageError;
    }
    return storageError(key, e, verb);
  }

  /**
   * Every file under `dir` whose key starts with `prefix`, not descending into folders that cannot hold one. A folder
   * that cannot be listed becomes an entry with `listingError`; the root itself throws.
   */
  private async walk(dir: string, dirKey: string, prefix: string, out: ObjectInfo[]): Promise<void> {
    let entries;
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch (e) {
      if (dirKey === '') {
        throw new StorageError('unavailable', ROOT_UNAVAILABLE);
      }
      if (!isMissing(e)) {
        // Gone meanwhile is not an error; anything else is reported instead of silently dropping its profiles.
        out.push(folderError(dirKey, e));
      }
      return;
    }
    let fileError: unknown;
    for (const entry of entries) {
      if (entry.name.startsWith('.')) {
        continue;
      }
      const key = dirKey + entry.name;
      if (entry.isDirectory()) {
        const sub = `${key}/`;
        if (sub.startsWith(prefix) || prefix.startsWith(sub)) {
          await this.walk(join(dir, entry.name), sub, prefix, out);
        }
      } else if (entry.isFile() && key.startsWith(prefix)) {
        try {
          out.push(infoOf(key, await fs.stat(join(dir, entry.name))));
        } catch (e) {
          // A folder that can be read but not searched lists names whose details cannot be read.
          if (!isMissing(e)) {
            fileError ??= e;
          }
        }
      }
    }
    if (fileError !== undefined) {
      if (dirKey === '') {
        throw new StorageError('unavailable', ROOT_UNAVAILABLE);
      }
      out.push(folderError(dirKey, fileError));
    }
  }
}

function infoOf(key: string, stat: Stats): ObjectInfo {
  return {
    key,
    size: stat.size,
    etag: createHash('sha1').update(`${stat.size}:${stat.mtimeMs}:${stat.ino}`).digest('hex').slice(0, 16),
    lastModified: stat.mtime,
    metadata: {},
  };
}

function folderError(dirKey: string, e: unknown): ObjectInfo {
  return {
    key: dirKey,
    size: 0,
    etag: '',
    lastModified: new Date(0),
    listingError: `cannot list this folder: ${reasonOf(e)}`,
  };
}

function isHidden(segments: string[]): boolean {
  return segments.some((s) => s.startsWith('.'));
}

/** The real path of `path`, or of its deepest existing ancestor (not above the root) with the rest appended. */
async function realpathOfExisting(path: string, root: string, realRoot: string): Promise<string> {
  const rest: string[] = [];
  let current = path;
  while (current.length > root.length) {
    try {
      return join(await fs.realpath(current), ...rest);
    } catch {
      const cut = current.lastIndexOf(sep);
      rest.unshift(current.slice(cut + 1));
      current = current.slice(0, cut);
    }
  }
  return join(realRoot, ...rest);
}

function codeOf(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException | undefined)?.code;
}

function isMissing(e: unknown): boolean {
  return codeOf(e) === 'ENOENT' || codeOf(e) === 'ENOTDIR';
}

function notFound(key: string): StorageError {
  return new StorageError('not-found', `no profile ${key}`);
}

/** A file-system failure as one sentence naming the key only (Node's own messages contain the absolute path). */
function storageError(key: string, e: unknown, verb = 'read'): StorageError {
  const code = codeOf(e);
  const kind = code === 'EACCES' || code === 'EPERM' ? 'denied' : 'unavailable';
  return new StorageError(kind, `cannot ${verb} ${key}: ${reasonOf(e)}`);
}

const REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOENT: 'it does not exist',
  ENOTDIR: 'a parent is not a folder',
  EISDIR: 'it is a folder',
  ELOOP: 'too many levels of symbolic links',
  ENAMETOOLONG: 'the name is too long',
  EIO: 'input/output error',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files',
  ENOSPC: 'no space left on the device',
  EROFS: 'read-only file system',
  ESTALE: 'stale file handle',
  EBUSY: 'the file is busy',
  ETIMEDOUT: 'the file system timed out',
};

function reasonOf(e: unknown): string {
  const code = codeOf(e);
  if (code === undefined) {
    return 'unexpected error';
  }
  return REASONS[code] ?? `file-system error ${code}`;
}
