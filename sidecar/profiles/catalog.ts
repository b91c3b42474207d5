/**
 * The profile catalog: every object under a prefix, with what is known about it — size, version, and once parsed:
 * format, host, events, sample count and wall-clock span; while parsing: progress; objects that are not profiles are
 * listed as skipped, with the reason; folders that could not be listed as failed, with the reason.
 *
 * Formats come from the bytes, never the name: a parsed profile says what it was read as; a `.json` object is a
 * profile only when its first 4 KiB say so (a .cpuprofile or a Chrome trace), read once per version (sniff.ts).
 * Other objects are not read until they are asked for, so a listing stays one LIST call.
 *
 * `warmed` says whether a loaded (or loading) profile was loaded by warm-up, before any query asked for it.
 */
import { timeSpan, toDisplayText, totalSamples } from '../../src/profile';
import { CatalogEntry } from '../../src/dataframes/catalog';
import { ObjectInfo, ObjectStorage } from '../storage/types';
import { AnchorOptions, instantInKey } from './anchor';
import { LoadedProfile, ProfileService } from './profile-service';
import { FormatSniffer } from './sniff';

const NOT_PROFILES: Array<[RegExp, string]> = [
  [/\.idx$/, 'a FlameScope index, not a profile'],
  [/\.(zst|zstd)$/i, 'zstd compression is not supported (use gzip)'],
  [/\.(xz|lzma)$/i, 'xz compression is not supported (use gzip)'],
  [/\.bz2$/i, 'bzip2 compression is not supported (use gzip)'],
  [/\.(md|html?|svg|png|jpe?g|gif|pdf|zip|tar|csv|yaml|yml)$/i, 'not a profile (by its extension)'],
  [/(^|\/)(LICENSE|LICENCE|NOTICE|README)[^/]*$/i, 'a licence or readme file'],
  [/(^|\/)perf\.data(\.old)?$/, 'binary perf.data: run `perf script --header` on it first'],
];

export function skipReason(info: ObjectInfo): string | undefined {
  if (info.size === 0) {
    return 'empty object';
  }
  return NOT_PROFILES.find(([pattern]) => pattern.test(info.key))?.[1];
}

/** JSON objects (plain or gzip): profiles only when their bytes say so. */
const JSON_KEY = /\.json(\.gz)?$/i;
const NOT_A_JSON_PROFILE = 'JSON that is not a profile (neither a .cpuprofile nor a Chrome trace, by its first bytes)';
/** Heads of JSON objects read at once while listing. */
const SNIFF_CONCURRENCY = 8;

export type { CatalogEntry };

export class Catalog {
  private readonly sniffer: FormatSniffer;

  constructor(
    private readonly storage: ObjectStorage,
    private readonly profiles: ProfileService,
    private readonly anchorOptions: AnchorOptions
  ) {
    this.sniffer = new FormatSniffer(storage);
  }

  /** Entries under `prefix`; with a range, only profiles that (may) overlap [from, to) epoch ms. */
  async list(prefix: string, range?: { from: number; to: number }, includeSkipped = true): Promise<CatalogEntry[]> {
    const described: CatalogEntry[] = [];
    const sniffs: Array<() => Promise<void>> = [];
    for await (const info of this.storage.list(prefix)) {
      // A folder that could not be listed is reported in the catalog, but is never a profile to load.
      if (info.listingError !== undefined && !includeSkipped) {
        continue;
      }
      const entry = this.describe(info);
      const at = described.push(entry) - 1;
      if (entry.status === 'not-parsed' && JSON_KEY.test(info.key)) {
        sniffs.push(async () => {
          described[at] = await this.withSniffedFormat(entry, info);
        });
      }
    }
    await runLimited(sniffs, SNIFF_CONCURRENCY);
    return described.filter(
      (entry) =>
        (includeSkipped || entry.status !== 'skipped') &&
        (!range || (entry.status !== 'skipped' && overlaps(entry, range)))
    );
  }

  /** Whether the object may be a profile worth loading: not skipped, and for a `.json` its head says so. */
  async isProfile(info: ObjectInfo): Promise<boolean> {
    if (info.listingError !== undefined || skipReason(info) !== undefined) {
      return false;
    }
    if (!JSON_KEY.test(info.key)) {
      return true;
    }
    const { format } = await this.sniffer.sniff(info);
    return format !== undefined && format !== 'perf-script';
  }

  /** A not-parsed JSON object with the format its head says, or skipped when it is no profile. */
  private async withSniffedFormat(entry: CatalogEntry, info: ObjectInfo): Promise<CatalogEntry> {
    let format;
    try {
      format = (await this.sniffer.sniff(info)).format;
    } catch {
      return entry; // unreadable now: listed as it is, and a query will say why
    }
    if (format === undefined || format === 'perf-script') {
      const { id, size, etag, lastModified } = entry;
      return { id, size, etag, lastModified, spanKnown: false, status: 'skipped', reason: NOT_A_JSON_PROFILE };
    }
    return { ...entry, format };
  }

  describe(info: ObjectInfo): CatalogEntry {
    const base = {
      id: info.key,
      size: info.size,
      etag: info.etag,
      lastModified: info.lastModified.toISOString(),
      spanKnown: false,
    };
    if (info.listingError !== undefined) {
      return { ...base, size: 0, etag: '', status: 'failed', reason: info.listingError };
    }
    const skip = skipReason(info);
    if (skip) {
      return { ...base, status: 'skipped', reason: skip };
    }
    const loaded = this.profiles.peek(info.key, info.etag);
    if (loaded) {
      if (JSON_KEY.test(info.key) && loaded.store.format === 'perf-script') {
        return { ...base, status: 'skipped', reason: NOT_A_JSON_PROFILE };
      }
      return { ...base, ...summary(loaded), warmed: loaded.warmed };
    }
    const estimate = {
      from: instantInKey(info.key, this.anchorOptions.keyTimePattern),
      to: info.lastModified.getTime(),
    };
    const state = this.profiles.state(info.key, info.etag);
    if (state?.state === 'parsing') {
      return {
        ...base,
        ...estimate,
        status: 'parsing',
        progress: { bytesRead: state.bytesRead, totalBytes: state.totalBytes },
        warmed: this.profiles.warming(info.key, info.etag),
      };
    }
    if (state?.state === 'failed') {
      return { ...base, ...estimate, status: 'failed', reason: state.message };
    }
    return { ...base, ...estimate, status: 'not-parsed' };
  }
}

function summary(p: LoadedProfile): Omit<CatalogEntry, 'id' | 'size' | 'etag' | 'lastModified'> {
  const span = timeSpan(p.store);
  const out: Omit<CatalogEntry, 'id' | 'size' | 'etag' | 'lastModified'> = {
    spanKnown: false,
    status: 'ready',
    format: p.store.format,
    host: p.store.header.hostname === undefined ? undefined : toDisplayText(p.store.header.hostname),
    events: p.store.events.map(toDisplayText),
    samples: totalSamples(p.store),
    anchor: p.anchor,
    warnings: p.store.warnings.reduce((n, w) => n + w.count, 0),
  };
  if (span && p.anchor) {
    out.from = p.anchor.startEpochMs + span.firstNs / 1e6;
    out.to = p.anchor.startEpochMs + span.lastNs / 1e6;
    out.spanKnown = true;
  }
  return out;
}

/** Runs the tasks, at most `limit` at a time. */
async function runLimited(tasks: Array<() => Promise<void>>, limit: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      await tasks[next++]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
}

/** Known span: it overlaps. Unknown: the capture began at or after the key's instant and ended by lastModified. */
function overlaps(entry: CatalogEntry, range: { from: number; to: number }): boolean {
  return (entry.from ?? -Infinity) < range.to && (entry.to ?? Infinity) >= range.from;
}
