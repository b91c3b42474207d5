/**
 * The sidecar's catalog entry (GET /api/v1/profiles), shared by the sidecar that writes it and the data source that
 * reads it.
 */
import type { ProfileFormat } from '../profile/store';

export interface CatalogEntry {
  id: string;
  size: number;
  etag: string;
  lastModified: string;
  status: 'ready' | 'parsing' | 'not-parsed' | 'failed' | 'skipped';
  /**
   * What the bytes are (perf-script, cpuprofile, chrome-trace, nflxprofile, folded): once parsed, and for a `.json`
   * object from its first bytes before that.
   */
  format?: ProfileFormat;
  /** Why it is skipped or failed. */
  reason?: string;
  progress?: { bytesRead: number; totalBytes: number };
  /** Ready or parsing: whether warm-up loaded it, before any query asked for it (the sidecar's --warm-recent). */
  warmed?: boolean;
  host?: string;
  events?: string[];
  samples?: number;
  /** Wall-clock span in epoch ms: exact when parsed, else estimated from the key and last-modified time. */
  from?: number;
  to?: number;
  spanKnown: boolean;
  /** How the profile was placed on the wall clock (see sidecar/profiles/anchor.ts). */
  anchor?: { method: string; precisionMs: number; startEpochMs: number };
  warnings?: number;
}
