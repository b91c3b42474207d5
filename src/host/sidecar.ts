/**
 * The sidecar that serves this page, as a FlameScope data source (the same class Grafana loads, its data-proxy URL
 * mapped to this origin by the page's BackendSrv), and the catalog helpers the page needs around it.
 */
import { DataSourceInstanceSettings } from '@grafana/data';
import { getBackendSrv } from '@grafana/runtime';
import { lastValueFrom } from 'rxjs';
import { map } from 'rxjs/operators';
import { FlameScopeDataSource } from '../datasource/datasource';
import { FlameScopeOptions, ProfileEntry, SIDECAR_ROUTE } from '../datasource/types';
import { toQueryError } from '../datasource/errors';
import { answers, retrying } from '../datasource/retry';
import { SIDECAR_DS_URL } from './runtime';
import { instanceSettings } from './settings';

export const SIDECAR_UID = 'flamescope-sidecar';
const SIDECAR_TYPE = 'flamescope-flamescope-datasource';

export function sidecarSettings(): DataSourceInstanceSettings<FlameScopeOptions> {
  return instanceSettings(SIDECAR_UID, SIDECAR_TYPE, 'FlameScope sidecar', { url: SIDECAR_DS_URL });
}

export function createSidecarDataSource(): FlameScopeDataSource {
  return new FlameScopeDataSource(sidecarSettings());
}

/** Profiles that can be shown: the catalog less its skipped objects (licences, indexes, unsupported compression). */
export function viewable(entries: ProfileEntry[]): ProfileEntry[] {
  return entries.filter((e) => e.status !== 'skipped');
}

/** A profile's wall-clock span when the catalog knows it (parsed). */
export function knownSpan(entry: ProfileEntry | undefined): { firstMs: number; lastMs: number } | undefined {
  return entry?.spanKnown && entry.from !== undefined && entry.to !== undefined
    ? { firstMs: entry.from, lastMs: entry.to }
    : undefined;
}

interface HeatmapMeta {
  schema?: { meta?: { custom?: { profiles?: Array<{ from?: number; to?: number }> } } };
}

/**
 * A profile's span when the catalog does not know it yet: a whole-profile heat map of one cell makes the sidecar
 * parse it and answers with its span. While the profile is being parsed it is asked again as the data source asks
 * (the same retry, through the same data-proxy stand-in); a failure rejects as a DataQueryError.
 */
export async function resolveSpan(id: string): Promise<{ firstMs: number; lastMs: number }> {
  const request = () =>
    getBackendSrv()
      .fetch<HeatmapMeta>({
        url: `${SIDECAR_DS_URL}/${SIDECAR_ROUTE}/api/v1/heatmap`,
        method: 'GET',
        params: { profile: id, rows: '1', maxColumns: '1' },
        showErrorAlert: false,
      })
      .pipe(map((response) => response.data));
  let meta: HeatmapMeta;
  try {
    meta = await lastValueFrom(retrying(request).pipe(answers()));
  } catch (e) {
    throw toQueryError(e, 'span');
  }
  const span = meta.schema?.meta?.custom?.profiles?.[0];
  if (span?.from === undefined || span.to === undefined) {
    throw new Error(`the sidecar did not say when ${id} was recorded`);
  }
  return { firstMs: span.from, lastMs: span.to };
}
