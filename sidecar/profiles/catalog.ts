/**
 * The profile catalog: every object under a prefix, with what is known about it — size, version, and once parsed:
 * host, events, sample count and wall-clock span; while parsing: progress; objects that are not profiles are listed
 * as skipped, with the reason; folders that could not be listed as failed, with the reason.
 */
import { timeSpan, toDisplayText } from '../../src/profile';
import { CatalogEntry } from '../../src/dataframes/catalog';
import { ObjectInfo, ObjectStorage } from '../storage/types';
import { AnchorOptions, instantInKey } from './anchor';
import { LoadedProfile, ProfileService } from './profile-service';

const NOT_PROFILES: Array<[RegExp, string]> = [
  [/\.idx$/, 'a FlameScope index, not a profile'],
  [/\.(zst|zstd)$/i, 'zstd compression is not supported (use gzip)'],
  [/\.(xz|lzma)$/i, 'xz compression is not supported (use gzip)'],
  [/\.bz2$/i, 'bzip2 compression is not supported (use gzip)'],
  [
    /\.(md|json|html?|svg|png|jpe?g|gif|pdf|zip|tar|folded|csv|yaml|yml)$/i,
    'not a perf script file (by its extension)',
  ],
  [/(^|\/)(LICENSE|LICENCE|NOTICE|README)[^/]*$/i, 'a licence or readme file'],
  [/(^|\/)perf\.data(\.old)?$/, 'binary perf.data: run `perf script --header` on it first'],
];

export function skipReason(info: ObjectInfo): string | undefined {
  if (info.size === 0) {
    return 'empty object';
  }
  return NOT_PROFILES.find(([pattern]) => pattern.test(info.key))?.[1];
}

export type { CatalogEntry };

export class Catalog {
  constructor(
    private readonly storage: ObjectStorage,
    private readonly profiles: ProfileService,
    private readonly anchorOptions: AnchorOptions
  ) {}

  /** Entries under `prefix`; with a range, only profiles that (may) overlap [from, to) epoch ms. */
  async list(prefix: string, range?: { from: number; to: number }, includeSkipped = true): Promise<CatalogEntry[]> {
    const entries: CatalogEntry[] = [];
    for await (const info of this.storage.list(prefix)) {
      // A folder that could not be listed is reported in the catalog, but is never a profile to load.
      if (info.listingError !== undefined && !includeSkipped) {
        continue;
      }
      const entry = this.describe(info);
      if (entry.status === 'skipped' && !includeSkipped) {
        continue;
      }
      if (range && (entry.status === 'skipped' || !overlaps(entry, range))) {
        continue;
      }
      entries.push(entry);
    }
    return entries;
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
      return { ...base, ...summary(loaded) };
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
    host: p.store.header.hostname === undefined ? undefined : toDisplayText(p.store.header.hostname),
    events: p.store.events.map(toDisplayText),
    samples: p.store.sampleCount,
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

/** Known span: it overlaps. Unknown: the capture began at or after the key's instant and ended by lastModified. */
function overlaps(entry: CatalogEntry, range: { from: number; to: number }): boolean {
  return (entry.from ?? -Infinity) < range.to && (entry.to ?? Infinity) >= range.from;
}
